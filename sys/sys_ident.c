/*
 * sys_ident.c - identity and accounting calls of the one process (sys/
 * layer): getrusage and times (CPU time from the scheduler's accounting,
 * all of it counted as user time; no children), capget/capset (version 3,
 * every capability held; capset accepts only what is held), getgroups
 * (none) / setgroups (no-op), the uid/gid setters as no-ops that succeed
 * for uid/gid 0 or -1 and fail with EPERM otherwise (the program runs as
 * root and stays so), getres[ug]id (0), process group / session calls
 * (pid 1 is its own group and session leader), and fork, vfork, execve,
 * execveat: ENOSYS (one process; named in the -ENOSYS log and the trace).
 * Called through the syscall table.
 */
#include "kernel/kernel.h"
#include "kernel/sched.h"
#include "kernel/thread.h"
#include "kernel/mm/mm.h"
#include "sys/syscalls.h"

#define RUSAGE_SELF 0
#define RUSAGE_CHILDREN ((u64)-1)
#define RUSAGE_THREAD 1
#define LINUX_CAPABILITY_VERSION_1 0x19980330
#define LINUX_CAPABILITY_VERSION_2 0x20071026
#define LINUX_CAPABILITY_VERSION_3 0x20080522
#define CAP_ALL_LOW 0xffffffffu
#define CAP_ALL_HIGH 0x000001ffu /* capabilities 32..40 */

struct k_timeval {
	s64 sec, usec;
};

struct k_rusage {
	struct k_timeval utime, stime;
	s64 rest[14]; /* maxrss ... nivcsw */
};
_Static_assert(sizeof(struct k_rusage) == 144, "struct rusage is 144 bytes");

struct k_tms {
	s64 utime, stime, cutime, cstime;
};

static u64 cpu_ns(bool thread)
{
	if (!sched_active())
		return clock_now_ns();
	return thread ? sched_thread_cpu_ns(current()) : sched_process_cpu_ns();
}

long sys_getrusage(SYS_ARGS)
{
	struct k_rusage ru = { 0 };
	u64 ns;

	if (a0 != RUSAGE_SELF && a0 != RUSAGE_THREAD && a0 != RUSAGE_CHILDREN &&
	    (s32)a0 != (s32)RUSAGE_CHILDREN)
		return -EINVAL;
	if (a0 == RUSAGE_SELF || a0 == RUSAGE_THREAD) {
		ns = cpu_ns(a0 == RUSAGE_THREAD);
		ru.utime.sec = (s64)(ns / 1000000000);
		ru.utime.usec = (s64)(ns % 1000000000 / 1000);
		ru.rest[0] = (s64)((mm_total_pages() - mm_free_pages()) * (PAGE_SIZE / 1024));
	}
	return copy_to_user(a1, &ru, sizeof(ru)) ? -EFAULT : 0;
}

long sys_times(SYS_ARGS)
{
	struct k_tms t = { (s64)(cpu_ns(false) / 10000000), 0, 0, 0 }; /* clock ticks of 10 ms */

	if (a0 && copy_to_user(a0, &t, sizeof(t)))
		return -EFAULT;
	return (long)(clock_now_ns() / 10000000);
}

long sys_capget(SYS_ARGS)
{
	u32 hdr[2], data[6] = { CAP_ALL_LOW, CAP_ALL_LOW, CAP_ALL_LOW,
				CAP_ALL_HIGH, CAP_ALL_HIGH, CAP_ALL_HIGH };
	u32 ver;
	int n;

	if (copy_from_user(hdr, a0, sizeof(hdr)))
		return -EFAULT;
	ver = hdr[0];
	if (ver != LINUX_CAPABILITY_VERSION_1 && ver != LINUX_CAPABILITY_VERSION_2 &&
	    ver != LINUX_CAPABILITY_VERSION_3) {
		hdr[0] = LINUX_CAPABILITY_VERSION_3;
		return copy_to_user(a0, hdr, sizeof(u32)) ? -EFAULT : -EINVAL;
	}
	if ((s32)hdr[1] < 0)
		return -EINVAL;
	if (hdr[1] != 0 && hdr[1] != 1)
		return -ESRCH;
	if (!a1)
		return 0;
	/* effective, permitted, inheritable for each 32-bit half */
	n = ver == LINUX_CAPABILITY_VERSION_1 ? 1 : 2;
	u32 out[6];

	for (int i = 0; i < n; i++) {
		out[i * 3 + 0] = data[i * 3 + 0];
		out[i * 3 + 1] = data[i * 3 + 1];
		out[i * 3 + 2] = 0;
	}
	return copy_to_user(a1, out, (size_t)n * 3 * sizeof(u32)) ? -EFAULT : 0;
}

long sys_capset(SYS_ARGS)
{
	u32 hdr[2];

	if (copy_from_user(hdr, a0, sizeof(hdr)))
		return -EFAULT;
	if (hdr[0] != LINUX_CAPABILITY_VERSION_1 && hdr[0] != LINUX_CAPABILITY_VERSION_2 &&
	    hdr[0] != LINUX_CAPABILITY_VERSION_3)
		return -EINVAL;
	return 0; /* everything is held; dropping is not enforced */
}

long sys_getgroups(SYS_ARGS)
{
	return (s32)a0 < 0 ? -EINVAL : 0;
}

long sys_setgroups(SYS_ARGS)
{
	return a0 > 65536 ? -EINVAL : 0;
}

/* an id argument that keeps the program root: 0 or -1 (unchanged) */
static bool root_id(u64 id)
{
	return (u32)id == 0 || (u32)id == 0xffffffffu;
}

long sys_setuid(SYS_ARGS)
{
	return (u32)a0 == 0 ? 0 : -EPERM;
}

long sys_setgid(SYS_ARGS)
{
	return (u32)a0 == 0 ? 0 : -EPERM;
}

long sys_setreuid(SYS_ARGS)
{
	return root_id(a0) && root_id(a1) ? 0 : -EPERM;
}

long sys_setregid(SYS_ARGS)
{
	return root_id(a0) && root_id(a1) ? 0 : -EPERM;
}

long sys_setresuid(SYS_ARGS)
{
	return root_id(a0) && root_id(a1) && root_id(a2) ? 0 : -EPERM;
}

long sys_setresgid(SYS_ARGS)
{
	return root_id(a0) && root_id(a1) && root_id(a2) ? 0 : -EPERM;
}

static long put_three_zeros(u64 a, u64 b, u64 c)
{
	u32 zero = 0;

	if (copy_to_user(a, &zero, 4) || copy_to_user(b, &zero, 4) || copy_to_user(c, &zero, 4))
		return -EFAULT;
	return 0;
}

long sys_getresuid(SYS_ARGS)
{
	return put_three_zeros(a0, a1, a2);
}

long sys_getresgid(SYS_ARGS)
{
	return put_three_zeros(a0, a1, a2);
}

long sys_setfsuid(SYS_ARGS)
{
	return 0; /* returns the previous fsuid: root */
}

long sys_setfsgid(SYS_ARGS)
{
	return 0;
}

long sys_getpgrp(SYS_ARGS)
{
	return 1;
}

long sys_getpgid(SYS_ARGS)
{
	return a0 == 0 || a0 == 1 ? 1 : -ESRCH;
}

long sys_getsid(SYS_ARGS)
{
	return a0 == 0 || a0 == 1 ? 1 : -ESRCH;
}

long sys_setpgid(SYS_ARGS)
{
	if ((s64)a1 < 0)
		return -EINVAL;
	if (a0 != 0 && a0 != 1)
		return -ESRCH;
	return a1 == 0 || a1 == 1 ? 0 : -EPERM;
}

long sys_setsid(SYS_ARGS)
{
	return -EPERM; /* already a process group leader, as Linux answers */
}
