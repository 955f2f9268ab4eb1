/*
 * fault.h - ending the program on a fatal user exception (kernel layer),
 * the way Linux's default signal action would: exit status 128 + signal.
 * Called by the arch trap code; prints a report when the manifest has
 * fault:t (kernel/fault.c). Programs with a handler for the signal get
 * it delivered instead (sys/sys_signal.c).
 */
#ifndef KERNEL_FAULT_H
#define KERNEL_FAULT_H

#include "types.h"

#define FAULT_SIGILL 4
#define FAULT_SIGTRAP 5
#define FAULT_SIGBUS 7
#define FAULT_SIGFPE 8
#define FAULT_SIGSEGV 11

struct user_regs;
/* a handler for the signal: queued (delivered on the way out); else the
 * program ends with 128 + signo */
void user_fault(struct user_regs *r, int signo, u64 addr, const char *what);

#endif
