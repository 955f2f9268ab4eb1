/*
 * thread.h - the (for now single) user thread (kernel layer). Each thread
 * has its own kernel stack with its saved user registers at the top, an
 * FPU save area and its TLS bases; the threads issue adds a run queue
 * around this. Used by sys/ (syscalls reach the caller's registers through
 * current()), the ELF loader and the trap code.
 */
#ifndef KERNEL_THREAD_H
#define KERNEL_THREAD_H

#include "types.h"

#define THREAD_KSTACK_ORDER 2 /* 16 KiB */

struct user_regs;

struct thread {
	int tid;
	u64 kstack;              /* base (direct-map address) */
	u64 kstack_top;
	struct user_regs *regs;  /* the user frame at the top of the stack */
	void *fpu;               /* XSAVE/FXSAVE area, 64-byte aligned */
	u64 fs_base;
	u64 gs_base;
	u64 clear_child_tid;
	u64 robust_list, robust_len;
	u64 sigmask;
};

struct thread *thread_create_user(void); /* NULL on ENOMEM */
struct thread *current(void);
/* make t the running thread: kernel stack, TLS bases, FPU state */
void thread_switch_to(struct thread *t);
/* save the running thread's FPU state (before running another thread) */
void thread_save_fpu(struct thread *t);

#endif
