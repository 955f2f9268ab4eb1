/*
 * clock.c - clock_gettime(CLOCK_MONOTONIC) cost through libc (the vDSO
 * where the system offers one, a system call otherwise); prints
 *   result clock_gettime NS_PER_CALL ns
 * Usage: clock [N] (default 1,000,000).
 *
 * Layer: benchmark program (bench/run: clock).
 */
#include "bench.h"

int main(int argc, char **argv)
{
	long n = bench_count(argc, argv, 1000000);
	struct timespec ts, prev = {0, 0};
	long long t0, t1;

	for (long i = 0; i < 1000; i++) /* warm up */
		clock_gettime(CLOCK_MONOTONIC, &ts);
	t0 = bench_now_ns();
	for (long i = 0; i < n; i++) {
		if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0) {
			fprintf(stderr, "clock: clock_gettime failed: %s\n", strerror(errno));
			return 1;
		}
		if (ts.tv_sec < prev.tv_sec ||
		    (ts.tv_sec == prev.tv_sec && ts.tv_nsec < prev.tv_nsec)) {
			fprintf(stderr, "clock: CLOCK_MONOTONIC went backwards\n");
			return 1;
		}
		prev = ts;
	}
	t1 = bench_now_ns();
	bench_result("clock_gettime", (double)(t1 - t0) / n, "ns");
	return 0;
}
