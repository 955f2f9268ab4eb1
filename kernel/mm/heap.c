/*
 * heap.c - the kernel heap (kernel layer): kmalloc/kzalloc/kfree and the
 * lib_alloc family lib/ code uses. Small sizes (<= 1024 bytes) come from
 * size-class slabs: one page each, a 64-byte header, objects after it, a
 * free list per class. Larger sizes get just the pages they need (with the
 * same header): a 2^order block is taken and its unused tail pages go
 * straight back to the page allocator, so a 512 KiB buffer costs 129
 * pages, not 256. kfree finds the header at the start of the pointer's page
 * (a small object never starts at offset 0, a large block's data always
 * starts in its first page). Single CPU, no locking yet.
 */
#include "kernel/kernel.h"
#include "kernel/mm/mm.h"

#define HEAP_HDR 64
#define HEAP_MAGIC_SLAB 0x51ab51ab
#define HEAP_MAGIC_BIG 0xb16b16b1
#define HEAP_CLASSES 7 /* 16 32 64 128 256 512 1024 */

struct heap_hdr {
	u32 magic;
	u32 size;  /* object size (slab) or usable bytes (big) */
	u32 pages; /* big blocks: pages kept */
	u32 used;
};

struct heap_obj {
	struct heap_obj *next;
};

static struct heap_obj *heap_free[HEAP_CLASSES];
static u64 heap_bytes_big;

static unsigned heap_class(size_t size)
{
	unsigned c = 0;

	while ((16u << c) < size)
		c++;
	return c;
}

static int heap_refill(unsigned c)
{
	u64 page = page_alloc(0);
	struct heap_hdr *h;
	u32 sz = 16u << c;

	if (!page)
		return -ENOMEM;
	h = phys_to_virt(page);
	h->magic = HEAP_MAGIC_SLAB;
	h->size = sz;
	for (u64 off = HEAP_HDR; off + sz <= PAGE_SIZE; off += sz) {
		struct heap_obj *o = (struct heap_obj *)((u8 *)h + off);

		o->next = heap_free[c];
		heap_free[c] = o;
	}
	return 0;
}

/* give npages pages at phys back as aligned buddy blocks */
static void heap_free_pages(u64 phys, u64 npages)
{
	while (npages) {
		unsigned order = 0;
		u64 pfn = phys / PAGE_SIZE;

		while (!(pfn & (1ULL << order)) && (2ULL << order) <= npages)
			order++;
		page_free(phys, order);
		phys += PAGE_SIZE << order;
		npages -= 1ULL << order;
	}
}

void *kmalloc(size_t size)
{
	if (!size)
		size = 1;
	if (size <= 1024) {
		unsigned c = heap_class(size);
		struct heap_obj *o;

		if (!heap_free[c] && heap_refill(c))
			return NULL;
		o = heap_free[c];
		heap_free[c] = o->next;
		return o;
	}
	if (size > (64ULL << 20))
		return NULL;
	u64 pages = (size + HEAP_HDR + PAGE_SIZE - 1) / PAGE_SIZE;
	unsigned order = 0;
	while ((1ULL << order) < pages)
		order++;
	u64 page = page_alloc_raw(order);
	if (!page)
		return NULL;
	heap_free_pages(page + pages * PAGE_SIZE, (1ULL << order) - pages);
	memset(phys_to_virt(page), 0, pages * PAGE_SIZE); /* as page_alloc would */
	struct heap_hdr *h = phys_to_virt(page);
	h->magic = HEAP_MAGIC_BIG;
	h->pages = (u32)pages;
	h->size = (u32)(pages * PAGE_SIZE - HEAP_HDR);
	heap_bytes_big += pages * PAGE_SIZE;
	return (u8 *)h + HEAP_HDR;
}

static struct heap_hdr *heap_header(void *p)
{
	struct heap_hdr *h = (struct heap_hdr *)ALIGN_DOWN((u64)p, PAGE_SIZE);

	if (h->magic != HEAP_MAGIC_SLAB && h->magic != HEAP_MAGIC_BIG)
		panic("kfree/krealloc: %p is not a heap pointer", p);
	return h;
}

void kfree(void *p)
{
	struct heap_hdr *h;

	if (!p)
		return;
	h = heap_header(p);
	if (h->magic == HEAP_MAGIC_SLAB) {
		struct heap_obj *o = p;
		unsigned c = heap_class(h->size);

		o->next = heap_free[c];
		heap_free[c] = o;
		return;
	}
	heap_bytes_big -= (u64)h->pages * PAGE_SIZE;
	h->magic = 0;
	heap_free_pages(virt_to_phys(h), h->pages);
}

void *kzalloc(size_t size)
{
	void *p = kmalloc(size);

	if (p && size <= 1024) /* big blocks come zeroed */
		memset(p, 0, size);
	return p;
}

void *lib_alloc(size_t size)
{
	return kmalloc(size);
}

void *lib_zalloc(size_t size)
{
	return kzalloc(size);
}

void lib_free(void *p)
{
	kfree(p);
}

void *lib_realloc(void *p, size_t size)
{
	struct heap_hdr *h;
	void *n;

	if (!p)
		return kmalloc(size);
	if (!size) {
		kfree(p);
		return NULL;
	}
	h = heap_header(p);
	if (size <= h->size)
		return p;
	n = kmalloc(size);
	if (!n)
		return NULL;
	memcpy(n, p, h->size);
	kfree(p);
	return n;
}
