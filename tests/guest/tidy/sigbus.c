/*
 * sigbus.c - file mappings touched past the end of the file: a page wholly
 * past EOF gives SIGBUS with si_code BUS_ADRERR and si_addr the faulting
 * address (MAP_SHARED and MAP_PRIVATE, read and write, an empty file, an
 * offset past EOF, a shared mapping after the file shrank), while the
 * rest of the last page reads as zeros, a shared mapping sees a file that
 * grew, and a kernel copy from such a page (write(2)) gives EFAULT.
 * tests/suites/59-sigbus runs it natively (proving the expectations on
 * Linux) and under monos, and compares the two outputs.
 *   sigbus DIR      the scratch file goes into DIR
 * Layer: guest test program (kernel/mm/uvm.c, arch/x86_64/traps.c,
 * kernel/fault.c).
 */
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <sys/mman.h>

#include "../gtest.h"

#define PG 4096

static sigjmp_buf jb;
static volatile sig_atomic_t got_sig, got_code;
static void *volatile got_addr;

static void on_fault(int sig, siginfo_t *si, void *uc)
{
	got_sig = sig;
	got_code = si->si_code;
	got_addr = si->si_addr;
	siglongjmp(jb, 1);
}

/* touch p (a read, or a write of 1): the signal it raised, 0 if none */
static int touch(volatile char *p, int write, char *val)
{
	got_sig = got_code = 0;
	got_addr = NULL;
	if (sigsetjmp(jb, 1) == 0) {
		if (write)
			*p = 1;
		else
			*val = *p;
	}
	return got_sig;
}

/* the access must raise SIGBUS BUS_ADRERR at exactly p */
static void want_bus(const char *name, volatile char *p, int write)
{
	char v;
	int sig = touch(p, write, &v);

	CHECK(name, sig == SIGBUS && got_code == BUS_ADRERR && got_addr == (void *)p,
	      "signal %d code %d addr %p (want SIGBUS %d code BUS_ADRERR %d addr %p)", sig,
	      (int)got_code, got_addr, SIGBUS, BUS_ADRERR, (void *)p);
}

/* the access must work (reads see want) */
static void want_ok(const char *name, volatile char *p, int write, char want)
{
	char v = 0x55;
	int sig = touch(p, write, &v);

	CHECK(name, sig == 0 && (write || v == want), "signal %d, read %d (want %d)", sig, v,
	      want);
}

static int make_file(const char *path, long size)
{
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	char buf[100];

	if (fd < 0)
		return -1;
	memset(buf, 'x', sizeof(buf));
	if (size && write(fd, buf, (size_t)size) != size) {
		close(fd);
		return -1;
	}
	return fd;
}

int main(int argc, char **argv)
{
	struct sigaction sa;
	char path[512];
	char *m;
	int fd, p[2];

	gt_init();
	if (argc != 2) {
		fprintf(stderr, "usage: sigbus DIR\n");
		return 2;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_fault;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigaction(SIGBUS, &sa, NULL);
	sigaction(SIGSEGV, &sa, NULL);
	snprintf(path, sizeof(path), "%s/sigbus.dat", argv[1]);

	/* a 100-byte file, 3 pages mapped shared */
	fd = make_file(path, 100);
	if (!CHECK("file", fd >= 0, "%s: %s", path, strerror(errno)))
		return gt_done();
	m = mmap(NULL, 3 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (!CHECK("mmap-shared", m != MAP_FAILED, "%s", strerror(errno)))
		return gt_done();
	want_ok("shared-read-data", m + 99, 0, 'x');
	want_ok("shared-read-tail", m + PG - 1, 0, 0); /* the rest of the last page */
	want_bus("shared-read-past", m + PG, 0);
	want_bus("shared-read-past-mid", m + PG + 123, 0);
	want_bus("shared-write-past", m + 2 * PG + 7, 1);
	/* a kernel copy from the page: EFAULT, no signal */
	if (pipe(p) == 0) {
		long r;

		got_sig = 0;
		r = write(p[1], m + PG, 10);

		CHECK("shared-write2-efault", r == -1 && errno == EFAULT && got_sig == 0,
		      "write returned %ld (%s)", r, r < 0 ? strerror(errno) : "no error");
		close(p[0]);
		close(p[1]);
	}
	/* the file grows: the page is there now (zeros) */
	CHECK_RET("grow", ftruncate(fd, PG + 10), 0);
	want_ok("shared-read-grown", m + PG + 5, 0, 0);
	want_bus("shared-read-past-grown", m + 2 * PG, 0);
	/* and shrinks again: past EOF once more */
	CHECK_RET("shrink", ftruncate(fd, 100), 0);
	want_bus("shared-read-shrunk", m + PG + 5, 0);
	munmap(m, 3 * PG);

	/* private: the same */
	m = mmap(NULL, 3 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	if (CHECK("mmap-private", m != MAP_FAILED, "%s", strerror(errno))) {
		want_ok("private-read-data", m + 50, 0, 'x');
		want_ok("private-read-tail", m + PG - 1, 0, 0);
		want_ok("private-write-tail", m + PG - 1, 1, 0);
		want_bus("private-read-past", m + PG, 0);
		want_bus("private-write-past", m + 2 * PG + 1, 1);
		/* after a partial unmap the rest keeps the limit */
		munmap(m, PG);
		want_bus("private-read-past-split", m + PG + 8, 0);
		munmap(m + PG, 2 * PG);
	}

	/* an offset past EOF: every page */
	m = mmap(NULL, 2 * PG, PROT_READ, MAP_PRIVATE, fd, PG);
	if (CHECK("mmap-private-offset", m != MAP_FAILED, "%s", strerror(errno))) {
		want_bus("private-offset-past", m, 0);
		munmap(m, 2 * PG);
	}
	m = mmap(NULL, 2 * PG, PROT_READ, MAP_SHARED, fd, PG);
	if (CHECK("mmap-shared-offset", m != MAP_FAILED, "%s", strerror(errno))) {
		want_bus("shared-offset-past", m + 5, 0);
		munmap(m, 2 * PG);
	}
	close(fd);

	/* an empty file */
	fd = make_file(path, 0);
	if (CHECK("empty-file", fd >= 0, "%s", strerror(errno))) {
		m = mmap(NULL, PG, PROT_READ, MAP_PRIVATE, fd, 0);
		if (CHECK("mmap-empty", m != MAP_FAILED, "%s", strerror(errno))) {
			want_bus("empty-read", m, 0);
			munmap(m, PG);
		}
		m = mmap(NULL, PG, PROT_READ, MAP_SHARED, fd, 0);
		if (CHECK("mmap-empty-shared", m != MAP_FAILED, "%s", strerror(errno))) {
			want_bus("empty-read-shared", m + 1, 0);
			munmap(m, PG);
		}
		close(fd);
	}

	/* anonymous memory and /dev/zero are not files: no limit */
	fd = open("/dev/zero", O_RDONLY);
	m = fd >= 0 ? mmap(NULL, 2 * PG, PROT_READ, MAP_PRIVATE, fd, 0) : MAP_FAILED;
	if (CHECK("mmap-devzero", m != MAP_FAILED, "%s", strerror(errno))) {
		want_ok("devzero-read", m + PG + 1, 0, 0);
		munmap(m, 2 * PG);
	}
	if (fd >= 0)
		close(fd);
	/* an unmapped address stays SIGSEGV */
	m = mmap(NULL, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	munmap(m, PG);
	{
		char v;
		int sig = touch(m, 0, &v);

		CHECK("unmapped-segv", sig == SIGSEGV && got_code == SEGV_MAPERR,
		      "signal %d code %d", sig, (int)got_code);
	}
	unlink(path);
	return gt_done();
}
