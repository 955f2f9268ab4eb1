/*
 * thread.c - user thread objects and the "current thread" (kernel layer).
 * Single vCPU, single thread today: current() reads the per-CPU pointer,
 * thread_switch_to installs a thread's kernel stack (TSS rsp0 and the
 * SYSCALL stack), FS/GS bases and FPU state. The threads issue builds the
 * scheduler on these. Called by init (first thread), sys/ and traps.
 */
#include "kernel/kernel.h"
#include "kernel/thread.h"
#include "arch.h"
#include "arch/x86_64/x86.h"

static int next_tid = 1;

struct thread *thread_create_user(void)
{
	struct thread *t = kzalloc(sizeof(*t));
	u64 stack;
	u32 fpu_size = arch_xsave_size();

	if (!t)
		return NULL;
	stack = page_alloc(THREAD_KSTACK_ORDER);
	if (!stack)
		goto out_free_thread;
	/* kmalloc big blocks are 64-byte aligned; small classes are their size */
	t->fpu = kmalloc(fpu_size < 1024 ? 1024 : fpu_size);
	if (!t->fpu)
		goto out_free_stack;
	arch_fpu_init_area(t->fpu);
	t->tid = next_tid++;
	t->kstack = (u64)phys_to_virt(stack);
	t->kstack_top = t->kstack + (PAGE_SIZE << THREAD_KSTACK_ORDER);
	t->regs = (struct user_regs *)(t->kstack_top - sizeof(struct user_regs));
	memset(t->regs, 0, sizeof(*t->regs));
	t->regs->cs = GDT_USER_CS;
	t->regs->ss = GDT_USER_DS;
	t->regs->rflags = RFLAGS_IF | 2;
	return t;

out_free_stack:
	page_free(stack, THREAD_KSTACK_ORDER);
out_free_thread:
	kfree(t);
	return NULL;
}

struct thread *current(void)
{
	return this_cpu()->current;
}

void thread_save_fpu(struct thread *t)
{
	arch_fpu_save(t->fpu);
}

void thread_switch_to(struct thread *t)
{
	this_cpu()->current = t;
	/* syscalls and interrupts from user mode land right below the frame */
	arch_set_kernel_stack((u64)t->regs + sizeof(struct user_regs));
	arch_set_fs_base(t->fs_base);
	arch_set_user_gs_base(t->gs_base);
	arch_fpu_restore(t->fpu);
}
