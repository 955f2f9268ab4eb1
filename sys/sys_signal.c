/*
 * sys_signal.c - signal bookkeeping (sys/ layer): rt_sigaction and
 * rt_sigprocmask record the program's handlers and mask and return the old
 * values, sigaltstack records the alternate stack; delivery comes with the
 * threads issue. Called through the syscall table.
 */
#include "kernel/kernel.h"
#include "kernel/thread.h"
#include "sys/syscalls.h"

#define NSIG 64
#define SIGKILL 9
#define SIGSTOP 19
#define SIG_BLOCK 0
#define SIG_UNBLOCK 1
#define SIG_SETMASK 2

struct k_sigaction {
	u64 handler;
	u64 flags;
	u64 restorer;
	u64 mask;
};
_Static_assert(sizeof(struct k_sigaction) == 32, "kernel sigaction is 32 bytes");

struct stack_t64 {
	u64 sp;
	s32 flags;
	s32 pad;
	u64 size;
};

static struct k_sigaction actions[NSIG + 1];
static struct stack_t64 altstack = { 0, 2 /* SS_DISABLE */, 0, 0 };

long sys_rt_sigaction(SYS_ARGS)
{
	struct k_sigaction act;
	int sig = (int)a0;

	if (a3 != 8)
		return -EINVAL;
	if (sig < 1 || sig > NSIG)
		return -EINVAL;
	if (a1 && (sig == SIGKILL || sig == SIGSTOP))
		return -EINVAL;
	if (a1 && copy_from_user(&act, a1, sizeof(act)))
		return -EFAULT;
	if (a2 && copy_to_user(a2, &actions[sig], sizeof(act)))
		return -EFAULT;
	if (a1)
		actions[sig] = act;
	return 0;
}

long sys_rt_sigprocmask(SYS_ARGS)
{
	struct thread *t = current();
	u64 set, old = t->sigmask;
	const u64 unblockable = (1ULL << (SIGKILL - 1)) | (1ULL << (SIGSTOP - 1));

	if (a3 != 8)
		return -EINVAL;
	if (a1) {
		if (copy_from_user(&set, a1, sizeof(set)))
			return -EFAULT;
		switch (a0) {
		case SIG_BLOCK:
			t->sigmask |= set;
			break;
		case SIG_UNBLOCK:
			t->sigmask &= ~set;
			break;
		case SIG_SETMASK:
			t->sigmask = set;
			break;
		default:
			return -EINVAL;
		}
		t->sigmask &= ~unblockable;
	}
	if (a2 && copy_to_user(a2, &old, sizeof(old))) {
		return -EFAULT;
	}
	return 0;
}

long sys_sigaltstack(SYS_ARGS)
{
	struct stack_t64 ss;

	if (a1 && copy_to_user(a1, &altstack, sizeof(ss)))
		return -EFAULT;
	if (a0) {
		if (copy_from_user(&ss, a0, sizeof(ss)))
			return -EFAULT;
		if (ss.flags & ~(2 | (1 << 31)))
			return -EINVAL;
		if (!(ss.flags & 2) && ss.size < 2048)
			return -ENOMEM;
		altstack = ss;
	}
	return 0;
}
