/*
 * sysfuzz.c - guest robustness test (tests/guest/core): thousands of
 * system calls with hostile arguments (NULL, 1, -1, kernel and
 * non-canonical addresses, buffers that end at an unmapped page, huge
 * lengths, random flags) for every implemented call that cannot end or
 * corrupt the program itself (no exit, munmap, brk, SET_FS, close of
 * 0-2...). Passes when it gets to the end: the kernel must answer every
 * call with a value or an errno, never fault or hang.
 *
 * Layer: guest test program; run natively and under monos by
 * tests/suites/50-kernel-boot. Arguments: number of calls (default 20000),
 * a seed.
 */
#include <stdint.h>
#include <sys/mman.h>

#include "../gtest.h"

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static unsigned char *page;   /* a mapped page followed by an unmapped one */

static long arg(void)
{
	switch (rnd() % 14) {
	case 0:
		return 0;
	case 1:
		return 1;
	case 2:
		return -1;
	case 3:
		return (long)0xffffffff80000000ul;
	case 4:
		return (long)0x8000000000000000ul;
	case 5:
		return (long)(page + 4096 - (rnd() % 16)); /* runs into the hole */
	case 6:
		return (long)page;
	case 7:
		return (long)(rnd() % 4096);
	case 8:
		return (long)(rnd() >> (rnd() % 64));
	case 9:
		return (long)(page + 8192); /* unmapped */
	case 10:
		return 3 + (long)(rnd() % 8); /* plausible fds */
	case 11:
		return -100; /* AT_FDCWD */
	case 12:
		return (long)(1ul << (rnd() % 64));
	default:
		return (long)"/";
	}
}

static long fd_arg(void)
{
	long a = arg();

	/* leave the console fds alone: the test reports through them (the
	 * kernel, like Linux, looks at the low 32 bits only) */
	return ((int)a >= 0 && (int)a <= 2) ? (int)a + 3 : a;
}

static const int calls[] = {
	SYS_read, SYS_write, SYS_pread64, SYS_pwrite64, SYS_readv, SYS_writev, SYS_open,
	SYS_openat, SYS_stat, SYS_lstat, SYS_fstat, SYS_newfstatat, SYS_statx, SYS_getdents64,
	SYS_readlink, SYS_readlinkat, SYS_access, SYS_faccessat, SYS_fcntl, SYS_ioctl, SYS_lseek,
	SYS_getcwd, SYS_uname, SYS_clock_gettime, SYS_clock_getres, SYS_gettimeofday, SYS_time,
	SYS_getrandom, SYS_sched_getaffinity, SYS_sysinfo, SYS_prlimit64, SYS_getrlimit,
	SYS_rt_sigaction, SYS_rt_sigprocmask, SYS_sigaltstack, SYS_set_robust_list, SYS_mmap,
	SYS_dup, SYS_arch_prctl, SYS_getpid, SYS_gettid, SYS_uname, 999, 511, 1000, 100000,
};

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 20000, done = 0;

	if (argc > 2)
		rng ^= strtoull(argv[2], NULL, 0) * 0x2545f4914f6cdd1dull;
	gt_init();
	page = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (page == MAP_FAILED || munmap(page + 4096 * 2, 4096) || mprotect(page + 4096, 4096, PROT_NONE))
		return CHECK("sysfuzz_setup", 0, "mmap: %s", strerror(errno)), gt_done();
	/* page[0..4095] RW, page[4096..8191] PROT_NONE, then a hole */
	for (long i = 0; i < n; i++) {
		int nr = calls[rnd() % (sizeof(calls) / sizeof(calls[0]))];
		long a0 = arg(), a1 = arg(), a2 = arg(), a3 = arg(), a4 = arg(), a5 = arg();

		switch (nr) {
		case SYS_read: case SYS_write: case SYS_pread64: case SYS_pwrite64: case SYS_readv:
		case SYS_writev: case SYS_fstat: case SYS_getdents64: case SYS_fcntl: case SYS_ioctl:
		case SYS_lseek: case SYS_dup:
			a0 = fd_arg();
			break;
		case SYS_mmap:
			a3 &= ~(0x10l | 0x100000l); /* never MAP_FIXED(_NOREPLACE) */
			a4 = fd_arg();
			break;
		case SYS_arch_prctl:
			if (a0 == 0x1001 || a0 == 0x1002)
				a0 = 0x1003; /* no SET_FS/SET_GS */
			break;
		case SYS_rt_sigprocmask:
			break;
		}
		if (nr == SYS_ioctl && (a1 & 0xffff) == 0x5421) /* FIONBIO is harmless, others too */
			a1 = 0x5401;
		long r = syscall(nr, a0, a1, a2, a3, a4, a5);
		if (nr == SYS_mmap && r > 0 && (unsigned long)r < 0x800000000000ul)
			munmap((void *)r, (size_t)a1); /* do not let the space fill up */
		/* new fds (fcntl F_DUPFD of the console among them) go away again */
		if ((nr == SYS_dup || nr == SYS_fcntl || nr == SYS_open || nr == SYS_openat) && r > 2 &&
		    r < 1024)
			close((int)r);
		done++;
	}
	CHECK("sysfuzz", done == n, "%ld of %ld calls", done, n);
	return gt_done();
}
