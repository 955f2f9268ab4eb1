/*
 * smp.c - threads on several CPUs (tests/suites/52-threads, issue 5 item
 * 3): proof that two threads run at the same time (different getcpu()
 * values, and one thread's counter advancing while the other runs without
 * a pause), affinity masks honoured, pthread mutex / condvar /
 * barrier work with checked results, a signal to a thread spinning on
 * another CPU, TLB shootdown (a read or write through a mapping after
 * munmap/mprotect returned must fault), FPU state across migrations, and
 * figures: futex wake-to-run latency, ping-pong round trip, thread
 * create+join, a spin handshake. With one CPU the parallel cases skip (reason given) and
 * the rest still run. Static Linux ELF (musl and glibc); runs natively
 * first, so the assertions are Linux's.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/mman.h>

#include "../gtest.h"
#include "tutil.h"

static int ncpus;

static int cpu_now(void)
{
	unsigned cpu = ~0u, node = ~0u;

	if (syscall(SYS_getcpu, &cpu, &node, NULL))
		return -1;
	return (int)cpu;
}

static int pin(int cpu)
{
	cpu_set_t s;

	CPU_ZERO(&s);
	CPU_SET(cpu, &s);
	return sched_setaffinity(0, sizeof(s), &s);
}

static void unpin(void)
{
	cpu_set_t s;

	CPU_ZERO(&s);
	for (int i = 0; i < ncpus; i++)
		CPU_SET(i, &s);
	sched_setaffinity(0, sizeof(s), &s);
}

/* ---- two threads at the same time ---- */

static atomic_int hs_a, hs_b, par_stop;
static atomic_long par_count;
static int hs_cpu_b;
#define HS_ROUNDS 2000

static long long tsc_ns(void)
{
	return now_ns(CLOCK_MONOTONIC);
}

static void *spin_counter(void *arg)
{
	pin(1);
	hs_cpu_b = cpu_now();
	while (!atomic_load(&par_stop))
		atomic_fetch_add(&par_count, 1);
	return NULL;
}

static void *handshake_b(void *arg)
{
	pin(1);
	for (int i = 1; i <= HS_ROUNDS; i++) {
		while (atomic_load(&hs_a) != i)
			;
		atomic_store(&hs_b, i);
	}
	return NULL;
}

/*
 * Proof of parallelism that does not depend on the host's speed: a
 * thread pinned to CPU 1 counts; main, pinned to CPU 0, watches the
 * counter through windows in which its own clock never jumps by more than
 * 1 ms (so it was not switched out: on one CPU the counter could only
 * move while main is off the CPU, for a 4 ms quantum). The counter moving
 * inside such a window means both ran at the same time. Then a figure:
 * 2000 spin handshakes without a system call.
 */
static void test_parallel(void)
{
	pthread_t th;
	long long t0, dt, end;
	int cpu_a, proven = 0, windows = 0;

	if (ncpus < 2) {
		gt_skip("parallel-progress", "one CPU");
		gt_skip("parallel-getcpu-differs", "one CPU");
		return;
	}
	pin(0);
	cpu_a = cpu_now();
	pthread_create(&th, NULL, spin_counter, NULL);
	end = tsc_ns() + 10000000000LL;
	while (!proven && tsc_ns() < end) {
		long c1 = atomic_load(&par_count), c2;
		long long prev = tsc_ns(), gap = 0;

		for (int i = 0; i < 2000; i++) {
			long long t = tsc_ns();

			if (t - prev > gap)
				gap = t - prev;
			prev = t;
		}
		c2 = atomic_load(&par_count);
		windows++;
		if (gap < 1000000 && c2 > c1 && c1 > 0)
			proven = 1;
	}
	atomic_store(&par_stop, 1);
	pthread_join(th, NULL);
	CHECK("parallel-progress", proven,
	      "in %d windows without a clock jump the other thread never advanced", windows);
	CHECK("parallel-getcpu-differs", cpu_a == 0 && hs_cpu_b == 1,
	      "pinned threads report CPUs %d and %d", cpu_a, hs_cpu_b);

	pthread_create(&th, NULL, handshake_b, NULL);
	t0 = tsc_ns();
	for (int i = 1; i <= HS_ROUNDS; i++) {
		atomic_store(&hs_a, i);
		while (atomic_load(&hs_b) != i)
			;
	}
	dt = tsc_ns() - t0;
	pthread_join(th, NULL);
	unpin();
	printf("figure spin handshake round trip %lld ns (CPU 0 <-> CPU 1, no syscalls)\n",
	       dt / HS_ROUNDS);
}

static void test_affinity(void)
{
	cpu_set_t s;
	int ok = 1, got = -1;

	CPU_ZERO(&s);
	CHECK_RET("getaffinity", sched_getaffinity(0, sizeof(s), &s), 0);
	CHECK("getaffinity-count", CPU_COUNT(&s) == ncpus, "%d CPUs in the mask, %d online",
	      CPU_COUNT(&s), ncpus);
	for (int round = 0; round < 6 && ok; round++) {
		int want = round % ncpus;

		if (pin(want)) {
			ok = 0;
			break;
		}
		for (volatile int i = 0; i < 100000; i++)
			;
		got = cpu_now();
		/* sched_getcpu: the vDSO's getcpu (RDTSCP/TSC_AUX) when there is one */
		ok = got == want && sched_getcpu() == want;
		CPU_ZERO(&s);
		sched_getaffinity(0, sizeof(s), &s);
		ok = ok && CPU_COUNT(&s) == 1 && CPU_ISSET(want, &s);
	}
	CHECK("setaffinity-moves-thread", ok, "pinned, then getcpu says %d, sched_getcpu %d", got,
	      sched_getcpu());
	CPU_ZERO(&s);
	CPU_SET(63, &s);
	CHECK_ERR("setaffinity-no-cpu-einval", sched_setaffinity(0, sizeof(s), &s), EINVAL);
	unpin();
}

/* CLOCK_MONOTONIC read on one CPU, then another, never goes back */
static void test_clock_across_cpus(void)
{
	long long prev = 0, worst = 0;
	int ok = 1;

	if (ncpus < 2) {
		gt_skip("clock-monotonic-across-cpus", "one CPU");
		return;
	}
	for (int i = 0; i < 20; i++) {
		long long t;

		pin(i % ncpus);
		t = now_ns(CLOCK_MONOTONIC);
		if (prev && t < prev) {
			ok = 0;
			if (prev - t > worst)
				worst = prev - t;
		}
		if (prev && t - prev > worst)
			worst = t - prev;
		prev = t;
	}
	unpin();
	CHECK("clock-monotonic-across-cpus", ok && worst < 1000000000LL,
	      "the clock went back or jumped by %lld us between CPUs", worst / 1000);
}

/* timeouts of threads blocked on each CPU fire on time (each CPU's own
 * timer), also with the other CPUs idle */
static void test_sleep_each_cpu(void)
{
	char name[64];

	for (int cpu = 0; cpu < ncpus && cpu < 4; cpu++) {
		long long worst = 0;

		pin(cpu);
		for (int i = 0; i < 5; i++) {
			long long t0 = now_ns(CLOCK_MONOTONIC), late;

			sleep_ms(20);
			late = now_ns(CLOCK_MONOTONIC) - t0 - 20000000LL;
			if (late > worst)
				worst = late;
		}
		snprintf(name, sizeof(name), "sleep-on-cpu%d", cpu);
		CHECK(name, worst >= 0 && worst < 200000000LL, "20 ms sleeps up to %lld us late",
		      worst / 1000);
		printf("figure nanosleep 20 ms on CPU %d: worst overshoot %lld us\n", cpu,
		       worst / 1000);
	}
	unpin();
}

/* ---- pthread primitives with checked results ---- */

#define NTHREADS 4
#define MUTEX_ITERS 5000
static pthread_mutex_t mtx = PTHREAD_MUTEX_INITIALIZER;
static long counter;

static void *mutex_worker(void *arg)
{
	for (int i = 0; i < MUTEX_ITERS; i++) {
		pthread_mutex_lock(&mtx);
		long v = counter;
		for (volatile int k = 0; k < 3; k++)
			;
		counter = v + 1; /* a lost update if two hold the lock */
		pthread_mutex_unlock(&mtx);
	}
	return arg;
}

static void test_mutex(void)
{
	pthread_t th[NTHREADS];

	for (int i = 0; i < NTHREADS; i++)
		pthread_create(&th[i], NULL, mutex_worker, NULL);
	for (int i = 0; i < NTHREADS; i++)
		pthread_join(th[i], NULL);
	CHECK("mutex-counter", counter == NTHREADS * (long)MUTEX_ITERS, "counter %ld, want %ld",
	      counter, NTHREADS * (long)MUTEX_ITERS);
}

#define QCAP 8
#define ITEMS 4000
static pthread_mutex_t qm = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t q_nonempty = PTHREAD_COND_INITIALIZER, q_nonfull = PTHREAD_COND_INITIALIZER;
static long q[QCAP];
static int qh, qn;
static long consumed_sum, consumed_n;

static void *producer(void *arg)
{
	long base = (long)arg;

	for (long i = 1; i <= ITEMS; i++) {
		pthread_mutex_lock(&qm);
		while (qn == QCAP)
			pthread_cond_wait(&q_nonfull, &qm);
		q[(qh + qn++) % QCAP] = base + i;
		pthread_cond_signal(&q_nonempty);
		pthread_mutex_unlock(&qm);
	}
	return NULL;
}

static void *consumer(void *arg)
{
	for (;;) {
		long v;

		pthread_mutex_lock(&qm);
		while (qn == 0)
			pthread_cond_wait(&q_nonempty, &qm);
		v = q[qh];
		qh = (qh + 1) % QCAP;
		qn--;
		pthread_cond_signal(&q_nonfull);
		if (v < 0) {
			pthread_mutex_unlock(&qm);
			return NULL;
		}
		consumed_sum += v;
		consumed_n++;
		pthread_mutex_unlock(&qm);
	}
}

static void test_condvar(void)
{
	pthread_t p[2], c[2];
	long want = 0;

	for (int i = 0; i < 2; i++)
		pthread_create(&c[i], NULL, consumer, NULL);
	for (int i = 0; i < 2; i++)
		pthread_create(&p[i], NULL, producer, (void *)(i * 1000000L));
	for (int i = 0; i < 2; i++)
		pthread_join(p[i], NULL);
	for (int i = 0; i < 2; i++) { /* one stop marker per consumer */
		pthread_mutex_lock(&qm);
		while (qn == QCAP)
			pthread_cond_wait(&q_nonfull, &qm);
		q[(qh + qn++) % QCAP] = -1;
		pthread_cond_signal(&q_nonempty);
		pthread_mutex_unlock(&qm);
	}
	for (int i = 0; i < 2; i++)
		pthread_join(c[i], NULL);
	for (int i = 0; i < 2; i++)
		want += i * 1000000L * ITEMS + (long)ITEMS * (ITEMS + 1) / 2;
	CHECK("condvar-queue", consumed_n == 2 * ITEMS && consumed_sum == want,
	      "%ld items summing to %ld, want %d summing to %ld", consumed_n, consumed_sum,
	      2 * ITEMS, want);
}

#define BROUNDS 100
static pthread_barrier_t bar;
static atomic_int slots[NTHREADS];
static atomic_int barrier_bad;

static void *barrier_worker(void *arg)
{
	int me = (int)(long)arg;

	for (int r = 1; r <= BROUNDS; r++) {
		atomic_store(&slots[me], r);
		pthread_barrier_wait(&bar);
		for (int i = 0; i < NTHREADS; i++) /* everyone wrote round r */
			if (atomic_load(&slots[i]) != r)
				atomic_fetch_add(&barrier_bad, 1);
		pthread_barrier_wait(&bar);
	}
	return NULL;
}

static void test_barrier(void)
{
	pthread_t th[NTHREADS];

	pthread_barrier_init(&bar, NULL, NTHREADS);
	for (int i = 0; i < NTHREADS; i++)
		pthread_create(&th[i], NULL, barrier_worker, (void *)(long)i);
	for (int i = 0; i < NTHREADS; i++)
		pthread_join(th[i], NULL);
	pthread_barrier_destroy(&bar);
	CHECK("barrier-rounds", barrier_bad == 0, "%d stale slots seen after a barrier",
	      (int)barrier_bad);
}

/* ---- a signal to a thread spinning on another CPU ---- */

static atomic_int spin_stop, spin_started, usr1_got;
static atomic_llong usr1_at;

static void on_usr1(int sig)
{
	usr1_at = now_ns(CLOCK_MONOTONIC);
	atomic_store(&usr1_got, 1);
}

static void *spinner(void *arg)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);
	if (ncpus > 1)
		pin(1);
	atomic_store(&spin_started, 1);
	while (!atomic_load(&spin_stop))
		; /* no syscalls: only an interrupt brings this CPU into the kernel */
	return NULL;
}

static void test_signal_running(void)
{
	pthread_t th;
	long long t0, t_end;

	signal(SIGUSR1, on_usr1);
	pthread_create(&th, NULL, spinner, NULL);
	while (!atomic_load(&spin_started))
		sched_yield();
	sleep_ms(20);
	t0 = now_ns(CLOCK_MONOTONIC);
	pthread_kill(th, SIGUSR1);
	t_end = t0 + 2000000000LL;
	while (!atomic_load(&usr1_got) && now_ns(CLOCK_MONOTONIC) < t_end)
		sched_yield();
	atomic_store(&spin_stop, 1);
	pthread_join(th, NULL);
	CHECK("signal-to-spinning-thread", usr1_got, "no handler ran within 2 s");
	if (usr1_got)
		printf("figure signal to a spinning thread: handler after %lld us\n",
		       (usr1_at - t0) / 1000);

	/* a process-directed signal (kill) that only the spinner takes */
	sigset_t set, old;

	atomic_store(&spin_stop, 0);
	atomic_store(&spin_started, 0);
	atomic_store(&usr1_got, 0);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &set, &old);
	pthread_create(&th, NULL, spinner, NULL); /* inherits the mask: unblock there */
	while (!atomic_load(&spin_started))
		sched_yield();
	sleep_ms(20);
	kill(getpid(), SIGUSR1);
	t_end = now_ns(CLOCK_MONOTONIC) + 2000000000LL;
	while (!atomic_load(&usr1_got) && now_ns(CLOCK_MONOTONIC) < t_end)
		sched_yield();
	atomic_store(&spin_stop, 1);
	pthread_join(th, NULL);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	CHECK("process-signal-to-spinning-thread", usr1_got, "no handler ran within 2 s");
}

/* ---- TLB shootdown ---- */

static sigjmp_buf tlb_jb;
static atomic_int tlb_phase, tlb_after, tlb_faulted, tlb_stale;
static volatile int *tlb_page;
static int tlb_write;

static void on_segv(int sig)
{
	atomic_store(&tlb_faulted, 1);
	siglongjmp(tlb_jb, 1);
}

static void *tlb_user(void *arg)
{
	if (ncpus > 1)
		pin(1);
	if (sigsetjmp(tlb_jb, 1))
		return NULL;
	atomic_store(&tlb_phase, 1);
	for (;;) {
		int after = atomic_load(&tlb_after);

		if (tlb_write)
			*tlb_page = 7;
		else
			(void)*tlb_page;
		if (after) { /* the access worked after munmap/mprotect returned */
			atomic_store(&tlb_stale, 1);
			return NULL;
		}
	}
}

static void tlb_case(const char *name, int write)
{
	pthread_t th;
	long long end;

	tlb_page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	*tlb_page = 1;
	tlb_write = write;
	atomic_store(&tlb_phase, 0);
	atomic_store(&tlb_after, 0);
	atomic_store(&tlb_faulted, 0);
	atomic_store(&tlb_stale, 0);
	pthread_create(&th, NULL, tlb_user, NULL);
	while (!atomic_load(&tlb_phase))
		sched_yield();
	sleep_ms(10); /* it is spinning through the mapping now */
	if (write)
		mprotect((void *)tlb_page, 4096, PROT_READ);
	else
		munmap((void *)tlb_page, 4096);
	atomic_store(&tlb_after, 1);
	end = now_ns(CLOCK_MONOTONIC) + 2000000000LL;
	while (!atomic_load(&tlb_faulted) && !atomic_load(&tlb_stale) &&
	       now_ns(CLOCK_MONOTONIC) < end)
		sched_yield();
	pthread_join(th, NULL);
	CHECK(name, tlb_faulted && !tlb_stale, "faulted %d, stale access after the call %d",
	      (int)tlb_faulted, (int)tlb_stale);
	if (write)
		munmap((void *)tlb_page, 4096);
}

static void test_tlb(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_segv;
	sigaction(SIGSEGV, &sa, NULL);
	for (int i = 0; i < 3; i++) {
		tlb_case("tlb-munmap-then-read-faults", 0);
		tlb_case("tlb-mprotect-then-write-faults", 1);
	}
	signal(SIGSEGV, SIG_DFL);
}

/* ---- FPU state while threads move between CPUs ---- */

static double fpu_chain(int seed, int hop)
{
	double x = seed * 0.001 + 1.0;

	for (int i = 0; i < 200000; i++) {
		x = x * 1.0000001 + 0.5 / (x + i);
		if (hop && ncpus > 1 && i % 20000 == 0)
			pin((i / 20000) % ncpus); /* move, keeping xmm state in flight */
	}
	return x;
}

static double fpu_res[NTHREADS];

static void *fpu_worker(void *arg)
{
	int me = (int)(long)arg;

	fpu_res[me] = fpu_chain(me, 1);
	return NULL;
}

static void test_fpu(void)
{
	pthread_t th[NTHREADS];
	int ok = 1;

	for (int i = 0; i < NTHREADS; i++)
		pthread_create(&th[i], NULL, fpu_worker, (void *)(long)i);
	for (int i = 0; i < NTHREADS; i++)
		pthread_join(th[i], NULL);
	for (int i = 0; i < NTHREADS; i++)
		if (fpu_res[i] != fpu_chain(i, 0))
			ok = 0;
	CHECK("fpu-across-migrations", ok, "a float chain moved between CPUs differs");
}

/* ---- figures ---- */

static atomic_int pp_word;
static atomic_llong wake_sent, wake_ran_sum;
#define PP_ROUNDS 2000

static void *pp_partner(void *arg)
{
	int cpu = (int)(long)arg;

	if (cpu >= 0)
		pin(cpu);
	for (int i = 0; i < PP_ROUNDS; i++) {
		while (atomic_load(&pp_word) != 1)
			futex(&pp_word, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
		wake_ran_sum += now_ns(CLOCK_MONOTONIC) - wake_sent;
		atomic_store(&pp_word, 0);
		futex(&pp_word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
	}
	return NULL;
}

/* futex ping-pong: partner on CPU `other` (or -1 unpinned), us on CPU 0 */
static void pingpong(const char *what, int other)
{
	pthread_t th;
	long long t0, dt;

	if (other >= 0)
		pin(0);
	atomic_store(&pp_word, 0);
	wake_ran_sum = 0;
	pthread_create(&th, NULL, pp_partner, (void *)(long)other);
	sleep_ms(5);
	t0 = now_ns(CLOCK_MONOTONIC);
	for (int i = 0; i < PP_ROUNDS; i++) {
		wake_sent = now_ns(CLOCK_MONOTONIC);
		atomic_store(&pp_word, 1);
		futex(&pp_word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
		while (atomic_load(&pp_word) != 0)
			futex(&pp_word, FUTEX_WAIT_PRIVATE, 1, NULL, NULL, 0);
	}
	dt = now_ns(CLOCK_MONOTONIC) - t0;
	pthread_join(th, NULL);
	unpin();
	printf("figure futex ping-pong %s: round trip %lld ns, wake-to-run %lld ns\n", what,
	       dt / PP_ROUNDS, wake_ran_sum / PP_ROUNDS);
}

static void *nothing(void *arg)
{
	return arg;
}

static void figures(void)
{
	long long t0;
	pthread_t th;

	pingpong("same CPU", ncpus > 1 ? 0 : -1);
	if (ncpus > 1)
		pingpong("CPU 0 <-> CPU 1", 1);
	t0 = now_ns(CLOCK_MONOTONIC);
	for (int i = 0; i < 200; i++) {
		pthread_create(&th, NULL, nothing, NULL);
		pthread_join(th, NULL);
	}
	printf("figure thread create+join %lld ns (%d CPUs)\n", (now_ns(CLOCK_MONOTONIC) - t0) / 200,
	       ncpus);
}

int main(int argc, char **argv)
{
	cpu_set_t s;

	gt_init();
	CPU_ZERO(&s);
	sched_getaffinity(0, sizeof(s), &s);
	ncpus = CPU_COUNT(&s);
	printf("# %d CPUs\n", ncpus);
	if (argc > 1 && !strcmp(argv[1], "ncpus"))
		return ncpus;
	static const struct {
		const char *name;
		void (*fn)(void);
	} tests[] = {
		{ "parallel", test_parallel }, { "affinity", test_affinity },
		{ "sleep", test_sleep_each_cpu }, { "clock", test_clock_across_cpus },
		{ "mutex", test_mutex },       { "condvar", test_condvar },
		{ "barrier", test_barrier },   { "signal", test_signal_running },
		{ "tlb", test_tlb },           { "fpu", test_fpu },
	};
	for (unsigned i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
		long long t0 = now_ns(CLOCK_MONOTONIC);

		if (argc > 1 && strcmp(argv[1], tests[i].name))
			continue; /* one case by name */
		tests[i].fn();
		printf("# %s: %lld ms\n", tests[i].name, (now_ns(CLOCK_MONOTONIC) - t0) / 1000000);
	}
	if (argc < 2 || !strcmp(argv[1], "figures"))
		figures();
	return gt_done();
}
