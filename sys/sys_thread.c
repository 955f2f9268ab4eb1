/*
 * sys_thread.c - threads (sys/ layer): clone and clone3 for threads
 * (CLONE_VM|FS|FILES|SIGHAND|THREAD|SYSVSEM with SETTLS, PARENT_SETTID,
 * CHILD_SETTID, CHILD_CLEARTID; process creation is -ENOSYS: there is one
 * process), exit of one thread (CLEARTID store + futex wake, robust list)
 * vs exit_group, get_robust_list, prctl thread names, sched_setaffinity
 * (a mask of CPUs, honoured by the scheduler) and getcpu (the CPU the
 * caller runs on). Called through the syscall table.
 */
#include "kernel/kernel.h"
#include "kernel/thread.h"
#include "kernel/sched.h"
#include "sys/syscalls.h"
#include "sys/futex.h"
#include "sys/signal.h"
#include "arch.h"
#include "arch/x86_64/x86.h"

#define CLONE_VM 0x100
#define CLONE_FS 0x200
#define CLONE_FILES 0x400
#define CLONE_SIGHAND 0x800
#define CLONE_PIDFD 0x1000
#define CLONE_VFORK 0x4000
#define CLONE_THREAD 0x10000
#define CLONE_SYSVSEM 0x40000
#define CLONE_SETTLS 0x80000
#define CLONE_PARENT_SETTID 0x100000
#define CLONE_CHILD_CLEARTID 0x200000
#define CLONE_DETACHED 0x400000
#define CLONE_CHILD_SETTID 0x1000000
#define CLONE_THREAD_FLAGS (CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD)
#define CLONE_ALLOWED (CLONE_THREAD_FLAGS | CLONE_SYSVSEM | CLONE_SETTLS | CLONE_PARENT_SETTID | \
		       CLONE_CHILD_CLEARTID | CLONE_DETACHED | CLONE_CHILD_SETTID)

#define PR_SET_NAME 15
#define PR_GET_NAME 16

static void thread_user_entry(void *arg)
{
	struct thread *t = arg;

	sched_finish_switch();
	signal_deliver(t->regs, -1);
	arch_enter_user(t->regs);
}

static long do_clone(u64 flags, u64 stack, u64 ptid, u64 ctid, u64 tls)
{
	struct thread *p = current(), *t;
	int tid;

	/* Linux's consistency rules first */
	if ((flags & CLONE_THREAD) && !(flags & CLONE_SIGHAND))
		return -EINVAL;
	if ((flags & CLONE_SIGHAND) && !(flags & CLONE_VM))
		return -EINVAL;
	if ((flags & CLONE_THREAD_FLAGS) != CLONE_THREAD_FLAGS) {
		klog("clone: flags %#lx create a process; monos runs one process: -ENOSYS",
		     (unsigned long)flags);
		return -ENOSYS;
	}
	if ((flags & ~0xffULL) & ~(u64)CLONE_ALLOWED) {
		klog("clone: unsupported flags %#lx: -EINVAL",
		     (unsigned long)((flags & ~0xffULL) & ~(u64)CLONE_ALLOWED));
		return -EINVAL;
	}
	if ((flags & CLONE_SETTLS) && tls >= (1ULL << 47))
		return -EPERM;
	t = thread_create_user();
	if (!t)
		return -EAGAIN;
	tid = t->tid;
	*t->regs = *p->regs;
	t->regs->rax = 0;
	if (stack)
		t->regs->rsp = stack;
	t->fs_base = (flags & CLONE_SETTLS) ? tls : arch_get_fs_base();
	t->gs_base = arch_get_user_gs_base();
	arch_fpu_save(t->fpu); /* the child starts with the parent's FPU state */
	t->sigmask = p->sigmask;
	t->affinity = p->affinity;
	memcpy(t->name, p->name, sizeof(t->name));
	if (flags & CLONE_CHILD_CLEARTID)
		t->clear_child_tid = ctid;
	if (((flags & CLONE_PARENT_SETTID) && copy_to_user(ptid, &tid, sizeof(tid))) ||
	    ((flags & CLONE_CHILD_SETTID) && copy_to_user(ctid, &tid, sizeof(tid)))) {
		thread_unlink(t);
		thread_free(t);
		return -EFAULT;
	}
	t->ksp = arch_prepare_stack((u64)t->regs, thread_user_entry, t);
	sched_add(t);
	return tid;
}

long sys_clone(SYS_ARGS)
{
	/* x86-64 order: flags, stack, parent_tid, child_tid, tls */
	if (a0 & 0xff) {
		/* the exit signal: only meaningful for processes */
		if (a0 & CLONE_THREAD)
			return -EINVAL;
	}
	return do_clone(a0, a1, a2, a3, a4);
}

struct clone_args {
	u64 flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls;
	u64 set_tid, set_tid_size, cgroup;
};

long sys_clone3(SYS_ARGS)
{
	struct clone_args ca;

	memset(&ca, 0, sizeof(ca));
	if (a1 < 64 || a1 > 4096)
		return -EINVAL;
	if (copy_from_user(&ca, a0, MIN(a1, sizeof(ca))))
		return -EFAULT;
	if (ca.set_tid || ca.set_tid_size || ca.cgroup || (ca.flags & CLONE_PIDFD))
		return -EINVAL;
	if (ca.exit_signal && (ca.flags & CLONE_THREAD))
		return -EINVAL;
	if (ca.exit_signal > 64 || (ca.flags & 0xff))
		return -EINVAL;
	if ((ca.stack == 0) != (ca.stack_size == 0))
		return -EINVAL;
	return do_clone(ca.flags, ca.stack ? ca.stack + ca.stack_size : 0, ca.parent_tid,
			ca.child_tid, ca.tls);
}

long sys_exit(SYS_ARGS)
{
	struct thread *t = current();

	if (thread_count() <= 1)
		kernel_exit((int)(a0 & 0xff)); /* the last thread: the program ends */
	futex_exit_robust(t->robust_list, t->tid);
	if (t->clear_child_tid) {
		u32 zero = 0;

		if (!copy_to_user(t->clear_child_tid, &zero, sizeof(zero)))
			futex_wake_addr(t->clear_child_tid, 1);
	}
	/* signals only this thread could take go to the process */
	thread_group_pending |= t->sigpending;
	sched_exit_current();
}

long sys_exit_group(SYS_ARGS)
{
	kernel_exit((int)(a0 & 0xff));
}

long sys_get_robust_list(SYS_ARGS)
{
	struct thread *t = a0 ? thread_find((int)a0) : current();
	u64 len;

	if (!t)
		return -ESRCH;
	len = t->robust_len ? t->robust_len : 24;
	if (copy_to_user(a1, &t->robust_list, sizeof(u64)) || copy_to_user(a2, &len, sizeof(len)))
		return -EFAULT;
	return 0;
}

long sys_sched_setaffinity(SYS_ARGS)
{
	struct thread *t = a0 ? thread_find((int)a0) : current();
	u64 mask = 0;

	if (!t)
		return -ESRCH;
	/* a shorter mask leaves the other CPUs out, a longer one names CPUs
	 * beyond 64 that cannot exist here */
	if (copy_from_user(&mask, a2, MIN(a1, sizeof(mask))))
		return -EFAULT;
	mask &= sched_online_mask();
	if (!mask)
		return -EINVAL; /* no CPU that exists, as Linux */
	sched_set_affinity(t, mask);
	return 0;
}

long sys_getcpu(SYS_ARGS)
{
	u32 me = arch_cpu_index(), node = 0;

	if ((a0 && copy_to_user(a0, &me, sizeof(me))) ||
	    (a1 && copy_to_user(a1, &node, sizeof(node))))
		return -EFAULT;
	return 0;
}

long sys_prctl(SYS_ARGS)
{
	struct thread *t = current();
	char name[THREAD_NAME_LEN];
	long n;

	switch (a0) {
	case PR_SET_NAME:
		/* longer names are cut to 15 bytes, as Linux does */
		n = strncpy_from_user(name, a1, sizeof(name));
		if (n < 0 && n != -ENAMETOOLONG)
			return -EFAULT;
		name[sizeof(name) - 1] = 0;
		memcpy(t->name, name, sizeof(name));
		return 0;
	case PR_GET_NAME:
		if (copy_to_user(a1, t->name, sizeof(t->name)))
			return -EFAULT;
		return 0;
	default:
		return -EINVAL;
	}
}
