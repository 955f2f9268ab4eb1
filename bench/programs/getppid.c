/*
 * getppid.c - system call round trip: N getppid() calls (raw syscall, so no
 * libc caching), timed with CLOCK_MONOTONIC; prints
 *   result getppid NS_PER_CALL ns
 * Usage: getppid [N] (default 1,000,000).
 *
 * Layer: benchmark program (bench/run: syscall).
 */
#include <sys/syscall.h>
#include <unistd.h>

#include "bench.h"

int main(int argc, char **argv)
{
	long n = bench_count(argc, argv, 1000000);
	long long t0, t1;
	long sum = 0;

	for (long i = 0; i < 1000; i++) /* warm up */
		sum += syscall(SYS_getppid);
	t0 = bench_now_ns();
	for (long i = 0; i < n; i++)
		sum += syscall(SYS_getppid);
	t1 = bench_now_ns();
	if (sum < 0) {
		fprintf(stderr, "getppid: failed\n");
		return 1;
	}
	bench_result("getppid", (double)(t1 - t0) / n, "ns");
	return 0;
}
