/*
 * futex.c - futex ping-pong between two threads: a shared word flips
 * 0 -> 1 (main) and 1 -> 0 (helper); each side FUTEX_WAKEs the other and
 * FUTEX_WAITs for its turn; N round trips; prints
 *   result futex_pingpong NS_PER_ROUND_TRIP ns
 * Usage: futex [N] (default 100,000).
 *
 * Layer: benchmark program (bench/run: futex).
 */
#include <pthread.h>
#include <stdatomic.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "bench.h"

/* Linux ABI values (linux/futex.h; musl-gcc has no kernel headers) */
#define FUTEX_WAIT_PRIVATE (0 | 128)
#define FUTEX_WAKE_PRIVATE (1 | 128)

static _Atomic int turn; /* 0: main's turn to send, 1: the helper's */
static long rounds;

static void futex_wait(int val)
{
	while (atomic_load(&turn) == val)
		syscall(SYS_futex, &turn, FUTEX_WAIT_PRIVATE, val, NULL, NULL, 0);
}

static void futex_wake(void)
{
	syscall(SYS_futex, &turn, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

static void *helper(void *arg)
{
	for (long i = 0; i < rounds + 1; i++) {
		futex_wait(0); /* wait for 1 */
		atomic_store(&turn, 0);
		futex_wake();
	}
	return arg;
}

static void round_trip(void)
{
	atomic_store(&turn, 1);
	futex_wake();
	futex_wait(1); /* wait for 0 */
}

int main(int argc, char **argv)
{
	long long t0, t1;
	pthread_t t;
	int err;

	rounds = bench_count(argc, argv, 100000);
	err = pthread_create(&t, NULL, helper, NULL);
	if (err) {
		fprintf(stderr, "futex: pthread_create: %s\n", strerror(err));
		return 1;
	}
	round_trip(); /* warm up: the helper runs */
	t0 = bench_now_ns();
	for (long i = 0; i < rounds; i++)
		round_trip();
	t1 = bench_now_ns();
	pthread_join(t, NULL);
	bench_result("futex_pingpong", (double)(t1 - t0) / rounds, "ns");
	return 0;
}
