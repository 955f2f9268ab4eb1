/*
 * files_small.c - small-file metadata work in the current directory: in a
 * new directory bench_small, creates N files of 100 bytes each (open
 * O_CREAT, write, close), stats each, unlinks each, removes the directory.
 * Prints the cost of each phase per file:
 *   result small_create NS ns
 *   result small_stat NS ns
 *   result small_unlink NS ns
 * Usage: files_small [N] (default 10,000).
 *
 * Layer: benchmark program (bench/run: files_small).
 */
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench.h"

#define DNAME "./bench_small" /* "./": bench/README.md (monos relative names) */

int main(int argc, char **argv)
{
	long n = bench_count(argc, argv, 10000);
	long long t0, t1, t2, t3;
	char name[64], data[100];

	memset(data, 'x', sizeof(data));
	if (mkdir(DNAME, 0755) < 0) {
		fprintf(stderr, "files_small: mkdir %s: %s\n", DNAME, strerror(errno));
		return 1;
	}
	t0 = bench_now_ns();
	for (long i = 0; i < n; i++) {
		int fd;

		snprintf(name, sizeof(name), DNAME "/f%06ld", i);
		fd = open(name, O_CREAT | O_EXCL | O_WRONLY, 0644);
		if (fd < 0 || write(fd, data, sizeof(data)) != sizeof(data) || close(fd) < 0) {
			fprintf(stderr, "files_small: create %s: %s\n", name, strerror(errno));
			return 1;
		}
	}
	t1 = bench_now_ns();
	for (long i = 0; i < n; i++) {
		struct stat st;

		snprintf(name, sizeof(name), DNAME "/f%06ld", i);
		if (stat(name, &st) < 0 || st.st_size != sizeof(data)) {
			fprintf(stderr, "files_small: stat %s: %s\n", name,
				errno ? strerror(errno) : "wrong size");
			return 1;
		}
	}
	t2 = bench_now_ns();
	for (long i = 0; i < n; i++) {
		snprintf(name, sizeof(name), DNAME "/f%06ld", i);
		if (unlink(name) < 0) {
			fprintf(stderr, "files_small: unlink %s: %s\n", name, strerror(errno));
			return 1;
		}
	}
	t3 = bench_now_ns();
	if (rmdir(DNAME) < 0) {
		fprintf(stderr, "files_small: rmdir %s: %s\n", DNAME, strerror(errno));
		return 1;
	}
	bench_result("small_create", (double)(t1 - t0) / n, "ns");
	bench_result("small_stat", (double)(t2 - t1) / n, "ns");
	bench_result("small_unlink", (double)(t3 - t2) / n, "ns");
	return 0;
}
