/*
 * thread.c - thread create + join: N times pthread_create of a thread that
 * returns at once, then pthread_join; prints
 *   result thread_create_join NS_PER_THREAD ns
 * Usage: thread [N] (default 10,000).
 *
 * Layer: benchmark program (bench/run: thread).
 */
#include <pthread.h>

#include "bench.h"

static void *thread_body(void *arg)
{
	return arg;
}

int main(int argc, char **argv)
{
	long n = bench_count(argc, argv, 10000);
	long long t0, t1;

	t0 = bench_now_ns();
	for (long i = 0; i < n; i++) {
		pthread_t t;
		void *ret;
		int err = pthread_create(&t, NULL, thread_body, (void *)i);

		if (err) {
			fprintf(stderr, "thread: pthread_create: %s\n", strerror(err));
			return 1;
		}
		err = pthread_join(t, &ret);
		if (err || ret != (void *)i) {
			fprintf(stderr, "thread: pthread_join: %s\n",
				err ? strerror(err) : "bad value");
			return 1;
		}
	}
	t1 = bench_now_ns();
	bench_result("thread_create_join", (double)(t1 - t0) / n, "ns");
	return 0;
}
