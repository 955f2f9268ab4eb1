/*
 * sched.c - the scheduler (kernel layer): one run queue per CPU (FIFO,
 * round robin with a SCHED_QUANTUM_NS quantum), blocking with deadlines,
 * the idle thread (hlt: an idle VM costs the host ~nothing), preemption
 * on the way back to user mode, and wait queues on top of it.
 *
 * Locking: kernel code runs with interrupts off (SYSCALL's FMASK clears
 * IF, all IDT entries are interrupt gates) and only the idle loop and
 * arch_wait_irq open a window, so on one vCPU interrupts-off is the
 * scheduler lock. struct sched_cpu is per CPU and carries the lock word
 * an SMP bring-up takes (run queue operations are confined to
 * rq_push/rq_pop/sched_wake for that). Only CPU 0 runs today.
 *
 * Timers: every blocked thread with a deadline is a timer; the clock
 * (kernel/time.c clock_rearm) arms the one-shot LAPIC timer for the
 * earliest of them, the quantum end and the kernel tick. Called by
 * thread/futex/time code, sys/ and drivers (wait queues).
 */
#include "kernel/kernel.h"
#include "kernel/thread.h"
#include "kernel/sched.h"
#include "kernel/time.h"
#include "arch.h"

struct sched_cpu {
	u32 lock;                  /* SMP: run queue spinlock (unused on one CPU) */
	struct thread *idle;
	struct thread *head, *tail; /* ready threads, FIFO */
	unsigned nr_ready;
	u64 quantum_end_ns;
	bool need_resched;
	struct thread *zombie;     /* dead thread whose stack is freed after the switch */
	u64 switches;
};

static struct sched_cpu sched_cpus[1];
static bool sched_on;
static u64 dead_cpu_ns; /* CPU time of threads that exited */

static struct sched_cpu *this_sched(void)
{
	return &sched_cpus[0];
}

static void rq_push(struct sched_cpu *c, struct thread *t)
{
	t->state = THREAD_READY;
	t->run_next = NULL;
	if (c->tail)
		c->tail->run_next = t;
	else
		c->head = t;
	c->tail = t;
	c->nr_ready++;
}

static struct thread *rq_pop(struct sched_cpu *c)
{
	struct thread *t = c->head;

	if (!t)
		return NULL;
	c->head = t->run_next;
	if (!c->head)
		c->tail = NULL;
	t->run_next = NULL;
	c->nr_ready--;
	return t;
}

void sched_finish_switch(void)
{
	struct sched_cpu *c = this_sched();

	if (c->zombie && c->zombie != current()) {
		thread_free(c->zombie);
		c->zombie = NULL;
	}
	clock_rearm();
}

static void idle_loop(void *arg)
{
	struct sched_cpu *c = arg;

	for (;;) {
		sched_finish_switch();
		if (c->head)
			schedule();
		else
			arch_wait_irq(); /* sti; hlt; cli */
	}
}

void sched_init(void)
{
	struct sched_cpu *c = this_sched();

	c->idle = thread_create_kernel(idle_loop, c);
	if (!c->idle)
		panic("sched: out of memory for the idle thread");
}

void sched_set_first(struct thread *t)
{
	t->state = THREAD_RUNNING;
	t->run_start_ns = clock_now_ns();
	this_sched()->quantum_end_ns = clock_now_ns() + SCHED_QUANTUM_NS;
	sched_on = true;
}

bool sched_active(void)
{
	return sched_on;
}

void sched_add(struct thread *t)
{
	rq_push(this_sched(), t);
	clock_rearm(); /* the running thread's quantum now matters */
}

void schedule(void)
{
	struct sched_cpu *c = this_sched();
	struct thread *prev = current(), *next;
	u64 now;

	c->need_resched = false;
	if (prev->state == THREAD_RUNNING && !prev->idle)
		rq_push(c, prev);
	next = rq_pop(c);
	if (!next)
		next = c->idle;
	next->state = THREAD_RUNNING;
	now = clock_now_ns();
	c->quantum_end_ns = now + SCHED_QUANTUM_NS;
	if (next == prev) {
		clock_rearm();
		return;
	}
	c->switches++;
	prev->cpu_ns += now - prev->run_start_ns;
	next->run_start_ns = now;
	thread_save_fpu(prev);
	thread_switch_to(next);
	arch_switch_stack(&prev->ksp, next->ksp);
	sched_finish_switch();
}

void sched_yield(void)
{
	if (this_sched()->nr_ready)
		schedule();
}

int sched_block(u64 deadline_ns, bool interruptible)
{
	struct thread *t = current();

	if (interruptible && thread_signal_pending(t))
		return -EINTR;
	if (deadline_ns && clock_now_ns() >= deadline_ns)
		return -ETIMEDOUT;
	t->state = THREAD_BLOCKED;
	t->deadline_ns = deadline_ns;
	t->interruptible = interruptible;
	t->wake_result = 0;
	schedule();
	t->deadline_ns = 0;
	return t->wake_result;
}

static void wake_with(struct thread *t, int result)
{
	if (t->state != THREAD_BLOCKED)
		return;
	t->wake_result = result;
	t->deadline_ns = 0;
	rq_push(this_sched(), t);
}

void sched_wake(struct thread *t)
{
	if (t->state != THREAD_BLOCKED)
		return;
	wake_with(t, 0);
	clock_rearm();
}

void sched_interrupt(struct thread *t)
{
	if (t->state == THREAD_BLOCKED && t->interruptible) {
		wake_with(t, -EINTR);
		clock_rearm();
	}
}

int sched_sleep_until(u64 deadline_ns, bool interruptible)
{
	int r;

	if (!sched_on || !current() || current()->idle) {
		clock_sleep_until(deadline_ns);
		return 0;
	}
	do {
		r = sched_block(deadline_ns, interruptible);
		if (r == -EINTR)
			return r;
	} while (clock_now_ns() < deadline_ns);
	return 0;
}

void sched_timer(u64 now_ns)
{
	struct sched_cpu *c = this_sched();

	if (!sched_on)
		return;
	for (struct thread *t = thread_first(); t; t = t->all_next)
		if (t->state == THREAD_BLOCKED && t->deadline_ns && now_ns >= t->deadline_ns)
			wake_with(t, -ETIMEDOUT);
	if (c->nr_ready && now_ns >= c->quantum_end_ns)
		c->need_resched = true;
}

u64 sched_next_deadline(void)
{
	struct sched_cpu *c = this_sched();
	u64 d = 0;

	if (!sched_on)
		return 0;
	for (struct thread *t = thread_first(); t; t = t->all_next)
		if (t->state == THREAD_BLOCKED && t->deadline_ns && (!d || t->deadline_ns < d))
			d = t->deadline_ns;
	if (c->nr_ready && !current()->idle && (!d || c->quantum_end_ns < d))
		d = c->quantum_end_ns;
	return d;
}

void sched_return_to_user(void)
{
	struct sched_cpu *c = this_sched();

	if (!c->nr_ready)
		return;
	if (c->need_resched || clock_now_ns() >= c->quantum_end_ns)
		schedule();
}

void sched_exit_current(void)
{
	struct sched_cpu *c = this_sched();
	struct thread *t = current();

	if (c->zombie)
		thread_free(c->zombie);
	t->state = THREAD_DEAD;
	dead_cpu_ns += sched_thread_cpu_ns(t);
	thread_unlink(t);
	c->zombie = t;
	schedule();
	panic("sched: a dead thread ran again");
}

u64 sched_thread_cpu_ns(struct thread *t)
{
	return t->cpu_ns + (t->state == THREAD_RUNNING ? clock_now_ns() - t->run_start_ns : 0);
}

u64 sched_process_cpu_ns(void)
{
	u64 sum = dead_cpu_ns;

	for (struct thread *t = thread_first(); t; t = t->all_next)
		sum += sched_thread_cpu_ns(t);
	return sum;
}

u64 sched_switch_count(void)
{
	return this_sched()->switches;
}

/* ---- wait queues ---- */

void waitq_init(struct wait_queue *q)
{
	q->head.next = q->head.prev = &q->head;
	q->head.t = NULL;
}

int waitq_wait(struct wait_queue *q, u64 deadline_ns, bool interruptible)
{
	struct wait_entry e = { .t = current(), .woken = false };
	int r;

	if (!sched_on || current()->idle) {
		/* before the scheduler runs (boot): wait for any interrupt */
		if (deadline_ns && clock_now_ns() >= deadline_ns)
			return -ETIMEDOUT;
		arch_wait_irq();
		return 0;
	}
	e.prev = q->head.prev;
	e.next = &q->head;
	q->head.prev->next = &e;
	q->head.prev = &e;
	r = sched_block(deadline_ns, interruptible);
	if (!e.woken) {
		e.prev->next = e.next;
		e.next->prev = e.prev;
	}
	return e.woken ? 0 : r;
}

int waitq_wake(struct wait_queue *q, int n)
{
	int woken = 0;

	if (!q->head.next)
		return 0; /* never initialized */
	while (q->head.next != &q->head && (n < 0 || woken < n)) {
		struct wait_entry *e = q->head.next;

		e->prev->next = e->next;
		e->next->prev = e->prev;
		e->woken = true;
		if (e->t)
			sched_wake(e->t);
		woken++;
	}
	return woken;
}
