/*
 * exec.h - loading the program (sys/ layer): the ELF loader and the
 * initial stack (argv, envp, auxv) from the manifest. Called by init.
 */
#ifndef SYS_EXEC_H
#define SYS_EXEC_H

#include "types.h"

struct thread;
struct value;

/* load config's program with its arguments/environment into the address
 * space and point t's registers at the entry; prints a clear "monos: ..."
 * line and returns -errno on failure */
int exec_program(struct thread *t, struct value *config);

#endif
