/*
 * sys_signal.c - signals (sys/ layer): rt_sigaction (SA_SIGINFO,
 * SA_ONSTACK, SA_RESTART, SA_RESTORER, SA_NODEFER, SA_RESETHAND), per-thread
 * masks (rt_sigprocmask), rt_sigpending, rt_sigsuspend, rt_sigtimedwait,
 * sigaltstack, kill/tkill/tgkill
 * (to this process), fault signals, and delivery on the way back to user
 * mode: default actions (terminate with exit status 128 + signal, or
 * ignore), or a Linux x86-64 rt_sigframe on the user (or alternate) stack
 * with ucontext, siginfo and the XSAVE/FXSAVE FPU state (with the
 * FP_XSTATE magic words like Linux), undone by rt_sigreturn. Blocking
 * syscalls return -ERESTARTSYS when a signal interrupts them: restarted
 * after an SA_RESTART handler or an ignored signal, -EINTR otherwise.
 * Timer signals (SI_TIMER) tell sys/sys_timer.c when they are dequeued
 * (overrun count, re-arm); a signal becoming pending wakes signalfd
 * pollers (fs/signalfd.c).
 * Called through the syscall table, by syscall_dispatch/trap_dispatch
 * (signal_deliver), kernel/fault.c (signal_fault), timers and signalfd.
 */
#include "kernel/kernel.h"
#include "kernel/thread.h"
#include "kernel/sched.h"
#include "sys/syscalls.h"
#include "sys/signal.h"
#include "arch.h"
#include "arch/x86_64/x86.h"

#define NSIG 64
#define SIGKILL 9
#define SIGSEGV 11
#define SIGCHLD 17
#define SIGCONT 18
#define SIGSTOP 19
#define SIGTSTP 20
#define SIGTTIN 21
#define SIGTTOU 22
#define SIGURG 23
#define SIGWINCH 28
#define SIG_BLOCK 0
#define SIG_UNBLOCK 1
#define SIG_SETMASK 2
#define SIG_DFL 0
#define SIG_IGN 1

#define SA_SIGINFO 0x4
#define SA_ONSTACK 0x08000000
#define SA_RESTART 0x10000000
#define SA_NODEFER 0x40000000
#define SA_RESETHAND 0x80000000
#define SA_RESTORER 0x04000000

#define SS_ONSTACK 1
#define SS_DISABLE 2
#define SS_AUTODISARM (1u << 31)
#define MINSIGSTKSZ 2048

#define UC_FP_XSTATE 1
#define UC_SIGCONTEXT_SS 2
#define UC_STRICT_RESTORE_SS 4
#define FP_XSTATE_MAGIC1 0x46505853u
#define FP_XSTATE_MAGIC2 0x46505845u

#define BIT(sig) (1ULL << ((sig) - 1))
#define UNBLOCKABLE (BIT(SIGKILL) | BIT(SIGSTOP))

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
_Static_assert(sizeof(struct stack_t64) == 24, "stack_t is 24 bytes");

/* the Linux x86-64 signal frame (arch/x86/include/uapi/asm/sigcontext.h) */
struct sigcontext64 {
	u64 r8, r9, r10, r11, r12, r13, r14, r15;
	u64 rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip, eflags;
	u16 cs, gs, fs, ss;
	u64 err, trapno, oldmask, cr2;
	u64 fpstate;
	u64 reserved1[8];
};
_Static_assert(sizeof(struct sigcontext64) == 256, "sigcontext is 256 bytes");

struct ucontext64 {
	u64 uc_flags;
	u64 uc_link;
	struct stack_t64 uc_stack;
	struct sigcontext64 uc_mcontext;
	u64 uc_sigmask;
};
_Static_assert(sizeof(struct ucontext64) == 304, "ucontext is 304 bytes");

struct siginfo64 {
	s32 si_signo, si_errno, si_code, pad;
	union {
		struct {
			s32 pid;
			u32 uid;
		} kill;
		struct {
			s32 tid;
			s32 overrun;
			u64 value;
		} timer;
		u64 addr;
		u8 bytes[112];
	};
};
_Static_assert(sizeof(struct siginfo64) == 128, "siginfo is 128 bytes");

struct rt_sigframe {
	u64 pretcode;
	struct ucontext64 uc;
	struct siginfo64 info;
};
_Static_assert(sizeof(struct rt_sigframe) == 440, "rt_sigframe layout");

static struct k_sigaction actions[NSIG + 1]; /* shared by all threads (CLONE_SIGHAND) */
static struct sig_info_k group_info[NSIG];
static void *fpu_init_state; /* the initial FPU state handlers start with */

static bool default_ignored(int sig)
{
	return sig == SIGCHLD || sig == SIGCONT || sig == SIGURG || sig == SIGWINCH ||
	       sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU;
}

static bool sig_ignored(int sig)
{
	return actions[sig].handler == SIG_IGN ||
	       (actions[sig].handler == SIG_DFL && default_ignored(sig));
}

/* an ignored signal is still queued when blocked or awaited (sigtimedwait) */
static bool sig_wanted(struct thread *t, int sig)
{
	if (t)
		return ((t->sigmask | t->sigwait_set) & BIT(sig)) != 0;
	for (struct thread *u = thread_first(); u; u = u->all_next)
		if ((u->sigmask | u->sigwait_set) & BIT(sig))
			return true;
	return false;
}

int signal_queue(struct thread *t, int sig, const struct sig_info_k *ik)
{
	struct sig_info_k *info;

	if (sig < 1 || sig > NSIG)
		return -EINVAL;
	if (sig_ignored(sig) && !sig_wanted(t, sig))
		return 0; /* discarded, as Linux does with ignored signals */
	if (t) {
		if (t->sigpending & BIT(sig))
			return 0; /* standard and real-time alike: one queued instance */
		t->sigpending |= BIT(sig);
		info = &t->siginfo[sig - 1];
	} else {
		if (thread_group_pending & BIT(sig))
			return 0;
		thread_group_pending |= BIT(sig);
		info = &group_info[sig - 1];
	}
	*info = *ik;
	signalfd_notify(); /* signalfd readers and pollers (fs/signalfd.c) */
	if (t) {
		if (!(t->sigmask & BIT(sig)))
			sched_interrupt(t);
		return 1;
	}
	/* a process signal: wake one thread that does not block it */
	for (struct thread *u = thread_first(); u; u = u->all_next)
		if (!(u->sigmask & BIT(sig)) && u->state == THREAD_BLOCKED && u->interruptible) {
			sched_interrupt(u);
			return 1;
		}
	/* none blocked: unless the sender takes it on its way out, kick a
	 * thread running on another CPU into the kernel to take it */
	if (current() && !current()->idle && !(current()->sigmask & BIT(sig)))
		return 1;
	for (struct thread *u = thread_first(); u; u = u->all_next)
		if (!(u->sigmask & BIT(sig)) && u->state == THREAD_RUNNING) {
			sched_interrupt(u);
			break;
		}
	return 1;
}

int signal_send(struct thread *t, int sig, s32 code, s32 pid, u64 addr)
{
	struct sig_info_k ik = { .code = code, .pid = pid, .addr = addr };
	int r = signal_queue(t, sig, &ik);

	return r < 0 ? r : 0;
}

bool signal_fault(int sig, s32 code, u64 addr)
{
	struct thread *t = current();
	u64 h = actions[sig].handler;

	/* a blocked or ignored fault signal kills, as Linux's force_sig */
	if (h == SIG_DFL || h == SIG_IGN || (t->sigmask & BIT(sig)))
		return false;
	t->sigpending |= BIT(sig);
	t->siginfo[sig - 1] = (struct sig_info_k){ .code = code, .pid = 0, .addr = addr };
	return true;
}

static bool on_altstack(struct thread *t, u64 sp)
{
	return !(t->altstack_flags & SS_DISABLE) && sp > t->altstack_sp &&
	       sp <= t->altstack_sp + t->altstack_size;
}

static void fill_altstack(struct thread *t, u64 sp, struct stack_t64 *ss)
{
	ss->sp = t->altstack_sp;
	ss->size = t->altstack_size;
	ss->flags = (t->altstack_flags & SS_DISABLE) ? SS_DISABLE
		    : on_altstack(t, sp)          ? SS_ONSTACK
						  : (t->altstack_flags & (s32)SS_AUTODISARM);
	ss->pad = 0;
}

static void fill_siginfo(struct siginfo64 *si, int sig, const struct sig_info_k *ik)
{
	memset(si, 0, sizeof(*si));
	si->si_signo = sig;
	si->si_code = ik->code;
	if (ik->code == SI_TIMER) {
		si->timer.tid = ik->pid;
		si->timer.overrun = ik->overrun;
		si->timer.value = ik->addr;
	} else if (ik->code <= 0) {
		si->kill.pid = ik->pid;
	} else {
		si->addr = ik->addr;
	}
}

static NORETURN void signal_kill(int sig)
{
	kernel_exit(128 + sig);
}

static void setup_frame(struct thread *t, struct user_regs *r, int sig, struct k_sigaction *ka,
			const struct sig_info_k *ik)
{
	struct rt_sigframe f;
	u32 fpsize = arch_xsave_size();
	u64 sp = r->rsp - 128; /* skip the red zone */
	u64 fp, frame;

	if ((ka->flags & SA_ONSTACK) && !(t->altstack_flags & SS_DISABLE) &&
	    !on_altstack(t, r->rsp))
		sp = t->altstack_sp + t->altstack_size;
	fp = ALIGN_DOWN(sp - fpsize - 4, 64);
	frame = ALIGN_DOWN(fp - sizeof(f), 16) - 8;

	memset(&f, 0, sizeof(f));
	f.pretcode = ka->restorer;
	f.uc.uc_flags = UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS | (cpu.xsave ? UC_FP_XSTATE : 0);
	fill_altstack(t, r->rsp, &f.uc.uc_stack);
	struct sigcontext64 *sc = &f.uc.uc_mcontext;
	sc->r8 = r->r8, sc->r9 = r->r9, sc->r10 = r->r10, sc->r11 = r->r11;
	sc->r12 = r->r12, sc->r13 = r->r13, sc->r14 = r->r14, sc->r15 = r->r15;
	sc->rdi = r->rdi, sc->rsi = r->rsi, sc->rbp = r->rbp, sc->rbx = r->rbx;
	sc->rdx = r->rdx, sc->rax = r->rax, sc->rcx = r->rcx, sc->rsp = r->rsp;
	sc->rip = r->rip, sc->eflags = r->rflags;
	sc->cs = (u16)r->cs, sc->ss = (u16)r->ss;
	sc->err = r->vector < 32 ? r->error : 0;
	sc->trapno = r->vector < 32 ? r->vector : 0;
	sc->oldmask = t->restore_sigmask ? t->saved_sigmask : t->sigmask;
	sc->cr2 = r->vector == 14 ? ik->addr : 0;
	sc->fpstate = fp;
	f.uc.uc_sigmask = sc->oldmask;
	t->restore_sigmask = false;
	fill_siginfo(&f.info, sig, ik);

	/* the FPU state as the program left it, in the user format */
	arch_fpu_save(t->fpu);
	if (cpu.xsave) {
		u8 *a = t->fpu;
		u32 *sw = (u32 *)(a + 464);

		sw[0] = FP_XSTATE_MAGIC1;
		sw[1] = fpsize + 4;         /* extended_size */
		*(u64 *)&sw[2] = cpu.xcr0;  /* xfeatures */
		sw[4] = fpsize;             /* xstate_size */
	}
	u32 magic2 = FP_XSTATE_MAGIC2;
	if (copy_to_user(frame, &f, sizeof(f)) || copy_to_user(fp, t->fpu, fpsize) ||
	    (cpu.xsave && copy_to_user(fp + fpsize, &magic2, 4)) || !ka->restorer) {
		/* no room for the frame (or no restorer): Linux forces SIGSEGV */
		signal_kill(SIGSEGV);
	}
	/* the handler starts with a clean FPU state, as on Linux */
	if (fpu_init_state || (fpu_init_state = kmalloc(fpsize < 1024 ? 1024 : fpsize)) != NULL) {
		arch_fpu_init_area(fpu_init_state);
		arch_fpu_restore(fpu_init_state);
	}
	r->rdi = (u64)sig;
	r->rsi = frame + __builtin_offsetof(struct rt_sigframe, info);
	r->rdx = frame + __builtin_offsetof(struct rt_sigframe, uc);
	r->rax = 0;
	r->rsp = frame;
	r->rip = ka->handler;
	r->cs = GDT_USER_CS;
	r->ss = GDT_USER_DS;
	r->rflags &= ~(u64)(0x400 | 0x100 | 0x40000); /* DF, TF, AC */
	if (t->altstack_flags & (s32)SS_AUTODISARM && sp == t->altstack_sp + t->altstack_size) {
		t->altstack_flags = SS_DISABLE;
		t->altstack_sp = t->altstack_size = 0;
	}
	t->sigmask |= ka->mask;
	if (!(ka->flags & SA_NODEFER))
		t->sigmask |= BIT(sig);
	t->sigmask &= ~UNBLOCKABLE;
	if (ka->flags & SA_RESETHAND) {
		ka->handler = SIG_DFL;
		ka->flags &= ~(u64)SA_SIGINFO;
	}
}

void signal_deliver(struct user_regs *r, long syscall_nr)
{
	struct thread *t = current();
	bool restart = syscall_nr >= 0 && (s64)r->rax == -ERESTARTSYS;

	for (;;) {
		u64 ready = (t->sigpending | thread_group_pending) & ~t->sigmask;
		struct sig_info_k ik;
		int sig;

		if (!ready)
			break;
		sig = __builtin_ctzll(ready) + 1;
		if (t->sigpending & BIT(sig)) {
			t->sigpending &= ~BIT(sig);
			ik = t->siginfo[sig - 1];
		} else {
			thread_group_pending &= ~BIT(sig);
			ik = group_info[sig - 1];
		}
		if (ik.code == SI_TIMER)
			posix_timer_dequeued(sig, &ik); /* overrun count, re-arm */
		if (actions[sig].handler == SIG_IGN)
			continue;
		if (actions[sig].handler == SIG_DFL) {
			if (default_ignored(sig))
				continue;
			signal_kill(sig);
		}
		if (restart) {
			if (actions[sig].flags & SA_RESTART) {
				r->rax = (u64)syscall_nr;
				r->rip -= 2; /* the syscall instruction again */
			} else {
				r->rax = (u64)-EINTR;
			}
			restart = false;
		}
		setup_frame(t, r, sig, &actions[sig], &ik);
		return;
	}
	if (restart) {
		r->rax = (u64)syscall_nr;
		r->rip -= 2;
	}
	if (t->restore_sigmask) {
		t->sigmask = t->saved_sigmask;
		t->restore_sigmask = false;
	}
}

long sys_rt_sigreturn(SYS_ARGS)
{
	struct thread *t = current();
	struct user_regs *r = t->regs;
	u64 frame = r->rsp - 8; /* the handler's ret popped pretcode */
	struct rt_sigframe f;
	struct sigcontext64 *sc = &f.uc.uc_mcontext;
	const u64 fix_flags = 0x40000 | 0x800 | 0x400 | 0x100 | 0xd5 | 0x10000 | 0x200000;

	if (copy_from_user(&f, frame, sizeof(f)))
		signal_kill(SIGSEGV);
	if (sc->rip >= (1ULL << 47) || sc->rsp >= (1ULL << 47))
		signal_kill(SIGSEGV); /* would fault on the way out */
	r->r8 = sc->r8, r->r9 = sc->r9, r->r10 = sc->r10, r->r11 = sc->r11;
	r->r12 = sc->r12, r->r13 = sc->r13, r->r14 = sc->r14, r->r15 = sc->r15;
	r->rdi = sc->rdi, r->rsi = sc->rsi, r->rbp = sc->rbp, r->rbx = sc->rbx;
	r->rdx = sc->rdx, r->rcx = sc->rcx, r->rsp = sc->rsp, r->rip = sc->rip;
	r->rflags = (r->rflags & ~fix_flags) | (sc->eflags & fix_flags) | RFLAGS_IF;
	r->cs = GDT_USER_CS;
	r->ss = GDT_USER_DS;
	r->vector = TRAP_SYSCALL;
	t->sigmask = f.uc.uc_sigmask & ~UNBLOCKABLE;
	if (sc->fpstate) {
		u8 *a = t->fpu;
		u32 fpsize = cpu.xsave ? arch_xsave_size() : 512;
		u32 mxcsr_mask;

		arch_fpu_save(t->fpu);
		mxcsr_mask = *(u32 *)(a + 28) ? *(u32 *)(a + 28) : 0xffbf;
		if (copy_from_user(t->fpu, sc->fpstate, fpsize))
			signal_kill(SIGSEGV);
		*(u32 *)(a + 24) &= mxcsr_mask;
		if (cpu.xsave) {
			*(u64 *)(a + 512) &= cpu.xcr0;  /* XSTATE_BV */
			memset(a + 520, 0, 56);          /* XCOMP_BV and reserved */
		}
		arch_fpu_restore(t->fpu);
	} else {
		arch_fpu_init_area(t->fpu);
		arch_fpu_restore(t->fpu);
	}
	/* uc_stack: restore the alternate stack like Linux's restore_altstack */
	if (!(f.uc.uc_stack.flags & SS_DISABLE) && f.uc.uc_stack.size >= MINSIGSTKSZ) {
		t->altstack_sp = f.uc.uc_stack.sp;
		t->altstack_size = f.uc.uc_stack.size;
		t->altstack_flags = f.uc.uc_stack.flags & (s32)SS_AUTODISARM;
	}
	return (long)sc->rax;
}

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
	if (a1) {
		act.mask &= ~UNBLOCKABLE;
		actions[sig] = act;
		if (sig_ignored(sig)) { /* setting SIG_IGN discards pending instances */
			thread_group_pending &= ~BIT(sig);
			for (struct thread *t = thread_first(); t; t = t->all_next)
				t->sigpending &= ~BIT(sig);
		}
	}
	return 0;
}

long sys_rt_sigprocmask(SYS_ARGS)
{
	struct thread *t = current();
	u64 set, old = t->sigmask;

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
		t->sigmask &= ~UNBLOCKABLE;
	}
	if (a2 && copy_to_user(a2, &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

long sys_rt_sigpending(SYS_ARGS)
{
	struct thread *t = current();
	u64 set = (t->sigpending | thread_group_pending) & t->sigmask;

	if (a1 > 8)
		return -EINVAL;
	if (copy_to_user(a0, &set, a1))
		return -EFAULT;
	return 0;
}

long sys_rt_sigsuspend(SYS_ARGS)
{
	struct thread *t = current();
	u64 set, old = t->sigmask;

	if (a1 != 8)
		return -EINVAL;
	if (copy_from_user(&set, a0, sizeof(set)))
		return -EFAULT;
	t->sigmask = set & ~UNBLOCKABLE;
	while (sched_block(0, true) != -EINTR)
		;
	/* the handler runs with the suspend mask; its frame (and so
	 * rt_sigreturn) carries the old one, restored now if nothing runs */
	t->saved_sigmask = old;
	t->restore_sigmask = true;
	return -EINTR;
}

/* take the lowest pending signal of set; 0 if none */
static int dequeue_raw(struct thread *t, u64 set, struct sig_info_k *ik)
{
	u64 ready = (t->sigpending | thread_group_pending) & set;
	int sig;

	if (!ready)
		return 0;
	sig = __builtin_ctzll(ready) + 1;
	if (t->sigpending & BIT(sig)) {
		t->sigpending &= ~BIT(sig);
		*ik = t->siginfo[sig - 1];
	} else {
		thread_group_pending &= ~BIT(sig);
		*ik = group_info[sig - 1];
	}
	return sig;
}

/* the same, with the timer bookkeeping of SI_TIMER signals */
static int dequeue_from(struct thread *t, u64 set, struct sig_info_k *ik)
{
	int sig = dequeue_raw(t, set, ik);

	if (sig && ik->code == SI_TIMER)
		posix_timer_dequeued(sig, ik);
	return sig;
}

int signal_dequeue(u64 set, struct sig_info_k *ik)
{
	return dequeue_from(current(), set & ~UNBLOCKABLE, ik);
}

long sys_rt_sigtimedwait(SYS_ARGS)
{
	struct thread *t = current();
	u64 set, deadline = 0, old = t->sigmask, ns = 0;
	struct sig_info_k ik;
	int sig, r = 0;

	if (a3 != 8)
		return -EINVAL;
	if (copy_from_user(&set, a0, sizeof(set)))
		return -EFAULT;
	set &= ~UNBLOCKABLE;
	if (a2) {
		r = user_timespec_ns(a2, UTS_MAX_WAIT_SEC, &ns); /* clamped */
		if (r < 0)
			return r;
		r = 0;
		deadline = clock_now_ns() + ns;
		if (!deadline)
			deadline = 1;
	}
	/* while waiting, the awaited signals are not blocked (they wake us) */
	t->sigwait_set = set;
	t->sigmask = old & ~set;
	while (!(sig = dequeue_from(t, set, &ik))) {
		if (a2 && !ns) {
			r = -EAGAIN;
			break;
		}
		r = sched_block(deadline, true);
		if (r == -ETIMEDOUT) {
			r = -EAGAIN;
			break;
		}
		if (r == -EINTR && !((t->sigpending | thread_group_pending) & set))
			break; /* another signal: its handler runs, we return EINTR */
		r = 0;
	}
	t->sigmask = old;
	t->sigwait_set = 0;
	if (!sig)
		return r;
	if (a1) {
		struct siginfo64 si;

		fill_siginfo(&si, sig, &ik);
		if (copy_to_user(a1, &si, sizeof(si)))
			return -EFAULT;
	}
	return sig;
}

long sys_sigaltstack(SYS_ARGS)
{
	struct thread *t = current();
	struct stack_t64 ss, old;

	fill_altstack(t, t->regs->rsp, &old);
	if (a0) {
		if (copy_from_user(&ss, a0, sizeof(ss)))
			return -EFAULT;
		if (on_altstack(t, t->regs->rsp))
			return -EPERM;
		if (ss.flags & ~(SS_DISABLE | SS_ONSTACK | (s32)SS_AUTODISARM))
			return -EINVAL;
		if (ss.flags & SS_DISABLE) {
			t->altstack_flags = SS_DISABLE;
			t->altstack_sp = t->altstack_size = 0;
		} else {
			if (ss.size < MINSIGSTKSZ)
				return -ENOMEM;
			t->altstack_sp = ss.sp;
			t->altstack_size = ss.size;
			t->altstack_flags = ss.flags & (s32)SS_AUTODISARM;
		}
	}
	if (a1 && copy_to_user(a1, &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

long sys_kill(SYS_ARGS)
{
	s64 pid = (s64)a0;
	int sig = (int)a1;

	if (sig < 0 || sig > NSIG)
		return -EINVAL;
	if (pid != 1 && pid != 0 && pid != -1)
		return -ESRCH; /* the only process is pid 1 */
	if (!sig)
		return 0;
	return signal_send(NULL, sig, SI_USER, 1, 0);
}

static long thread_kill(int tid, int sig)
{
	struct thread *t;

	if (sig < 0 || sig > NSIG || tid <= 0)
		return -EINVAL;
	t = thread_find(tid);
	if (!t)
		return -ESRCH;
	if (!sig)
		return 0;
	return signal_send(t, sig, SI_TKILL, 1, 0);
}

long sys_tkill(SYS_ARGS)
{
	return thread_kill((int)a0, (int)a1);
}

long sys_tgkill(SYS_ARGS)
{
	if ((s64)a0 <= 0)
		return -EINVAL;
	if (a0 != 1)
		return -ESRCH;
	return thread_kill((int)a1, (int)a2);
}
