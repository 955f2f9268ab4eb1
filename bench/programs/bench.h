/*
 * bench.h - shared helpers of the benchmark programs (the .c files of bench/programs):
 * a monotonic nanosecond clock, argument parsing for the iteration count,
 * and the one machine-readable output line
 *   result NAME VALUE UNIT
 * that bench/run reads (on the host, in the Linux guest and under monos).
 *
 * Layer: benchmark programs (static Linux ELF, built with musl-gcc -static
 * and gcc -static by bench/build.mk).
 */
#ifndef BENCH_PROGRAMS_BENCH_H
#define BENCH_PROGRAMS_BENCH_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static inline long long bench_now_ns(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0) {
		fprintf(stderr, "bench: clock_gettime(CLOCK_MONOTONIC): %s\n", strerror(errno));
		exit(3);
	}
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* argv[1] as a positive count, or def when absent; exits 2 on bad input */
static inline long bench_count(int argc, char **argv, long def)
{
	char *end;
	long n;

	if (argc < 2)
		return def;
	errno = 0;
	n = strtol(argv[1], &end, 10);
	if (errno || *end || end == argv[1] || n <= 0) {
		fprintf(stderr, "bench: bad count '%s' (want a positive integer)\n", argv[1]);
		exit(2);
	}
	return n;
}

static inline void bench_result(const char *name, double value, const char *unit)
{
	printf("result %s %.1f %s\n", name, value, unit);
	fflush(stdout);
}

#endif
