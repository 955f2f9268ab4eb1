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
struct sig_info_k;

#define ERESTARTSYS 512 /* never reaches user mode */

#define SI_USER 0
#define SI_KERNEL 0x80
#define SI_TKILL (-6)
#define SI_TIMER (-2)

/* queue sig for thread t (t NULL: the process); 0 or -EINVAL */
int signal_send(struct thread *t, int sig, s32 code, s32 pid, u64 addr);
/* the same with a full siginfo: 1 queued, 0 not queued (already
 * pending, or ignored and discarded), -EINVAL */
int signal_queue(struct thread *t, int sig, const struct sig_info_k *ik);
/* take the lowest pending signal of set (current thread's, then the
 * process's); 0 if none (signalfd reads) */
int signal_dequeue(u64 set, struct sig_info_k *ik);
/* hooks: a signal became pending (fs/signalfd.c wakes its pollers); a
 * SI_TIMER signal was dequeued (sys/sys_timer.c sets ik->overrun and
 * re-arms an interval timer) */
void signalfd_notify(void);
void posix_timer_dequeued(int sig, struct sig_info_k *ik);
/* a synchronous fault: true when a handler will run (queued for the
 * current thread), false when the default action must end the program */
bool signal_fault(int sig, s32 code, u64 addr);
/* before returning to user mode (interrupts off): run the default action
 * or set up a handler frame; syscall_nr >= 0 when returning from that
 * syscall (restart handling of -ERESTARTSYS), -1 from a trap */
void signal_deliver(struct user_regs *r, long syscall_nr);

#endif
