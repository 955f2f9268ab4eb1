/*
 * thread.h - user threads (kernel layer). Each thread has its own kernel
 * stack with its saved user registers at the top and its kernel context
 * (saved stack pointer) below, an FPU save area, its TLS bases, its
 * signal mask and pending set, and its scheduler state (kernel/sched.c).
 * Used by sys/ (syscalls reach the caller's registers through current()),
 * the ELF loader, the scheduler and the trap code.
 */
#ifndef KERNEL_THREAD_H
#define KERNEL_THREAD_H

#include "types.h"

#define THREAD_KSTACK_ORDER 2 /* 16 KiB */
#define THREAD_NAME_LEN 16

struct user_regs;

/* what a queued signal carries into its siginfo (sys/sys_signal.c) */
struct sig_info_k {
	s32 code;  /* si_code: SI_USER, SI_TKILL, SEGV_MAPERR, ... */
	s32 pid;   /* sender (kill/tgkill); SI_TIMER: the timer id */
	u64 addr;  /* fault address; SI_TIMER: the sigval */
	s32 overrun;   /* SI_TIMER: overruns (set when dequeued) */
	u32 timer_gen; /* SI_TIMER: the timer's arming generation */
};

enum thread_state {
	THREAD_READY,   /* on a run queue */
	THREAD_RUNNING, /* on a CPU */
	THREAD_BLOCKED, /* waiting: sched_wake, deadline or signal */
	THREAD_DEAD,    /* exited; freed by the next thread to run */
};

struct thread {
	int tid;
	u64 kstack;              /* base (direct-map address) */
	u64 kstack_top;
	struct user_regs *regs;  /* the user frame at the top of the stack */
	void *fpu;               /* XSAVE/FXSAVE area, 64-byte aligned; NULL: kernel thread */
	u64 fs_base;
	u64 gs_base;
	u64 clear_child_tid;
	u64 robust_list, robust_len;
	u64 sigmask;
	u64 sigpending;          /* thread-directed signals (bit n-1 = signal n) */
	struct sig_info_k siginfo[64];
	u64 saved_sigmask;       /* rt_sigsuspend: the mask a handler frame restores */
	bool restore_sigmask;
	u64 sigwait_set;         /* rt_sigtimedwait: signals being waited for */
	u64 altstack_sp, altstack_size;
	int altstack_flags;
	char name[THREAD_NAME_LEN];
	/* scheduler */
	enum thread_state state;
	u64 ksp;                 /* saved kernel stack pointer when not running */
	struct thread *run_next; /* run queue link */
	struct thread *all_next, *all_prev; /* every live thread */
	u64 deadline_ns;         /* blocked with a timeout (0: none) */
	int wake_result;         /* 0, -ETIMEDOUT, -EINTR */
	bool interruptible;
	bool idle;               /* a CPU's idle thread */
	int cpu;                 /* the CPU it runs or last ran on */
	u64 affinity;            /* CPUs it may run on (bit n = CPU n) */
	u64 cpu_ns;              /* CPU time used before run_start_ns */
	u64 run_start_ns;        /* when it last got the CPU */
	/* lazy FPU switching (thread.c) */
	int fpu_cpu1;            /* CPU index + 1 whose registers hold its state; 0 none */
	u8 fpu_counter;          /* consecutive slices it used the FPU (> 5: eager restore) */
};

struct thread *thread_create_user(void); /* NULL on ENOMEM */
/* an idle/kernel thread running fn(arg) on its own stack */
struct thread *thread_create_kernel(void (*fn)(void *), void *arg);
void thread_unlink(struct thread *t);    /* leaves the live list (exit) */
void thread_free(struct thread *t);      /* a dead thread's memory */
struct thread *thread_find(int tid);     /* live thread by id, or NULL */
int thread_count(void);                  /* live user threads */
struct thread *thread_first(void);       /* iteration: all live threads */
struct thread *current(void);
/* make t the running thread: kernel stack, TLS bases, FPU state */
void thread_switch_to(struct thread *t);
/* save the running thread's FPU state (if it used the FPU) and TLS bases
 * (before running another) */
void thread_save_fpu(struct thread *t);
/* device-not-available (#NM) with the lazy-FPU trap on: load the current
 * thread's FPU state; false when the trap was not ours (lock-free) */
bool thread_fpu_trap(void);
extern u64 thread_group_pending; /* process-directed signals (kill) */
/* a signal the thread should act on (pending and not blocked) */
static inline bool thread_signal_pending(const struct thread *t)
{
	return ((t->sigpending | thread_group_pending) & ~t->sigmask) != 0;
}
/* signal_deliver has something to do on the way to user mode (a signal
 * to act on, or a mask to restore after rt_sigsuspend/pselect) */
static inline bool thread_exit_work(const struct thread *t)
{
	return t->restore_sigmask || thread_signal_pending(t);
}

#endif
