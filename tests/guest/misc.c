/*
 * misc.c - guest test: process and system information. uname, the ids,
 * set_tid_address, set_robust_list, clocks (clock_gettime, clock_getres,
 * gettimeofday, time; monotonic never goes back), nanosleep and
 * clock_nanosleep sleep at least what was asked, getrandom,
 * sched_getaffinity, sysinfo, prlimit64/getrlimit/setrlimit,
 * rt_sigaction returns the old action, rt_sigprocmask, arch_prctl FS,
 * ENOSYS for an unknown system call number, EFAULT on bad pointers.
 *
 * Layer: guest test program; run natively and under monos by
 * tests/suites/60-guest (also built as static-PIE).
 */
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/sysinfo.h>
#include <sys/time.h>
#include <sys/utsname.h>
#include <time.h>

#include "gtest.h"

static long long ns_of(const struct timespec *t)
{
	return (long long)t->tv_sec * 1000000000ll + t->tv_nsec;
}

static long long mono_ns(void)
{
	struct timespec t;

	syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &t);
	return ns_of(&t);
}

static void test_ids(void)
{
	struct utsname u;
	long tid, r;
	int dummy;

	memset(&u, 0, sizeof(u));
	r = uname(&u);
	CHECK("uname",
	      r == 0 && u.sysname[0] && u.release[0] >= '0' && u.release[0] <= '9' &&
		  u.version[0] && !strcmp(u.machine, "x86_64"),
	      "ret %ld sysname '%s' release '%s' machine '%s'", r, u.sysname, u.release, u.machine);
	CHECK_ERR("uname_efault", syscall(SYS_uname, GT_BAD), EFAULT);

	tid = syscall(SYS_gettid);
	CHECK("getpid", getpid() > 0, "%d", getpid());
	CHECK_RET("gettid_is_pid", tid, getpid());
	CHECK("getppid", getppid() >= 0, "%d", getppid());
	CHECK_RET("uid_euid", getuid(), geteuid());
	CHECK_RET("gid_egid", getgid(), getegid());
	CHECK_RET("set_tid_address", syscall(SYS_set_tid_address, &dummy), tid);
	{
		long head[3] = {0, 0, 0};

		head[0] = (long)head;
		CHECK_RET("set_robust_list", syscall(SYS_set_robust_list, head, 24), 0);
		CHECK_ERR("set_robust_list_bad_len", syscall(SYS_set_robust_list, head, 7), EINVAL);
	}
	CHECK_ERR("enosys_1000", syscall(1000), ENOSYS);
	CHECK_ERR("enosys_huge", syscall(0x7fffffff), ENOSYS);
}

static void test_clocks(void)
{
	struct timespec a, b, res;
	struct timeval tv;
	long long prev, bad = 0, t0, el;
	long r;
	time_t t;

	r = syscall(SYS_clock_gettime, CLOCK_REALTIME, &a);
	CHECK("clock_realtime",
	      r == 0 && a.tv_sec > 1600000000 && a.tv_nsec >= 0 && a.tv_nsec < 1000000000,
	      "ret %ld %lld.%09ld", r, (long long)a.tv_sec, a.tv_nsec);
	r = syscall(SYS_gettimeofday, &tv, NULL);
	CHECK("gettimeofday",
	      r == 0 && llabs((long long)tv.tv_sec - a.tv_sec) <= 2 && tv.tv_usec >= 0 &&
		  tv.tv_usec < 1000000,
	      "ret %ld %lld vs %lld", r, (long long)tv.tv_sec, (long long)a.tv_sec);
	t = syscall(SYS_time, NULL);
	CHECK("time", llabs((long long)t - a.tv_sec) <= 2, "%lld vs %lld", (long long)t,
	      (long long)a.tv_sec);
	{
		time_t t2 = 0;

		syscall(SYS_time, &t2);
		CHECK("time_store", llabs((long long)t2 - a.tv_sec) <= 2, "%lld", (long long)t2);
	}
	prev = mono_ns();
	for (int i = 0; i < 2000; i++) {
		long long now = mono_ns();

		bad += now < prev;
		prev = now;
	}
	CHECK("monotonic_never_back", bad == 0, "%lld backward steps", bad);
	syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &a);
	for (volatile int i = 0; i < 3000000; i++)
		;
	syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &b);
	CHECK("monotonic_advances", ns_of(&b) > ns_of(&a), "%lld -> %lld", ns_of(&a), ns_of(&b));
	r = syscall(SYS_clock_getres, CLOCK_MONOTONIC, &res);
	CHECK("clock_getres", r == 0 && ns_of(&res) > 0 && ns_of(&res) <= 1000000,
	      "ret %ld res %lld ns", r, ns_of(&res));
	CHECK_ERR("clock_gettime_bad_id", syscall(SYS_clock_gettime, 12345, &a), EINVAL);
	CHECK_ERR("clock_gettime_efault", syscall(SYS_clock_gettime, CLOCK_MONOTONIC, GT_BAD),
		  EFAULT);
	CHECK_ERR("gettimeofday_efault", syscall(SYS_gettimeofday, GT_KERNEL_ADDR, NULL), EFAULT);

	a = (struct timespec){0, 20 * 1000000};
	t0 = mono_ns();
	r = syscall(SYS_nanosleep, &a, NULL);
	el = mono_ns() - t0;
	CHECK("nanosleep_20ms", r == 0 && el >= 20000000 && el < 2000000000ll,
	      "ret %ld slept %lld ns", r, el);
	a = (struct timespec){0, 2000000000};
	CHECK_ERR("nanosleep_bad_nsec", syscall(SYS_nanosleep, &a, NULL), EINVAL);
	CHECK_ERR("nanosleep_efault", syscall(SYS_nanosleep, GT_BAD, NULL), EFAULT);
	a = (struct timespec){0, 10 * 1000000};
	t0 = mono_ns();
	r = syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, &a, NULL);
	el = mono_ns() - t0;
	CHECK("clock_nanosleep_rel", r == 0 && el >= 10000000, "ret %ld slept %lld ns", r, el);
	t0 = mono_ns() + 15000000;
	a = (struct timespec){t0 / 1000000000, t0 % 1000000000};
	r = syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, TIMER_ABSTIME, &a, NULL);
	el = mono_ns();
	CHECK("clock_nanosleep_abs", r == 0 && el >= t0, "ret %ld woke %lld ns early", r, t0 - el);
	a = (struct timespec){0, 0};
	CHECK_RET("nanosleep_zero", syscall(SYS_nanosleep, &a, NULL), 0);
}

static void test_random_cpu(void)
{
	unsigned char a[64], b[64];
	struct sysinfo si;
	cpu_set_t set;
	long r1, r2, r;
	int nz = 0;

	memset(a, 0, sizeof(a));
	memset(b, 0, sizeof(b));
	r1 = syscall(SYS_getrandom, a, sizeof(a), 0);
	r2 = syscall(SYS_getrandom, b, sizeof(b), 1 /* GRND_NONBLOCK */);
	for (size_t i = 0; i < sizeof(a); i++)
		nz += a[i] != 0;
	CHECK("getrandom", r1 == 64 && r2 == 64 && nz > 32 && memcmp(a, b, sizeof(a)),
	      "ret %ld/%ld, %d nonzero bytes", r1, r2, nz);
	CHECK_ERR("getrandom_bad_flags", syscall(SYS_getrandom, a, 8, 0x100), EINVAL);
	CHECK_ERR("getrandom_efault", syscall(SYS_getrandom, GT_BAD, 8, 0), EFAULT);

	CPU_ZERO(&set);
	r = syscall(SYS_sched_getaffinity, 0, sizeof(set), &set);
	CHECK("sched_getaffinity",
	      r >= 8 && r <= (long)sizeof(set) && r % 8 == 0 && CPU_COUNT(&set) >= 1,
	      "ret %ld count %d", r, CPU_COUNT(&set));
	CHECK_ERR("sched_getaffinity_small", syscall(SYS_sched_getaffinity, 0, 1, &set), EINVAL);
	CHECK_ERR("sched_getaffinity_efault",
		  syscall(SYS_sched_getaffinity, 0, sizeof(set), GT_BAD), EFAULT);

	memset(&si, 0, sizeof(si));
	r = sysinfo(&si);
	CHECK("sysinfo",
	      r == 0 && si.mem_unit >= 1 &&
		  (unsigned long long)si.totalram * si.mem_unit >= (16ull << 20) &&
		  si.freeram <= si.totalram && (long)si.uptime >= 0 &&
		  (long)si.uptime < 100000000l && si.procs >= 1,
	      "ret %ld total %lu free %lu unit %u procs %u", r, si.totalram, si.freeram,
	      si.mem_unit, si.procs);
	CHECK_ERR("sysinfo_efault", syscall(SYS_sysinfo, GT_BAD), EFAULT);
}

static void test_rlimit(void)
{
	struct rlimit old, set, now;
	long r;

	r = syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, NULL, &old);
	CHECK("prlimit_get", r == 0 && old.rlim_cur > 0 && old.rlim_cur <= old.rlim_max,
	      "ret %ld cur %llu max %llu", r, (unsigned long long)old.rlim_cur,
	      (unsigned long long)old.rlim_max);
	set = old;
	set.rlim_cur = old.rlim_cur > 64 ? 64 : old.rlim_cur - 1;
	r = syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, &set, &now);
	CHECK("prlimit_set_returns_old", r == 0 && now.rlim_cur == old.rlim_cur, "ret %ld cur %llu",
	      r, (unsigned long long)now.rlim_cur);
	r = getrlimit(RLIMIT_NOFILE, &now);
	CHECK("prlimit_set_reads_back",
	      r == 0 && now.rlim_cur == set.rlim_cur && now.rlim_max == set.rlim_max,
	      "ret %ld cur %llu want %llu", r, (unsigned long long)now.rlim_cur,
	      (unsigned long long)set.rlim_cur);
	CHECK_RET("setrlimit_restore", setrlimit(RLIMIT_NOFILE, &old), 0);
	set.rlim_cur = old.rlim_max;
	set.rlim_max = old.rlim_max > 2 ? old.rlim_max / 2 : 0;
	CHECK_ERR("setrlimit_cur_over_max", setrlimit(RLIMIT_NOFILE, &set), EINVAL);
	r = getrlimit(RLIMIT_STACK, &now);
	CHECK("getrlimit_stack", r == 0 && now.rlim_cur >= (64u << 10), "ret %ld cur %llu", r,
	      (unsigned long long)now.rlim_cur);
	CHECK_ERR("getrlimit_bad_resource", syscall(SYS_getrlimit, 999, &now), EINVAL);
	CHECK_ERR("getrlimit_efault", syscall(SYS_getrlimit, RLIMIT_NOFILE, GT_BAD), EFAULT);
}

static void h1(int sig)
{
	(void)sig;
}

static void h2(int sig)
{
	(void)sig;
}

static void test_signals(void)
{
	struct sigaction sa, old, cur;
	sigset_t set, got;
	long r;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = h1;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGUSR2);
	CHECK_RET("sigaction_set", sigaction(SIGUSR1, &sa, NULL), 0);
	sa.sa_handler = h2;
	sa.sa_flags = 0;
	sigemptyset(&sa.sa_mask);
	memset(&old, 0, sizeof(old));
	CHECK_RET("sigaction_swap", sigaction(SIGUSR1, &sa, &old), 0);
	CHECK("sigaction_old",
	      old.sa_handler == h1 && (old.sa_flags & SA_RESTART) &&
		  sigismember(&old.sa_mask, SIGUSR2) == 1 && sigismember(&old.sa_mask, SIGINT) == 0,
	      "handler %s flags %#x", old.sa_handler == h1 ? "h1" : "other", old.sa_flags);
	memset(&cur, 0, sizeof(cur));
	r = sigaction(SIGUSR1, NULL, &cur);
	CHECK("sigaction_query", r == 0 && cur.sa_handler == h2 && !(cur.sa_flags & SA_RESTART),
	      "ret %ld", r);
	sa.sa_handler = SIG_DFL;
	sigaction(SIGUSR1, &sa, NULL);
	CHECK_ERR("sigaction_sigkill", sigaction(SIGKILL, &sa, NULL), EINVAL);
	CHECK_ERR("sigaction_sig0", syscall(SYS_rt_sigaction, 0, NULL, &cur, 8), EINVAL);
	CHECK_ERR("sigaction_sig65", syscall(SYS_rt_sigaction, 65, NULL, &cur, 8), EINVAL);
	CHECK_ERR("sigaction_bad_setsize", syscall(SYS_rt_sigaction, SIGUSR1, NULL, &cur, 4),
		  EINVAL);
	CHECK_ERR("sigaction_efault", syscall(SYS_rt_sigaction, SIGUSR1, GT_BAD, NULL, 8), EFAULT);

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	CHECK_RET("sigprocmask_block", sigprocmask(SIG_BLOCK, &set, NULL), 0);
	sigemptyset(&got);
	r = sigprocmask(SIG_BLOCK, NULL, &got);
	CHECK("sigprocmask_reads_back",
	      r == 0 && sigismember(&got, SIGUSR1) == 1 && sigismember(&got, SIGUSR2) == 0,
	      "ret %ld", r);
	CHECK_RET("sigprocmask_unblock", sigprocmask(SIG_UNBLOCK, &set, NULL), 0);
	r = sigprocmask(SIG_BLOCK, NULL, &got);
	CHECK("sigprocmask_unblocked", r == 0 && sigismember(&got, SIGUSR1) == 0, "ret %ld", r);
	CHECK_ERR("sigprocmask_bad_how", syscall(SYS_rt_sigprocmask, 99, &set, NULL, 8), EINVAL);
	CHECK_ERR("sigprocmask_efault", syscall(SYS_rt_sigprocmask, SIG_BLOCK, GT_BAD, NULL, 8),
		  EFAULT);
}

/* raw system call without touching errno (FS may point elsewhere) */
static long raw2(long n, long a, long b)
{
	long ret;

	__asm__ volatile("syscall" : "=a"(ret) : "a"(n), "D"(a), "S"(b) : "rcx", "r11", "memory");
	return ret;
}

#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003

static void test_arch_prctl(void)
{
	static uintptr_t block[16];
	uintptr_t fs = 0, self, fs2 = 0, seen;
	long r1, r2, r3;

	r1 = raw2(SYS_arch_prctl, ARCH_GET_FS, (long)&fs);
	__asm__ volatile("mov %%fs:0, %0" : "=r"(self));
	CHECK("arch_prctl_get_fs", r1 == 0 && fs != 0 && fs == self, "ret %ld fs %#lx fs:0 %#lx",
	      r1, (unsigned long)fs, (unsigned long)self);
	block[0] = (uintptr_t)block;
	block[1] = 0x1234;
	r1 = raw2(SYS_arch_prctl, ARCH_SET_FS, (long)block);
	__asm__ volatile("mov %%fs:8, %0" : "=r"(seen));
	r2 = raw2(SYS_arch_prctl, ARCH_GET_FS, (long)&fs2);
	r3 = raw2(SYS_arch_prctl, ARCH_SET_FS, (long)fs); /* back to libc's TLS */
	CHECK("arch_prctl_set_fs",
	      r1 == 0 && r2 == 0 && r3 == 0 && seen == 0x1234 && fs2 == (uintptr_t)block,
	      "ret %ld/%ld/%ld, fs:8 %#lx", r1, r2, r3, (unsigned long)seen);
	CHECK_ERR("arch_prctl_bad_code", syscall(SYS_arch_prctl, 0x9999, 0), EINVAL);
	CHECK_ERR("arch_prctl_get_efault", syscall(SYS_arch_prctl, ARCH_GET_FS, GT_BAD), EFAULT);
	CHECK_ERR("arch_prctl_set_noncanonical",
		  syscall(SYS_arch_prctl, ARCH_SET_FS, GT_NONCANON_ADDR), EPERM);
}

int main(void)
{
	gt_init();
	test_ids();
	test_clocks();
	test_random_cpu();
	test_rlimit();
	test_signals();
	test_arch_prctl();
	return gt_done();
}
