/*
 * time.c - kernel clocks and sleeping (kernel layer): monotonic and wall
 * time on top of the arch clock, and clock_sleep_until() which arms the
 * one-shot timer and halts until the deadline (boot code; threads sleep
 * through the scheduler, sched_sleep_until). clock_rearm arms the timer
 * for the earliest of the kernel tick, a boot sleeper, the kernel timers
 * (kernel/timer.c: timerfd, POSIX timers, itimers) and the scheduler's
 * deadlines (blocked threads' timeouts, the quantum end). Also a minimal periodic tick
 * (clock_tick_register: the network stack's timers) that shares the one
 * one-shot timer with sleepers: the timer is armed for the earlier of the
 * sleeper's deadline and the next tick. Called by sys/ time syscalls, klog,
 * drivers, net/ (tick) and the arch timer interrupt (clock_timer_interrupt).
 */
#include "kernel/kernel.h"
#include "kernel/time.h"
#include "kernel/sched.h"
#include "kernel/timer.h"
#include "arch.h"

u64 clock_now_ns(void)
{
	return arch_clock_ns();
}

u64 clock_realtime_ns(void)
{
	return arch_realtime_base_ns() + arch_clock_ns();
}

static void (*tick_fn)(void);
static u64 tick_period_ns, tick_next_ns;
static u64 sleep_deadline_ns; /* 0: nobody sleeping */

/*
 * What each CPU's one-shot timer is armed for (0: nothing armed). Arming
 * is a privileged write (TSC-deadline MSR or LAPIC register) and costly
 * under emulation (a QEMU timer reprogrammed each time), and the
 * scheduler asks for a rearm on every wakeup and switch. So the timer is
 * only written when the new deadline is earlier than the armed one: a
 * later or no deadline leaves the earlier one armed, which then fires
 * early, and the interrupt recomputes and arms again.
 */
static u64 clock_armed_ns[ARCH_MAX_CPUS];

void clock_rearm(void)
{
	u64 d = tick_fn ? tick_next_ns : 0;
	u64 s = sched_next_deadline();
	u64 k = ktimer_next_deadline();
	u64 *armed = &clock_armed_ns[arch_cpu_index()];

	if (k && (!d || k < d))
		d = k;
	if (sleep_deadline_ns && (!d || sleep_deadline_ns < d))
		d = sleep_deadline_ns;
	if (s && (!d || s < d))
		d = s;
	if (!d || (*armed && *armed <= d))
		return; /* an earlier interrupt is coming: it re-arms */
	*armed = d;
	arch_timer_arm(d);
}

void clock_tick_register(void (*fn)(void), u64 period_ns)
{
	tick_fn = fn;
	tick_period_ns = period_ns;
	tick_next_ns = clock_now_ns() + period_ns;
	clock_rearm();
}

void clock_timer_interrupt(void)
{
	u64 now = clock_now_ns();

	clock_armed_ns[arch_cpu_index()] = 0; /* one-shot: it fired */
	if (tick_fn && now >= tick_next_ns) {
		tick_next_ns = now + tick_period_ns;
		tick_fn();
	}
	ktimer_run(now); /* before sched_timer: callbacks may wake threads */
	sched_timer(now);
	clock_rearm();
}

void clock_sleep_until(u64 deadline_ns)
{
	sleep_deadline_ns = deadline_ns;
	while (clock_now_ns() < deadline_ns) {
		clock_rearm();
		if (clock_now_ns() >= deadline_ns)
			break;
		arch_wait_irq();
	}
	sleep_deadline_ns = 0;
	clock_rearm();
}
