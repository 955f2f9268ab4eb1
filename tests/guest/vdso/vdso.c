/*
 * vdso.c - the vDSO guest test (issue 4 item 1; tests/suites/63-vdso).
 * Finds the vDSO through AT_SYSINFO_EHDR, checks it is an ELF shared
 * object like Linux's (DT_HASH, DT_GNU_HASH, DT_VERSYM/DT_VERDEF, soname
 * linux-vdso.so.1, no relocations), looks its functions up itself (both
 * hash tables, version LINUX_2.6) and checks that every time call agrees
 * with the raw syscall: a vDSO reading taken between two syscall readings
 * lies between them (so the two clocks agree and are monotonic together),
 * also through libc (clock_gettime, gettimeofday, time, sched_getcpu);
 * getcpu and clock_getres match; clocks the vDSO does not serve come back
 * from the kernel; the [vvar] page is read-only; the legacy vsyscall
 * entries work (emulated) while reading that page faults.
 * Modes: no argument = the checks; "loop N" = N calls each of libc
 * clock_gettime/gettimeofday/time (the suite traces it for syscalls);
 * "addr" prints the vDSO address (ASLR checks); "vsyscall-bad" jumps into
 * the vsyscall page off its entries (must end with SIGSEGV); "unmap-vvar"
 * drops and unmaps the [vvar] page, then churns memory.
 * Built static (musl, glibc) and dynamic (glibc, musl) by build.mk; runs
 * natively on Linux (where the assertions hold) and under monos.
 */
#include "../gtest.h"
#include <elf.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <sys/utsname.h>
#include <time.h>

#ifndef CLOCK_TAI
#define CLOCK_TAI 11
#endif
#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

typedef int (*cgt_fn)(clockid_t, struct timespec *);
typedef int (*gtod_fn)(struct timeval *, void *);
typedef long (*time_fn)(long *);
typedef int (*getcpu_fn)(unsigned *, unsigned *, void *);

struct vdso {
	uintptr_t base; /* load bias (the image is linked at 0) */
	const Elf64_Sym *sym;
	const char *str;
	const Elf32_Word *hash;
	const Elf32_Word *gnu_hash;
	const Elf64_Half *versym;
	const Elf64_Verdef *verdef;
	const char *soname;
	int has_rel;
};

static struct vdso V;
static int on_monos;

static long long ts_ns(const struct timespec *t)
{
	return t->tv_sec * 1000000000LL + t->tv_nsec;
}

static int vdso_parse(uintptr_t ehdr_addr)
{
	const Elf64_Ehdr *eh = (const void *)ehdr_addr;
	const Elf64_Phdr *ph = (const void *)(ehdr_addr + eh->e_phoff);
	const Elf64_Dyn *dyn = NULL;
	int loads = 0;

	for (int i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type == PT_LOAD) {
			if (!loads++)
				V.base = ehdr_addr + ph[i].p_offset - ph[i].p_vaddr;
		} else if (ph[i].p_type == PT_DYNAMIC) {
			dyn = (const void *)(ehdr_addr + ph[i].p_offset);
		}
	}
	if (!loads || !dyn)
		return -1;
	const char *soname_off = NULL;
	for (; dyn->d_tag != DT_NULL; dyn++) {
		const void *p = (const void *)(V.base + dyn->d_un.d_ptr);

		switch (dyn->d_tag) {
		case DT_SYMTAB:
			V.sym = p;
			break;
		case DT_STRTAB:
			V.str = p;
			break;
		case DT_HASH:
			V.hash = p;
			break;
		case DT_GNU_HASH:
			V.gnu_hash = p;
			break;
		case DT_VERSYM:
			V.versym = p;
			break;
		case DT_VERDEF:
			V.verdef = p;
			break;
		case DT_SONAME:
			soname_off = (const char *)(uintptr_t)dyn->d_un.d_val;
			break;
		case DT_REL:
		case DT_RELA:
		case DT_JMPREL:
		case DT_TEXTREL:
			V.has_rel = 1;
			break;
		}
	}
	if (V.str && soname_off)
		V.soname = V.str + (uintptr_t)soname_off;
	return 0;
}

/* does symbol i carry version name ver? */
static int sym_version_is(unsigned i, const char *ver)
{
	unsigned idx = V.versym[i] & 0x7fff;
	const Elf64_Verdef *d = V.verdef;

	for (;;) {
		if (!(d->vd_flags & VER_FLG_BASE) && (d->vd_ndx & 0x7fff) == idx) {
			const Elf64_Verdaux *a = (const void *)((const char *)d + d->vd_aux);

			return !strcmp(V.str + a->vda_name, ver);
		}
		if (!d->vd_next)
			return 0;
		d = (const void *)((const char *)d + d->vd_next);
	}
}

static int sym_match(unsigned i, const char *name)
{
	const Elf64_Sym *s = &V.sym[i];

	return s->st_shndx != SHN_UNDEF && ELF64_ST_TYPE(s->st_info) == STT_FUNC &&
	       !strcmp(V.str + s->st_name, name) && sym_version_is(i, "LINUX_2.6");
}

/* lookup through DT_HASH (the SysV table; musl uses it) */
static void *lookup_sysv(const char *name)
{
	unsigned nchain = V.hash[1];

	for (unsigned i = 1; i < nchain; i++) /* every symbol, as musl does */
		if (sym_match(i, name))
			return (void *)(V.base + V.sym[i].st_value);
	return NULL;
}

static uint32_t gnu_hash_of(const char *s)
{
	uint32_t h = 5381;

	for (; *s; s++)
		h = h * 33 + (unsigned char)*s;
	return h;
}

/* lookup through DT_GNU_HASH, bloom filter included (glibc's path) */
static void *lookup_gnu(const char *name)
{
	const uint32_t *g = V.gnu_hash;
	uint32_t nbuckets = g[0], symoffset = g[1], bloom_size = g[2], shift = g[3];
	const uint64_t *bloom = (const void *)&g[4];
	const uint32_t *buckets = (const void *)&bloom[bloom_size];
	const uint32_t *chain = &buckets[nbuckets];
	uint32_t h = gnu_hash_of(name);
	uint64_t word = bloom[(h / 64) % bloom_size];

	if (!((word >> (h % 64)) & (word >> ((h >> shift) % 64)) & 1))
		return NULL;
	for (uint32_t i = buckets[h % nbuckets]; i >= symoffset && i; i++) {
		uint32_t ch = chain[i - symoffset];

		if ((ch | 1) == (h | 1) && sym_match(i, name))
			return (void *)(V.base + V.sym[i].st_value);
		if (ch & 1)
			break;
	}
	return NULL;
}

static long sys_cgt(clockid_t c, struct timespec *t)
{
	return syscall(SYS_clock_gettime, c, t);
}

static sigjmp_buf segv_jmp;
static volatile int segv_count;

static void on_segv(int sig)
{
	segv_count++;
	siglongjmp(segv_jmp, 1);
}

/* run fn under a SIGSEGV handler: 1 if it faulted */
static int faults(void (*fn)(void *), void *arg)
{
	struct sigaction sa = {.sa_handler = on_segv}, old;
	int hit;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGSEGV, &sa, &old);
	if (sigsetjmp(segv_jmp, 1))
		hit = 1;
	else {
		fn(arg);
		hit = 0;
	}
	sigaction(SIGSEGV, &old, NULL);
	return hit;
}

static void read_byte(void *p)
{
	(void)*(volatile char *)p;
}

static void write_byte(void *p)
{
	*(volatile char *)p = 1;
}

static uintptr_t maps_vvar_end; /* end of the [vvar] line maps_find saw */

/* [vvar]/[vdso] lines of /proc/self/maps: 1 found both, 0 missing, -1 no maps */
static int maps_find(uintptr_t *vvar, uintptr_t *vdso_start)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[512];
	int found = 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		unsigned long s, e;

		if (sscanf(line, "%lx-%lx", &s, &e) != 2)
			continue;
		if (strstr(line, "[vvar]")) {
			*vvar = s;
			maps_vvar_end = e;
			found |= 1;
		}
		if (strstr(line, "[vdso]")) {
			*vdso_start = s;
			found |= 2;
		}
	}
	fclose(f);
	return found == 3;
}

static void check_image(uintptr_t ehdr)
{
	const Elf64_Ehdr *eh = (const void *)ehdr;

	CHECK("ehdr_elf",
	      !memcmp(eh->e_ident, ELFMAG, SELFMAG) && eh->e_ident[EI_CLASS] == ELFCLASS64 &&
		  eh->e_type == ET_DYN && eh->e_machine == EM_X86_64,
	      "not an x86-64 ELF64 shared object at %#lx", (unsigned long)ehdr);
	CHECK("ehdr_page_aligned", (ehdr & 4095) == 0, "%#lx", (unsigned long)ehdr);
	CHECK(
	    "dynamic_tables",
	    vdso_parse(ehdr) == 0 && V.sym && V.str && V.hash && V.gnu_hash && V.versym && V.verdef,
	    "symtab %p strtab %p hash %p gnu_hash %p versym %p verdef %p", (void *)V.sym,
	    (void *)V.str, (void *)V.hash, (void *)V.gnu_hash, (void *)V.versym, (void *)V.verdef);
	CHECK("soname", V.soname && !strcmp(V.soname, "linux-vdso.so.1"), "%s",
	      V.soname ? V.soname : "(none)");
	CHECK("no_relocations", !V.has_rel, "the vDSO has relocation tags");
}

static const char *const names[] = {"__vdso_clock_gettime",
				    "__vdso_gettimeofday",
				    "__vdso_time",
				    "__vdso_getcpu",
				    "__vdso_clock_getres",
				    "clock_gettime",
				    "gettimeofday",
				    "time",
				    "getcpu",
				    "clock_getres"};

static void check_clocks(cgt_fn vcgt, cgt_fn vres)
{
	static const clockid_t clocks[] = {CLOCK_REALTIME,
					   CLOCK_MONOTONIC,
					   CLOCK_MONOTONIC_RAW,
					   CLOCK_REALTIME_COARSE,
					   CLOCK_MONOTONIC_COARSE,
					   CLOCK_BOOTTIME,
					   CLOCK_TAI};
	char name[64];

	for (unsigned i = 0; i < ARRAY_LEN(clocks); i++) {
		clockid_t c = clocks[i];
		struct timespec a, v, b, l, r1, r2;
		long long worst = 0;
		int order_ok = 1, ret_ok = 1;

		for (int k = 0; k < 200; k++) {
			ret_ok &= sys_cgt(c, &a) == 0;
			ret_ok &= vcgt(c, &v) == 0;
			ret_ok &= sys_cgt(c, &b) == 0;
			ret_ok &= clock_gettime(c, &l) == 0;
			/* coarse clocks may lag on Linux (tick granularity): they
			 * must not run ahead of the fine clock read after them */
			if (c == CLOCK_REALTIME_COARSE || c == CLOCK_MONOTONIC_COARSE) {
				order_ok &= ts_ns(&v) <= ts_ns(&b) && ts_ns(&l) > 0;
				if (ts_ns(&b) - ts_ns(&v) > worst)
					worst = ts_ns(&b) - ts_ns(&v);
			} else {
				order_ok &= ts_ns(&a) <= ts_ns(&v) && ts_ns(&v) <= ts_ns(&b) &&
					    ts_ns(&b) <= ts_ns(&l);
				if (ts_ns(&b) - ts_ns(&a) > worst)
					worst = ts_ns(&b) - ts_ns(&a);
			}
		}
		snprintf(name, sizeof(name), "clock_%d_between_syscalls", (int)c);
		CHECK(name, ret_ok && order_ok && worst < 50000000,
		      "ret_ok %d, order_ok %d, widest window %lld ns (last: sys %lld vdso %lld sys "
		      "%lld libc %lld)",
		      ret_ok, order_ok, worst, ts_ns(&a), ts_ns(&v), ts_ns(&b), ts_ns(&l));
		snprintf(name, sizeof(name), "clock_getres_%d", (int)c);
		memset(&r1, 0x55, sizeof(r1));
		memset(&r2, 0xaa, sizeof(r2));
		CHECK(name,
		      vres(c, &r1) == 0 && syscall(SYS_clock_getres, c, &r2) == 0 &&
			  r1.tv_sec == r2.tv_sec && r1.tv_nsec == r2.tv_nsec,
		      "vdso %lld.%09lld, syscall %lld.%09lld", (long long)r1.tv_sec,
		      (long long)r1.tv_nsec, (long long)r2.tv_sec, (long long)r2.tv_nsec);
	}
}

static void check_monotonic_loop(cgt_fn vcgt)
{
	struct timespec t;
	long long prev = 0, now;
	int back = 0, n = 30000;

	for (int k = 0; k < n; k++) {
		switch (k % 3) {
		case 0:
			vcgt(CLOCK_MONOTONIC, &t);
			break;
		case 1:
			sys_cgt(CLOCK_MONOTONIC, &t);
			break;
		default:
			clock_gettime(CLOCK_MONOTONIC, &t);
			break;
		}
		now = ts_ns(&t);
		back += now < prev;
		prev = now;
	}
	CHECK("monotonic_interleaved", back == 0, "%d of %d readings went backwards", back, n);
}

static void check_fallbacks(cgt_fn vcgt, cgt_fn vres)
{
	struct timespec t = {0, 0}, r;
	int ret;

	/* clocks the vDSO does not compute itself come from the kernel */
	ret = vcgt(CLOCK_PROCESS_CPUTIME_ID, &t);
	CHECK("fallback_cputime", ret == 0 && ts_ns(&t) > 0 && t.tv_nsec < 1000000000,
	      "ret %d, %lld ns", ret, ts_ns(&t));
	ret = vcgt(CLOCK_THREAD_CPUTIME_ID, &t);
	CHECK("fallback_thread_cputime", ret == 0 && ts_ns(&t) > 0, "ret %d, %lld ns", ret,
	      ts_ns(&t));
	/* the raw syscall result: -EINVAL, not -1/errno */
	ret = vcgt(99, &t);
	CHECK("fallback_bad_clock", ret == -EINVAL, "ret %d", ret);
	ret = vres(99, &r);
	CHECK("fallback_bad_clock_getres", ret == -EINVAL, "ret %d", ret);
	ret = vres(CLOCK_MONOTONIC, NULL);
	CHECK("clock_getres_null", ret == 0, "ret %d", ret);
}

static void check_gtod_time(gtod_fn vgtod, time_fn vtime)
{
	struct timeval a, v, b, l;
	struct {
		int mw, dst;
	} tz = {77, 77};
	long ta, tv, tb, tl, tp = -1;
	int ok = 1;

	for (int k = 0; k < 200; k++) {
		syscall(SYS_gettimeofday, &a, NULL);
		vgtod(&v, NULL);
		syscall(SYS_gettimeofday, &b, NULL);
		gettimeofday(&l, NULL);
		long long na = a.tv_sec * 1000000LL + a.tv_usec,
			  nv = v.tv_sec * 1000000LL + v.tv_usec,
			  nb = b.tv_sec * 1000000LL + b.tv_usec,
			  nl = l.tv_sec * 1000000LL + l.tv_usec;
		ok &= na <= nv && nv <= nb && nb <= nl && nb - na < 50000 && v.tv_usec < 1000000;
	}
	CHECK("gettimeofday_between_syscalls", ok,
	      "last: sys %ld.%06ld vdso %ld.%06ld sys %ld.%06ld libc %ld.%06ld", (long)a.tv_sec,
	      (long)a.tv_usec, (long)v.tv_sec, (long)v.tv_usec, (long)b.tv_sec, (long)b.tv_usec,
	      (long)l.tv_sec, (long)l.tv_usec);
	CHECK("gettimeofday_tz", vgtod(NULL, &tz) == 0 && tz.mw == 0 && tz.dst == 0,
	      "tz %d/%d (the kernel says 0/0)", tz.mw, tz.dst);
	ok = 1;
	for (int k = 0; k < 200; k++) {
		ta = syscall(SYS_time, NULL);
		tv = vtime(&tp);
		tb = syscall(SYS_time, NULL);
		tl = time(NULL);
		ok &= ta <= tv && tv <= tb && tb <= tl && tp == tv;
	}
	CHECK("time_between_syscalls", ok, "sys %ld vdso %ld (stored %ld) sys %ld libc %ld", ta, tv,
	      tp, tb, tl);
	/* realtime seconds agree with gettimeofday's */
	syscall(SYS_gettimeofday, &a, NULL);
	tv = vtime(NULL);
	syscall(SYS_gettimeofday, &b, NULL);
	/* Linux's time() is the tick's second: it may lag one second behind */
	CHECK("time_matches_gettimeofday", a.tv_sec - (on_monos ? 0 : 1) <= tv && tv <= b.tv_sec,
	      "%ld not in [%ld, %ld]", tv, (long)a.tv_sec, (long)b.tv_sec);
}

static void check_getcpu(getcpu_fn vgetcpu)
{
	unsigned c1 = 999, n1 = 999, c2 = 888, n2 = 888;
	int r1 = vgetcpu(&c1, &n1, NULL);
	long r2 = syscall(SYS_getcpu, &c2, &n2, NULL);
	int lc = sched_getcpu();

	CHECK("getcpu_matches_syscall", r1 == 0 && r2 == 0 && c1 == c2 && n1 == n2,
	      "vdso %d cpu %u node %u, syscall %ld cpu %u node %u", r1, c1, n1, r2, c2, n2);
	CHECK("sched_getcpu_matches", lc >= 0 && (unsigned)lc == c2, "libc %d, syscall %u", lc, c2);
	CHECK("getcpu_null_args", vgetcpu(NULL, NULL, NULL) == 0, "getcpu(NULL, NULL) failed");

	/* pinned to each CPU in turn: the vDSO and the kernel both name it */
	cpu_set_t all, one;
	int ncpu = 0, bad = 0;
	char why[200] = "";

	if (sched_getaffinity(0, sizeof(all), &all)) {
		CHECK("getcpu_pinned", 0, "sched_getaffinity: %s", strerror(errno));
		return;
	}
	for (int c = 0; c < CPU_SETSIZE && ncpu < 64; c++) {
		if (!CPU_ISSET(c, &all))
			continue;
		ncpu++;
		CPU_ZERO(&one);
		CPU_SET(c, &one);
		if (sched_setaffinity(0, sizeof(one), &one)) {
			snprintf(why, sizeof(why), "sched_setaffinity(cpu %d): %s", c,
				 strerror(errno));
			bad++;
			break;
		}
		c1 = c2 = 999;
		r1 = vgetcpu(&c1, NULL, NULL);
		r2 = syscall(SYS_getcpu, &c2, NULL, NULL);
		if (r1 || r2 || c1 != (unsigned)c || c2 != (unsigned)c) {
			snprintf(why, sizeof(why),
				 "pinned to %d: vdso %d cpu %u, syscall %ld cpu %u", c, r1, c1, r2,
				 c2);
			bad++;
		}
	}
	sched_setaffinity(0, sizeof(all), &all);
	CHECK("getcpu_pinned", !bad && ncpu > 0, "%d CPUs: %s", ncpu, why);
	printf("figure getcpu: %d CPUs checked\n", ncpu);
}

static void check_vvar(uintptr_t ehdr)
{
	uintptr_t vvar = 0, vdso_start = 0;
	int m = maps_find(&vvar, &vdso_start);

	if (m == 1) {
		CHECK("maps_vdso", vdso_start == ehdr, "[vdso] at %#lx, AT_SYSINFO_EHDR %#lx",
		      (unsigned long)vdso_start, (unsigned long)ehdr);
		CHECK("maps_vvar_below_vdso", vvar < ehdr, "[vvar] %#lx", (unsigned long)vvar);
	} else if (on_monos) {
		/* until /proc/self/maps names them: the layout is [vvar] then [vdso] */
		gt_skip("maps_vdso",
			m < 0 ? "no /proc/self/maps" : "no [vdso]/[vvar] lines in maps");
		vvar = ehdr - 4096;
	} else {
		CHECK("maps_vdso", 0, "no [vdso]/[vvar] in /proc/self/maps (%d)", m);
		return;
	}
	CHECK("vvar_readable", !faults(read_byte, (void *)vvar), "reading [vvar] faulted");
	CHECK("vvar_not_writable", faults(write_byte, (void *)vvar),
	      "a write to [vvar] went through");
	CHECK_ERR("vvar_mprotect_write", mprotect((void *)vvar, 4096, PROT_READ | PROT_WRITE),
		  EACCES);
	CHECK("vdso_not_writable", faults(write_byte, (void *)(ehdr + 64)),
	      "a write to the vDSO image went through");
}

/* the legacy vsyscall page: calls to its entries work (emulated), reads fault */
static void check_vsyscall(void)
{
	gtod_fn vs_gtod = (gtod_fn)0xffffffffff600000UL;
	time_fn vs_time = (time_fn)0xffffffffff600400UL;
	getcpu_fn vs_getcpu = (getcpu_fn)0xffffffffff600800UL;
	struct timeval a, v, b;
	long ta, tv, tb;
	unsigned c1 = 99, c2 = 98;
	FILE *f;
	char line[256];
	int xonly = on_monos;

	/* natively only where the host emulates it (vsyscall=xonly/emulate) */
	if (!on_monos && (f = fopen("/proc/self/maps", "r"))) {
		while (fgets(line, sizeof(line), f))
			if (strstr(line, "[vsyscall]"))
				xonly = strstr(line, "--xp") != NULL;
		fclose(f);
	}
	if (!xonly) {
		gt_skip("vsyscall", "the host has no vsyscall=xonly page");
		return;
	}
	syscall(SYS_gettimeofday, &a, NULL);
	int r = vs_gtod(&v, NULL);
	syscall(SYS_gettimeofday, &b, NULL);
	CHECK("vsyscall_gettimeofday",
	      r == 0 && a.tv_sec * 1000000LL + a.tv_usec <= v.tv_sec * 1000000LL + v.tv_usec &&
		  v.tv_sec * 1000000LL + v.tv_usec <= b.tv_sec * 1000000LL + b.tv_usec,
	      "ret %d: %ld.%06ld %ld.%06ld %ld.%06ld", r, (long)a.tv_sec, (long)a.tv_usec,
	      (long)v.tv_sec, (long)v.tv_usec, (long)b.tv_sec, (long)b.tv_usec);
	ta = syscall(SYS_time, NULL);
	tv = vs_time(NULL);
	tb = syscall(SYS_time, NULL);
	CHECK("vsyscall_time", ta <= tv && tv <= tb, "%ld %ld %ld", ta, tv, tb);
	r = vs_getcpu(&c1, NULL, NULL);
	syscall(SYS_getcpu, &c2, NULL, NULL);
	CHECK("vsyscall_getcpu", r == 0 && c1 == c2, "ret %d cpu %u (syscall %u)", r, c1, c2);
	CHECK("vsyscall_read_faults", faults(read_byte, (void *)0xffffffffff600000UL),
	      "reading the vsyscall page did not fault (xonly)");
}

/* the kernel's [vvar] page through madvise and munmap: time stays right
 * (on monos the vDSO falls back to syscalls once the page is gone from
 * under it), and unmapping it frees nothing of the kernel's: memory churn
 * afterwards works and the program exits 0 */
static int unmap_vvar_mode(uintptr_t ehdr)
{
	uintptr_t vvar = 0, vdso_start = 0;
	cgt_fn vcgt;
	struct timespec a, v, b;
	int ok = 1;

	if (!ehdr || vdso_parse(ehdr) || !V.hash ||
	    !(vcgt = (cgt_fn)lookup_sysv("__vdso_clock_gettime")))
		return printf("unmap-vvar: no vDSO\n"), 1;
	size_t vvar_len = 4096;

	if (maps_find(&vvar, &vdso_start) == 1)
		vvar_len = maps_vvar_end - vvar; /* Linux: several pages, not splittable */
	else
		vvar = ehdr - 4096;
	madvise((void *)vvar, vvar_len, MADV_DONTNEED); /* Linux: EINVAL; monos: drops it */
	for (int k = 0; k < 100; k++) {
		sys_cgt(CLOCK_MONOTONIC, &a);
		ok &= vcgt(CLOCK_MONOTONIC, &v) == 0;
		sys_cgt(CLOCK_MONOTONIC, &b);
		ok &= ts_ns(&a) <= ts_ns(&v) && ts_ns(&v) <= ts_ns(&b);
	}
	if (munmap((void *)vvar, vvar_len))
		return printf("unmap-vvar: munmap failed: %s\n", strerror(errno)), 1;
	for (int r = 0; r < 4; r++) {
		size_t len = 32 << 20;
		char *p =
		    mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED)
			return printf("unmap-vvar: mmap failed\n"), 1;
		for (size_t i = 0; i < len; i += 4096)
			p[i] = (char)(i >> 12);
		for (size_t i = 0; i < len; i += 4096)
			ok &= p[i] == (char)(i >> 12);
		munmap(p, len);
	}
	printf("unmap-vvar %s\n", ok ? "done" : "FAILED");
	return !ok;
}

static int loop_mode(long n)
{
	struct timespec t;
	struct timeval tv;
	long long prev = 0;
	int back = 0;

	for (long i = 0; i < n; i++) {
		clock_gettime(CLOCK_MONOTONIC, &t);
		back += ts_ns(&t) < prev;
		prev = ts_ns(&t);
		clock_gettime(CLOCK_REALTIME, &t);
		gettimeofday(&tv, NULL);
		(void)time(NULL);
	}
	printf("loop %ld done, %d backwards\n", n, back);
	return back != 0;
}

int main(int argc, char **argv)
{
	struct utsname u;
	uintptr_t ehdr = (uintptr_t)getauxval(AT_SYSINFO_EHDR);
	void *fn[ARRAY_LEN(names)];

	gt_init();
	on_monos = uname(&u) == 0 && strstr(u.release, "monos") != NULL;
	if (argc > 2 && !strcmp(argv[1], "loop"))
		return loop_mode(atol(argv[2]));
	if (argc > 1 && !strcmp(argv[1], "unmap-vvar"))
		return unmap_vvar_mode(ehdr);
	if (argc > 1 && !strcmp(argv[1], "vsyscall-bad")) {
		/* not one of the three entries: SIGSEGV (exit 139), as Linux */
		((void (*)(void))gt_ptr(0xffffffffff600100UL))();
		return 0;
	}
	if (argc > 1 && !strcmp(argv[1], "addr")) {
		printf("vdso %#lx\n", (unsigned long)ehdr);
		return ehdr ? 0 : 1;
	}
	if (!CHECK("auxv_sysinfo_ehdr", ehdr != 0, "no AT_SYSINFO_EHDR in the auxiliary vector"))
		return gt_done();
	check_image(ehdr);
	if (!V.hash || !V.gnu_hash || !V.versym || !V.verdef)
		return gt_done();
	for (unsigned i = 0; i < ARRAY_LEN(names); i++) {
		void *a = lookup_sysv(names[i]), *b = lookup_gnu(names[i]);
		char name[64];

		snprintf(name, sizeof(name), "symbol_%s", names[i]);
		CHECK(name, a && a == b, "DT_HASH %p, DT_GNU_HASH %p (version LINUX_2.6)", a, b);
		fn[i] = a;
	}
	for (unsigned i = 0; i < ARRAY_LEN(names); i++)
		if (!fn[i])
			return gt_done();
	CHECK("aliases",
	      fn[0] == fn[5] && fn[1] == fn[6] && fn[2] == fn[7] && fn[3] == fn[8] &&
		  fn[4] == fn[9],
	      "unprefixed names differ from the __vdso_ ones");
	check_clocks((cgt_fn)fn[0], (cgt_fn)fn[4]);
	check_monotonic_loop((cgt_fn)fn[0]);
	check_fallbacks((cgt_fn)fn[0], (cgt_fn)fn[4]);
	check_gtod_time((gtod_fn)fn[1], (time_fn)fn[2]);
	check_getcpu((getcpu_fn)fn[3]);
	check_vvar(ehdr);
	check_vsyscall();
	return gt_done();
}
