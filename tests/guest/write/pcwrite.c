/*
 * pcwrite.c - the page cache under the filesystem write path
 * (tests/suites/57-tfs-write; split from fswrite.c). Modes:
 *   pcwrite pc DIR  first boot (no DIR/w/m yet): MAP_SHARED writes seen
 *                   by read() and write() seen by the mapping,
 *                   msync/fsync/munmap, punched holes, truncate
 *                   shrink+grow, O_TMPFILE, all synced; second boot: all
 *                   of it is there
 *   pcwrite pressure DIR    96 MiB written without a sync, then 150 MiB
 *                   of anonymous memory touched (the cache must give
 *                   way: a 256 MiB VM), synced, read back, 150 MiB again
 *   pcwrite timer DIR   writes DIR/w/tw without any sync, prints
 *                   "written", then sleeps: the host kills the VM after
 *                   the writeback interval and finds the data on the disk
 * Run natively on Linux in a temp directory first (the assertions hold
 * there); prints ok/FAIL lines (gtest.h).
 * Layer: guest test program (static Linux ELF).
 */
#include "fsutil.h"

#ifndef FALLOC_FL_KEEP_SIZE
#define FALLOC_FL_KEEP_SIZE 1
#endif
#ifndef FALLOC_FL_PUNCH_HOLE
#define FALLOC_FL_PUNCH_HOLE 2
#endif

static int bytes_are(const char *path, off_t off, size_t len, int (*want)(off_t i))
{
	static unsigned char buf[1 << 16];
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0 || len > sizeof(buf))
		return 0;
	n = pread(fd, buf, len, off);
	close(fd);
	if (n != (ssize_t)len)
		return 0;
	for (size_t i = 0; i < len; i++)
		if (buf[i] != want(off + (off_t)i))
			return 0;
	return 1;
}

static int pat_at(off_t i)
{
	return pat((uint64_t)i);
}

static int zero_at(off_t i)
{
	(void)i;
	return 0;
}

/* "ph": pattern with [5000, 25000) punched */
static int ph_at(off_t i)
{
	return i >= 5000 && i < 25000 ? 0 : pat((uint64_t)i);
}

/* "tr": pattern to 7000, zeros to 15000 */
static int tr_at(off_t i)
{
	return i < 7000 ? pat((uint64_t)i) : 0;
}

/* "m": pattern with 'M' at 100..199 and 5000..5099 (mapping writes) and
 * 'W' at 9000..9099 (a write() seen by the mapping) */
static int m_at(off_t i)
{
	if ((i >= 100 && i < 200) || (i >= 5000 && i < 5100))
		return 'M';
	if (i >= 9000 && i < 9100)
		return 'W';
	return pat((uint64_t)i);
}

static int fill_pat(const char *path, size_t len)
{
	static unsigned char buf[1 << 16];

	for (size_t i = 0; i < len && i < sizeof(buf); i++)
		buf[i] = pat(i);
	return write_file(path, buf, len);
}

static void pagecache1(void)
{
	static char buf[256];
	struct stat st;
	char *m;
	int fd;

	mkdir(P(""), 0755);
	/* shared mapping <-> read()/write() */
	CHECK("pc-m-create", fill_pat(P("m"), 12288) == 0, "errno %d", errno);
	fd = open(P("m"), O_RDWR);
	m = mmap(NULL, 12288, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK("pc-mmap-shared-rw", m != MAP_FAILED, "errno %d", errno);
	if (m == MAP_FAILED)
		return;
	CHECK("pc-map-reads-file", m[7] == (char)pat(7) && m[12000] == (char)pat(12000), "differs");
	memset(m + 100, 'M', 100);
	CHECK("pc-read-sees-map",
	      pread(fd, buf, 100, 100) == 100 && !memcmp(buf, "MMMMMMMMMM", 10) && buf[99] == 'M',
	      "errno %d", errno);
	memset(buf, 'W', 100);
	CHECK("pc-write", pwrite(fd, buf, 100, 9000) == 100, "errno %d", errno);
	CHECK("pc-map-sees-write", m[9000] == 'W' && m[9099] == 'W' && m[9100] == (char)pat(9100),
	      "m[9000]=%d", m[9000]);
	memset(m + 5000, 'M', 100);
	CHECK("pc-msync", msync(m, 12288, MS_SYNC) == 0, "errno %d", errno);
	CHECK("pc-munmap", munmap(m, 12288) == 0, "errno %d", errno);
	CHECK("pc-after-munmap", bytes_are(P("m"), 0, 12288, m_at), "contents differ");
	close(fd);
	/* a second mapping written, unmapped without msync, then fsync */
	CHECK("pc-m2-create", fill_pat(P("m2"), 8192) == 0, "errno %d", errno);
	fd = open(P("m2"), O_RDWR);
	m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK("pc-m2-mmap", m != MAP_FAILED, "errno %d", errno);
	if (m != MAP_FAILED) {
		memcpy(m + 4096, "unmapped then fsynced", 21);
		munmap(m, 8192);
	}
	CHECK("pc-m2-fsync", fsync(fd) == 0, "errno %d", errno);
	close(fd);
	/* read-only fd: a writable shared mapping is refused, a private one is fine */
	fd = open(P("m2"), O_RDONLY);
	CHECK("pc-mmap-ro-fd-eacces",
	      mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) == MAP_FAILED &&
		  errno == EACCES,
	      "errno %d", errno);
	m = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
	CHECK("pc-mmap-ro-shared", m != MAP_FAILED && m[0] == (char)pat(0), "errno %d", errno);
	if (m != MAP_FAILED) {
		CHECK_ERR("pc-mprotect-ro-fd-eacces", mprotect(m, 4096, PROT_READ | PROT_WRITE),
			  EACCES);
		munmap(m, 4096);
	}
	m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	CHECK("pc-mmap-private-cow", m != MAP_FAILED, "errno %d", errno);
	if (m != MAP_FAILED) {
		m[0] = 'P';
		CHECK("pc-private-not-in-file", bytes_are(P("m2"), 0, 64, pat_at), "changed");
		munmap(m, 4096);
	}
	close(fd);
	/* punch a hole */
	CHECK("pc-ph-create", fill_pat(P("ph"), 65536) == 0, "errno %d", errno);
	fd = open(P("ph"), O_RDWR);
	CHECK("pc-punch", fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 5000, 20000) == 0,
	      "errno %d", errno);
	CHECK_ERR("pc-punch-needs-keep-size", fallocate(fd, FALLOC_FL_PUNCH_HOLE, 0, 10), EOPNOTSUPP);
	CHECK("pc-punch-size", fstat(fd, &st) == 0 && st.st_size == 65536, "size %lld",
	      (long long)st.st_size);
	CHECK("pc-punch-reads", bytes_are(P("ph"), 0, 65536, ph_at), "contents differ");
	CHECK("pc-ph-fsync", fsync(fd) == 0, "errno %d", errno);
	close(fd);
	/* truncate: shrink, grow, read back */
	CHECK("pc-tr-create", fill_pat(P("tr"), 20000) == 0, "errno %d", errno);
	fd = open(P("tr"), O_RDWR);
	CHECK("pc-tr-shrink", ftruncate(fd, 7000) == 0, "errno %d", errno);
	CHECK("pc-tr-grow", ftruncate(fd, 15000) == 0, "errno %d", errno);
	CHECK("pc-tr-reads", size_of(P("tr")) == 15000 && bytes_are(P("tr"), 0, 15000, tr_at),
	      "size %lld", (long long)size_of(P("tr")));
	CHECK("pc-tr-fsync", fsync(fd) == 0, "errno %d", errno);
	close(fd);
	/* cached write, shrink, write past the end: the gap reads as zeros */
	fd = open(P("tr2"), O_RDWR | O_CREAT | O_TRUNC, 0644);
	memset(buf, 'a', sizeof(buf));
	for (int i = 0; i < 40; i++)
		write(fd, buf, 250);
	CHECK("pc-tr2-shrink", ftruncate(fd, 3000) == 0, "errno %d", errno);
	CHECK("pc-tr2-write", pwrite(fd, "X", 1, 5000) == 1, "errno %d", errno);
	CHECK("pc-tr2-gap", bytes_are(P("tr2"), 3000, 2000, zero_at) && size_of(P("tr2")) == 5001,
	      "gap not zero");
	CHECK("pc-tr2-fsync", fsync(fd) == 0, "errno %d", errno);
	close(fd);
	/* a readdir loop that unlinks what it reads removes everything (the
	 * listing must not skip entries that removals move) */
	{
		int made = 0, removed = 0, left = 0;
		static char path[1400];
		struct dirent *e;
		DIR *d;

		mkdir(P("rmdir"), 0755);
		for (int i = 0; i < 600; i++) {
			snprintf(path, sizeof(path), "%s/f%05d", P("rmdir"), i);
			fd = open(path, O_CREAT | O_WRONLY, 0644);
			made += fd >= 0;
			close(fd);
		}
		d = opendir(P("rmdir"));
		while (d && (e = readdir(d))) {
			if (e->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "%s/%s", P("rmdir"), e->d_name);
			removed += unlink(path) == 0;
		}
		if (d)
			closedir(d);
		d = opendir(P("rmdir"));
		while (d && (e = readdir(d)))
			left += e->d_name[0] != '.';
		if (d)
			closedir(d);
		CHECK("pc-readdir-unlink-all", made == 600 && removed == 600 && left == 0 &&
						   rmdir(P("rmdir")) == 0,
		      "made %d removed %d left %d", made, removed, left);
	}
	/* O_TMPFILE: a file with no name, usable until closed */
	fd = open(P(""), O_TMPFILE | O_RDWR, 0600);
	CHECK("pc-tmpfile-open", fd >= 0, "errno %d", errno);
	if (fd >= 0) {
		CHECK("pc-tmpfile-write", write(fd, "scratch", 7) == 7, "errno %d", errno);
		CHECK("pc-tmpfile-read", pread(fd, buf, 7, 0) == 7 && !memcmp(buf, "scratch", 7),
		      "errno %d", errno);
		CHECK("pc-tmpfile-fstat", fstat(fd, &st) == 0 && st.st_size == 7 && S_ISREG(st.st_mode),
		      "size %lld", (long long)st.st_size);
		CHECK("pc-tmpfile-unnamed", !strcmp(listing(P("")), "m m2 ph tr tr2"), "listing '%s'",
		      listing(P("")));
		close(fd);
	}
	CHECK_ERR("pc-tmpfile-rdonly", open(P(""), O_TMPFILE | O_RDONLY, 0600), EINVAL);
	CHECK_ERR("pc-tmpfile-notdir", open(P("m"), O_TMPFILE | O_RDWR, 0600), ENOTDIR);
	sync();
}

static int tr2_at(off_t i)
{
	return i < 3000 ? 'a' : i == 5000 ? 'X' : 0;
}

static void pagecache2(void)
{
	CHECK("pc2-listing", !strcmp(listing(P("")), "m m2 ph tr tr2"), "listing '%s'",
	      listing(P("")));
	CHECK("pc2-m", bytes_are(P("m"), 0, 12288, m_at), "contents differ");
	CHECK("pc2-m2", size_of(P("m2")) == 8192 && bytes_are(P("m2"), 0, 4096, pat_at) &&
			    content_at(P("m2"), 4096, "unmapped then fsynced"),
	      "contents differ");
	CHECK("pc2-ph", size_of(P("ph")) == 65536 && bytes_are(P("ph"), 0, 65536, ph_at),
	      "contents differ");
	CHECK("pc2-tr", size_of(P("tr")) == 15000 && bytes_are(P("tr"), 0, 15000, tr_at),
	      "size %lld", (long long)size_of(P("tr")));
	CHECK("pc2-tr2", size_of(P("tr2")) == 5001 && bytes_are(P("tr2"), 0, 5001, tr2_at),
	      "size %lld", (long long)size_of(P("tr2")));
}

static int touch_mib(size_t mib)
{
	size_t n = mib << 20;
	unsigned char *a = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int ok = 1;

	if (a == MAP_FAILED)
		return 0;
	for (size_t i = 0; i < n; i += 4096)
		a[i] = (unsigned char)(i >> 12);
	for (size_t i = 0; i < n; i += 4096)
		ok &= a[i] == (unsigned char)(i >> 12);
	munmap(a, n);
	return ok;
}

static void pressure(void)
{
	enum { MB = 96 };
	static unsigned char buf[1 << 20];
	int fd, good = 1;

	mkdir(P(""), 0755);
	fd = open(P("big"), O_RDWR | O_CREAT | O_TRUNC, 0644);
	for (int i = 0; i < MB && good; i++) {
		for (size_t k = 0; k < sizeof(buf); k++)
			buf[k] = pat(k + (size_t)i * 977);
		good = write(fd, buf, sizeof(buf)) == (ssize_t)sizeof(buf);
	}
	CHECK("pressure-write", good, "errno %d", errno);
	CHECK("pressure-alloc-dirty", touch_mib(150), "anonymous memory lost");
	CHECK("pressure-fsync", fsync(fd) == 0, "errno %d", errno);
	for (int i = 0; i < MB && good; i++) {
		good = pread(fd, buf, sizeof(buf), (off_t)i << 20) == (ssize_t)sizeof(buf);
		for (size_t k = 0; k < sizeof(buf) && good; k++)
			good = buf[k] == pat(k + (size_t)i * 977);
	}
	CHECK("pressure-readback", good, "contents differ");
	CHECK("pressure-alloc-clean", touch_mib(150), "anonymous memory lost");
	close(fd);
	unlink(P("big"));
}

/* written, never synced: only the writeback timer can save it */
static void timer_writeback(void)
{
	int fd;

	mkdir(P(""), 0755);
	fd = open(P("tw"), O_WRONLY | O_CREAT | O_TRUNC, 0644);
	CHECK("tw-write", fd >= 0 && write(fd, "written by the timer\n", 21) == 21, "errno %d", errno);
	printf("written\n");
	fflush(stdout);
	sleep(60);
	printf("FAIL tw: not killed after 60 s\n");
}

int main(int argc, char **argv)
{
	gt_init();
	if (argc != 3) {
		printf("FAIL usage: pcwrite pc|pressure|timer DIR\n");
		return 2;
	}
	snprintf(base, sizeof(base), "%s", argv[2]);
	if (!strcmp(argv[1], "pc")) {
		printf("pc phase %d\n", size_of(P("m")) < 0 ? 1 : 2);
		if (size_of(P("m")) < 0)
			pagecache1();
		else
			pagecache2();
	} else if (!strcmp(argv[1], "pressure")) {
		pressure();
	} else if (!strcmp(argv[1], "timer")) {
		timer_writeback();
	} else {
		printf("FAIL usage: unknown mode %s\n", argv[1]);
		return 2;
	}
	return gt_done();
}
