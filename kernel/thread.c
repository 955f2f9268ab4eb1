/*
 * thread.c - thread objects and the "current thread" (kernel layer):
 * creation of user threads (the first one, and clones: sys/sys_thread.c)
 * and of kernel threads (a CPU's idle thread), the list of live threads,
 * lookup by tid, and thread_switch_to, which installs a thread's kernel
 * stack (TSS rsp0 and the SYSCALL stack), FS/GS bases and FPU state.
 * Called by init, the scheduler (kernel/sched.c), sys/ and traps.
 */
#include "kernel/kernel.h"
#include "kernel/thread.h"
#include "arch.h"
#include "arch/x86_64/x86.h"

static int next_tid = 1;
static struct thread *all_threads;
static int nr_user_threads;
u64 thread_group_pending;

static void thread_link(struct thread *t)
{
	t->all_prev = NULL;
	t->all_next = all_threads;
	if (all_threads)
		all_threads->all_prev = t;
	all_threads = t;
}

static struct thread *thread_alloc(void)
{
	struct thread *t = kzalloc(sizeof(*t));
	u64 stack;

	if (!t)
		return NULL;
	stack = page_alloc(THREAD_KSTACK_ORDER);
	if (!stack) {
		kfree(t);
		return NULL;
	}
	t->kstack = (u64)phys_to_virt(stack);
	t->kstack_top = t->kstack + (PAGE_SIZE << THREAD_KSTACK_ORDER);
	t->regs = (struct user_regs *)(t->kstack_top - sizeof(struct user_regs));
	t->altstack_flags = 2; /* SS_DISABLE */
	return t;
}

struct thread *thread_create_user(void)
{
	struct thread *t = thread_alloc();
	u32 fpu_size = arch_xsave_size();

	if (!t)
		return NULL;
	/* kmalloc big blocks are 64-byte aligned; small classes are their size */
	t->fpu = kmalloc(fpu_size < 1024 ? 1024 : fpu_size);
	if (!t->fpu) {
		page_free(virt_to_phys((void *)t->kstack), THREAD_KSTACK_ORDER);
		kfree(t);
		return NULL;
	}
	arch_fpu_init_area(t->fpu);
	t->tid = next_tid++;
	memset(t->regs, 0, sizeof(*t->regs));
	t->regs->cs = GDT_USER_CS;
	t->regs->ss = GDT_USER_DS;
	t->regs->rflags = RFLAGS_IF | 2;
	t->affinity = ~0ULL;
	t->state = THREAD_READY;
	thread_link(t);
	nr_user_threads++;
	return t;
}

struct thread *thread_create_kernel(void (*fn)(void *), void *arg)
{
	struct thread *t = thread_alloc();

	if (!t)
		return NULL;
	t->idle = true;
	t->tid = 0;
	t->affinity = ~0ULL; /* an idle thread stays on its CPU; others run anywhere */
	t->state = THREAD_READY;
	t->ksp = arch_prepare_stack(t->kstack_top, fn, arg);
	return t;
}

void thread_unlink(struct thread *t)
{
	if (t->idle)
		return;
	if (t->all_prev)
		t->all_prev->all_next = t->all_next;
	else
		all_threads = t->all_next;
	if (t->all_next)
		t->all_next->all_prev = t->all_prev;
	t->all_next = t->all_prev = NULL;
	nr_user_threads--;
}

void thread_free(struct thread *t)
{
	kfree(t->fpu);
	page_free(virt_to_phys((void *)t->kstack), THREAD_KSTACK_ORDER);
	kfree(t);
}

struct thread *thread_find(int tid)
{
	for (struct thread *t = all_threads; t; t = t->all_next)
		if (t->tid == tid && t->state != THREAD_DEAD)
			return t;
	return NULL;
}

struct thread *thread_first(void)
{
	return all_threads;
}

int thread_count(void)
{
	return nr_user_threads;
}

struct thread *current(void)
{
	return this_cpu()->current;
}

bool thread_signal_pending(struct thread *t)
{
	return ((t->sigpending | thread_group_pending) & ~t->sigmask) != 0;
}

void thread_save_fpu(struct thread *t)
{
	if (!t->fpu)
		return;
	arch_fpu_save(t->fpu);
	t->fs_base = arch_get_fs_base(); /* wrfsbase may have changed them */
	t->gs_base = arch_get_user_gs_base();
}

void thread_switch_to(struct thread *t)
{
	this_cpu()->current = t;
	if (!t->fpu)
		return; /* kernel thread: no user state */
	/* syscalls and interrupts from user mode land right below the frame */
	arch_set_kernel_stack((u64)t->regs + sizeof(struct user_regs));
	arch_set_fs_base(t->fs_base);
	arch_set_user_gs_base(t->gs_base);
	arch_fpu_restore(t->fpu);
}
