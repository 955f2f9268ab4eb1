/*
 * page.c - physical page allocator (kernel layer): a binary buddy
 * allocator over the RAM ranges of the boot memory map, kept entirely in
 * bitmaps (one bit per block and order: "a free block of this order starts
 * here") with a per-order scan hint. Nothing is written into free pages,
 * so setup touches only the bitmaps (a few KiB per GiB) and allocation
 * prefers low addresses: the host backs only the memory actually used,
 * which keeps boot fast. Pages are zeroed when handed out. Called by mm
 * (heap, page tables), drivers, sys/.
 */
#include "kernel/kernel.h"
#include "kernel/boot.h"
#include "kernel/mm/mm.h"

#define PAGE_MAX_ORDER 14 /* 64 MiB blocks */

static u64 *free_bits[PAGE_MAX_ORDER + 1];
static u64 free_words[PAGE_MAX_ORDER + 1]; /* bitmap length in u64 words */
static u64 free_hint[PAGE_MAX_ORDER + 1];  /* no set bit below this word */
static u64 max_pfn;
static u64 total_pages, free_pages;
static u64 high_water; /* end of the highest block ever handed out */

extern char _kernel_end[];

/* RAM below the kernel (KERNEL_PHYS, arch/x86_64/kernel.ld: 1 MiB) is used
 * from PAGE_LOW_START on: the first 64 KiB hold the real-mode IVT/BDA and
 * the SMP trampoline page (0x8000, arch/x86_64/smp.c); the boot info there
 * is copied out (boot_info_init) before mm_init */
#define PAGE_LOW_START 0x10000
#define PAGE_LOW_END   0x100000

static bool bit_get(unsigned order, u64 pfn)
{
	u64 idx = pfn >> order;

	return free_bits[order][idx / 64] & (1ULL << (idx % 64));
}

static void bit_set(unsigned order, u64 pfn)
{
	u64 idx = pfn >> order;

	free_bits[order][idx / 64] |= 1ULL << (idx % 64);
	if (idx / 64 < free_hint[order])
		free_hint[order] = idx / 64;
}

static void bit_clear(unsigned order, u64 pfn)
{
	u64 idx = pfn >> order;

	free_bits[order][idx / 64] &= ~(1ULL << (idx % 64));
}

/* lowest free block of this order, as a pfn; ~0 if none */
static u64 find_free(unsigned order)
{
	for (u64 w = free_hint[order]; w < free_words[order]; w++) {
		if (free_bits[order][w]) {
			free_hint[order] = w;
			return ((w * 64) + (u64)__builtin_ctzll(free_bits[order][w])) << order;
		}
	}
	free_hint[order] = free_words[order];
	return ~0ULL;
}

static void free_range(u64 start_pfn, u64 end_pfn)
{
	while (start_pfn < end_pfn) {
		unsigned order = PAGE_MAX_ORDER;

		while (order && ((start_pfn & ((1ULL << order) - 1)) ||
				 start_pfn + (1ULL << order) > end_pfn))
			order--;
		bit_set(order, start_pfn);
		free_pages += 1ULL << order;
		start_pfn += 1ULL << order;
	}
}

static u64 page_alloc_try(unsigned order)
{
	unsigned k;
	u64 pfn = ~0ULL;

	if (order > PAGE_MAX_ORDER)
		return 0;
	/* the lowest-addressed block that fits, of any order: the smallest
	 * free block can be a fragment at the top of RAM (q35's map ends
	 * 16 KiB short of 256 MiB), and the host backs guest RAM in 2 MiB
	 * pages, so low first keeps the touched RAM compact */
	k = PAGE_MAX_ORDER + 1;
	for (unsigned o = order; o <= PAGE_MAX_ORDER; o++) {
		u64 p = find_free(o);

		if (p < pfn) {
			pfn = p;
			k = o;
		}
	}
	if (pfn == ~0ULL)
		return 0;
	bit_clear(k, pfn);
	while (k > order) {
		k--;
		bit_set(k, pfn + (1ULL << k)); /* the upper half stays free */
	}
	free_pages -= 1ULL << order;
	if ((pfn + (1ULL << order)) * PAGE_SIZE > high_water)
		high_water = (pfn + (1ULL << order)) * PAGE_SIZE;
	return pfn * PAGE_SIZE;
}

/* the page cache's reclaim (fs/pagecache.c): frees clean cache pages */
static u64 (*reclaim_fn)(u64 pages);
static bool reclaiming;

void page_set_reclaim(u64 (*fn)(u64 pages))
{
	reclaim_fn = fn;
}

/* out of pages: evict clean cache pages and retry (more each time, for
 * a block of 2^order), so no allocation fails while clean cache exists */
u64 page_alloc(unsigned order)
{
	u64 phys = page_alloc_raw(order);

	if (phys)
		memset(phys_to_virt(phys), 0, PAGE_SIZE << order);
	return phys;
}

/* not zeroed: for a caller that overwrites every byte (the page cache) */
u64 page_alloc_raw(unsigned order)
{
	for (unsigned tries = 0;; tries++) {
		u64 phys = page_alloc_try(order), n;

		if (phys || !reclaim_fn || reclaiming || tries >= 16)
			return phys;
		reclaiming = true;
		n = reclaim_fn((1ULL << order) << MIN(tries, 8u));
		reclaiming = false;
		if (!n)
			return 0;
	}
}

void page_free(u64 phys, unsigned order)
{
	u64 pfn = phys / PAGE_SIZE;

	if (!phys || order > PAGE_MAX_ORDER || (pfn & ((1ULL << order) - 1)) || pfn >= max_pfn)
		panic("page_free: bad block %#lx order %u", (unsigned long)phys, order);
	if (bit_get(order, pfn))
		panic("page_free: double free of %#lx", (unsigned long)phys);
	free_pages += 1ULL << order;
	while (order < PAGE_MAX_ORDER) {
		u64 buddy = pfn ^ (1ULL << order);

		if (buddy >= max_pfn || !bit_get(order, buddy))
			break;
		bit_clear(order, buddy);
		pfn &= ~(1ULL << order);
		order++;
	}
	bit_set(order, pfn);
}

u64 mm_total_pages(void)
{
	return total_pages;
}

u64 mm_free_pages(void)
{
	return free_pages;
}

/* the highest physical address handed out so far (boot timeline: the host
 * backs guest RAM in 2 MiB pages, so how far up the boot reaches costs
 * host page clearing) */
u64 mm_high_water(void)
{
	return high_water;
}

/*
 * Boot-time bump allocation below the early 1 GiB map, before the buddy
 * lists exist: the free-bit arrays and the direct-map page tables.
 */
static u64 bump_start, bump_next, bump_end;

static u64 bump_alloc(u64 bytes)
{
	u64 p = bump_next;

	bytes = ALIGN_UP(bytes, PAGE_SIZE);
	if (p + bytes > bump_end)
		panic("mm: no low memory for boot structures");
	bump_next += bytes;
	memset(phys_to_virt(p), 0, bytes);
	return p;
}

static u64 mm_boot_page(void)
{
	return bump_alloc(PAGE_SIZE);
}

void mm_direct_map_ram(u64 (*alloc_pt)(void)); /* vm.c */
void page_init(void);

void page_init(void)
{
	u64 kernel_end = ALIGN_UP(virt_to_phys(_kernel_end), PAGE_SIZE);
	u64 best = 0;

	for (unsigned i = 0; i < boot_mem_count(); i++) {
		const struct boot_mem_range *r = boot_mem_at(i);
		u64 end = (r->addr + r->size) / PAGE_SIZE;

		if (r->type == BOOT_MEM_RAM && end > max_pfn)
			max_pfn = end;
	}
	/* the largest RAM stretch above the kernel and below 1 GiB hosts the
	 * boot structures */
	for (unsigned i = 0; i < boot_mem_count(); i++) {
		const struct boot_mem_range *r = boot_mem_at(i);
		u64 s = MAX(ALIGN_UP(r->addr, PAGE_SIZE), kernel_end);
		u64 e = MIN(ALIGN_DOWN(r->addr + r->size, PAGE_SIZE), 1ULL << 30);

		if (r->type != BOOT_MEM_RAM || e <= s)
			continue;
		if (e - s > best) {
			best = e - s;
			bump_start = bump_next = s;
			bump_end = e;
		}
	}
	if (!best)
		panic("mm: no usable RAM above the kernel");

	for (unsigned o = 0; o <= PAGE_MAX_ORDER; o++) {
		free_words[o] = ((max_pfn >> o) + 64) / 64;
		free_bits[o] = phys_to_virt(bump_alloc(free_words[o] * 8));
	}
	mm_direct_map_ram(mm_boot_page);
	for (unsigned i = 0; i < boot_mem_count(); i++) {
		const struct boot_mem_range *r = boot_mem_at(i);
		u64 s = MAX(ALIGN_UP(r->addr, PAGE_SIZE), kernel_end);
		u64 e = ALIGN_DOWN(r->addr + r->size, PAGE_SIZE);

		if (r->type != BOOT_MEM_RAM)
			continue;
		total_pages += r->size / PAGE_SIZE;
		/* below the kernel: the same 2 MiB the kernel's own pages are in,
		 * so using it first costs the host nothing more */
		u64 ls = MAX(ALIGN_UP(r->addr, PAGE_SIZE), (u64)PAGE_LOW_START);
		u64 le = MIN(e, (u64)PAGE_LOW_END);
		if (ls < le)
			free_range(ls / PAGE_SIZE, le / PAGE_SIZE);
		if (e <= s)
			continue;
		/* skip what the bump allocator used */
		if (s < bump_next && e > bump_start) {
			if (bump_start > s)
				free_range(s / PAGE_SIZE, bump_start / PAGE_SIZE);
			if (e > bump_next)
				free_range(bump_next / PAGE_SIZE, e / PAGE_SIZE);
		} else {
			free_range(s / PAGE_SIZE, e / PAGE_SIZE);
		}
	}
	bump_end = bump_next; /* no more bump allocations */
}
