/*
 * signal.h - signal sending and delivery for kernel code
 * (sys/sys_signal.c): kill/tgkill, fault signals from the trap code, the
 * delivery step on every return to user mode, and the internal
 * -ERESTARTSYS that blocking syscalls return so an interrupted call is
 * restarted (SA_RESTART or an ignored signal) or fails with -EINTR.
 */
#ifndef SYS_SIGNAL_H
#define SYS_SIGNAL_H

#include "types.h"

struct thread;
struct user_regs;

#define ERESTARTSYS 512 /* never reaches user mode */

#define SI_USER 0
#define SI_KERNEL 0x80
#define SI_TKILL (-6)

/* queue sig for thread t (t NULL: the process); 0 or -EINVAL */
int signal_send(struct thread *t, int sig, s32 code, s32 pid, u64 addr);
/* a synchronous fault: true when a handler will run (queued for the
 * current thread), false when the default action must end the program */
bool signal_fault(int sig, s32 code, u64 addr);
/* before returning to user mode (interrupts off): run the default action
 * or set up a handler frame; syscall_nr >= 0 when returning from that
 * syscall (restart handling of -ERESTARTSYS), -1 from a trap */
void signal_deliver(struct user_regs *r, long syscall_nr);

#endif
