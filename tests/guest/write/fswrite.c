/*
 * fswrite.c - the filesystem write path, checked by reading back
 * (tests/suites/57-tfs-write). Modes:
 *   fswrite 1 DIR   every write call with read-back checks in DIR/w, then
 *                   leaves a known state and fsyncs it
 *   fswrite 2 DIR   (after a reboot) the state phase 1 left is all there:
 *                   contents, sizes, renames, deletions, listings; then
 *                   appends a line to DIR/w/log.txt and syncs
 *   fswrite 3 DIR   (third boot) phase 2's append is there
 *   fswrite auto DIR    phase 1, 2 or 3 from what DIR/w/log.txt holds
 *   fswrite ro DIR  every write is refused with EROFS (readonly_rootfs:t)
 *   fswrite prog PATH   writing the program file: EROFS
 *   fswrite fill DIR    write until ENOSPC, then the fs still works
 *   fswrite churn DIR [N]   N creates + unlinks (log compaction)
 *   fswrite bench DIR [MB]  figures: write/read MB/s, fsync latency,
 *                   files created per second
 *   fswrite crash DIR N records of 256 bytes with a checksum, each one
 *                   fsynced, "synced K" printed after fsync returns
 * (the page-cache modes pc, pressure and timer are tests/guest/write/pcwrite.c)
 * Run natively on Linux in a temp directory first (the assertions hold
 * there); prints ok/FAIL lines (gtest.h).
 * Layer: guest test program (static Linux ELF).
 */
#include "fsutil.h"

#define BIG_SIZE (3u * 1024 * 1024 + 1234)

static int big_ok(const char *path)
{
	static uint8_t buf[65536];
	int fd = open(path, O_RDONLY), bad = 0;
	uint64_t pos = 0;
	ssize_t n;

	if (fd < 0)
		return 0;
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		for (ssize_t i = 0; i < n; i++)
			bad |= buf[i] != pat(pos + (uint64_t)i);
		pos += (uint64_t)n;
	}
	close(fd);
	return !bad && pos == BIG_SIZE;
}

static void phase1(void)
{
	char buf[8192];
	struct stat st;
	int fd, fd2, r;
	ssize_t n;

	mkdir(P(""), 0755);
	CHECK("mkdir", mkdir(P("d1"), 0755) == 0, "errno %d", errno);
	CHECK_ERR("mkdir-exists", mkdir(P("d1"), 0755), EEXIST);
	CHECK("mkdir-nested", mkdir(P("d1/d2"), 0755) == 0, "errno %d", errno);
	CHECK("stat-dir", stat(P("d1/d2"), &st) == 0 && S_ISDIR(st.st_mode), "errno %d", errno);

	/* create, O_EXCL, write, read back */
	fd = open(P("f1"), O_RDWR | O_CREAT | O_EXCL, 0644);
	CHECK("creat-excl", fd >= 0, "errno %d", errno);
	CHECK_ERR("creat-excl-exists", open(P("f1"), O_RDWR | O_CREAT | O_EXCL, 0644), EEXIST);
	CHECK("write", write(fd, "hello world", 11) == 11, "errno %d", errno);
	CHECK("pwrite-overwrite", pwrite(fd, "WORLD", 5, 6) == 5, "errno %d", errno);
	n = pread(fd, buf, sizeof(buf), 0);
	CHECK("pread-back", n == 11 && !memcmp(buf, "hello WORLD", 11), "n %zd", n);
	CHECK("fstat-size", fstat(fd, &st) == 0 && st.st_size == 11, "size %lld",
	      (long long)st.st_size);
	close(fd);
	CHECK_ERR("open-missing", open(P("nope"), O_RDONLY), ENOENT);
	CHECK_ERR("creat-in-missing-dir", open(P("nodir/x"), O_WRONLY | O_CREAT, 0644), ENOENT);

	/* relative names (in the cwd and through a dirfd) */
	r = chdir(P("")) == 0;
	fd = open("rel.txt", O_WRONLY | O_CREAT | O_EXCL, 0644);
	r = r && fd >= 0 && write(fd, "rel", 3) == 3 && close(fd) == 0 &&
	    mkdir("reldir", 0755) == 0 && rename("rel.txt", "reldir/rel2") == 0;
	fd2 = open(P("reldir"), O_RDONLY | O_DIRECTORY);
	r = r && fd2 >= 0 && unlinkat(fd2, "rel2", 0) == 0 && rmdir("reldir") == 0 &&
	    chdir("/") == 0;
	close(fd2);
	CHECK("relative-names", r, "errno %d", errno);
	CHECK("relative-gone", size_of(P("reldir")) < 0 && size_of(P("rel.txt")) < 0, "left over");

	/* O_APPEND */
	fd = open(P("f1"), O_WRONLY | O_APPEND);
	CHECK("append-open", fd >= 0, "errno %d", errno);
	lseek(fd, 0, SEEK_SET);
	CHECK("append-write", write(fd, "!!", 2) == 2, "errno %d", errno);
	close(fd);
	CHECK("append-content", content_is(P("f1"), "hello WORLD!!"), "wrong content");

	/* writev */
	fd = open(P("f2"), O_WRONLY | O_CREAT | O_TRUNC, 0644);
	{
		struct iovec iov[3] = {{"ab", 2}, {"", 0}, {"cdef", 4}};

		CHECK("writev", writev(fd, iov, 3) == 6, "errno %d", errno);
	}
	close(fd);
	CHECK("writev-content", content_is(P("f2"), "abcdef"), "wrong content");

	/* O_TRUNC */
	fd = open(P("f2"), O_WRONLY | O_TRUNC);
	CHECK("otrunc", fd >= 0 && size_of(P("f2")) == 0, "size %lld", (long long)size_of(P("f2")));
	close(fd);

	/* sparse write far past the end: the hole reads as zeros */
	fd = open(P("sparse"), O_RDWR | O_CREAT, 0644);
	CHECK("sparse-head", pwrite(fd, "head", 4, 0) == 4, "errno %d", errno);
	CHECK("sparse-far", pwrite(fd, "tail!", 5, 1 << 20) == 5, "errno %d", errno);
	CHECK("sparse-size", size_of(P("sparse")) == (1 << 20) + 5, "size %lld",
	      (long long)size_of(P("sparse")));
	n = pread(fd, buf, 8192, 4000);
	r = n == 8192;
	for (int i = 0; r && i < 8192; i++)
		r = buf[i] == 0;
	CHECK("sparse-hole-zeros", r, "n %zd", n);
	/* fill part of the hole, unaligned */
	CHECK("sparse-fill", pwrite(fd, "middle", 6, 300001) == 6, "errno %d", errno);
	n = pread(fd, buf, 10, 299998);
	CHECK("sparse-fill-back", n == 10 && !memcmp(buf, "\0\0\0middle\0", 10), "n %zd", n);
	close(fd);

	/* ftruncate shrink and grow; truncate by path */
	fd = open(P("t"), O_RDWR | O_CREAT, 0644);
	memset(buf, 'x', 5000);
	write(fd, buf, 5000);
	CHECK("ftruncate-shrink", ftruncate(fd, 1000) == 0 && size_of(P("t")) == 1000, "errno %d",
	      errno);
	CHECK("ftruncate-grow", ftruncate(fd, 3000) == 0 && size_of(P("t")) == 3000, "errno %d",
	      errno);
	n = pread(fd, buf, 3000, 0);
	r = n == 3000;
	for (int i = 0; r && i < 3000; i++)
		r = buf[i] == (i < 1000 ? 'x' : 0);
	CHECK("truncate-zeros-after", r, "n %zd", n);
	close(fd);
	CHECK("truncate-path", truncate(P("t"), 10) == 0 && size_of(P("t")) == 10, "errno %d",
	      errno);
	CHECK_ERR("ftruncate-rdonly", ftruncate(fd = open(P("t"), O_RDONLY), 1), EINVAL);
	close(fd);
	CHECK_ERR("truncate-dir", truncate(P("d1"), 0), EISDIR);

	/* fallocate */
	fd = open(P("fa"), O_RDWR | O_CREAT, 0644);
	r = fallocate(fd, 0, 0, 100000);
	CHECK("fallocate", r == 0 && size_of(P("fa")) == 100000, "r %d errno %d", r, errno);
	r = fallocate(fd, FALLOC_FL_KEEP_SIZE, 0, 200000);
	CHECK("fallocate-keep-size", r == 0 && size_of(P("fa")) == 100000, "r %d errno %d", r,
	      errno);
	n = pread(fd, buf, 4096, 50000);
	r = n == 4096;
	for (int i = 0; r && i < 4096; i++)
		r = buf[i] == 0;
	CHECK("fallocate-zeros", r, "n %zd", n);
	close(fd);

	/* a big file written in odd-sized chunks */
	{
		static uint8_t big[65536];
		uint64_t pos = 0;

		fd = open(P("big.bin"), O_WRONLY | O_CREAT | O_TRUNC, 0644);
		r = fd >= 0;
		while (r && pos < BIG_SIZE) {
			size_t k = (size_t)(pos % 3 == 0 ? 65536 : 40000 + pos % 777);

			if (k > BIG_SIZE - pos)
				k = (size_t)(BIG_SIZE - pos);
			for (size_t i = 0; i < k; i++)
				big[i] = pat(pos + i);
			r = write(fd, big, k) == (ssize_t)k;
			pos += k;
		}
		CHECK("big-write", r && fsync(fd) == 0, "errno %d", errno);
		close(fd);
		CHECK("big-read-back", big_ok(P("big.bin")), "contents differ");
	}

	/* unlink, and an open file survives its unlink */
	write_file(P("gone"), "bye", 3);
	fd = open(P("gone"), O_RDONLY);
	CHECK("unlink", unlink(P("gone")) == 0, "errno %d", errno);
	CHECK_ERR("unlink-gone", open(P("gone"), O_RDONLY), ENOENT);
	n = read(fd, buf, 10);
	CHECK("unlinked-still-readable", n == 3 && !memcmp(buf, "bye", 3), "n %zd", n);
	close(fd);
	CHECK_ERR("unlink-dir", unlink(P("d1")), EISDIR);
	CHECK_ERR("rmdir-notempty", rmdir(P("d1")), ENOTEMPTY);
	CHECK("rmdir", rmdir(P("d1/d2")) == 0, "errno %d", errno);
	CHECK_ERR("rmdir-file", rmdir(P("f1")), ENOTDIR);

	/* rename */
	write_file(P("orig"), "original", 8);
	CHECK("rename", rename(P("orig"), P("d1/renamed")) == 0, "errno %d", errno);
	CHECK("rename-content", content_is(P("d1/renamed"), "original") && size_of(P("orig")) < 0,
	      "wrong");
	write_file(P("a"), "AAA", 3);
	write_file(P("b"), "BB", 2);
	CHECK_ERR("renameat2-noreplace",
		  syscall(SYS_renameat2, AT_FDCWD, P("a"), AT_FDCWD, P("b"), 1), EEXIST);
	r = (int)syscall(SYS_renameat2, AT_FDCWD, P("a"), AT_FDCWD, P("b"), 2);
	CHECK("renameat2-exchange", r == 0 && content_is(P("a"), "BB") && content_is(P("b"), "AAA"),
	      "r %d errno %d", r, errno);
	CHECK("rename-replace", rename(P("a"), P("b")) == 0 && content_is(P("b"), "BB"), "errno %d",
	      errno);
	CHECK("rename-dir",
	      rename(P("d1"), P("dir2")) == 0 && content_is(P("dir2/renamed"), "original"),
	      "errno %d", errno);
	CHECK_ERR("rename-into-self", rename(P("dir2"), P("dir2/x")), EINVAL);

	/* symlink, link */
	CHECK("symlink", symlink("dir2/renamed", P("sl")) == 0, "errno %d", errno);
	n = readlink(P("sl"), buf, sizeof(buf));
	CHECK("readlink", n == 12 && !memcmp(buf, "dir2/renamed", 12), "n %zd", n);
	CHECK("symlink-follow", content_is(P("sl"), "original"), "wrong");
	r = link(P("b"), P("hard"));
	CHECK("link",
	      (r == 0 && content_is(P("hard"), "BB") && unlink(P("hard")) == 0) ||
		  (r < 0 && errno == EPERM),
	      "r %d errno %d", r, errno);

	/* times */
	{
		struct timespec ts[2] = {{1000000000, 0}, {1234567890, 500000000}};

		CHECK("utimensat", utimensat(AT_FDCWD, P("b"), ts, 0) == 0, "errno %d", errno);
		CHECK("utimensat-back",
		      stat(P("b"), &st) == 0 && st.st_mtim.tv_sec == 1234567890 &&
			  st.st_mtim.tv_nsec / 1000000 == 500 && st.st_atim.tv_sec == 1000000000,
		      "mtime %lld.%09ld", (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
	}

	/* modes, locks, sync calls */
	fd = open(P("b"), O_RDWR);
	CHECK("fchmod", fchmod(fd, 0600) == 0, "errno %d", errno);
	CHECK("chmod", chmod(P("b"), 0644) == 0, "errno %d", errno);
	CHECK("flock", flock(fd, LOCK_EX) == 0 && flock(fd, LOCK_UN) == 0, "errno %d", errno);
	{
		struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET};

		CHECK("fcntl-setlk", fcntl(fd, F_SETLK, &fl) == 0, "errno %d", errno);
	}
	CHECK("fsync", fsync(fd) == 0, "errno %d", errno);
	CHECK("fdatasync", fdatasync(fd) == 0, "errno %d", errno);
	CHECK("syncfs", syncfs(fd) == 0, "errno %d", errno);
	sync();
	close(fd);
	{
		struct statfs sf;

		CHECK("statfs",
		      statfs(P(""), &sf) == 0 && sf.f_bfree > 0 && sf.f_blocks >= sf.f_bfree,
		      "errno %d", errno);
	}

	/* the state phase 2 checks */
	fd2 = open(P("log.txt"), O_WRONLY | O_CREAT | O_APPEND, 0644);
	CHECK("log-write", write(fd2, "boot1\n", 6) == 6 && fsync(fd2) == 0, "errno %d", errno);
	close(fd2);
	unlink(P("f2"));
	CHECK("listing", !strcmp(listing(P("")), "b big.bin dir2 f1 fa log.txt sl sparse t"),
	      "got '%s'", listing(P("")));
	sync();
}

static void phase2(int boot)
{
	char buf[64];
	struct stat st;
	ssize_t n;
	int fd;

	CHECK("p2-listing", !strcmp(listing(P("")), "b big.bin dir2 f1 fa log.txt sl sparse t"),
	      "got '%s'", listing(P("")));
	CHECK("p2-f1", content_is(P("f1"), "hello WORLD!!"), "wrong");
	CHECK("p2-b", content_is(P("b"), "BB"), "wrong");
	CHECK("p2-renamed", content_is(P("dir2/renamed"), "original"), "wrong");
	CHECK("p2-dir2", !strcmp(listing(P("dir2")), "renamed"), "got '%s'", listing(P("dir2")));
	CHECK("p2-symlink", content_is(P("sl"), "original"), "wrong");
	CHECK("p2-t", content_is(P("t"), "xxxxxxxxxx"), "wrong");
	CHECK("p2-fa", size_of(P("fa")) == 100000, "size %lld", (long long)size_of(P("fa")));
	CHECK("p2-sparse-size", size_of(P("sparse")) == (1 << 20) + 5, "size %lld",
	      (long long)size_of(P("sparse")));
	fd = open(P("sparse"), O_RDONLY);
	n = pread(fd, buf, 5, 1 << 20);
	CHECK("p2-sparse-tail", n == 5 && !memcmp(buf, "tail!", 5), "n %zd", n);
	n = pread(fd, buf, 6, 300001);
	CHECK("p2-sparse-middle", n == 6 && !memcmp(buf, "middle", 6), "n %zd", n);
	close(fd);
	CHECK("p2-big", big_ok(P("big.bin")), "contents differ");
	CHECK("p2-mtime", stat(P("b"), &st) == 0 && st.st_mtim.tv_sec == 1234567890, "mtime %lld",
	      (long long)st.st_mtim.tv_sec);
	if (boot == 2) {
		CHECK("p2-log", content_is(P("log.txt"), "boot1\n"), "wrong");
		fd = open(P("log.txt"), O_WRONLY | O_APPEND);
		CHECK("p2-append", write(fd, "boot2\n", 6) == 6 && fsync(fd) == 0, "errno %d",
		      errno);
		close(fd);
	} else {
		CHECK("p3-log", content_is(P("log.txt"), "boot1\nboot2\n"), "wrong");
	}
}

static void readonly(void)
{
	struct timespec ts[2] = {{1, 0}, {1, 0}};

	CHECK_ERR("ro-creat", open(P("new"), O_WRONLY | O_CREAT, 0644), EROFS);
	CHECK_ERR("ro-open-write", open(P("f1"), O_WRONLY), EROFS);
	CHECK_ERR("ro-otrunc", open(P("f1"), O_RDONLY | O_TRUNC), EROFS);
	CHECK_ERR("ro-mkdir", mkdir(P("nd"), 0755), EROFS);
	CHECK_ERR("ro-unlink", unlink(P("f1")), EROFS);
	CHECK_ERR("ro-rmdir", rmdir(P("dir2")), EROFS);
	CHECK_ERR("ro-rename", rename(P("f1"), P("f9")), EROFS);
	CHECK_ERR("ro-symlink", symlink("x", P("s9")), EROFS);
	CHECK_ERR("ro-truncate", truncate(P("f1"), 0), EROFS);
	CHECK_ERR("ro-utimensat", utimensat(AT_FDCWD, P("f1"), ts, 0), EROFS);
	CHECK("ro-read", content_is(P("f1"), "hello WORLD!!"), "wrong");
}

static void fill(void)
{
	static char buf[65536];
	long long total = 0;
	int fd, err = 0;
	ssize_t n;

	mkdir(P(""), 0755);
	memset(buf, 'z', sizeof(buf));
	fd = open(P("fill"), O_WRONLY | O_CREAT | O_TRUNC, 0644);
	for (;;) {
		n = write(fd, buf, sizeof(buf));
		if (n < 0) {
			err = errno;
			break;
		}
		total += n;
		if (n < (ssize_t)sizeof(buf)) {
			n = write(fd, buf, sizeof(buf));
			err = n < 0 ? errno : 0;
			break;
		}
	}
	CHECK("fill-enospc", err == ENOSPC, "errno %d after %lld bytes", err, total);
	CHECK("fill-size", size_of(P("fill")) >= total && total > 1000000, "size %lld total %lld",
	      (long long)size_of(P("fill")), total);
	close(fd);
	CHECK("fill-unlink", unlink(P("fill")) == 0, "errno %d", errno);
	CHECK("fill-after",
	      write_file(P("small"), "still works", 11) == 0 &&
		  content_is(P("small"), "still works"),
	      "errno %d", errno);
	printf("filled %lld\n", total);
}

static uint32_t crc32(const uint8_t *p, size_t n)
{
	uint32_t c = 0xffffffffu;

	while (n--) {
		c ^= *p++;
		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1)));
	}
	return ~c;
}

/* record i: "R%07d " + filler + crc32 of the first 248 bytes as %08x;
 * continues after the whole records already in rec.log (a torn tail from
 * a kill is cut off first) */
static void crash(int count)
{
	uint8_t rec[256];
	struct stat st;
	int fd, start;

	mkdir(P(""), 0755);
	fd = open(P("rec.log"), O_RDWR | O_CREAT, 0644);
	if (fd < 0 || fstat(fd, &st)) {
		printf("FAIL crash-open: errno %d\n", errno);
		return;
	}
	start = (int)(st.st_size / 256);
	if (ftruncate(fd, (off_t)start * 256) || lseek(fd, 0, SEEK_END) != (off_t)start * 256) {
		printf("FAIL crash-truncate: errno %d\n", errno);
		return;
	}
	printf("start %d\n", start);
	for (int i = start; i < start + count; i++) {
		char name[64];

		snprintf((char *)rec, sizeof(rec), "R%07d ", i);
		for (int k = 9; k < 248; k++)
			rec[k] = (uint8_t)('a' + (i * 7 + k) % 26);
		snprintf((char *)rec + 248, 9, "%08x", crc32(rec, 248));
		if (write(fd, rec, 256) != 256 || fsync(fd)) {
			printf("FAIL crash-write %d: errno %d\n", i, errno);
			return;
		}
		if (i % 16 == 0) { /* metadata churn: a file per 16 records */
			snprintf(name, sizeof(name), "m%d", i);
			write_file(P(name), name, strlen(name));
			if (i >= 32) {
				snprintf(name, sizeof(name), "m%d", i - 32);
				unlink(P(name));
			}
		}
		printf("synced %d\n", i);
	}
	printf("ok crash-done\n");
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* figures: sequential write+fsync and read of MB MiB, fsync latency of
 * small appends, files created (and synced once) per second */
static void bench(int mb)
{
	static char buf[1 << 20];
	double t0, t1, t2;
	int fd, i, r = 1;

	mkdir(P(""), 0755);
	memset(buf, 'q', sizeof(buf));
	fd = open(P("bench.bin"), O_WRONLY | O_CREAT | O_TRUNC, 0644);
	t0 = now_s();
	for (i = 0; r && i < mb; i++)
		r = write(fd, buf, sizeof(buf)) == (ssize_t)sizeof(buf);
	r = r && fsync(fd) == 0;
	t1 = now_s();
	close(fd);
	CHECK("bench-write", r, "errno %d", errno);
	fd = open(P("bench.bin"), O_RDONLY);
	for (i = 0; r && i < mb; i++)
		r = read(fd, buf, sizeof(buf)) == (ssize_t)sizeof(buf);
	t2 = now_s();
	close(fd);
	CHECK("bench-read", r, "errno %d", errno);
	printf("figure write+fsync %d MiB: %.1f MB/s; read %.1f MB/s\n", mb,
	       mb * 1.048576 / (t1 - t0), mb * 1.048576 / (t2 - t1));
	fd = open(P("bench.log"), O_WRONLY | O_CREAT | O_APPEND, 0644);
	t0 = now_s();
	for (i = 0; r && i < 200; i++)
		r = write(fd, buf, 100) == 100 && fsync(fd) == 0;
	t1 = now_s();
	close(fd);
	CHECK("bench-fsync", r, "errno %d", errno);
	printf("figure fsync of a 100-byte append: %.0f us\n", (t1 - t0) / 200 * 1e6);
	mkdir(P("many"), 0755);
	t0 = now_s();
	for (i = 0; r && i < 2000; i++) {
		char name[64];

		snprintf(name, sizeof(name), "many/f%d", i);
		fd = open(P(name), O_WRONLY | O_CREAT | O_EXCL, 0644);
		r = fd >= 0 && write(fd, "x", 1) == 1 && close(fd) == 0;
	}
	sync();
	t1 = now_s();
	CHECK("bench-create", r, "errno %d", errno);
	printf("figure create+write+close 2000 files, one sync: %.0f files/s\n", 2000 / (t1 - t0));
}

/* many creates and unlinks with a sync every 50: the log fills with
 * obsolete records (the kernel compacts it); the last 10 files stay */
static void churn(int count)
{
	char name[64], want[64];
	int fd, r = 1;

	mkdir(P(""), 0755);
	mkdir(P("churn"), 0755);
	for (int i = 0; r && i < count; i++) {
		snprintf(name, sizeof(name), "churn/c%d", i);
		fd = open(P(name), O_WRONLY | O_CREAT | O_TRUNC, 0644);
		r = fd >= 0 && write(fd, name, strlen(name)) == (ssize_t)strlen(name);
		if (fd >= 0)
			close(fd);
		if (r && i >= 10) {
			snprintf(name, sizeof(name), "churn/c%d", i - 10);
			r = unlink(P(name)) == 0;
		}
		if (r && i % 50 == 49)
			r = fsync(fd = open(P("churn"), O_RDONLY)) == 0 && close(fd) == 0;
	}
	CHECK("churn-run", r, "errno %d", errno);
	sync();
	for (int i = count - 10; i < count; i++) {
		snprintf(name, sizeof(name), "churn/c%d", i);
		snprintf(want, sizeof(want), "churn/c%d", i);
		r = r && content_is(P(name), want);
	}
	CHECK("churn-last-10", r, "a surviving file differs");
	snprintf(want, sizeof(want), "c%d c%d", count - 1, count - 10);
	CHECK("churn-count",
	      strlen(listing(P("churn"))) > 0 && !strncmp(listing(P("churn")), "c", 1), "got '%s'",
	      listing(P("churn")));
}

int main(int argc, char **argv)
{
	gt_init();
	if (argc < 3) {
		printf("FAIL usage: fswrite 1|2|3|ro|prog|fill|crash DIR [N]\n");
		return 2;
	}
	snprintf(base, sizeof(base), "%s", argv[2]);
	if (!strcmp(argv[1], "auto")) { /* the phase from what log.txt holds */
		if (size_of(P("log.txt")) < 0) {
			printf("phase 1\n");
			phase1();
		} else if (size_of(P("log.txt")) == 6) {
			printf("phase 2\n");
			phase2(2);
		} else {
			printf("phase 3\n");
			phase2(3);
		}
	} else if (!strcmp(argv[1], "1"))
		phase1();
	else if (!strcmp(argv[1], "2"))
		phase2(2);
	else if (!strcmp(argv[1], "3"))
		phase2(3);
	else if (!strcmp(argv[1], "ro"))
		readonly();
	else if (!strcmp(argv[1], "prog")) {
		CHECK_ERR("prog-write", open(argv[2], O_WRONLY), EROFS);
		CHECK_ERR("prog-unlink", unlink(argv[2]), EROFS);
	} else if (!strcmp(argv[1], "progrw")) { /* program_overwrite:t */
		int fd = open(argv[2], O_WRONLY);

		CHECK("progrw-open", fd >= 0, "errno %d", errno);
		close(fd);
	} else if (!strcmp(argv[1], "fill"))
		fill();
	else if (!strcmp(argv[1], "churn"))
		churn(argc > 3 ? atoi(argv[3]) : 3000);
	else if (!strcmp(argv[1], "bench"))
		bench(argc > 3 ? atoi(argv[3]) : 64);
	else if (!strcmp(argv[1], "crash"))
		crash(argc > 3 ? atoi(argv[3]) : 100000);
	else {
		printf("FAIL usage: unknown mode %s\n", argv[1]);
		return 2;
	}
	return gt_done();
}
