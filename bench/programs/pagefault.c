/*
 * pagefault.c - anonymous page-fault cost: maps MIB MiB of private
 * anonymous memory, writes one byte in each 4 KiB page (one fault each,
 * the kernel zero-fills), timed; prints
 *   result pagefault NS_PER_PAGE ns
 * Usage: pagefault [MIB] (default 64).
 *
 * Layer: benchmark program (bench/run: pagefault).
 */
#include <sys/mman.h>

#include "bench.h"

#define PAGE 4096L

int main(int argc, char **argv)
{
	long mib = bench_count(argc, argv, 64);
	long len = mib << 20, pages = len / PAGE;
	long long t0, t1;
	volatile char *p;
	long sum = 0;

	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		fprintf(stderr, "pagefault: mmap %ld MiB: %s\n", mib, strerror(errno));
		return 1;
	}
	t0 = bench_now_ns();
	for (long i = 0; i < pages; i++)
		p[i * PAGE] = (char)i;
	t1 = bench_now_ns();
	for (long i = 0; i < pages; i++)
		sum += p[i * PAGE] == (char)i;
	if (sum != pages) {
		fprintf(stderr, "pagefault: memory did not keep what was written\n");
		return 1;
	}
	munmap((void *)p, len);
	bench_result("pagefault", (double)(t1 - t0) / pages, "ns");
	return 0;
}
