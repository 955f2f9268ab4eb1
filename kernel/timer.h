/*
 * timer.h - kernel timers (kernel layer, kernel/timer.c): a callback run
 * at a monotonic deadline from the timer interrupt (interrupts off). The
 * one-shot LAPIC/TSC-deadline timer is armed for the earliest of these,
 * the scheduler's deadlines and the kernel tick (kernel/time.c
 * clock_rearm). Users: timerfd (fs/timerfd.c), POSIX timers, itimers and
 * alarm (sys/sys_timer.c).
 */
#ifndef KERNEL_TIMER_H
#define KERNEL_TIMER_H

#include "types.h"

struct ktimer;
/* runs with interrupts off, from the timer interrupt; may re-arm t */
typedef void (*ktimer_fn)(struct ktimer *t, u64 now_ns);

struct ktimer {
	struct ktimer *next; /* the sorted list of armed timers */
	u64 deadline_ns;     /* monotonic */
	ktimer_fn fn;
	void *arg;
	bool armed;
};

void ktimer_init(struct ktimer *t, ktimer_fn fn, void *arg);
/* (re-)arm for deadline_ns (monotonic; in the past: fires at once) */
void ktimer_arm(struct ktimer *t, u64 deadline_ns);
/* disarm (no-op when not armed); the callback does not run afterwards */
void ktimer_cancel(struct ktimer *t);
/* clock_timer_interrupt: run the callbacks whose deadline passed */
void ktimer_run(u64 now_ns);
/* earliest armed deadline, 0 if none (clock_rearm) */
u64 ktimer_next_deadline(void);
/* how many timers are armed (tests, klog) */
unsigned ktimer_armed_count(void);

/* ---- helpers for the timer syscalls (timerfd, POSIX timers, itimers) ---- */
#define KTIMER_NS_MAX (1ull << 62) /* ~146 years: "never" for practical purposes */
struct ktimer_spec {		   /* struct itimerspec: interval, then value */
	s64 interval_sec, interval_nsec;
	s64 value_sec, value_nsec;
};
/* a user timespec pair: -EINVAL unless 0 <= nsec < 1e9 and sec >= 0 */
int ktimer_spec_check(const struct ktimer_spec *s);
/* sec/nsec (checked) to ns, clamped to KTIMER_NS_MAX */
u64 ktimer_ts_ns(s64 sec, s64 nsec);
void ktimer_ns_ts(u64 ns, s64 *sec, s64 *nsec);
/* an absolute CLOCK_REALTIME time as a monotonic deadline (1 if past) */
u64 ktimer_realtime_to_mono(u64 rt_ns);
/* the deadline for n periods of interval after next that passes now:
 * returns the periods skipped (expirations missed, >= 0) and moves *next */
u64 ktimer_forward(u64 *next, u64 interval, u64 now);

#endif
