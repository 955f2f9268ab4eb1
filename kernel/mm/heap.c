/*
 * heap.c - the kernel heap (kernel layer): kmalloc/kzalloc/kfree and the
 * lib_alloc family lib/ code uses. Small sizes (<= 1024 bytes) come from
 * size-class slabs: one page each, a 64-byte header, objects after it, a
 * free list per class. Larger sizes get whole 2^order page blocks with the
 * same header. kfree finds the header at the start of the pointer's page
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
	u32 order; /* big blocks */
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
	unsigned order = 0;
	while ((PAGE_SIZE << order) < size + HEAP_HDR)
		order++;
	u64 page = page_alloc(order);
	if (!page)
		return NULL;
	struct heap_hdr *h = phys_to_virt(page);
	h->magic = HEAP_MAGIC_BIG;
	h->order = order;
	h->size = (u32)((PAGE_SIZE << order) - HEAP_HDR);
	heap_bytes_big += PAGE_SIZE << order;
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
	heap_bytes_big -= PAGE_SIZE << h->order;
	h->magic = 0;
	page_free(virt_to_phys(h), h->order);
}

void *kzalloc(size_t size)
{
	void *p = kmalloc(size);

	if (p)
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
