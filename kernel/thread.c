/*
 * thread.c - thread objects and the "current thread" (kernel layer):
 * creation of user threads (the first one, and clones: sys/sys_thread.c)
 * and of kernel threads (a CPU's idle thread), the list of live threads,
 * lookup by tid, and thread_switch_to, which installs a thread's kernel
 * stack (TSS rsp0 and the SYSCALL stack), FS/GS bases and FPU state
 * (lazily: see thread_fpu_trap).
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

#define THREAD_FPU_EAGER 5

struct thread_fpu_cpu {
	struct thread *live; /* whose state the registers hold (if t->fpu_cpu1 agrees) */
	bool trap_on;        /* CR0.TS as last set */
	bool bases_known;    /* fs/gs: what the FS base and user GS base registers hold */
	u64 fs, gs;
} __attribute__((aligned(64)));

static struct thread_fpu_cpu fpu_cpus[ARCH_MAX_CPUS];

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
	for (unsigned i = 0; i < ARCH_MAX_CPUS; i++)
		if (fpu_cpus[i].live == t)
			fpu_cpus[i].live = NULL;
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

/*
 * Lazy FPU switching. A thread that has not used the FPU lately starts
 * its time slice with the FPU trap on (CR0.TS): its first FPU (or SSE)
 * instruction raises #NM, and thread_fpu_trap loads its state then. A
 * thread that used the FPU in each of its last THREAD_FPU_EAGER slices
 * gets its state loaded at the switch (the trap would only add cost);
 * fpu_counter wraps at 256, so such a thread is probed again now and
 * then. At the switch away the state is saved only when the trap was
 * off (the thread may have changed it); the registers keep it, and a
 * thread switched back to on the same CPU with nobody else's state
 * loaded in between (fpu_live) needs no restore. So two threads that
 * ping-pong through syscalls without touching the FPU pay nothing for
 * it, where an eager XSAVE + XRSTOR per switch cost a quarter of a futex
 * round trip under TCG. All threads belong to the one program, so state
 * left in the registers is not a leak across protection domains.
 * Kernel code that saves or restores the current thread's FPU state
 * (signal frames, clone) just runs: with the trap on, its XSAVE/XRSTOR
 * raises #NM in the kernel and the handler first loads the thread's own
 * state, so the registers are the thread's again.
 * The per-CPU state is only touched by its CPU with interrupts off (the
 * #NM handler runs without the kernel lock).
 */
static void fpu_trap(struct thread_fpu_cpu *c, bool on)
{
	if (c->trap_on != on) {
		c->trap_on = on;
		arch_fpu_trap(on);
	}
}

static void fpu_load(struct thread_fpu_cpu *c, struct thread *t, unsigned me)
{
	fpu_trap(c, false);
	if (c->live != t || t->fpu_cpu1 != (int)me + 1) {
		arch_fpu_restore(t->fpu);
		c->live = t;
		t->fpu_cpu1 = (int)me + 1;
	}
}

void thread_save_fpu(struct thread *t)
{
	unsigned me = arch_cpu_index();
	struct thread_fpu_cpu *c = &fpu_cpus[me];

	if (!t->fpu)
		return;
	if (c->trap_on) {
		t->fpu_counter = 0; /* no FPU use this slice: lazy next time */
	} else {
		/* the registers hold its state (loaded at #NM or eagerly) */
		arch_fpu_save(t->fpu);
		c->live = t;
		t->fpu_cpu1 = (int)me + 1;
		t->fpu_counter++;
	}
	t->fs_base = arch_get_fs_base(); /* wrfsbase may have changed them */
	t->gs_base = arch_get_user_gs_base();
	c->fs = t->fs_base;
	c->gs = t->gs_base;
	c->bases_known = true;
}

bool thread_fpu_trap(void)
{
	unsigned me = arch_cpu_index();
	struct thread_fpu_cpu *c = &fpu_cpus[me];
	struct thread *t = current();

	if (!c->trap_on)
		return false;
	if (t && t->fpu) {
		fpu_load(c, t, me);
	} else {
		fpu_trap(c, false); /* kernel thread: the registers are no one's now */
		c->live = NULL;
	}
	return true;
}

void thread_switch_to(struct thread *t)
{
	unsigned me = arch_cpu_index();
	struct thread_fpu_cpu *c = &fpu_cpus[me];

	this_cpu()->current = t;
	if (!t->fpu)
		return; /* kernel thread: no user state */
	/* syscalls and interrupts from user mode land right below the frame */
	arch_set_kernel_stack((u64)t->regs + sizeof(struct user_regs));
	if (!c->bases_known || c->fs != t->fs_base)
		arch_set_fs_base(t->fs_base);
	if (!c->bases_known || c->gs != t->gs_base)
		arch_set_user_gs_base(t->gs_base);
	if (t->fpu_counter > THREAD_FPU_EAGER)
		fpu_load(c, t, me);
	else
		fpu_trap(c, true);
}
