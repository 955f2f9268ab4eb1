/*
 * sys/sys_timer.c - timers that signal (sys layer): POSIX timers
 * (timer_create/settime/gettime/getoverrun/delete with SIGEV_SIGNAL,
 * SIGEV_THREAD_ID, SIGEV_NONE; CLOCK_REALTIME/MONOTONIC/BOOTTIME and the
 * process and thread CPU-time clocks), setitimer/getitimer (ITIMER_REAL ->
 * SIGALRM; ITIMER_VIRTUAL -> SIGVTALRM and ITIMER_PROF -> SIGPROF both on
 * the process CPU time from the scheduler's accounting), alarm, pause, and
 * the sched_* policy calls (SCHED_OTHER only).
 *
 * Every armed timer owns a struct ktimer (kernel/timer.c) at a monotonic
 * deadline; its callback runs in the timer interrupt and queues the
 * signal (sys/signal.h signal_queue). A POSIX interval timer whose signal
 * was queued is not re-armed until the signal is dequeued
 * (posix_timer_dequeued, called by sys/sys_signal.c): the periods missed
 * meanwhile become si_overrun, as on Linux. CPU-time timers arm the
 * monotonic timer at the earliest moment the CPU clock could reach the
 * deadline (remaining CPU time / CPUs) and check again when it fires.
 * Locking: interrupts off (and the big kernel lock on SMP), like the
 * scheduler. Callers: the syscall table, sys/sys_signal.c.
 */
#include "kernel/kernel.h"
#include "kernel/time.h"
#include "kernel/thread.h"
#include "kernel/sched.h"
#include "kernel/timer.h"
#include "sys/syscalls.h"
#include "sys/signal.h"
#include "arch.h"


#define SIGEV_SIGNAL	0
#define SIGEV_NONE	1
#define SIGEV_THREAD	2
#define SIGEV_THREAD_ID 4

#define TIMER_ABSTIME 1
#define SIGALRM	      14
#define SIGVTALRM     26
#define SIGPROF	      27
#define NSIG	      64

#define ITIMER_REAL    0
#define ITIMER_VIRTUAL 1
#define ITIMER_PROF    2

#define PTIMER_MAX	  1024
#define CPU_RECHECK_MIN	  50000ull  /* CPU-time timers: at most every 50 us */
#define ITIMER_PERIOD_MIN 100000ull /* interval itimers re-arm at most every 100 us */

enum pt_clock { PT_MONO, PT_PROC_CPU, PT_THREAD_CPU };

struct ptimer {
	int id; /* POSIX timer id, -1 for the itimers */
	enum pt_clock clock;
	bool realtime; /* CLOCK_REALTIME: absolute times convert through the base */
	int notify;    /* SIGEV_* (THREAD_ID as SIGEV_THREAD_ID) */
	int signo;
	int tid;     /* SIGEV_THREAD_ID target */
	int cpu_tid; /* PT_THREAD_CPU: the thread timed */
	u64 sigval;
	bool active;  /* a value is set */
	bool waiting; /* fired, signal queued: re-armed when it is dequeued */
	u64 next;     /* next expiry on the timer's clock (monotonic or CPU ns) */
	u64 interval;
	u32 gen;	  /* bumped by settime/delete: stale queued signals */
	s64 overrun;	  /* periods missed since the queued signal */
	s32 overrun_last; /* timer_getoverrun: of the last dequeued signal */
	struct ktimer kt;
};

static struct ptimer *ptimers[PTIMER_MAX];
static u32 pt_gen_next; /* generations are global: a reused id never matches */
static struct ptimer itimers[3];
static bool itimers_ready;

/* ---- clocks ---- */

static u64 pt_now(const struct ptimer *p)
{
	struct thread *t;

	switch (p->clock) {
	case PT_PROC_CPU:
		return sched_process_cpu_ns();
	case PT_THREAD_CPU:
		t = thread_find(p->cpu_tid);
		return t ? sched_thread_cpu_ns(t) : 0;
	default:
		return clock_now_ns();
	}
}

/* arm the ktimer for p->next (on p's clock) */
static void pt_arm(struct ptimer *p)
{
	u64 now, left, cpus;

	if (p->id >= 0 && p->notify == SIGEV_NONE)
		return; /* nothing to do at expiry: gettime computes lazily */
	if (p->clock == PT_MONO) {
		ktimer_arm(&p->kt, p->next);
		return;
	}
	/* CPU time grows at most (CPUs online) times faster than real time */
	now = pt_now(p);
	left = p->next > now ? p->next - now : 0;
	cpus = p->clock == PT_PROC_CPU ? arch_cpus_online() : 1;
	if (!cpus)
		cpus = 1;
	left /= cpus;
	if (left && left < CPU_RECHECK_MIN)
		left = CPU_RECHECK_MIN;
	ktimer_arm(&p->kt, clock_now_ns() + left);
}

static void pt_disarm(struct ptimer *p)
{
	ktimer_cancel(&p->kt);
	p->active = false;
	p->waiting = false;
	p->overrun = 0;
	p->gen = ++pt_gen_next;
}

/* ---- expiry ---- */

static void pt_fire(struct ktimer *kt, u64 now_ns)
{
	struct ptimer *p = kt->arg;
	struct sig_info_k ik = {0};
	struct thread *target = NULL;
	u64 now = p->clock == PT_MONO ? now_ns : pt_now(p);
	int r = 0;

	if (!p->active)
		return;
	if (now < p->next) { /* a CPU-time timer checked early */
		pt_arm(p);
		return;
	}
	ik.code = p->id < 0 ? SI_KERNEL : SI_TIMER;
	ik.pid = p->id < 0 ? 0 : p->id;
	ik.addr = p->id < 0 ? 0 : p->sigval;
	ik.timer_gen = p->gen;
	if (p->notify == SIGEV_THREAD_ID) {
		target = thread_find(p->tid);
		if (!target)
			goto out_rearm; /* the thread is gone: nobody to signal */
	}
	r = signal_queue(target, p->signo, &ik);
	if (r == 1 && p->id >= 0 && p->interval) {
		p->waiting = true; /* posix_timer_dequeued forwards and re-arms */
		return;
	}
	if (r != 1)
		p->overrun++; /* still pending (or ignored): this expiry is lost */
out_rearm:
	if (!p->interval) {
		p->active = false;
		return;
	}
	if (p->id < 0 && p->interval < ITIMER_PERIOD_MIN) {
		/* tiny itimer periods: count them but do not storm */
		u64 n = ktimer_forward(&p->next, p->interval, now);

		(void)n;
		if (p->next < now + ITIMER_PERIOD_MIN)
			p->next = now + ITIMER_PERIOD_MIN;
	} else {
		p->overrun += (s64)ktimer_forward(&p->next, p->interval, now);
	}
	pt_arm(p);
}

void posix_timer_dequeued(int sig, struct sig_info_k *ik)
{
	struct ptimer *p;

	(void)sig;
	ik->overrun = 0;
	if (ik->pid < 0 || ik->pid >= PTIMER_MAX)
		return;
	p = ptimers[ik->pid];
	if (!p || p->gen != ik->timer_gen)
		return; /* deleted or re-set since: a stale signal */
	if (p->waiting) {
		p->waiting = false;
		if (p->active && p->interval) {
			p->overrun += (s64)ktimer_forward(&p->next, p->interval, pt_now(p));
			pt_arm(p);
		}
	}
	ik->overrun = p->overrun > 0x7fffffff ? 0x7fffffff : (s32)p->overrun;
	p->overrun_last = ik->overrun;
	p->overrun = 0;
}

/* ---- setting and reading ---- */

/* value/interval: ns relative (or absolute with abs) on p's clock */
static void pt_set(struct ptimer *p, u64 value, u64 interval, bool abs)
{
	pt_disarm(p);
	p->interval = interval;
	if (!value)
		return;
	if (!abs)
		p->next = pt_now(p) + value;
	else if (p->realtime)
		p->next = ktimer_realtime_to_mono(value);
	else
		p->next = value;
	p->active = true;
	pt_arm(p);
}

/* what is left (ns; 0: disarmed) and the interval */
static u64 pt_left(struct ptimer *p)
{
	u64 now, next;

	if (!p->active)
		return 0;
	now = pt_now(p);
	next = p->next;
	if (next <= now && p->interval) {
		ktimer_forward(&next, p->interval, now);
		if (p->id >= 0 && p->notify == SIGEV_NONE)
			p->next = next;
	}
	if (next > now)
		return next - now;
	if (p->id >= 0 && p->notify == SIGEV_NONE && !p->interval) {
		p->active = false; /* a SIGEV_NONE one-shot that expired */
		return 0;
	}
	return 1; /* expiring right now */
}

static void pt_init(struct ptimer *p, int id)
{
	memset(p, 0, sizeof(*p));
	p->id = id;
	p->gen = ++pt_gen_next;
	ktimer_init(&p->kt, pt_fire, p);
}

/* ---- POSIX timers ---- */

struct sigevent_abi {
	u64 value;
	s32 signo;
	s32 notify;
	s32 tid;
	u8 pad[44];
};
_Static_assert(sizeof(struct sigevent_abi) == 64, "struct sigevent");

/* clockid -> p's clock; 0 or -EINVAL/-EOPNOTSUPP */
static int pt_clock_of(s64 clk, struct ptimer *p)
{
	if (clk < 0) { /* a CPU-time clock of a process or thread */
		int who = (int)~(clk >> 3), type = (int)(clk & 3);

		if (type == 3)
			return -EINVAL; /* a clock fd: no dynamic clocks here */
		if (clk & 4) {
			struct thread *t = who ? thread_find(who) : current();

			if (!t)
				return -EINVAL;
			p->clock = PT_THREAD_CPU;
			p->cpu_tid = t->tid;
			return 0;
		}
		if (who != 0 && who != 1)
			return -EINVAL;
		p->clock = PT_PROC_CPU;
		return 0;
	}
	switch (clk) {
	case CLOCK_REALTIME:
	case CLOCK_REALTIME_ALARM:
	case CLOCK_TAI:
		p->realtime = true;
		p->clock = PT_MONO;
		return 0;
	case CLOCK_MONOTONIC:
	case CLOCK_BOOTTIME:
	case CLOCK_BOOTTIME_ALARM:
		p->clock = PT_MONO;
		return 0;
	case CLOCK_PROCESS_CPUTIME_ID:
		p->clock = PT_PROC_CPU;
		return 0;
	case CLOCK_THREAD_CPUTIME_ID:
		p->clock = PT_THREAD_CPU;
		p->cpu_tid = current()->tid;
		return 0;
	case CLOCK_MONOTONIC_RAW:
	case CLOCK_REALTIME_COARSE:
	case CLOCK_MONOTONIC_COARSE:
		return -EOPNOTSUPP; /* Linux: these clocks have no timers */
	default:
		return -EINVAL;
	}
}

long sys_timer_create(SYS_ARGS)
{
	struct sigevent_abi ev;
	struct ptimer *p;
	int id, err;

	for (id = 0; id < PTIMER_MAX && ptimers[id]; id++)
		;
	if (id == PTIMER_MAX)
		return -EAGAIN;
	if (a1) {
		if (copy_from_user(&ev, a1, sizeof(ev)))
			return -EFAULT;
	} else {
		memset(&ev, 0, sizeof(ev));
		ev.notify = SIGEV_SIGNAL;
		ev.signo = SIGALRM;
		ev.value = (u64)id; /* sival_int = the timer id, as Linux */
	}
	switch (ev.notify) {
	case SIGEV_THREAD_ID:
		if (ev.tid <= 0 || !thread_find(ev.tid))
			return -EINVAL;
		/* fallthrough */
	case SIGEV_SIGNAL:
	case SIGEV_THREAD: /* the C library runs the thread; the kernel signals */
		if (ev.signo < 1 || ev.signo > NSIG)
			return -EINVAL;
		break;
	case SIGEV_NONE:
		break;
	default:
		return -EINVAL;
	}
	p = kmalloc(sizeof(*p));
	if (!p)
		return -ENOMEM;
	pt_init(p, id);
	err = pt_clock_of((s64)a0, p);
	if (err) {
		kfree(p);
		return err;
	}
	p->notify = ev.notify == SIGEV_THREAD ? SIGEV_SIGNAL : ev.notify;
	p->signo = ev.signo;
	p->sigval = ev.value;
	if (p->notify == SIGEV_THREAD_ID)
		p->tid = ev.tid;
	if (copy_to_user(a2, &id, sizeof(id))) {
		kfree(p);
		return -EFAULT;
	}
	ptimers[id] = p;
	return 0;
}

static struct ptimer *pt_lookup(u64 id)
{
	return (s64)id >= 0 && id < PTIMER_MAX ? ptimers[id] : NULL;
}

static void pt_spec(struct ptimer *p, struct ktimer_spec *s)
{
	u64 left = pt_left(p);

	ktimer_ns_ts(p->interval, &s->interval_sec, &s->interval_nsec);
	ktimer_ns_ts(left, &s->value_sec, &s->value_nsec);
}

long sys_timer_settime(SYS_ARGS)
{
	struct ptimer *p = pt_lookup((u64)(s32)a0);
	struct ktimer_spec ns, old;

	if (!p || !a2)
		return -EINVAL;
	if (copy_from_user(&ns, a2, sizeof(ns)))
		return -EFAULT;
	if (ktimer_spec_check(&ns))
		return -EINVAL;
	pt_spec(p, &old);
	pt_set(p, ktimer_ts_ns(ns.value_sec, ns.value_nsec),
	       ktimer_ts_ns(ns.interval_sec, ns.interval_nsec), a1 & TIMER_ABSTIME);
	if (a3 && copy_to_user(a3, &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

long sys_timer_gettime(SYS_ARGS)
{
	struct ptimer *p = pt_lookup((u64)(s32)a0);
	struct ktimer_spec cur;

	if (!p)
		return -EINVAL;
	pt_spec(p, &cur);
	return copy_to_user(a1, &cur, sizeof(cur)) ? -EFAULT : 0;
}

long sys_timer_getoverrun(SYS_ARGS)
{
	struct ptimer *p = pt_lookup((u64)(s32)a0);

	return p ? p->overrun_last : -EINVAL;
}

long sys_timer_delete(SYS_ARGS)
{
	struct ptimer *p = pt_lookup((u64)(s32)a0);

	if (!p)
		return -EINVAL;
	pt_disarm(p); /* a queued signal stays; its dequeue finds no timer */
	ptimers[p->id] = NULL;
	kfree(p);
	return 0;
}

/* ---- itimers and alarm ---- */

struct itimerval_abi {
	s64 interval_sec, interval_usec;
	s64 value_sec, value_usec;
};

static struct ptimer *itimer_get(int which)
{
	static const int sigs[3] = {SIGALRM, SIGVTALRM, SIGPROF};

	if (which < ITIMER_REAL || which > ITIMER_PROF)
		return NULL;
	if (!itimers_ready) {
		for (int i = 0; i < 3; i++) {
			pt_init(&itimers[i], -1);
			itimers[i].clock = i == ITIMER_REAL ? PT_MONO : PT_PROC_CPU;
			itimers[i].notify = SIGEV_SIGNAL;
			itimers[i].signo = sigs[i];
		}
		itimers_ready = true;
	}
	return &itimers[which];
}

static void itimer_value(struct ptimer *p, struct itimerval_abi *v)
{
	u64 left = pt_left(p);

	if (p->active && left < 1000)
		left = 1000; /* an armed timer never reads as 0 (disarmed) */
	v->interval_sec = (s64)(p->interval / 1000000000ull);
	v->interval_usec = (s64)(p->interval % 1000000000ull / 1000);
	v->value_sec = (s64)(left / 1000000000ull);
	v->value_usec = (s64)(left % 1000000000ull / 1000);
}

long sys_getitimer(SYS_ARGS)
{
	struct ptimer *p = itimer_get((int)a0);
	struct itimerval_abi v;

	if (!p)
		return -EINVAL;
	itimer_value(p, &v);
	return copy_to_user(a1, &v, sizeof(v)) ? -EFAULT : 0;
}

long sys_setitimer(SYS_ARGS)
{
	struct ptimer *p = itimer_get((int)a0);
	struct itimerval_abi v, old;

	if (!p)
		return -EINVAL;
	if (a1) {
		if (copy_from_user(&v, a1, sizeof(v)))
			return -EFAULT;
	} else {
		memset(&v, 0, sizeof(v)); /* Linux: NULL disarms (with a warning) */
	}
	if (v.interval_sec < 0 || v.interval_usec < 0 || v.interval_usec >= 1000000 ||
	    v.value_sec < 0 || v.value_usec < 0 || v.value_usec >= 1000000)
		return -EINVAL;
	itimer_value(p, &old);
	pt_set(p, ktimer_ts_ns(v.value_sec, v.value_usec * 1000),
	       ktimer_ts_ns(v.interval_sec, v.interval_usec * 1000), false);
	if (a2 && copy_to_user(a2, &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

long sys_alarm(SYS_ARGS)
{
	struct ptimer *p = itimer_get(ITIMER_REAL);
	struct itimerval_abi old;
	u64 secs;

	itimer_value(p, &old);
	pt_set(p, ktimer_ts_ns((s64)(u32)a0, 0), 0, false);
	/* the seconds left, rounded like Linux (an armed alarm is >= 1) */
	secs = (u64)old.value_sec;
	if ((!secs && old.value_usec) || old.value_usec >= 500000)
		secs++;
	return (long)secs;
}

long sys_pause(SYS_ARGS)
{
	/* until a signal that runs a handler (or ends the program) arrives;
	 * never restarted, as Linux's pause */
	while (sched_block(0, true) != -EINTR)
		;
	return -EINTR;
}

/* ---- scheduling policy: every thread is SCHED_OTHER, priority 0 ---- */

#define SCHED_OTHER	    0
#define SCHED_FIFO	    1
#define SCHED_RR	    2
#define SCHED_BATCH	    3
#define SCHED_IDLE	    5
#define SCHED_DEADLINE	    6
#define SCHED_RESET_ON_FORK 0x40000000

static long sched_who(u64 pid)
{
	if ((s64)(s32)pid < 0)
		return -EINVAL;
	if ((s32)pid && !thread_find((int)(s32)pid))
		return -ESRCH;
	return 0;
}

long sys_sched_getscheduler(SYS_ARGS)
{
	long r = sched_who(a0);

	return r ? r : SCHED_OTHER;
}

long sys_sched_getparam(SYS_ARGS)
{
	long r = sched_who(a0);
	s32 prio = 0;

	if (r)
		return r;
	if (!a1)
		return -EINVAL;
	return copy_to_user(a1, &prio, sizeof(prio)) ? -EFAULT : 0;
}

static long sched_check_param(int policy, u64 uparam)
{
	s32 prio;

	if (!uparam)
		return -EINVAL;
	if (copy_from_user(&prio, uparam, sizeof(prio)))
		return -EFAULT;
	switch (policy) {
	case SCHED_OTHER:
	case SCHED_BATCH:
	case SCHED_IDLE:
		return prio == 0 ? 0 : -EINVAL;
	case SCHED_FIFO:
	case SCHED_RR:
		/* real-time scheduling is not offered (as for an unprivileged
		 * process) */
		return prio < 1 || prio > 99 ? -EINVAL : -EPERM;
	default:
		return -EINVAL;
	}
}

long sys_sched_setscheduler(SYS_ARGS)
{
	long r = sched_who(a0);

	if (r)
		return r;
	/* SCHED_BATCH/SCHED_IDLE are accepted and run as SCHED_OTHER */
	return sched_check_param((int)((s32)a1 & ~SCHED_RESET_ON_FORK), a2);
}

long sys_sched_setparam(SYS_ARGS)
{
	long r = sched_who(a0);

	return r ? r : sched_check_param(SCHED_OTHER, a1);
}

static long sched_prio_limit(int policy, bool max)
{
	switch (policy) {
	case SCHED_FIFO:
	case SCHED_RR:
		return max ? 99 : 1;
	case SCHED_OTHER:
	case SCHED_BATCH:
	case SCHED_IDLE:
	case SCHED_DEADLINE:
		return 0;
	default:
		return -EINVAL;
	}
}

long sys_sched_get_priority_max(SYS_ARGS)
{
	return sched_prio_limit((int)a0, true);
}

long sys_sched_get_priority_min(SYS_ARGS)
{
	return sched_prio_limit((int)a0, false);
}
