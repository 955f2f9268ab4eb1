/*
 * timer.c - kernel timers (kernel layer): a list of armed struct ktimer
 * sorted by monotonic deadline. ktimer_arm inserts (and re-arms the
 * one-shot hardware timer through clock_rearm when the new deadline is
 * the earliest); the timer interrupt (clock_timer_interrupt) calls
 * ktimer_run, which pops every expired timer and runs its callback; a
 * callback may re-arm its own timer (interval timers re-arm strictly in
 * the future, so the loop ends). Nothing polls: with no timer armed the
 * hardware timer is not programmed for it at all.
 *
 * Locking: like the scheduler, the list is touched only with interrupts
 * off (syscalls, the timer interrupt) and, on SMP, under the big kernel
 * lock that every kernel entry takes.
 * Callers: fs/timerfd.c, sys/sys_timer.c, kernel/time.c.
 */
#include "kernel/kernel.h"
#include "kernel/time.h"
#include "kernel/timer.h"
#include "arch.h"

static struct ktimer *timer_head;
static unsigned timer_count;

void ktimer_init(struct ktimer *t, ktimer_fn fn, void *arg)
{
	t->next = NULL;
	t->deadline_ns = 0;
	t->fn = fn;
	t->arg = arg;
	t->armed = false;
}

static void ktimer_unlink(struct ktimer *t)
{
	struct ktimer **pp = &timer_head;

	while (*pp && *pp != t)
		pp = &(*pp)->next;
	if (*pp) {
		*pp = t->next;
		timer_count--;
	}
	t->next = NULL;
	t->armed = false;
}

static void ktimer_insert(struct ktimer *t, u64 deadline_ns)
{
	struct ktimer **pp = &timer_head;

	/* equal deadlines keep arming order */
	while (*pp && (*pp)->deadline_ns <= deadline_ns)
		pp = &(*pp)->next;
	t->deadline_ns = deadline_ns;
	t->next = *pp;
	*pp = t;
	t->armed = true;
	timer_count++;
}

void ktimer_arm(struct ktimer *t, u64 deadline_ns)
{
	if (t->armed)
		ktimer_unlink(t);
	ktimer_insert(t, deadline_ns ? deadline_ns : 1);
	if (timer_head == t)
		clock_rearm();
}

void ktimer_cancel(struct ktimer *t)
{
	if (t->armed)
		ktimer_unlink(t);
	/* the hardware timer may stay armed for t's old deadline: the
	 * interrupt then finds nothing due and re-arms for the next one */
}

void ktimer_run(u64 now_ns)
{
	while (timer_head && timer_head->deadline_ns <= now_ns) {
		struct ktimer *t = timer_head;

		timer_head = t->next;
		timer_count--;
		t->next = NULL;
		t->armed = false;
		t->fn(t, now_ns);
	}
}

u64 ktimer_next_deadline(void)
{
	return timer_head ? timer_head->deadline_ns : 0;
}

unsigned ktimer_armed_count(void)
{
	return timer_count;
}

/* ---- helpers for the timer syscalls ---- */

int ktimer_spec_check(const struct ktimer_spec *s)
{
	if (s->interval_sec < 0 || s->interval_nsec < 0 || s->interval_nsec >= 1000000000 ||
	    s->value_sec < 0 || s->value_nsec < 0 || s->value_nsec >= 1000000000)
		return -EINVAL;
	return 0;
}

u64 ktimer_ts_ns(s64 sec, s64 nsec)
{
	if (sec < 0 || nsec < 0)
		return 0;
	if ((u64)sec >= KTIMER_NS_MAX / 1000000000ull)
		return KTIMER_NS_MAX;
	return (u64)sec * 1000000000ull + (u64)nsec;
}

void ktimer_ns_ts(u64 ns, s64 *sec, s64 *nsec)
{
	*sec = (s64)(ns / 1000000000ull);
	*nsec = (s64)(ns % 1000000000ull);
}

u64 ktimer_realtime_to_mono(u64 rt_ns)
{
	u64 base = arch_realtime_base_ns();

	return rt_ns > base ? rt_ns - base : 1;
}

u64 ktimer_forward(u64 *next, u64 interval, u64 now)
{
	u64 n;

	if (!interval || now < *next)
		return 0;
	n = (now - *next) / interval; /* further periods that passed */
	*next += (n + 1) * interval;
	return n;
}
