/*
 * core.c - guest test of the kernel core (tests/guest/core, kernel-core
 * helper's folder): the auxiliary vector (AT_PAGESZ, AT_RANDOM, AT_EXECFN,
 * AT_PLATFORM, AT_HWCAP = CPUID 1 EDX, AT_PHDR/PHNUM, ids, AT_CLKTCK),
 * argv/envp from the manifest, 16-byte stack alignment, SSE/AVX registers
 * surviving system calls, demand-zero memory, MAP_FIXED_NOREPLACE,
 * mremap grow/move keeping contents, madvise(DONTNEED) zeroing, a private
 * read-only file mapping, mprotect, arch_prctl, unknown syscalls -> ENOSYS
 * and kernel pointers -> EFAULT.
 *
 * Layer: guest test program; built with musl-gcc -static and gcc -static
 * (tests/guest/core/build.mk); run natively and under monos by
 * tests/suites/50-kernel-boot. Optional args: "expect-env" checks that
 * CORE_ENV=yes is set (the suite passes it through the manifest).
 */
#include <cpuid.h>
#include <elf.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/prctl.h>

#include "../gtest.h"

#define PG 4096ul
#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif
#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003

static char **initial_envp;

/* the auxiliary vector as the kernel left it: after envp's NULL */
static unsigned long raw_auxval(unsigned long type)
{
	char **e = initial_envp;
	unsigned long *av;

	while (*e)
		e++;
	for (av = (unsigned long *)(e + 1); av[0] != AT_NULL; av += 2)
		if (av[0] == type)
			return av[1];
	return ~0ul;
}

static void test_auxv(char **argv)
{
	unsigned a, b, c, d;
	const char *execfn = (const char *)getauxval(AT_EXECFN);
	const char *plat = (const char *)getauxval(AT_PLATFORM);
	const unsigned char *rnd = (const unsigned char *)getauxval(AT_RANDOM);
	const Elf64_Phdr *ph = (const Elf64_Phdr *)getauxval(AT_PHDR);
	unsigned long phnum = getauxval(AT_PHNUM);
	int any = 0, has_load = 0;

	CHECK("auxv_pagesz", getauxval(AT_PAGESZ) == PG, "AT_PAGESZ %lu", getauxval(AT_PAGESZ));
	CHECK("auxv_clktck", getauxval(AT_CLKTCK) == 100, "AT_CLKTCK %lu", getauxval(AT_CLKTCK));
	CHECK("auxv_execfn", execfn && execfn[0], "AT_EXECFN %s", execfn ? execfn : "NULL");
	CHECK("auxv_platform", plat && !strcmp(plat, "x86_64"), "AT_PLATFORM %s", plat ? plat : "NULL");
	for (int i = 0; rnd && i < 16; i++)
		any |= rnd[i];
	CHECK("auxv_random", rnd && any, "AT_RANDOM %p", (void *)rnd);
	__cpuid(1, a, b, c, d);
	/* glibc rewrites its copy of AT_HWCAP: read the kernel's from the stack */
	/* Linux may clear a few bits it does not use (MTRR here and there) */
	unsigned long hw = raw_auxval(AT_HWCAP);
	CHECK("auxv_hwcap", (hw & ~(unsigned long)d) == 0 && (hw & 1) && (hw & (1u << 26)),
	      "AT_HWCAP %#lx, CPUID.1.EDX %#x", hw, d);
	CHECK("auxv_phent", getauxval(AT_PHENT) == sizeof(Elf64_Phdr), "AT_PHENT %lu",
	      getauxval(AT_PHENT));
	for (unsigned long i = 0; ph && i < phnum; i++)
		has_load |= ph[i].p_type == PT_LOAD;
	CHECK("auxv_phdr", ph && phnum > 0 && has_load, "AT_PHDR %p AT_PHNUM %lu", (void *)ph,
	      phnum);
	CHECK("auxv_entry", getauxval(AT_ENTRY) != 0, "AT_ENTRY 0");
	CHECK("auxv_ids", getauxval(AT_UID) == getuid() && getauxval(AT_EUID) == geteuid() &&
				  getauxval(AT_GID) == getgid() && getauxval(AT_SECURE) == 0,
	      "uid %lu euid %lu gid %lu secure %lu", getauxval(AT_UID), getauxval(AT_EUID),
	      getauxval(AT_GID), getauxval(AT_SECURE));
	CHECK("argv0", argv[0] && argv[0][0], "argv[0] empty");
}

static void __attribute__((noinline)) check_stack_alignment(void)
{
	/* at a call, rsp+8 is 16-byte aligned; a 16-aligned local shows it */
	long v __attribute__((aligned(16))) = 0;
	CHECK("stack_aligned", ((uintptr_t)&v & 15) == 0, "local at %p", (void *)&v);
}

static void test_fpu(void)
{
	double x = 1.0, ref = 1.0;
	volatile double k = 1.5;
	unsigned a, b, c, d;
	int avx_ok = 0;

	for (int i = 0; i < 20; i++)
		ref = ref * k + 0.25;
	for (int i = 0; i < 20; i++) {
		x = x * k + 0.25;
		getpid(); /* a syscall in the middle of the FP work */
	}
	CHECK("fpu_sse_math", x == ref, "x = %f, want %f", x, ref);
	__cpuid(1, a, b, c, d);
	if ((c & (1u << 27)) && (c & (1u << 28))) { /* OSXSAVE + AVX */
		unsigned lo, hi;
		__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
		avx_ok = (lo & 6) == 6;
	}
	if (!avx_ok) {
		gt_skip("avx_survives_syscall", "no AVX state enabled (CPUID/XCR0)");
		return;
	}
	unsigned long long in[4] = { 0x1111222233334444ull, 0x5555666677778888ull,
				     0x99990000aaaabbbbull, 0xccccddddeeeeffffull };
	unsigned long long out[4] = { 0 };
	long pid = SYS_getpid, ret;
	__asm__ volatile("vmovdqu %[in], %%ymm7\n\t"
			 "syscall\n\t"
			 "vmovdqu %%ymm7, %[out]\n\t"
			 "vzeroupper"
			 : [out] "=m"(out), "=a"(ret)
			 : [in] "m"(in), "a"(pid)
			 : "rcx", "r11", "memory", "xmm7");
	CHECK("avx_survives_syscall", !memcmp(in, out, sizeof(in)), "ymm7 %llx.. became %llx..",
	      in[3], out[3]);
}

static void test_memory(void)
{
	unsigned char *p, *q;
	size_t big = 64ul << 20;
	long r;

	p = mmap(NULL, big, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (CHECK("demand_zero_64m", p != MAP_FAILED, "mmap 64 MiB: %s", strerror(errno))) {
		int ok = 1;
		for (size_t off = 0; off < big; off += 1 << 20)
			ok &= p[off] == 0 && p[off + PG - 1] == 0;
		p[big - 1] = 7;
		CHECK("demand_zero_read", ok && p[big - 1] == 7, "not zero / not writable");
		q = mmap(p + PG, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE,
			 -1, 0);
		CHECK("map_fixed_noreplace_eexist", q == MAP_FAILED && errno == EEXIST,
		      "got %p errno %d", (void *)q, errno);
		munmap(p, big);
	}
	p = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p != MAP_FAILED) {
		memset(p, 0xab, 2 * PG);
		/* block the space after it so growing has to move */
		q = mmap(p + 2 * PG, PG, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
		CHECK_ERR("mremap_nomove_enomem", mremap(p, 2 * PG, 4 * PG, 0) == MAP_FAILED ? -1 : 0,
			  ENOMEM);
		unsigned char *m = mremap(p, 2 * PG, 8 * PG, MREMAP_MAYMOVE);
		int ok = m != MAP_FAILED;
		for (size_t i = 0; ok && i < 2 * PG; i++)
			ok &= m[i] == 0xab;
		for (size_t i = 2 * PG; ok && i < 8 * PG; i++)
			ok &= m[i] == 0;
		CHECK("mremap_move_keeps", ok && m != p, "mremap %p -> %p", (void *)p, (void *)m);
		if (m != MAP_FAILED) {
			m[0] = 1;
			r = madvise(m, 8 * PG, MADV_DONTNEED);
			CHECK("madvise_dontneed_zeroes", r == 0 && m[0] == 0 && m[PG] == 0,
			      "ret %ld m[0] %d", r, m[0]);
			CHECK_RET("mprotect_ro", mprotect(m, PG, PROT_READ), 0);
			CHECK_ERR("efault_into_readonly", read(open("/proc/self/exe", O_RDONLY), m, 16),
				  EFAULT);
			munmap(m, 8 * PG);
		}
		munmap(q, PG);
	}
}

static void test_file_mmap(void)
{
	const char *self = (const char *)getauxval(AT_EXECFN);
	int fd = self ? open(self, O_RDONLY) : -1;
	unsigned char *p;

	if (!CHECK("open_self", fd >= 0, "open %s: %s", self ? self : "?", strerror(errno)))
		return;
	p = mmap(NULL, 3 * PG, PROT_READ, MAP_PRIVATE, fd, 0);
	CHECK("mmap_file_elf_magic", p != MAP_FAILED && !memcmp(p, "\177ELF", 4), "%s",
	      p == MAP_FAILED ? strerror(errno) : "no ELF magic");
	if (p != MAP_FAILED)
		munmap(p, 3 * PG);
	p = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	if (CHECK("mmap_file_private_write", p != MAP_FAILED, "%s", strerror(errno))) {
		p[0] = 'X';
		CHECK("mmap_file_cow", p[0] == 'X' && p[1] == 'E', "%c%c", p[0], p[1]);
		munmap(p, PG);
	}
	close(fd);
}

static void test_misc(void)
{
	unsigned long fs = 0, saved = 0;
	static unsigned long tls_area[16];

	CHECK_ERR("unknown_syscall_enosys", syscall(999), ENOSYS);
	CHECK_ERR("arch_prctl_bad_code", syscall(SYS_arch_prctl, 0x9999, 0), EINVAL);
	CHECK_RET("arch_prctl_get_fs", syscall(SYS_arch_prctl, ARCH_GET_FS, &saved), 0);
	/* a copy of the TLS head (self pointer, stack canary at 0x28) */
	memcpy(tls_area, (void *)saved, sizeof(tls_area));
	syscall(SYS_arch_prctl, ARCH_SET_FS, (unsigned long)tls_area);
	syscall(SYS_arch_prctl, ARCH_GET_FS, &fs);
	syscall(SYS_arch_prctl, ARCH_SET_FS, saved);
	CHECK("arch_prctl_set_fs", fs == (unsigned long)tls_area, "fs %#lx want %p", fs,
	      (void *)tls_area);
	CHECK_ERR("write_kernel_ptr_efault", write(1, GT_KERNEL_ADDR, 8), EFAULT);
	CHECK_ERR("write_noncanon_efault", write(1, GT_NONCANON_ADDR, 8), EFAULT);
	CHECK_ERR("clock_gettime_efault", syscall(SYS_clock_gettime, 1, GT_KERNEL_ADDR), EFAULT);
}

int main(int argc, char **argv, char **envp)
{
	initial_envp = envp;
	gt_init();
	test_auxv(argv);
	check_stack_alignment();
	test_fpu();
	test_memory();
	test_file_mmap();
	test_misc();
	if (argc > 1 && !strcmp(argv[1], "expect-env")) {
		const char *v = getenv("CORE_ENV");
		CHECK("manifest_environment", v && !strcmp(v, "yes"), "CORE_ENV=%s", v ? v : "(unset)");
		CHECK("manifest_arguments", argc == 3 && !strcmp(argv[2], "two words"),
		      "argc %d argv[2] %s", argc, argc > 2 ? argv[2] : "-");
	}
	return gt_done();
}
