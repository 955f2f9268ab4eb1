/*
 * idle.c - an idle guest: prints "idle-start", sleeps S seconds in one
 * nanosleep (nothing else runs), prints "idle-end" and
 *   result idle_sleep SECONDS s
 * (the sleep as the guest measured it). bench/run samples the host CPU time
 * of the VM's process tree when each marker line arrives: the idle VM's
 * host CPU share is the CPU time between them over the wall time between
 * them. Usage: idle [S] (default 10).
 *
 * Layer: benchmark program (bench/run: idle).
 */
#include "bench.h"

int main(int argc, char **argv)
{
	long s = bench_count(argc, argv, 10);
	struct timespec ts = { .tv_sec = s, .tv_nsec = 0 };
	long long t0, t1;

	printf("idle-start\n");
	fflush(stdout);
	t0 = bench_now_ns();
	while (nanosleep(&ts, &ts) != 0) {
		if (errno != EINTR) {
			fprintf(stderr, "idle: nanosleep: %s\n", strerror(errno));
			return 1;
		}
	}
	t1 = bench_now_ns();
	printf("idle-end\n");
	fflush(stdout);
	bench_result("idle_sleep", (double)(t1 - t0) / 1e9, "s");
	return 0;
}
