/*
 * vdso.c - the vDSO's code (user mode, arch layer): linked into the
 * position-independent shared object linux-vdso.so.1 that the kernel maps
 * into the program (AT_SYSINFO_EHDR). Exports, with symbol version
 * LINUX_2.6 as Linux does, __vdso_clock_gettime, __vdso_gettimeofday,
 * __vdso_time, __vdso_getcpu, __vdso_clock_getres and the unprefixed
 * aliases. Time comes from the [vvar] page (vvar.h) and the TSC with the
 * kernel's own formula; anything the page cannot serve (kvmclock, CPU-time
 * and alarm clocks, unknown ids, no RDPID/RDTSCP for getcpu) is the real
 * syscall. Freestanding: no libc, no relocations, no writable data.
 * Called by libc (glibc, musl) and the Go runtime; built by
 * arch/x86_64/vdso/build.mk, never part of the kernel's own code.
 */
#include "types.h"
#include "arch/x86_64/vdso/vvar.h"

#define NR_gettimeofday	 96
#define NR_time		 201
#define NR_clock_gettime 228
#define NR_clock_getres	 229
#define NR_getcpu	 309

#define CLOCK_REALTIME	       0
#define CLOCK_MONOTONIC	       1
#define CLOCK_MONOTONIC_RAW    4
#define CLOCK_REALTIME_COARSE  5
#define CLOCK_MONOTONIC_COARSE 6
#define CLOCK_BOOTTIME	       7
#define CLOCK_TAI	       11

#define NSEC_PER_SEC 1000000000ULL

struct vdso_timespec {
	s64 tv_sec, tv_nsec;
};

struct vdso_timeval {
	s64 tv_sec, tv_usec;
};

struct vdso_timezone {
	s32 tz_minuteswest, tz_dsttime;
};

/* the page just below the image (vdso.lds); hidden: a RIP-relative access */
extern const struct vdso_data vvar_data __attribute__((visibility("hidden")));

#define barrier()    __asm__ volatile("" ::: "memory")
#define READ_ONCE(x) (*(const volatile __typeof__(x) *)&(x))

static long vdso_syscall3(long nr, long a0, long a1, long a2)
{
	long ret;

	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "0"(nr), "D"(a0), "S"(a1), "d"(a2)
			 : "rcx", "r11", "memory");
	return ret;
}

/* the TSC, not read ahead of the loads before it */
static inline u64 vdso_rdtsc(void)
{
	u32 lo, hi;

	__asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi)::"memory");
	return ((u64)hi << 32) | lo;
}

/* 1: a realtime clock, 0: a monotonic one, -1: not served here */
static inline int vdso_clock_kind(long clk)
{
	switch (clk) {
	case CLOCK_REALTIME:
	case CLOCK_REALTIME_COARSE:
	case CLOCK_TAI:
		return 1;
	case CLOCK_MONOTONIC:
	case CLOCK_MONOTONIC_RAW:
	case CLOCK_MONOTONIC_COARSE:
	case CLOCK_BOOTTIME:
		return 0;
	default:
		return -1;
	}
}

/* clock ns of a served clock into *ns: 0, or -1 when the syscall must answer
 * (inlined into each entry: one call and return less per reading) */
static inline __attribute__((always_inline)) int vdso_read_ns(long clk, u64 *ns)
{
	const struct vdso_data *d = &vvar_data;
	int realtime = vdso_clock_kind(clk);
	u32 seq;
	u64 v;

	if (realtime < 0)
		return -1;
	for (;;) {
		seq = READ_ONCE(d->seq);
		barrier();
		if (seq & 1) {
			__asm__ volatile("pause");
			continue;
		}
		/* a zero page (not filled, or dropped by madvise) says NONE too */
		if (READ_ONCE(d->clock_mode) != VDSO_CLOCK_TSC)
			return -1;
		v = (u64)(((unsigned __int128)(vdso_rdtsc() - READ_ONCE(d->tsc_base)) *
			   READ_ONCE(d->ns_mult)) >>
			  32);
		if (realtime)
			v += READ_ONCE(d->realtime_base);
		barrier();
		if (READ_ONCE(d->seq) == seq)
			break;
	}
	*ns = v;
	return 0;
}

int __vdso_clock_gettime(long clk, struct vdso_timespec *ts);
int __vdso_clock_gettime(long clk, struct vdso_timespec *ts)
{
	u64 ns;

	if (vdso_read_ns(clk, &ns))
		return (int)vdso_syscall3(NR_clock_gettime, clk, (long)ts, 0);
	ts->tv_sec = (s64)(ns / NSEC_PER_SEC);
	ts->tv_nsec = (s64)(ns % NSEC_PER_SEC);
	return 0;
}

int __vdso_gettimeofday(struct vdso_timeval *tv, struct vdso_timezone *tz);
int __vdso_gettimeofday(struct vdso_timeval *tv, struct vdso_timezone *tz)
{
	u64 ns;

	if (vdso_read_ns(CLOCK_REALTIME, &ns))
		return (int)vdso_syscall3(NR_gettimeofday, (long)tv, (long)tz, 0);
	if (tv) {
		tv->tv_sec = (s64)(ns / NSEC_PER_SEC);
		tv->tv_usec = (s64)(ns / 1000 % 1000000);
	}
	if (tz) {
		tz->tz_minuteswest = 0;
		tz->tz_dsttime = 0;
	}
	return 0;
}

long __vdso_time(long *t);
long __vdso_time(long *t)
{
	u64 ns;
	long s;

	if (vdso_read_ns(CLOCK_REALTIME, &ns))
		return vdso_syscall3(NR_time, (long)t, 0, 0);
	s = (long)(ns / NSEC_PER_SEC);
	if (t)
		*t = s;
	return s;
}

int __vdso_getcpu(unsigned *cpu, unsigned *node, void *unused);
int __vdso_getcpu(unsigned *cpu, unsigned *node, void *unused)
{
	u32 mode = READ_ONCE(vvar_data.cpu_mode);
	u64 aux;

	if (mode == VDSO_CPU_RDPID) {
		__asm__ volatile("rdpid %0" : "=r"(aux));
	} else if (mode == VDSO_CPU_RDTSCP) {
		u32 lo, hi, c;

		__asm__ volatile("rdtscp" : "=a"(lo), "=d"(hi), "=c"(c));
		aux = c;
	} else {
		return (int)vdso_syscall3(NR_getcpu, (long)cpu, (long)node, (long)unused);
	}
	if (cpu)
		*cpu = (unsigned)(aux & 0xfff);
	if (node)
		*node = (unsigned)((aux >> 12) & 0xfffff);
	return 0;
}

int __vdso_clock_getres(long clk, struct vdso_timespec *res);
int __vdso_clock_getres(long clk, struct vdso_timespec *res)
{
	/* the same clocks as clock_gettime; the kernel's answer otherwise */
	if (vdso_clock_kind(clk) < 0 || READ_ONCE(vvar_data.clock_mode) != VDSO_CLOCK_TSC)
		return (int)vdso_syscall3(NR_clock_getres, clk, (long)res, 0);
	if (res) {
		res->tv_sec = 0;
		res->tv_nsec = (clk == CLOCK_REALTIME_COARSE || clk == CLOCK_MONOTONIC_COARSE)
				   ? (s64)READ_ONCE(vvar_data.coarse_res_ns)
				   : 1;
	}
	return 0;
}

/* the unprefixed names Linux's vDSO exports too */
int clock_gettime(long clk, struct vdso_timespec *ts)
    __attribute__((weak, alias("__vdso_clock_gettime")));
int gettimeofday(struct vdso_timeval *tv, struct vdso_timezone *tz)
    __attribute__((weak, alias("__vdso_gettimeofday")));
long time(long *t) __attribute__((weak, alias("__vdso_time")));
int getcpu(unsigned *cpu, unsigned *node, void *unused)
    __attribute__((weak, alias("__vdso_getcpu")));
int clock_getres(long clk, struct vdso_timespec *res)
    __attribute__((weak, alias("__vdso_clock_getres")));
