/*
 * sys_misc.c - process and system information syscalls (sys/ layer):
 * uname, the id calls (one process: pid 1, parent 0, root user), TLS
 * (arch_prctl, set_tid_address, set_robust_list), resource limits,
 * getrandom, sched_getaffinity/sched_yield, sysinfo (exit and exit_group
 * are in sys_thread.c).
 * Called through the syscall table.
 */
#include "kernel/kernel.h"
#include "kernel/thread.h"
#include "kernel/sched.h"
#include "kernel/mm/mm.h"
#include "sys/syscalls.h"
#include "arch.h"

#define ARCH_SET_GS 0x1001
#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003
#define ARCH_GET_GS 0x1004

#define RLIMIT_STACK 3
#define RLIMIT_NOFILE 7
#define RLIMIT_NLIMITS 16
#define RLIM_INFINITY (~0ULL)

struct utsname {
	char sysname[65], nodename[65], release[65], version[65], machine[65], domainname[65];
};

struct rlimit64 {
	u64 cur, max;
};

#define INF { RLIM_INFINITY, RLIM_INFINITY }
static struct rlimit64 rlimits[RLIMIT_NLIMITS] = {
	INF,				/* CPU */
	INF,				/* FSIZE */
	INF,				/* DATA */
	{ 8ULL << 20, RLIM_INFINITY },	/* STACK */
	{ 0, RLIM_INFINITY },		/* CORE */
	INF,				/* RSS */
	{ 1, 1 },			/* NPROC: one process */
	{ 1024, 1024 },			/* NOFILE: the fd table holds 1024 */
	{ 8ULL << 20, 8ULL << 20 },	/* MEMLOCK */
	INF,				/* AS */
	INF,				/* LOCKS */
	{ 1024, 1024 },			/* SIGPENDING */
	{ 819200, 819200 },		/* MSGQUEUE */
	{ 0, 0 },			/* NICE */
	{ 0, 0 },			/* RTPRIO */
	INF,				/* RTTIME */
};
#undef INF

static void set_str(char *dst, const char *src)
{
	size_t n = strnlen(src, 64);

	memcpy(dst, src, n);
	dst[n] = 0;
}

long sys_uname(SYS_ARGS)
{
	struct utsname u;

	memset(&u, 0, sizeof(u));
	set_str(u.sysname, "Linux");
	set_str(u.nodename, "monos");
	set_str(u.release, "6.1.0-monos");
	set_str(u.version, "#1 SMP monos unikernel");
	set_str(u.machine, "x86_64");
	set_str(u.domainname, "(none)");
	return copy_to_user(a0, &u, sizeof(u));
}

long sys_getpid(SYS_ARGS)
{
	return 1;
}

long sys_gettid(SYS_ARGS)
{
	return current()->tid;
}

long sys_getppid(SYS_ARGS)
{
	return 0;
}

long sys_getuid(SYS_ARGS)
{
	return 0;
}

long sys_geteuid(SYS_ARGS)
{
	return 0;
}

long sys_getgid(SYS_ARGS)
{
	return 0;
}

long sys_getegid(SYS_ARGS)
{
	return 0;
}

long sys_set_tid_address(SYS_ARGS)
{
	current()->clear_child_tid = a0;
	return current()->tid;
}

long sys_set_robust_list(SYS_ARGS)
{
	if (a1 != 24) /* sizeof(struct robust_list_head) */
		return -EINVAL;
	current()->robust_list = a0;
	current()->robust_len = a1;
	return 0;
}

static bool canonical_user(u64 v)
{
	return v < (1ULL << 47);
}

long sys_arch_prctl(SYS_ARGS)
{
	struct thread *t = current();
	u64 v;

	switch (a0) {
	case ARCH_SET_FS:
		if (!canonical_user(a1))
			return -EPERM;
		t->fs_base = a1;
		arch_set_fs_base(a1);
		return 0;
	case ARCH_SET_GS:
		if (!canonical_user(a1))
			return -EPERM;
		t->gs_base = a1;
		arch_set_user_gs_base(a1);
		return 0;
	case ARCH_GET_FS:
		v = arch_get_fs_base();
		return copy_to_user(a1, &v, sizeof(v));
	case ARCH_GET_GS:
		v = arch_get_user_gs_base();
		return copy_to_user(a1, &v, sizeof(v));
	default:
		return -EINVAL;
	}
}

static long do_prlimit(u64 resource, u64 new_ptr, u64 old_ptr)
{
	struct rlimit64 nl;

	if (resource >= RLIMIT_NLIMITS)
		return -EINVAL;
	if (new_ptr) {
		if (copy_from_user(&nl, new_ptr, sizeof(nl)))
			return -EFAULT;
		if (nl.cur > nl.max)
			return -EINVAL;
		if (nl.max > rlimits[resource].max)
			return -EPERM;
	}
	if (old_ptr && copy_to_user(old_ptr, &rlimits[resource], sizeof(nl)))
		return -EFAULT;
	if (new_ptr)
		rlimits[resource] = nl;
	return 0;
}

long sys_prlimit64(SYS_ARGS)
{
	if (a0 != 0 && a0 != 1)
		return -ESRCH;
	return do_prlimit(a1, a2, a3);
}

long sys_getrlimit(SYS_ARGS)
{
	if (!a1)
		return -EFAULT;
	return do_prlimit(a0, 0, a1);
}

long sys_setrlimit(SYS_ARGS)
{
	if (!a1)
		return -EFAULT;
	return do_prlimit(a0, a1, 0);
}

long sys_getrandom(SYS_ARGS)
{
	u8 buf[256];
	u64 done = 0;

	if (a2 & ~7ULL)
		return -EINVAL;
	if (!user_range_ok(a0, a1))
		return -EFAULT;
	if (a1 > (1u << 25))
		a1 = 1u << 25; /* Linux returns at most 32 MiB per call */
	while (done < a1) {
		u64 n = MIN(sizeof(buf), a1 - done);

		random_bytes(buf, n);
		if (copy_to_user(a0 + done, buf, n))
			return done ? (long)done : -EFAULT;
		done += n;
	}
	return (long)done;
}

long sys_sched_getaffinity(SYS_ARGS)
{
	struct thread *t = a0 ? thread_find((int)a0) : current();
	u64 mask;

	if (!t)
		return -ESRCH;
	if (a1 < sizeof(u64) || (a1 & 7))
		return -EINVAL;
	mask = t->affinity & sched_online_mask();
	if (copy_to_user(a2, &mask, sizeof(mask)))
		return -EFAULT;
	return sizeof(mask);
}

long sys_sched_yield(SYS_ARGS)
{
	sched_yield();
	return 0;
}

struct sysinfo {
	s64 uptime;
	u64 loads[3];
	u64 totalram, freeram, sharedram, bufferram, totalswap, freeswap;
	u16 procs, pad;
	u64 totalhigh, freehigh;
	u32 mem_unit;
	char reserved[4];
};
_Static_assert(sizeof(struct sysinfo) == 112, "struct sysinfo is 112 bytes on x86-64");

long sys_sysinfo(SYS_ARGS)
{
	struct sysinfo si;

	memset(&si, 0, sizeof(si));
	si.uptime = (s64)(clock_now_ns() / 1000000000u);
	si.totalram = mm_total_pages() * PAGE_SIZE;
	si.freeram = mm_free_pages() * PAGE_SIZE;
	si.procs = 1;
	si.mem_unit = 1;
	return copy_to_user(a0, &si, sizeof(si));
}
