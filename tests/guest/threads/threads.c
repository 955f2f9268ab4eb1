/*
 * threads.c - guest test of threads, futex and scheduling
 * (tests/suites/52-threads; built with musl-gcc -static and gcc -static
 * -pthread; passes natively on Linux; signals are in signals.c). Without
 * arguments it runs every check and prints ok/FAIL lines plus "figure"
 * lines (thread create+join and futex ping-pong costs). Modes:
 *   threads exitgroup   a second thread calls exit(42) while main waits
 *   threads threadexit  main leaves with SYS_exit; the last thread exits 7
 *   threads sleep MS    sleeps MS milliseconds, exits 0 (idle CPU check)
 *   threads futexdemo   one futex wait ended by a wake (futex_trace:t)
 */
#include "../gtest.h"
#include "tutil.h"
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <time.h>

/* ---- create/join ---- */
static void *ret_arg(void *a)
{
	return (char *)a + 1;
}

static void test_create_join(void)
{
	enum { N = 64, ROUNDS = 4 };
	pthread_t th[N];
	int bad = 0, created = 0;
	long long t0 = now_ns(CLOCK_MONOTONIC);

	for (int r = 0; r < ROUNDS; r++) {
		for (long i = 0; i < N; i++)
			if (pthread_create(&th[i], NULL, ret_arg, (void *)i) == 0)
				created++;
		for (long i = 0; i < N; i++) {
			void *v = NULL;

			if (pthread_join(th[i], &v) || v != (char *)i + 1)
				bad++;
		}
	}
	long long dt = now_ns(CLOCK_MONOTONIC) - t0;
	CHECK("create_join_256", created == N * ROUNDS && !bad, "created %d, bad joins %d", created,
	      bad);
	printf("figure thread_create_join_us %.1f\n", dt / 1000.0 / (N * ROUNDS));
}

/* ---- preemption: two CPU-bound threads that never block or yield ---- */
static atomic_long spin_count;
static atomic_int spin_stop;

static void *spinner(void *a)
{
	while (!atomic_load_explicit(&spin_stop, memory_order_relaxed))
		atomic_fetch_add_explicit(&spin_count, 1, memory_order_relaxed);
	return a;
}

static void test_preemption(void)
{
	pthread_t th;
	long long t0 = now_ns(CLOCK_MONOTONIC), dt;

	pthread_create(&th, NULL, spinner, NULL);
	/* on one vCPU the spinner only counts if the timer preempts us */
	while (atomic_load_explicit(&spin_count, memory_order_relaxed) < 100000 &&
	       now_ns(CLOCK_MONOTONIC) - t0 < 20000000000LL)
		;
	atomic_store(&spin_stop, 1);
	pthread_join(th, NULL);
	dt = now_ns(CLOCK_MONOTONIC) - t0;
	CHECK("preemption_cpu_bound", spin_count >= 100000, "spinner counted %ld in %lld ms",
	      (long)spin_count, dt / 1000000);
}

/* ---- mutex and condvar counters ---- */
static pthread_mutex_t mtx = PTHREAD_MUTEX_INITIALIZER;
static long counter;
enum { MT_THREADS = 8, MT_ITERS = 20000 };

static void *mutex_worker(void *a)
{
	for (int i = 0; i < MT_ITERS; i++) {
		pthread_mutex_lock(&mtx);
		long c = counter;
		if ((i & 255) == 0)
			sched_yield(); /* hold the lock across a switch */
		counter = c + 1;
		pthread_mutex_unlock(&mtx);
	}
	return a;
}

static void test_mutex(void)
{
	pthread_t th[MT_THREADS];

	counter = 0;
	for (int i = 0; i < MT_THREADS; i++)
		pthread_create(&th[i], NULL, mutex_worker, NULL);
	for (int i = 0; i < MT_THREADS; i++)
		pthread_join(th[i], NULL);
	CHECK("mutex_counter", counter == (long)MT_THREADS * MT_ITERS, "counter %ld, want %ld",
	      counter, (long)MT_THREADS * MT_ITERS);
}

static pthread_cond_t cv_put = PTHREAD_COND_INITIALIZER, cv_get = PTHREAD_COND_INITIALIZER;
static int queue[16], q_head, q_len;
enum { CV_PRODUCERS = 4, CV_ITEMS = 3000 };
static long consumed_sum, consumed_n;

static void *producer(void *a)
{
	long base = (long)a;

	for (int i = 1; i <= CV_ITEMS; i++) {
		pthread_mutex_lock(&mtx);
		while (q_len == 16)
			pthread_cond_wait(&cv_put, &mtx);
		queue[(q_head + q_len++) % 16] = (int)(base + i);
		pthread_cond_signal(&cv_get);
		pthread_mutex_unlock(&mtx);
	}
	return NULL;
}

static void *consumer(void *a)
{
	for (;;) {
		pthread_mutex_lock(&mtx);
		while (q_len == 0)
			pthread_cond_wait(&cv_get, &mtx);
		int v = queue[q_head];
		q_head = (q_head + 1) % 16;
		q_len--;
		pthread_cond_signal(&cv_put);
		if (v < 0) {
			pthread_mutex_unlock(&mtx);
			return a;
		}
		consumed_sum += v;
		consumed_n++;
		pthread_mutex_unlock(&mtx);
	}
}

static void test_condvar(void)
{
	pthread_t p[CV_PRODUCERS], c[2];
	long want = 0;

	for (int i = 0; i < 2; i++)
		pthread_create(&c[i], NULL, consumer, NULL);
	for (long i = 0; i < CV_PRODUCERS; i++) {
		pthread_create(&p[i], NULL, producer, (void *)(i * 100000));
		want += i * 100000 * CV_ITEMS + (long)CV_ITEMS * (CV_ITEMS + 1) / 2;
	}
	for (int i = 0; i < CV_PRODUCERS; i++)
		pthread_join(p[i], NULL);
	for (int i = 0; i < 2; i++) { /* one stop marker per consumer */
		pthread_mutex_lock(&mtx);
		while (q_len == 16)
			pthread_cond_wait(&cv_put, &mtx);
		queue[(q_head + q_len++) % 16] = -1;
		pthread_cond_broadcast(&cv_get);
		pthread_mutex_unlock(&mtx);
	}
	for (int i = 0; i < 2; i++)
		pthread_join(c[i], NULL);
	CHECK("condvar_queue", consumed_n == (long)CV_PRODUCERS * CV_ITEMS && consumed_sum == want,
	      "consumed %ld items sum %ld, want %ld sum %ld", consumed_n, consumed_sum,
	      (long)CV_PRODUCERS * CV_ITEMS, want);
}

static pthread_barrier_t barrier;
static atomic_int barrier_phase_bad;
static atomic_int barrier_count;

static void *barrier_worker(void *a)
{
	for (int round = 0; round < 50; round++) {
		atomic_fetch_add(&barrier_count, 1);
		pthread_barrier_wait(&barrier);
		if (atomic_load(&barrier_count) < (round + 1) * 4)
			atomic_fetch_add(&barrier_phase_bad, 1);
		pthread_barrier_wait(&barrier);
	}
	return a;
}

static void test_barrier(void)
{
	pthread_t th[4];

	pthread_barrier_init(&barrier, NULL, 4);
	for (int i = 0; i < 4; i++)
		pthread_create(&th[i], NULL, barrier_worker, NULL);
	for (int i = 0; i < 4; i++)
		pthread_join(th[i], NULL);
	CHECK("barrier_rounds", barrier_count == 200 && !barrier_phase_bad,
	      "count %d, early passes %d", (int)barrier_count, (int)barrier_phase_bad);
}

/* ---- futex edge cases ---- */
static atomic_int fw, fw2;
static atomic_int woke_count;

static void *futex_waiter(void *a)
{
	atomic_int *f = a;

	if (futex(f, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0) == 0)
		atomic_fetch_add(&woke_count, 1);
	return NULL;
}

static void *shared_waiter(void *a)
{
	atomic_int *f = a;

	if (futex(f, FUTEX_WAIT, 0, NULL, NULL, 0) == 0)
		atomic_fetch_add(&woke_count, 1);
	return NULL;
}

static void test_futex(void)
{
	struct timespec ts = { 0, 50 * 1000000L };
	long long t0, dt;
	long r;

	atomic_store(&fw, 0);
	CHECK_ERR("futex_wait_eagain", futex(&fw, FUTEX_WAIT_PRIVATE, 1, NULL, NULL, 0), EAGAIN);
	t0 = now_ns(CLOCK_MONOTONIC);
	r = futex(&fw, FUTEX_WAIT_PRIVATE, 0, &ts, NULL, 0);
	dt = now_ns(CLOCK_MONOTONIC) - t0;
	CHECK("futex_wait_timeout", r == -1 && errno == ETIMEDOUT && dt >= 50000000 &&
					    dt < 2000000000LL,
	      "r %ld errno %d after %lld us", r, errno, dt / 1000);
	/* absolute timeouts: WAIT_BITSET with MONOTONIC and REALTIME clocks */
	long long dl = now_ns(CLOCK_MONOTONIC) + 30000000;
	struct timespec ats = { dl / 1000000000, dl % 1000000000 };
	r = futex(&fw, FUTEX_WAIT_BITSET_PRIVATE, 0, &ats, NULL, FUTEX_BITSET_MATCH_ANY);
	dt = now_ns(CLOCK_MONOTONIC) - dl;
	CHECK("futex_bitset_abs_monotonic", r == -1 && errno == ETIMEDOUT && dt >= 0 &&
						    dt < 2000000000LL,
	      "r %ld errno %d, %lld us past the deadline", r, errno, dt / 1000);
	dl = now_ns(CLOCK_REALTIME) + 30000000;
	ats.tv_sec = dl / 1000000000;
	ats.tv_nsec = dl % 1000000000;
	r = futex(&fw, FUTEX_WAIT_BITSET_PRIVATE | FUTEX_CLOCK_REALTIME, 0, &ats, NULL,
		  FUTEX_BITSET_MATCH_ANY);
	dt = now_ns(CLOCK_REALTIME) - dl;
	CHECK("futex_bitset_abs_realtime", r == -1 && errno == ETIMEDOUT && dt >= 0 &&
						   dt < 2000000000LL,
	      "r %ld errno %d, %lld us past the deadline", r, errno, dt / 1000);
	ats.tv_sec = 0; /* long past */
	CHECK_ERR("futex_abs_past", futex(&fw, FUTEX_WAIT_BITSET_PRIVATE, 0, &ats, NULL, -1),
		  ETIMEDOUT);
	CHECK_ERR("futex_bitset_zero", futex(&fw, FUTEX_WAIT_BITSET_PRIVATE, 0, NULL, NULL, 0),
		  EINVAL);
	CHECK_ERR("futex_misaligned",
		  futex((atomic_int *)((char *)&fw + 1), FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0),
		  EINVAL);
	ts.tv_nsec = 1000000000;
	CHECK_ERR("futex_bad_timeout", futex(&fw, FUTEX_WAIT_PRIVATE, 0, &ts, NULL, 0), EINVAL);
	CHECK_ERR("futex_efault", futex(gt_ptr(16), FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0), EFAULT);
	CHECK_ERR("futex_bad_op_enosys", futex(&fw, 30 | FUTEX_PRIVATE_FLAG, 0, NULL, NULL, 0),
		  ENOSYS);
	CHECK_RET("futex_wake_none", futex(&fw, FUTEX_WAKE_PRIVATE, 10, NULL, NULL, 0), 0);

	/* three waiters: CMP_REQUEUE wakes 1 and moves 2, then wake fw2 */
	pthread_t th[3];
	atomic_store(&woke_count, 0);
	for (int i = 0; i < 3; i++)
		pthread_create(&th[i], NULL, futex_waiter, &fw);
	sleep_ms(100);
	CHECK_ERR("futex_cmp_requeue_eagain",
		  futex(&fw, FUTEX_CMP_REQUEUE_PRIVATE, 1, (void *)2L, &fw2, 5), EAGAIN);
	r = futex(&fw, FUTEX_CMP_REQUEUE_PRIVATE, 1, (void *)2L, &fw2, 0);
	CHECK("futex_cmp_requeue", r == 3, "returned %ld, want 3 (1 woken + 2 requeued)", r);
	sleep_ms(50);
	CHECK_RET("futex_requeued_not_on_old", futex(&fw, FUTEX_WAKE_PRIVATE, 10, NULL, NULL, 0), 0);
	CHECK_RET("futex_wake_requeued", futex(&fw2, FUTEX_WAKE_PRIVATE, 10, NULL, NULL, 0), 2);
	for (int i = 0; i < 3; i++)
		pthread_join(th[i], NULL);
	CHECK("futex_waiters_woke", woke_count == 3, "%d of 3 waiters returned 0",
	      (int)woke_count);

	/* WAKE_OP: *fw2 += 1 and wake fw2's waiters when the old value was 0 */
	atomic_store(&fw, 0);
	atomic_store(&fw2, 0);
	atomic_store(&woke_count, 0);
	pthread_create(&th[0], NULL, futex_waiter, &fw);
	pthread_create(&th[1], NULL, futex_waiter, &fw2);
	sleep_ms(100);
	r = futex(&fw, FUTEX_WAKE_OP_PRIVATE, 1, (void *)1L, &fw2,
		  FUTEX_OP(FUTEX_OP_ADD, 1, FUTEX_OP_CMP_EQ, 0));
	CHECK("futex_wake_op", r == 2 && fw2 == 1, "returned %ld, fw2 %d (want 2, 1)", r,
	      (int)fw2);
	pthread_join(th[0], NULL);
	pthread_join(th[1], NULL);

	/* WAKE_BITSET only wakes waiters whose bitset intersects */
	atomic_store(&fw, 0);
	CHECK_RET("futex_wake_bitset_none",
		  futex(&fw, FUTEX_WAKE_BITSET_PRIVATE, 1, NULL, NULL, 4), 0);
	/* shared (non-private) futex ops work the same in one process */
	atomic_store(&woke_count, 0);
	pthread_create(&th[0], NULL, shared_waiter, &fw);
	sleep_ms(50);
	CHECK_RET("futex_wake_shared", futex(&fw, FUTEX_WAKE, 1, NULL, NULL, 0), 1);
	pthread_join(th[0], NULL);
}

/* ping-pong: two threads hand a token back and forth through futexes */
static atomic_int token;
enum { PINGS = 2000 };

static void *ponger(void *a)
{
	for (int i = 0; i < PINGS; i++) {
		while (atomic_load(&token) != 1)
			futex(&token, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
		atomic_store(&token, 0);
		futex(&token, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
	}
	return a;
}

static void test_pingpong(void)
{
	pthread_t th;
	long long t0 = now_ns(CLOCK_MONOTONIC);

	atomic_store(&token, 0);
	pthread_create(&th, NULL, ponger, NULL);
	for (int i = 0; i < PINGS; i++) {
		atomic_store(&token, 1);
		futex(&token, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
		while (atomic_load(&token) != 0)
			futex(&token, FUTEX_WAIT_PRIVATE, 1, NULL, NULL, 0);
	}
	pthread_join(th, NULL);
	long long dt = now_ns(CLOCK_MONOTONIC) - t0;
	CHECK("futex_pingpong", token == 0, "token %d", (int)token);
	printf("figure futex_pingpong_roundtrip_us %.1f\n", dt / 1000.0 / PINGS);
}

/* ---- robust mutex: the owner dies, the next locker gets EOWNERDEAD ---- */
static pthread_mutex_t robust_mtx;
static atomic_int robust_locked;

static void *robust_owner(void *a)
{
	pthread_mutex_lock(&robust_mtx);
	atomic_store(&robust_locked, 1);
	sleep_ms(30);
	return a; /* exits holding the lock: the kernel walks the robust list */
}

static void test_robust(void)
{
	pthread_mutexattr_t at;
	pthread_t th;
	int r;

	pthread_mutexattr_init(&at);
	pthread_mutexattr_setrobust(&at, PTHREAD_MUTEX_ROBUST);
	pthread_mutex_init(&robust_mtx, &at);
	pthread_create(&th, NULL, robust_owner, NULL);
	while (!atomic_load(&robust_locked))
		sched_yield();
	r = pthread_mutex_lock(&robust_mtx); /* waits for the owner's death */
	pthread_join(th, NULL);
	CHECK("robust_mutex_owner_died", r == EOWNERDEAD, "pthread_mutex_lock returned %d (%s)", r,
	      strerror(r));
	if (r == EOWNERDEAD) {
		pthread_mutex_consistent(&robust_mtx);
		pthread_mutex_unlock(&robust_mtx);
	}
	CHECK_RET("robust_mutex_relock", pthread_mutex_lock(&robust_mtx), 0);
	pthread_mutex_unlock(&robust_mtx);
}

/* ---- thread ids, names, raw exit ---- */
static atomic_int child_tid_seen;
static void *tid_worker(void *a)
{
	atomic_store(&child_tid_seen, gettid_());
	prctl(PR_SET_NAME, "worker-1");
	char name[16] = { 0 };
	prctl(PR_GET_NAME, name);
	return strcmp(name, "worker-1") ? NULL : a;
}

static void test_tids(void)
{
	pthread_t th;
	void *v;
	char name[16] = { 0 };

	pthread_create(&th, NULL, tid_worker, (void *)1);
	pthread_join(th, &v);
	CHECK("gettid_distinct", child_tid_seen > 0 && child_tid_seen != gettid_() &&
					 gettid_() == getpid(),
	      "main tid %d pid %d child tid %d", gettid_(), getpid(), (int)child_tid_seen);
	CHECK("prctl_name_thread", v == (void *)1, "PR_GET_NAME in the thread did not match");
	CHECK_RET("prctl_set_name", prctl(PR_SET_NAME, "main-thread-long-name"), 0);
	prctl(PR_GET_NAME, name);
	CHECK("prctl_name_truncated", !strcmp(name, "main-thread-lon"), "got \"%s\"", name);
	CHECK_ERR("tgkill_bad_tid", syscall(SYS_tgkill, getpid(), 999999, 0), ESRCH);
	CHECK_RET("tgkill_sig0", syscall(SYS_tgkill, getpid(), gettid_(), 0), 0);
	CHECK_ERR("tkill_bad_sig", syscall(SYS_tkill, gettid_(), 1000), EINVAL);
}

static void test_cputime(void)
{
	long long p0 = now_ns(CLOCK_PROCESS_CPUTIME_ID), t0, w0;

	sleep_ms(100);
	long long slept = now_ns(CLOCK_PROCESS_CPUTIME_ID) - p0;
	CHECK("cputime_not_while_sleeping", slept >= 0 && slept < 50000000,
	      "process CPU time grew %lld us during a 100 ms sleep", slept / 1000);
	t0 = now_ns(CLOCK_THREAD_CPUTIME_ID);
	w0 = now_ns(CLOCK_MONOTONIC);
	while (now_ns(CLOCK_MONOTONIC) - w0 < 50000000)
		;
	long long busy = now_ns(CLOCK_THREAD_CPUTIME_ID) - t0;
	/* a loaded host gives a spinning thread only part of the wall time */
	CHECK("cputime_while_busy", busy >= 5000000 && busy <= 1000000000,
	      "thread CPU time grew %lld us in 50 ms of spinning", busy / 1000);
}

static void test_nanosleep(void)
{
	long long t0 = now_ns(CLOCK_MONOTONIC);

	sleep_ms(20);
	long long dt = now_ns(CLOCK_MONOTONIC) - t0;
	CHECK("nanosleep_20ms", dt >= 20000000 && dt < 1000000000, "slept %lld us", dt / 1000);
	printf("figure nanosleep_20ms_overshoot_us %lld\n", (dt - 20000000) / 1000);
}

/* ---- exit modes ---- */
static void *exit42(void *a)
{
	sleep_ms(20);
	exit(42);
	return a;
}

static void *exit_last(void *a)
{
	sleep_ms(50);
	printf("last thread exits\n");
	fflush(stdout);
	syscall(SYS_exit, 7); /* the last thread: the process ends with 7 */
	return a;
}

int main(int argc, char **argv)
{
	gt_init();
	if (argc > 1 && !strcmp(argv[1], "exitgroup")) {
		pthread_t th;
		pthread_create(&th, NULL, exit42, NULL);
		pthread_join(th, NULL);
		return 1; /* not reached */
	}
	if (argc > 1 && !strcmp(argv[1], "threadexit")) {
		pthread_t th;
		pthread_create(&th, NULL, exit_last, NULL);
		syscall(SYS_exit, 3); /* only the main thread ends */
		return 1;
	}
	if (argc > 1 && !strcmp(argv[1], "futexdemo")) {
		/* one wait that a wake ends (futex_trace:t check) */
		pthread_t th;
		atomic_store(&fw, 0);
		pthread_create(&th, NULL, futex_waiter, &fw);
		sleep_ms(50);
		long r = futex(&fw, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
		pthread_join(th, NULL);
		return r == 1 && woke_count == 1 ? 0 : 1;
	}
	if (argc > 2 && !strcmp(argv[1], "sleep")) {
		sleep_ms(atoi(argv[2]));
		return 0;
	}
	test_create_join();
	test_preemption();
	test_mutex();
	test_condvar();
	test_barrier();
	test_futex();
	test_pingpong();
	test_tids();
	test_robust();
	test_nanosleep();
	test_cputime();
	return gt_done();
}
