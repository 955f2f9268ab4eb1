/*
 * sched.h - the scheduler and wait queues (kernel layer, kernel/sched.c).
 *
 * Model: the kernel runs with interrupts off and under the big kernel
 * lock (arch/x86_64/smp_lock.c), which is the scheduler's lock; one run
 * queue serves every CPU (affinity masks honoured). A thread
 * blocks with sched_block() (optionally until a monotonic deadline) and is
 * made runnable by sched_wake(); the timer interrupt expires deadlines and
 * ends a thread's quantum (SCHED_QUANTUM_NS) when others are ready;
 * preemption happens only on the way back to user mode
 * (sched_return_to_user). A CPU with nothing to run halts in its idle
 * thread; a reschedule IPI wakes it. Used by thread.c, futex, time, sys/,
 * drivers (wait queues) and the arch IPI/SMP code.
 */
#ifndef KERNEL_SCHED_H
#define KERNEL_SCHED_H

#include "types.h"

struct thread;

#define SCHED_QUANTUM_NS 4000000ULL /* 4 ms */

void sched_init(void);                 /* boot CPU: idle thread, run queue */
/* an application processor (kernel lock held) joins: never returns */
NORETURN void sched_ap_start(void);
/* reschedule IPI arrived (kernel lock held): rearm this CPU's timer */
void sched_resched_interrupt(void);
/* the CPUs t may run on (sched_setaffinity); moves it off a CPU it left */
void sched_set_affinity(struct thread *t, u64 mask);
u64 sched_online_mask(void);           /* bit n: CPU n runs threads */
/* the thread that runs first (already installed by thread_switch_to) */
void sched_set_first(struct thread *t);
void sched_add(struct thread *t);      /* a new thread becomes runnable */
/* first thing a new thread does on its first run (frees the dead, rearms) */
void sched_finish_switch(void);
/* give up the CPU: the caller stays runnable unless it blocked or died */
void schedule(void);
/*
 * Block the current thread until sched_wake(), the monotonic deadline
 * (0: none) or, when interruptible, a signal becomes deliverable.
 * Interrupts must be off (they are in syscalls). Returns 0 (woken),
 * -ETIMEDOUT or -EINTR.
 */
int sched_block(u64 deadline_ns, bool interruptible);
void sched_wake(struct thread *t);     /* no-op unless t is blocked */
/* a signal arrived: an interruptibly blocked t wakes with -EINTR; a t
 * running on another CPU is kicked into the kernel to take it */
void sched_interrupt(struct thread *t);
u64 sched_switch_count(void);          /* context switches, all CPUs */
/* CPU time (ns) of a thread / of all threads, living and dead (idle time
 * is nobody's) */
u64 sched_thread_cpu_ns(struct thread *t);
u64 sched_process_cpu_ns(void);
/* sleep until the deadline; -EINTR when a signal interrupts it */
int sched_sleep_until(u64 deadline_ns, bool interruptible);
bool sched_active(void);               /* threads are being scheduled */
/* timer interrupt: expire deadlines, end the quantum */
void sched_timer(u64 now_ns);
u64 sched_next_deadline(void);         /* earliest timer the clock must arm; 0 none */
/* last step before returning to user mode (interrupts off) */
void sched_return_to_user(void);
/* whether sched_return_to_user may have work on CPU `cpu` (the cheap test
 * syscall_dispatch makes first): threads are ready or a switch is due */
extern unsigned sched_rq_len;
extern u64 sched_resched_mask; /* bit n: CPU n switches on its way to user mode */
static inline bool sched_exit_work(unsigned cpu)
{
	return sched_rq_len || ((sched_resched_mask >> cpu) & 1);
}
/* the current thread ends: never returns (its memory is freed later) */
NORETURN void sched_exit_current(void);
void sched_yield(void);

/* ---- wait queues: the blocking primitive for syscalls and drivers ---- */
struct wait_entry {
	struct wait_entry *next, *prev;
	struct thread *t;
	bool woken;
};
struct wait_queue {
	struct wait_entry head; /* circular list; head.t unused */
};
void waitq_init(struct wait_queue *q);
/*
 * Wait on q: the caller checked its condition with interrupts off, so no
 * wakeup is lost. Returns 0 (woken), -ETIMEDOUT (deadline, monotonic ns;
 * 0 = none) or -EINTR (interruptible and a signal is pending). Callers
 * re-check their condition in a loop.
 */
int waitq_wait(struct wait_queue *q, u64 deadline_ns, bool interruptible);
/* wake up to n waiters (n < 0: all); returns how many; interrupt-safe */
int waitq_wake(struct wait_queue *q, int n);

#endif
