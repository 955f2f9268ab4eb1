/*
 * files_seq.c - sequential file I/O in the current directory: writes MIB
 * MiB to bench_seq.dat in 1 MiB write()s, fsync()s and closes it (timed
 * together), asks the kernel to drop its page cache (Linux: writes 3 to
 * /proc/sys/vm/drop_caches; where that fails the read may be served from
 * memory, and a note says so on stderr; skipped when BENCH_KEEP_CACHES is
 * set, as bench/run does natively), reads it back in 1 MiB read()s
 * checking every byte, then unlinks it. Prints
 *   result seq_write MB_PER_S MB/s
 *   result seq_read MB_PER_S MB/s
 * (MB = 10^6 bytes). Usage: files_seq [MIB] (default 256).
 *
 * Layer: benchmark program (bench/run: files_seq).
 */
#include <fcntl.h>
#include <unistd.h>

#include "bench.h"

#define CHUNK (1 << 20)
#define FNAME "./bench_seq.dat" /* "./": bench/README.md (monos relative names) */

static char buf[CHUNK];

static void fill(long i)
{
	for (long j = 0; j < CHUNK; j += 8)
		*(long *)(buf + j) = i * CHUNK + j;
}

static int check(long i)
{
	for (long j = 0; j < CHUNK; j += 8)
		if (*(long *)(buf + j) != i * CHUNK + j)
			return -1;
	return 0;
}

static void drop_caches(void)
{
	int fd;

	if (getenv("BENCH_KEEP_CACHES")) /* bench/run's native runs: not the host's */
		return;
	fd = open("/proc/sys/vm/drop_caches", O_WRONLY);

	if (fd < 0 || write(fd, "3\n", 2) != 2)
		fprintf(stderr,
			"files_seq: note: cannot drop the page cache (%s); "
			"the read may come from memory\n",
			strerror(errno));
	if (fd >= 0)
		close(fd);
}

int main(int argc, char **argv)
{
	long mib = bench_count(argc, argv, 256);
	long long t0, t1, t2, t3;
	int fd;

	fd = open(FNAME, O_CREAT | O_TRUNC | O_WRONLY, 0644);
	if (fd < 0) {
		fprintf(stderr, "files_seq: create %s: %s\n", FNAME, strerror(errno));
		return 1;
	}
	t0 = bench_now_ns();
	for (long i = 0; i < mib; i++) {
		fill(i);
		if (write(fd, buf, CHUNK) != CHUNK) {
			fprintf(stderr, "files_seq: write: %s\n", strerror(errno));
			return 1;
		}
	}
	if (fsync(fd) < 0) {
		fprintf(stderr, "files_seq: fsync: %s\n", strerror(errno));
		return 1;
	}
	if (close(fd) < 0) {
		fprintf(stderr, "files_seq: close: %s\n", strerror(errno));
		return 1;
	}
	t1 = bench_now_ns();
	drop_caches();
	fd = open(FNAME, O_RDONLY);
	if (fd < 0) {
		fprintf(stderr, "files_seq: open %s: %s\n", FNAME, strerror(errno));
		return 1;
	}
	t2 = bench_now_ns();
	for (long i = 0; i < mib; i++) {
		long got = 0;

		while (got < CHUNK) {
			ssize_t n = read(fd, buf + got, CHUNK - got);

			if (n <= 0) {
				fprintf(stderr, "files_seq: read: %s\n",
					n ? strerror(errno) : "early end of file");
				return 1;
			}
			got += n;
		}
		if (check(i) < 0) {
			fprintf(stderr, "files_seq: MiB %ld read back wrong\n", i);
			return 1;
		}
	}
	t3 = bench_now_ns();
	close(fd);
	if (unlink(FNAME) < 0) {
		fprintf(stderr, "files_seq: unlink: %s\n", strerror(errno));
		return 1;
	}
	bench_result("seq_write", (double)mib * CHUNK * 1000 / (t1 - t0), "MB/s");
	bench_result("seq_read", (double)mib * CHUNK * 1000 / (t3 - t2), "MB/s");
	return 0;
}
