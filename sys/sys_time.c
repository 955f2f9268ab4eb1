/*
 * sys_time.c - time syscalls (sys/ layer): clock_gettime, clock_getres,
 * gettimeofday, time, nanosleep, clock_nanosleep. Monotonic clocks count
 * from kernel entry; realtime is the RTC/kvmclock wall time at boot plus
 * that. Sleeping arms the one-shot timer and halts (kernel/time.c).
 * The vDSO (arch/x86_64/vdso/user/vdso.c) answers clock_gettime,
 * gettimeofday, time and clock_getres in user mode with the same clocks,
 * conversions and resolutions: a change here must be made there too (the
 * guest test tests/guest/vdso compares both).
 */
#include "kernel/kernel.h"
#include "kernel/time.h"
#include "kernel/sched.h"
#include "kernel/thread.h"
#include "sys/syscalls.h"

#define TIMER_ABSTIME 1

struct timespec64 {
	s64 sec, nsec;
};

struct timeval64 {
	s64 sec, usec;
};

static int clock_read(u64 clk, u64 *ns)
{
	switch (clk) {
	case CLOCK_REALTIME:
	case CLOCK_REALTIME_COARSE:
	case CLOCK_REALTIME_ALARM:
	case CLOCK_TAI:
		*ns = clock_realtime_ns();
		return 0;
	case CLOCK_MONOTONIC:
	case CLOCK_MONOTONIC_RAW:
	case CLOCK_MONOTONIC_COARSE:
	case CLOCK_BOOTTIME:
	case CLOCK_BOOTTIME_ALARM:
		*ns = clock_now_ns();
		return 0;
	case CLOCK_PROCESS_CPUTIME_ID: /* scheduler accounting: running time */
		*ns = sched_active() ? sched_process_cpu_ns() : clock_now_ns();
		return 0;
	case CLOCK_THREAD_CPUTIME_ID:
		*ns = sched_active() ? sched_thread_cpu_ns(current()) : clock_now_ns();
		return 0;
	default:
		return -EINVAL;
	}
}

long sys_clock_gettime(SYS_ARGS)
{
	struct timespec64 ts;
	u64 ns;
	int err = clock_read(a0, &ns);

	if (err)
		return err;
	ts.sec = (s64)(ns / 1000000000u);
	ts.nsec = (s64)(ns % 1000000000u);
	return copy_to_user(a1, &ts, sizeof(ts));
}

long sys_clock_getres(SYS_ARGS)
{
	struct timespec64 ts = { 0, 1 };
	u64 ns;
	int err = clock_read(a0, &ns);

	if (err)
		return err;
	if (a0 == CLOCK_REALTIME_COARSE || a0 == CLOCK_MONOTONIC_COARSE)
		ts.nsec = 4000000;
	if (!a1)
		return 0;
	return copy_to_user(a1, &ts, sizeof(ts));
}

long sys_gettimeofday(SYS_ARGS)
{
	u64 ns = clock_realtime_ns();
	struct timeval64 tv = { (s64)(ns / 1000000000u), (s64)(ns / 1000 % 1000000) };
	static const u32 tz[2] = { 0, 0 };

	if (a0 && copy_to_user(a0, &tv, sizeof(tv)))
		return -EFAULT;
	if (a1 && copy_to_user(a1, tz, sizeof(tz)))
		return -EFAULT;
	return 0;
}

long sys_time(SYS_ARGS)
{
	s64 t = (s64)(clock_realtime_ns() / 1000000000u);

	if (a0 && copy_to_user(a0, &t, sizeof(t)))
		return -EFAULT;
	return t;
}

/* a sleep's timespec: far-future times are clamped */
static int read_timespec(u64 uptr, u64 *ns)
{
	int err = user_timespec_ns(uptr, UTS_MAX_SLEEP_SEC, ns);

	return err < 0 ? err : 0;
}

static long sleep_rel(u64 ns, u64 rem);

long sys_nanosleep(SYS_ARGS)
{
	u64 ns;
	int err = read_timespec(a0, &ns);

	if (err)
		return err;
	return sleep_rel(ns, a1);
}

/* sleep ns (interruptible); on a signal: -EINTR and the time left in rem */
static long sleep_rel(u64 ns, u64 rem)
{
	u64 deadline = clock_now_ns() + ns;

	if (sched_sleep_until(deadline, true) == -EINTR) {
		u64 now = clock_now_ns(), left = deadline > now ? deadline - now : 0;
		struct timespec64 ts = { (s64)(left / 1000000000u), (s64)(left % 1000000000u) };

		if (rem && copy_to_user(rem, &ts, sizeof(ts)))
			return -EFAULT;
		return -EINTR;
	}
	return 0;
}

long sys_clock_nanosleep(SYS_ARGS)
{
	u64 ns, now;
	int err;

	if (a1 & ~(u64)TIMER_ABSTIME)
		return -EINVAL;
	if (a0 == CLOCK_THREAD_CPUTIME_ID)
		return -EINVAL;
	err = clock_read(a0, &now);
	if (err)
		return err;
	err = read_timespec(a2, &ns);
	if (err)
		return err;
	if (a1 & TIMER_ABSTIME) {
		if (ns > now && sched_sleep_until(clock_now_ns() + (ns - now), true) == -EINTR)
			return -EINTR;
		return 0;
	}
	return sleep_rel(ns, a3);
}
