/*
 * sched.c - the scheduler (kernel layer): one run queue shared by all
 * CPUs (FIFO, round robin with a SCHED_QUANTUM_NS quantum, affinity
 * masks), blocking with deadlines, an idle thread per CPU (hlt: an idle
 * VM costs the host ~nothing), preemption on the way back to user mode,
 * reschedule IPIs, and wait queues on top of it.
 *
 * Locking: all kernel code runs under the big kernel lock with
 * interrupts off (arch/x86_64/smp_lock.c: taken on every entry from user
 * mode, kept across context switches, dropped on return to user mode and
 * by the idle thread around hlt). So the run queue, thread states and
 * wait queues need no lock of their own, and one shared queue costs
 * nothing extra: every CPU takes the first ready thread its affinity
 * allows (natural balancing; per-CPU queues pay off only once the big
 * lock is split).
 *
 * Wakeups: a thread made ready kicks (IPI) an idle CPU allowed to run it,
 * preferring the CPU it last ran on; with none idle, busy CPUs whose
 * timer does not cover their quantum are kicked to arm it. A signal for a
 * thread running on another CPU kicks that CPU (sched_interrupt), so the
 * signal is delivered on its way back to user mode.
 *
 * Timers: each CPU arms its own one-shot timer (kernel/time.c
 * clock_rearm) for the earliest of the deadlines of threads that blocked
 * on it, its quantum end (when threads are ready) and the global kernel
 * timers. Called by thread/futex/time code, sys/, drivers (wait queues),
 * the arch timer/IPI handlers and smp.c (sched_ap_start).
 */
#include "kernel/kernel.h"
#include "kernel/thread.h"
#include "kernel/sched.h"
#include "kernel/time.h"
#include "arch.h"

struct sched_cpu {
	bool online;               /* runs the scheduler */
	struct thread *idle;
	struct thread *curr;
	u64 quantum_end_ns;
	bool kicked;               /* a reschedule IPI is on its way */
	bool quantum_armed;        /* its timer covers the quantum end */
	struct thread *zombie;     /* dead thread whose stack is freed after the switch */
	u64 switches;
};

static struct sched_cpu sched_cpus[ARCH_MAX_CPUS];
static struct thread *rq_head, *rq_tail; /* ready threads, FIFO */
unsigned sched_rq_len; /* threads on the run queue */
u64 sched_resched_mask; /* CPUs that switch on the way back to user mode */
static bool sched_on;
static u64 dead_cpu_ns; /* CPU time of threads that exited */

static struct sched_cpu *this_sched(void)
{
	return &sched_cpus[arch_cpu_index()];
}

static bool allowed(const struct thread *t, unsigned cpu)
{
	return (t->affinity >> cpu) & 1;
}

static void rq_push(struct thread *t)
{
	t->state = THREAD_READY;
	t->run_next = NULL;
	if (rq_tail)
		rq_tail->run_next = t;
	else
		rq_head = t;
	rq_tail = t;
	sched_rq_len++;
}

/* the first ready thread this CPU may run */
static struct thread *rq_pop(unsigned cpu)
{
	struct thread *t, *prev = NULL;

	for (t = rq_head; t && !allowed(t, cpu); t = t->run_next)
		prev = t;
	if (!t)
		return NULL;
	if (prev)
		prev->run_next = t->run_next;
	else
		rq_head = t->run_next;
	if (rq_tail == t)
		rq_tail = prev;
	t->run_next = NULL;
	sched_rq_len--;
	return t;
}

static bool rq_has(unsigned cpu)
{
	for (struct thread *t = rq_head; t; t = t->run_next)
		if (allowed(t, cpu))
			return true;
	return false;
}

u64 sched_online_mask(void)
{
	unsigned n = arch_cpus_online();

	return n >= 64 ? ~0ULL : (1ULL << n) - 1;
}

/* t is ready: get a CPU to look at the run queue */
static void kick_for(struct thread *t)
{
	unsigned me = arch_cpu_index(), n = arch_cpus_online();
	int pick = -1;

	for (unsigned i = 0; i < n; i++) {
		struct sched_cpu *c = &sched_cpus[i];

		if (!c->online || !allowed(t, i) || c->kicked || c->curr != c->idle)
			continue;
		if (pick < 0 || i == (unsigned)t->cpu)
			pick = (int)i;
	}
	if (pick >= 0) {
		sched_cpus[pick].kicked = true;
		arch_kick_cpu((unsigned)pick); /* no IPI to ourselves: the idle loop looks */
		return;
	}
	/* every allowed CPU is busy: each must preempt at its quantum end */
	for (unsigned i = 0; i < n; i++) {
		struct sched_cpu *c = &sched_cpus[i];

		if (i == me || !c->online || !allowed(t, i) || c->kicked || c->quantum_armed)
			continue;
		c->kicked = true;
		arch_kick_cpu(i);
	}
}

/* after a switch (schedule() armed the timer for the new state) */
static void finish_switch(void)
{
	struct sched_cpu *c = this_sched();

	if (c->zombie && c->zombie != current()) {
		thread_free(c->zombie);
		c->zombie = NULL;
	}
}

void sched_finish_switch(void)
{
	finish_switch();
	clock_rearm();
}

static void idle_loop(void *arg)
{
	struct sched_cpu *c = arg;
	unsigned me = (unsigned)(c - sched_cpus);

	for (;;) {
		sched_finish_switch();
		if (rq_has(me)) {
			schedule();
			continue;
		}
		c->kicked = false;
		arch_idle_wait(); /* drops the kernel lock around sti; hlt */
	}
}

static void sched_cpu_init(unsigned cpu)
{
	struct sched_cpu *c = &sched_cpus[cpu];

	c->idle = thread_create_kernel(idle_loop, c);
	if (!c->idle)
		panic("sched: out of memory for CPU %u's idle thread", cpu);
	c->idle->cpu = (int)cpu;
	c->curr = c->idle;
	c->online = true;
}

void sched_init(void)
{
	sched_cpu_init(0);
}

void sched_ap_start(void)
{
	unsigned me = arch_cpu_index();
	struct sched_cpu *c = &sched_cpus[me];
	u64 boot_sp;

	sched_cpu_init(me);
	c->idle->state = THREAD_RUNNING;
	thread_switch_to(c->idle);
	klog("sched: CPU %u runs threads", me);
	arch_switch_stack(&boot_sp, c->idle->ksp); /* the boot stack is left behind */
	panic("sched: CPU %u's boot stack resumed", me);
}

void sched_set_first(struct thread *t)
{
	struct sched_cpu *c = this_sched();

	if (!arch_bkl_held())
		arch_bkl_lock(); /* dropped when t enters user mode */
	t->state = THREAD_RUNNING;
	t->cpu = 0;
	t->run_start_ns = clock_now_ns();
	c->curr = t;
	c->quantum_end_ns = clock_now_ns() + SCHED_QUANTUM_NS;
	sched_on = true;
	arch_smp_start(); /* the other CPUs enter their idle threads */
}

bool sched_active(void)
{
	return sched_on;
}

void sched_add(struct thread *t)
{
	rq_push(t);
	kick_for(t);
	clock_rearm(); /* the running thread's quantum now matters */
}

void schedule(void)
{
	unsigned me = arch_cpu_index(), n = arch_cpus_online(), i;
	struct sched_cpu *c = &sched_cpus[me];
	struct thread *prev = current(), *next, *t;
	u64 now;

	sched_resched_mask &= ~(1ULL << me);
	c->kicked = false;
	if (prev->state == THREAD_RUNNING && prev != c->idle)
		rq_push(prev); /* kernel threads (idle flag) too: only this CPU's idle thread stays out */
	next = rq_pop(me);
	if (!next)
		next = c->idle;
	next->state = THREAD_RUNNING;
	next->cpu = (int)me;
	c->curr = next;
	/* what stays queued (prev among it) may find an idle CPU */
	for (t = n > 1 ? rq_head : NULL, i = 0; t && i < n; t = t->run_next, i++)
		kick_for(t);
	now = clock_now_ns();
	c->quantum_end_ns = now + SCHED_QUANTUM_NS;
	/*
	 * The timer: a later quantum end needs no rearm (the armed, earlier
	 * interrupt comes first and re-arms: kernel/time.c). It must be
	 * armed when prev blocked with a timeout, or threads wait and no
	 * quantum timer is armed yet; the idle loop rearms before it halts.
	 */
	if ((prev->state == THREAD_BLOCKED && prev->deadline_ns) ||
	    (sched_rq_len && !c->quantum_armed) || next == prev)
		clock_rearm();
	if (next == prev)
		return;
	c->switches++;
	prev->cpu_ns += now - prev->run_start_ns;
	next->run_start_ns = now;
	thread_save_fpu(prev);
	thread_switch_to(next);
	arch_switch_stack(&prev->ksp, next->ksp);
	finish_switch();
}

void sched_yield(void)
{
	if (rq_has(arch_cpu_index()))
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
	rq_push(t);
	kick_for(t);
}

void sched_wake(struct thread *t)
{
	if (t->state != THREAD_BLOCKED)
		return;
	wake_with(t, 0);
	/* t's timeout is gone (deadlines only got later); what may matter
	 * now is this CPU's quantum, unless its timer already covers it */
	if (!this_sched()->quantum_armed)
		clock_rearm();
}

void sched_interrupt(struct thread *t)
{
	if (t->state == THREAD_BLOCKED && t->interruptible) {
		wake_with(t, -EINTR);
		clock_rearm();
	} else if (t->state == THREAD_RUNNING && t != current()) {
		/* running on another CPU: into the kernel, where the signal
		 * is delivered on the way back to user mode */
		arch_kick_cpu((unsigned)t->cpu);
	}
}

void sched_set_affinity(struct thread *t, u64 mask)
{
	t->affinity = mask;
	if (t->state == THREAD_READY) {
		kick_for(t);
	} else if (t->state == THREAD_RUNNING && !allowed(t, (unsigned)t->cpu)) {
		sched_resched_mask |= 1ULL << t->cpu;
		arch_kick_cpu((unsigned)t->cpu); /* no-op for ourselves */
	}
}

void sched_resched_interrupt(void)
{
	struct sched_cpu *c = this_sched();

	c->kicked = false;
	if (sched_on && current())
		clock_rearm(); /* the quantum may matter now */
}

int sched_sleep_until(u64 deadline_ns, bool interruptible)
{
	int r;

	if (!sched_on || !current() || current() == this_sched()->idle) {
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
	if (sched_rq_len && now_ns >= c->quantum_end_ns)
		sched_resched_mask |= 1ULL << arch_cpu_index();
}

u64 sched_next_deadline(void)
{
	unsigned me = arch_cpu_index();
	struct sched_cpu *c = &sched_cpus[me];
	u64 d = 0;

	if (!sched_on || !current())
		return 0;
	/* the timeouts of threads that blocked on this CPU */
	for (struct thread *t = thread_first(); t; t = t->all_next)
		if (t->state == THREAD_BLOCKED && t->deadline_ns && t->cpu == (int)me &&
		    (!d || t->deadline_ns < d))
			d = t->deadline_ns;
	c->quantum_armed = false;
	if (sched_rq_len && c->curr != c->idle) { /* c->curr: schedule() rearms before the switch */
		c->quantum_armed = true;
		if (!d || c->quantum_end_ns < d)
			d = c->quantum_end_ns;
	}
	return d;
}

void sched_return_to_user(void)
{
	unsigned me = arch_cpu_index();
	struct sched_cpu *c = &sched_cpus[me];

	if ((sched_resched_mask >> me) & 1) {
		schedule();
		return;
	}
	if (sched_rq_len && clock_now_ns() >= c->quantum_end_ns && rq_has(me))
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
	u64 n = 0;

	for (unsigned i = 0; i < arch_cpus_online(); i++)
		n += sched_cpus[i].switches;
	return n;
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

	if (!sched_on || current() == this_sched()->idle) {
		/* before the scheduler runs (boot) or in an idle thread: wait
		 * for any interrupt; kernel threads (writeback) sleep */
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
