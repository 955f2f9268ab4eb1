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

/* where exec put the pieces of the initial stack and when the program
 * started: /proc/self/{cmdline,environ,auxv,stat} (fs/proc.c) read them */
struct exec_layout {
	u64 arg_start, arg_end; /* the argv strings, contiguous */
	u64 env_start, env_end; /* the environment strings */
	u64 envp;		/* user address of envp[0] */
	u64 envc;
	u64 auxv, auxv_len;	/* the auxv pairs (bytes, AT_NULL included) */
	u64 stack_start;	/* the initial rsp */
	u64 start_ns;		/* clock_now_ns() at exec */
};
extern struct exec_layout exec_layout;

/* exec_protection:t: only the program's and its interpreter's X segments
 * and read-only mappings of files marked exec may be executable; anonymous
 * or writable memory never (mmap/mprotect EACCES; sys/sys_mm.c) */
extern bool exec_protection;

/* missing_files:t (sys/missing.c): syscall_dispatch calls
 * exec_missing_note when exec_missing_on and a call returned -ENOENT */
struct user_regs;
extern bool exec_missing_on;
void exec_missing_configure(void);
void exec_missing_note(u64 nr, const struct user_regs *r);

#endif
