/*
 * mem.c - guest test: memory system calls. brk (grow, zeroed, shrink, a
 * refused request keeps the break), anonymous mmap (zero-filled,
 * demand-paged, MAP_FIXED, argument errors), munmap, mprotect, mremap
 * (grow keeps contents, move, shrink), madvise(MADV_DONTNEED) zeroes
 * private anonymous pages, EFAULT on unmapped buffers.
 *
 * Layer: guest test program; run natively and under monos by
 * tests/suites/60-guest.
 */
#include <stdint.h>
#include <fcntl.h>
#include <sys/mman.h>

#include "gtest.h"

#define PG 4096ul

static int all_bytes(const unsigned char *p, size_t n, unsigned char v)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != v)
			return 0;
	return 1;
}

/* before any printf: libc's malloc may use brk, so the break goes back
 * exactly where it was; results are printed afterwards */
static long brk_cur, brk_grow, brk_after_grow, brk_zero, brk_shrink, brk_huge;

static void brk_probe(void)
{
	unsigned char *p;

	brk_cur = syscall(SYS_brk, 0);
	brk_grow = syscall(SYS_brk, brk_cur + (1 << 20));
	brk_after_grow = syscall(SYS_brk, 0);
	if (brk_grow == brk_cur + (1 << 20)) {
		p = (unsigned char *)brk_cur;
		brk_zero = all_bytes(p, 1 << 20, 0);
		memset(p, 0x5a, 1 << 20);
	}
	brk_shrink = syscall(SYS_brk, brk_cur);
	brk_huge = syscall(SYS_brk, brk_cur + (1l << 46));
	if (brk_huge != brk_cur)
		syscall(SYS_brk, brk_cur);
}

static void test_brk(void)
{
	CHECK("brk_query", brk_cur > 0, "brk(0) = %#lx", brk_cur);
	CHECK("brk_grow", brk_grow == brk_cur + (1 << 20) && brk_after_grow == brk_grow,
	      "brk %#lx -> %#lx, then %#lx", brk_cur, brk_grow, brk_after_grow);
	CHECK("brk_zeroed", brk_zero, "new break memory was not zero");
	CHECK_RET("brk_shrink", brk_shrink, brk_cur);
	CHECK_RET("brk_refused_keeps", brk_huge, brk_cur);
}

static void test_mmap(void)
{
	unsigned char *p, *q;
	long r;

	p = mmap(NULL, 16 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!CHECK("mmap_anon", p != MAP_FAILED && ((uintptr_t)p % PG) == 0, "%s", strerror(errno)))
		return;
	CHECK("mmap_anon_zero", all_bytes(p, 16 * PG, 0), "not zero-filled");
	for (size_t i = 0; i < 16 * PG; i++)
		p[i] = (unsigned char)(i * 13);
	r = 1;
	for (size_t i = 0; i < 16 * PG; i++)
		r &= p[i] == (unsigned char)(i * 13);
	CHECK("mmap_anon_readback", r, "pattern mismatch");
	CHECK_RET("munmap_middle", munmap(p + 4 * PG, 4 * PG), 0);
	CHECK("munmap_keeps_rest", p[0] == 0 && p[8 * PG] == (unsigned char)(8 * PG * 13), "%d %d",
	      p[0], p[8 * PG]);
	CHECK_ERR("write_from_unmapped", write(1, p + 5 * PG, 10), EFAULT);
	q = mmap(p + 4 * PG, 4 * PG, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	CHECK("mmap_fixed_hole", q == p + 4 * PG && all_bytes(q, 4 * PG, 0), "got %p want %p", q,
	      p + 4 * PG);
	q = mmap(p, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	CHECK("mmap_fixed_replaces",
	      q == p && p[0] == 0 && p[1] == 0 && p[PG + 1] == (unsigned char)((PG + 1) * 13),
	      "got %p", q);
	CHECK_RET("munmap", munmap(p, 16 * PG), 0);
	CHECK_RET("munmap_again_ok", munmap(p, 16 * PG), 0);

	CHECK_ERR("mmap_zero_len", mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
		  EINVAL);
	CHECK_ERR(
	    "mmap_fixed_unaligned",
	    mmap((void *)0x100001, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0),
	    EINVAL);
	CHECK_ERR("mmap_no_type", mmap(NULL, PG, PROT_READ, MAP_ANONYMOUS, -1, 0), EINVAL);
	CHECK_ERR("munmap_unaligned", syscall(SYS_munmap, 0x100001, PG), EINVAL);
	CHECK_ERR("munmap_zero_len", syscall(SYS_munmap, 0x100000, 0), EINVAL);

	/* a large mapping is demand-zero: touch a few pages only */
	p = mmap(NULL, 64ul << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (CHECK("mmap_large", p != MAP_FAILED, "%s", strerror(errno))) {
		p[0] = 1;
		p[(32ul << 20) + 5] = 2;
		p[(64ul << 20) - 1] = 3;
		CHECK("mmap_large_touch",
		      p[0] == 1 && p[(32ul << 20) + 5] == 2 && p[(64ul << 20) - 1] == 3 &&
			  p[PG] == 0,
		      "bad values");
		munmap(p, 64ul << 20);
	}
}

static void test_mprotect(void)
{
	unsigned char *p = mmap(NULL, 4 * PG, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (!CHECK("mmap_prot_none", p != MAP_FAILED, "%s", strerror(errno)))
		return;
	CHECK_ERR("prot_none_efault", write(1, p, 10), EFAULT);
	CHECK_RET("mprotect_rw", mprotect(p, 4 * PG, PROT_READ | PROT_WRITE), 0);
	p[0] = 42;
	p[3 * PG] = 43;
	CHECK("mprotect_rw_write", p[0] == 42 && p[3 * PG] == 43 && p[PG] == 0, "bad values");
	CHECK_RET("mprotect_ro", mprotect(p, PG, PROT_READ), 0);
	CHECK("mprotect_ro_read", p[0] == 42, "%d", p[0]);
	CHECK_ERR("mprotect_ro_read_into", read(open("/dev/zero", 0), p, 10), EFAULT);
	CHECK_ERR("mprotect_unaligned", syscall(SYS_mprotect, p + 1, PG, PROT_READ), EINVAL);
	CHECK_ERR("mprotect_bad_prot", syscall(SYS_mprotect, p, PG, 0x100), EINVAL);
	munmap(p, 4 * PG);
	CHECK_ERR("mprotect_unmapped", syscall(SYS_mprotect, p, PG, PROT_READ), ENOMEM);
}

static void test_mremap(void)
{
	unsigned char *p, *q, *blocker;

	/* three pages, the last made read-only: p's first two cannot grow in place */
	p = mmap(NULL, 3 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	memset(p, 0x11, 2 * PG);
	blocker = p + 2 * PG;
	CHECK_RET("mprotect_split", mprotect(blocker, PG, PROT_READ), 0);
	CHECK_ERR("mremap_no_move", syscall(SYS_mremap, p, 2 * PG, 4 * PG, 0), ENOMEM);
	q = mremap(p, 2 * PG, 8 * PG, MREMAP_MAYMOVE);
	if (CHECK("mremap_grow_move", q != MAP_FAILED && q != p, "%s",
		  q == MAP_FAILED ? strerror(errno) : "did not move")) {
		CHECK("mremap_keeps_contents", all_bytes(q, 2 * PG, 0x11), "contents lost");
		CHECK("mremap_new_zero", all_bytes(q + 2 * PG, 6 * PG, 0), "new part not zero");
		q[8 * PG - 1] = 7;
		CHECK_ERR("mremap_old_gone", write(1, p, 10), EFAULT);
		p = mremap(q, 8 * PG, PG, 0);
		CHECK("mremap_shrink", p == q && q[0] == 0x11, "got %p", p);
		CHECK_ERR("mremap_shrunk_gone", write(1, q + PG, 10), EFAULT);
		munmap(q, PG);
	}
	munmap(blocker, PG);
	CHECK_ERR("mremap_bad_flags", syscall(SYS_mremap, blocker, PG, 2 * PG, 0x80), EINVAL);
	CHECK_ERR("mremap_unaligned", syscall(SYS_mremap, 0x100001, PG, 2 * PG, MREMAP_MAYMOVE),
		  EINVAL);
}

static void test_madvise(void)
{
	unsigned char *p =
	    mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	memset(p, 0xaa, 4 * PG);
	CHECK_RET("madvise_dontneed", madvise(p + PG, 2 * PG, MADV_DONTNEED), 0);
	CHECK("madvise_dontneed_zeroes", all_bytes(p + PG, 2 * PG, 0), "pages not zeroed");
	CHECK("madvise_dontneed_others", all_bytes(p, PG, 0xaa) && all_bytes(p + 3 * PG, PG, 0xaa),
	      "other pages changed");
	CHECK_RET("madvise_normal", madvise(p, 4 * PG, MADV_NORMAL), 0);
	CHECK_RET("madvise_willneed", madvise(p, 4 * PG, MADV_WILLNEED), 0);
	CHECK_ERR("madvise_unaligned", syscall(SYS_madvise, p + 1, PG, MADV_DONTNEED), EINVAL);
	CHECK_ERR("madvise_bad_advice", syscall(SYS_madvise, p, PG, 12345), EINVAL);
	munmap(p, 4 * PG);
}

int main(void)
{
	brk_probe();
	gt_init();
	test_brk();
	test_mmap();
	test_mprotect();
	test_mremap();
	test_madvise();
	return gt_done();
}
