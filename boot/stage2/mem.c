/*
 * mem.c - stage2's memory: the BIOS E820 map (int 15h EAX=E820h through
 * the real-mode thunk) and the heap behind lib_alloc/lib_free (the shared
 * lib/ TFS reader allocates its tree and log buffers there). Layer: boot
 * (stage2). Callers: stage2_main (mem_init), elf.c (mem_is_ram,
 * mem_hits_loader: a kernel segment must land in RAM, clear of the loader),
 * pvh.c (the map becomes the PVH memmap), lib/ (lib_alloc...).
 *
 * The heap is the top HEAP_MAX bytes (at most half) of the highest usable
 * E820 region below 4 GiB, far from where kernels load (1 MiB and up).
 * Allocator: first-fit over an address-ordered free list, coalescing on
 * free; blocks carry a 16-byte header (size + magic).
 */
#include "boot/stage2/stage2.h"
#include "lib/alloc.h"
#include "lib/cstring.h"

#define HEAP_MAX   (16u << 20)
#define HEAP_MIN   (1u << 20)
#define HEAP_MAGIC 0x48454150u /* "HEAP" */
#define SMAP	   0x534d4150u

static struct e820_entry e820_map[E820_MAX];
static u32 e820_count;
static u32 heap_base, heap_end;

struct heap_block {
	u32 size; /* bytes including this header, multiple of 16 */
	u32 magic;
	struct heap_block *next; /* free list only */
	u32 pad;
};
_Static_assert(sizeof(struct heap_block) == 16, "heap header");

static struct heap_block *heap_free;

static void e820_read(void)
{
	struct bios_regs r;
	struct e820_entry *buf = (struct e820_entry *)BOUNCE_BUF;
	u32 cont = 0;

	e820_count = 0;
	do {
		memset(&r, 0, sizeof(r));
		memset(buf, 0, sizeof(*buf));
		buf->attr = 1; /* for BIOSes that return only 20 bytes */
		r.eax = 0xe820;
		r.edx = SMAP;
		r.ebx = cont;
		r.ecx = sizeof(*buf);
		r.es = BOUNCE_BUF >> 4;
		r.edi = 0;
		bios_int(0x15, &r);
		if ((r.eflags & BIOS_CF) || r.eax != SMAP)
			break;
		cont = r.ebx;
		if (r.ecx < 20 || buf->length == 0)
			continue;
		if (r.ecx >= 24 && !(buf->attr & 1))
			continue; /* ACPI 3.0: "ignore this entry" */
		if (e820_count < E820_MAX)
			e820_map[e820_count++] = *buf;
	} while (cont);
}

void mem_init(void)
{
	u64 best_base = 0, best_end = 0;

	e820_read();
	if (e820_count == 0)
		stage2_fail("the BIOS gave no E820 memory map (int 15h E820h)");
	for (u32 i = 0; i < e820_count; i++) {
		const struct e820_entry *e = &e820_map[i];
		if (e->type != E820_RAM)
			continue;
		u64 base = ALIGN_UP(e->base, 4096), end = ALIGN_DOWN(e->base + e->length, 4096);
		if (end > 0x100000000ull)
			end = 0x100000000ull;
		if (base < 0x100000)
			base = 0x100000;
		if (end <= base || end - base < 2 * HEAP_MIN)
			continue;
		if (end > best_end) {
			best_base = base;
			best_end = end;
		}
	}
	if (!best_end)
		stage2_fail("no usable RAM above 1 MiB in the E820 map");
	u64 size = MIN((u64)HEAP_MAX, (best_end - best_base) / 2);
	heap_end = (u32)(best_end > 0xfffff000ull ? 0xfffff000u : best_end);
	heap_base = (u32)ALIGN_DOWN(heap_end - size, 4096);
	heap_free = (struct heap_block *)heap_base;
	heap_free->size = heap_end - heap_base;
	heap_free->magic = 0;
	heap_free->next = NULL;
}

u32 mem_e820(const struct e820_entry **out)
{
	*out = e820_map;
	return e820_count;
}

bool mem_is_ram(u64 base, u64 len)
{
	/* covered by one usable entry (the BIOS map has no split RAM runs
	 * that a kernel segment would straddle in practice) */
	for (u32 i = 0; i < e820_count; i++) {
		const struct e820_entry *e = &e820_map[i];
		if (e->type == E820_RAM && base >= e->base && base + len <= e->base + e->length)
			return true;
	}
	return false;
}

bool mem_hits_loader(u64 base, u64 len)
{
	u64 end = base + len;

	if (base < LOADER_LOW_END)
		return true;
	return base < heap_end && end > heap_base;
}

void mem_heap_range(u64 *base, u64 *end)
{
	*base = heap_base;
	*end = heap_end;
}

/* ---- lib_alloc for lib/ ---- */

void *lib_alloc(size_t size)
{
	if (size > heap_end - heap_base)
		return NULL;
	u32 need = ALIGN_UP((u32)size, 16) + sizeof(struct heap_block);
	struct heap_block **pp = &heap_free;

	for (struct heap_block *b = heap_free; b; pp = &b->next, b = b->next) {
		if (b->size < need)
			continue;
		if (b->size - need >= 64) {
			struct heap_block *rest = (struct heap_block *)((u8 *)b + need);
			rest->size = b->size - need;
			rest->magic = 0;
			rest->next = b->next;
			*pp = rest;
			b->size = need;
		} else {
			*pp = b->next;
		}
		b->magic = HEAP_MAGIC;
		b->next = NULL;
		return b + 1;
	}
	return NULL;
}

void *lib_zalloc(size_t size)
{
	void *p = lib_alloc(size);

	if (p)
		memset(p, 0, size);
	return p;
}

void lib_free(void *p)
{
	if (!p)
		return;
	struct heap_block *b = (struct heap_block *)p - 1;
	if (b->magic != HEAP_MAGIC)
		stage2_fail("heap: bad free of %p", p);
	b->magic = 0;

	/* insert in address order, merge with neighbours */
	struct heap_block **pp = &heap_free;
	while (*pp && *pp < b)
		pp = &(*pp)->next;
	b->next = *pp;
	*pp = b;
	if (b->next && (u8 *)b + b->size == (u8 *)b->next) {
		b->size += b->next->size;
		b->next = b->next->next;
	}
	if (pp != &heap_free) {
		struct heap_block *prev =
		    (struct heap_block *)((u8 *)pp - __builtin_offsetof(struct heap_block, next));
		if ((u8 *)prev + prev->size == (u8 *)b) {
			prev->size += b->size;
			prev->next = b->next;
		}
	}
}

void *lib_realloc(void *p, size_t size)
{
	if (!p)
		return lib_alloc(size);
	struct heap_block *b = (struct heap_block *)p - 1;
	if (b->magic != HEAP_MAGIC)
		stage2_fail("heap: bad realloc of %p", p);
	size_t have = b->size - sizeof(*b);
	if (size <= have)
		return p;
	void *q = lib_alloc(size);
	if (!q)
		return NULL;
	memcpy(q, p, have);
	lib_free(p);
	return q;
}
