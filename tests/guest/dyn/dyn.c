/*
 * dyn.c - a dynamically linked guest test (glibc, built with plain gcc as
 * PIE and with -no-pie): the interpreter's auxv (AT_BASE, AT_ENTRY,
 * AT_PHDR), dlopen of libm (not a DT_NEEDED library: the suite adds it),
 * file mmap semantics (offsets, private writes stay private, RELRO-like
 * mprotect, msync, mincore, shared read-only, shared writable on a
 * read-only fd refused). Prints
 * "addr NAME=0x..." lines for the ASLR comparison of tests/suites/62-dynamic.
 * Usage: dyn FILE (a file of at least 3 pages). Runs natively on Linux.
 *
 * Layer: guest test program; used by tests/suites/62-dynamic.
 */
#include <dlfcn.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/auxv.h>
#include <sys/resource.h>
#include <sys/times.h>
#include <linux/capability.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "../gtest.h"

static void check_auxv(void)
{
	unsigned long base = getauxval(AT_BASE), entry = getauxval(AT_ENTRY);
	unsigned long phdr = getauxval(AT_PHDR);
	extern char _start[];

	CHECK("auxv_base", base != 0, "AT_BASE is 0 in a dynamic program");
	CHECK("auxv_entry", entry == (unsigned long)_start, "AT_ENTRY %#lx, _start %p", entry,
	      (void *)_start);
	CHECK("auxv_phdr", phdr && phdr < entry + (1ul << 30) && phdr + (1ul << 30) > entry,
	      "AT_PHDR %#lx far from the entry %#lx", phdr, entry);
	printf("addr interp=%#lx\naddr prog=%#lx\n", base, entry);
}

static void check_dlopen(void)
{
	void *h = dlopen("libm.so.6", RTLD_NOW);
	double (*f)(double);

	if (!CHECK("dlopen_libm", h != NULL, "dlopen: %s", dlerror()))
		return;
	f = (double (*)(double))dlsym(h, "cos");
	CHECK("dlsym_cos", f && f(0.0) == 1.0, "cos missing or cos(0) != 1");
	CHECK("dlclose", dlclose(h) == 0, "dlclose: %s", dlerror());
}

static void check_file_mmap(const char *path)
{
	int fd = open(path, O_RDONLY);
	unsigned char want[4096];
	unsigned char *p, *s;
	struct stat st;

	if (!CHECK("open_file", fd >= 0 && fstat(fd, &st) == 0 && st.st_size >= 3 * 4096,
		   "%s: errno %d or too small", path, errno))
		return;
	p = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 4096);
	if (!CHECK("mmap_private_offset", p != MAP_FAILED, "errno %d", errno))
		return;
	CHECK("mmap_offset_bytes", pread(fd, want, 4096, 4096) == 4096 && !memcmp(p, want, 4096),
	      "mapped bytes differ from pread at offset 4096");
	p[0] ^= 0xff;
	p[4096] = 0x5a;
	CHECK("private_write_private", pread(fd, want, 1, 4096) == 1 && want[0] == (p[0] ^ 0xff),
	      "the file changed after a private write");
	CHECK("relro_mprotect", mprotect(p, 8192, PROT_READ) == 0 && p[4096] == 0x5a,
	      "mprotect read-only lost the written byte or failed (errno %d)", errno);
	{
		int r = msync(p, 8192, MS_SYNC);

		CHECK("msync", r == 0, "msync returned %d errno %d", r, errno);
	}
	{
		unsigned char vec[2] = { 9, 9 };

		CHECK("mincore", mincore(p, 8192, vec) == 0 && (vec[0] & 1) && (vec[1] & 1),
		      "errno %d, vec %d %d", errno, vec[0], vec[1]);
	}
	CHECK("munmap", munmap(p, 8192) == 0, "errno %d", errno);
	s = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 8192);
	if (CHECK("mmap_shared_ro", s != MAP_FAILED, "errno %d", errno)) {
		CHECK("shared_bytes", pread(fd, want, 4096, 8192) == 4096 && !memcmp(s, want, 4096),
		      "shared mapping bytes differ");
		munmap(s, 4096);
	}
	s = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK("mmap_shared_w_rdonly_fd", s == MAP_FAILED && errno == EACCES,
	      "got %p errno %d, want EACCES", (void *)s, errno);
	close(fd);
	p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	printf("addr mmap=%p\n", (void *)p);
}

/* identity/accounting calls programs make at startup (run as root) */
static void check_ident(void)
{
	struct rusage ru;
	struct tms t;
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];
	uid_t r = 1, e = 1, s = 1;

	CHECK("getrusage", getrusage(RUSAGE_SELF, &ru) == 0 && ru.ru_utime.tv_usec < 1000000,
	      "errno %d", errno);
	CHECK("times", times(&t) != (clock_t)-1, "errno %d", errno);
	CHECK("capget", syscall(SYS_capget, &h, d) == 0, "errno %d", errno);
	CHECK("getresuid", getresuid(&r, &e, &s) == 0 && r == 0 && e == 0 && s == 0,
	      "errno %d, %d %d %d", errno, (int)r, (int)e, (int)s);
	CHECK("setuid_0", setuid(0) == 0, "errno %d", errno);
	CHECK("getpgrp", getpgrp() == getpgid(0), "getpgrp %d getpgid %d", (int)getpgrp(),
	      (int)getpgid(0));
}

int main(int argc, char **argv)
{
	int local;
	void *heap = malloc(16);

	gt_init();
	puts("hello from a dynamic program");
	check_auxv();
	check_dlopen();
	check_ident();
	if (argc > 1)
		check_file_mmap(argv[1]);
	else
		gt_skip("file_mmap", "no FILE argument");
	printf("addr stack=%p\naddr heap=%p\n", (void *)&local, heap);
	free(heap);
	return gt_done();
}
