/*
 * trace.h - strace-style syscall tracing (sys/ layer): with trace:t or
 * debugsyscalls:t in the manifest every syscall prints one line
 *   [tid] name(arg, "string", FLAG_A|FLAG_B) = ret
 *   [tid] open("/x", O_RDONLY) = -1 ENOENT (No such file or directory)
 * Called by syscall_dispatch; configured by the ELF loader from the
 * manifest (trace_configure).
 */
#ifndef SYS_TRACE_H
#define SYS_TRACE_H

#include "types.h"

struct user_regs;
struct value;
extern bool trace_on;
/* from the manifest: trace / debugsyscalls (everything), tracelist:[names]
 * (only these; turns tracing on), notrace:[names] (all but these) */
void trace_configure(struct value *config);
void trace_enter(u64 nr, const struct user_regs *r);
void trace_exit(u64 nr, const struct user_regs *r, long ret);
const char *trace_syscall_name(u64 nr); /* "syscall_N"-style "?" if unknown */

#endif
