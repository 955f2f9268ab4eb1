/*
 * uvm.c - the program's address space (kernel layer): VMAs in a sorted
 * array (binary search; adjacent anonymous areas merge), demand-zero
 * paging, mapping changes for mmap/munmap/mprotect/madvise/mremap/brk, and
 * the fault report's memory map. Every user page is owned by exactly one
 * PTE (file mappings are copies), so unmapping frees pages directly. PTEs
 * carry the VMA's protection: RO without PTE_W, NX unless PROT_EXEC;
 * PROT_NONE keeps the page with PTE_SW_KEEP and no present bit.
 * Called by the page-fault handler, sys/sys_mm.c and the ELF loader.
 */
#include "kernel/kernel.h"
#include "kernel/mm/mm.h"
#include "kernel/fault.h"
#include "arch.h"

#define PTE_SW_KEEP (1ULL << 9) /* page kept while PROT_NONE */
#define UVM_MMAP_TOP_DEFAULT 0x7f0000000000ULL

static u64 mmap_top = UVM_MMAP_TOP_DEFAULT;

static struct vma *vmas;
static u32 nr_vmas, cap_vmas;
static u64 brk_start, brk_cur;

int uvm_init(void)
{
	cap_vmas = 64;
	vmas = kzalloc(cap_vmas * sizeof(*vmas));
	return vmas ? 0 : -ENOMEM;
}

/* index of the first VMA with end > addr (nr_vmas if none) */
static u32 vma_index(u64 addr)
{
	u32 lo = 0, hi = nr_vmas;

	while (lo < hi) {
		u32 mid = (lo + hi) / 2;

		if (vmas[mid].end > addr)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

const struct vma *uvm_find(u64 addr)
{
	u32 i = vma_index(addr);

	return i < nr_vmas && vmas[i].start <= addr ? &vmas[i] : NULL;
}

static int vma_insert_at(u32 i, const struct vma *v)
{
	if (nr_vmas == cap_vmas) {
		struct vma *n = lib_realloc(vmas, cap_vmas * 2 * sizeof(*vmas));

		if (!n)
			return -ENOMEM;
		vmas = n;
		cap_vmas *= 2;
	}
	memmove(&vmas[i + 1], &vmas[i], (nr_vmas - i) * sizeof(*vmas));
	vmas[i] = *v;
	nr_vmas++;
	return 0;
}

static void vma_remove_at(u32 i)
{
	if (vmas[i].shared)
		vma_shared_put(vmas[i].shared);
	memmove(&vmas[i], &vmas[i + 1], (nr_vmas - i - 1) * sizeof(*vmas));
	nr_vmas--;
}

static bool vma_mergeable(const struct vma *a, const struct vma *b)
{
	return a->end == b->start && a->prot == b->prot && a->kind == b->kind &&
	       a->name == b->name && !(a->kind & (VMA_FILE | VMA_ELF));
}

/* split so that no VMA straddles addr */
static int vma_split(u64 addr)
{
	u32 i = vma_index(addr);
	struct vma hi;

	if (i >= nr_vmas || vmas[i].start >= addr)
		return 0;
	hi = vmas[i];
	if (hi.shared) {
		hi.shared_pgoff += (addr - hi.start) / PAGE_SIZE;
		vma_shared_get(hi.shared);
	}
	if (hi.name)
		hi.off += addr - hi.start;
	hi.start = addr;
	vmas[i].end = addr;
	return vma_insert_at(i + 1, &hi);
}

static u64 pte_flags(u32 prot)
{
	u64 f;

	if (!(prot & (PROT_READ | PROT_WRITE | PROT_EXEC)))
		return PTE_SW_KEEP | PTE_U;
	f = PTE_P | PTE_U;
	if (prot & PROT_WRITE)
		f |= PTE_W;
	if (!(prot & PROT_EXEC) && mm_nx)
		f |= PTE_NX;
	return f;
}

static bool pte_has_page(u64 pte)
{
	return pte & (PTE_P | PTE_SW_KEEP);
}

/*
 * Visit every PTE holding a page in [start, end), skipping empty upper
 * levels so sparse ranges are cheap.
 */
static void pt_for_each(u64 start, u64 end, void (*fn)(u64 va, u64 *pte, void *arg), void *arg)
{
	u64 *pml4 = pt_root();
	u64 va = start;

	while (va < end) {
		u64 *e = pml4;
		int shift;
		bool skipped = false;

		for (shift = 39; shift > 12; shift -= 9) {
			u64 ent = e[(va >> shift) & 511];

			if (!(ent & PTE_P) || (ent & PTE_PS)) {
				u64 next = (va | ((1ULL << shift) - 1)) + 1;

				va = next;
				skipped = true;
				break;
			}
			e = phys_to_virt(ent & PTE_ADDR);
		}
		if (skipped)
			continue;
		u64 *pte = &e[(va >> 12) & 511];
		if (pte_has_page(*pte))
			fn(va, pte, arg);
		va += PAGE_SIZE;
	}
}

/* pages unmapped but not yet freed: other CPUs may still reach them
 * through stale TLB entries until arch_tlb_sync has run */
struct zap_batch {
	unsigned n;
	u64 phys[64];
};

static void zap_flush(struct zap_batch *b)
{
	arch_tlb_sync();
	for (unsigned i = 0; i < b->n; i++)
		page_free(b->phys[i], 0);
	b->n = 0;
}

/* a PTE of a MAP_SHARED file mapping: the page is the page cache's */
static void shared_zap_one(u64 va, u64 *pte, void *arg)
{
	u64 phys = *pte & PTE_ADDR;

	if (!(*pte & PTE_SW_PCACHE))
		return;
	*pte = 0;
	arch_flush_tlb_page(va);
	vma_shared_unmapped(phys);
}

static void zap_one(u64 va, u64 *pte, void *arg)
{
	if (*pte & PTE_SW_PCACHE) {
		shared_zap_one(va, pte, arg);
		return;
	}
	struct zap_batch *b = arg;
	u64 phys = *pte & PTE_ADDR;
	bool shared = *pte & PTE_SW_SHARED; /* the kernel's page ([vvar]) */

	*pte = 0;
	arch_flush_tlb_page(va);
	if (shared)
		return;
	if (b->n == ARRAY_SIZE(b->phys))
		zap_flush(b);
	b->phys[b->n++] = phys;
}

static void protect_one(u64 va, u64 *pte, void *arg)
{
	if (*pte & PTE_SW_PCACHE) {
		/* read-only: the next store faults and marks the page dirty */
		*pte = (*pte & (PTE_ADDR | PTE_SW_PCACHE)) | (pte_flags(*(u32 *)arg) & ~PTE_W);
		arch_flush_tlb_page(va);
		return;
	}
	*pte = (*pte & (PTE_ADDR | PTE_SW_SHARED)) | pte_flags(*(u32 *)arg);
	arch_flush_tlb_page(va);
}

int uvm_zap(u64 start, u64 end)
{
	struct zap_batch b;

	b.n = 0;
	pt_for_each(start, end, zap_one, &b);
	zap_flush(&b);
	return 0;
}

int uvm_unmap(u64 start, u64 end)
{
	int err;
	u32 i;

	if ((err = vma_split(start)) || (err = vma_split(end)))
		return err;
	i = vma_index(start);
	while (i < nr_vmas && vmas[i].start < end)
		vma_remove_at(i);
	return uvm_zap(start, end);
}

int uvm_map_fixed(u64 start, u64 end, u32 prot, u32 kind)
{
	struct vma v = { start, end, prot, kind };
	int err;
	u32 i;

	if (start >= end || (start | end) & (PAGE_SIZE - 1) || end > USER_MAX || start < USER_MIN)
		return -EINVAL;
	err = uvm_unmap(start, end);
	if (err)
		return err;
	i = vma_index(start);
	if (i > 0 && vma_mergeable(&vmas[i - 1], &v)) {
		vmas[i - 1].end = end;
		if (i < nr_vmas && vma_mergeable(&vmas[i - 1], &vmas[i])) {
			vmas[i - 1].end = vmas[i].end;
			vma_remove_at(i);
		}
		return 0;
	}
	if (i < nr_vmas && vma_mergeable(&v, &vmas[i])) {
		vmas[i].start = start;
		return 0;
	}
	return vma_insert_at(i, &v);
}

bool uvm_range_free(u64 start, u64 end)
{
	u32 i = vma_index(start);

	return i >= nr_vmas || vmas[i].start >= end;
}

bool uvm_range_mapped(u64 start, u64 end)
{
	u32 i = vma_index(start);
	u64 at = start;

	for (; i < nr_vmas && at < end; i++) {
		if (vmas[i].start > at)
			return false;
		at = vmas[i].end;
	}
	return at >= end;
}

int uvm_protect(u64 start, u64 end, u32 prot)
{
	int err;

	if (!uvm_range_mapped(start, end))
		return -ENOMEM;
	/* the vDSO data page stays read-only (Linux: no VM_MAYWRITE) */
	for (u32 i = vma_index(start); i < nr_vmas && vmas[i].start < end; i++)
		if ((vmas[i].kind & VMA_VVAR) && (prot & (PROT_WRITE | PROT_EXEC)))
			return -EACCES;
	if ((err = vma_split(start)) || (err = vma_split(end)))
		return err;
	for (u32 i = vma_index(start); i < nr_vmas && vmas[i].start < end; i++)
		vmas[i].prot = prot;
	pt_for_each(start, end, protect_one, &prot);
	return 0;
}

void uvm_set_mmap_top(u64 top)
{
	if (top > USER_MIN && top <= USER_MAX)
		mmap_top = ALIGN_DOWN(top, PAGE_SIZE);
}

u64 uvm_find_gap(u64 len, u64 hint)
{
	u64 top = mmap_top;

	if (hint && hint >= USER_MIN && hint + len <= USER_MAX && hint + len > hint &&
	    uvm_range_free(hint, hint + len))
		return hint;
	/* gaps from the highest VMA below the mmap top downwards */
	for (s64 k = vma_index(top); k >= 0; k--) {
		u64 gap_end = (u64)k < nr_vmas ? MIN(vmas[k].start, top) : top;
		u64 gap_start = k > 0 ? vmas[k - 1].end : USER_MIN;

		if (gap_end > gap_start && gap_end - gap_start >= len)
			return gap_end - len;
	}
	return 0;
}

/* a fault in a MAP_SHARED file mapping: map the page cache's page; read
 * faults map it read-only, a write fault marks it dirty and writable */
static int uvm_fault_shared(const struct vma *v, u64 addr, bool write, u64 *pte)
{
	u64 index = v->shared_pgoff + (addr - v->start) / PAGE_SIZE, phys, f;
	bool present = pte_has_page(*pte);
	int err;

	if (!v->shared || (present && !(*pte & PTE_SW_PCACHE)))
		return -EFAULT;
	if (present && (*pte & PTE_P) && (!write || (*pte & PTE_W)))
		return -EFAULT; /* nothing to change */
	err = vma_shared_page(v->shared, index, write, !present, &phys);
	if (err)
		return err;
	f = pte_flags(v->prot);
	if (!write)
		f &= ~PTE_W;
	*pte = phys | f | PTE_SW_PCACHE;
	arch_flush_tlb_page(ALIGN_DOWN(addr, PAGE_SIZE));
	return 0;
}

int uvm_fault(u64 addr, bool write, bool exec)
{
	const struct vma *v = uvm_find(addr);
	u64 *pte, page;

	if (!v)
		return -EFAULT;
	if (!(v->prot & (PROT_READ | PROT_WRITE | PROT_EXEC)))
		return -EFAULT;
	if (write && !(v->prot & PROT_WRITE))
		return -EFAULT;
	if (exec && !(v->prot & PROT_EXEC))
		return -EFAULT;
	pte = pt_walk(pt_root(), addr, true);
	if (!pte)
		return -ENOMEM;
	if (v->kind & VMA_SHARED)
		return uvm_fault_shared(v, addr, write, pte);
	if (v->file_end && addr >= v->file_end && !pte_has_page(*pte))
		return -ENXIO; /* a private file mapping past EOF */
	if (pte_has_page(*pte)) {
		/* present with stale flags: bring them in line with the VMA */
		u64 want = (*pte & (PTE_ADDR | PTE_SW_SHARED)) | pte_flags(v->prot);

		if (*pte == want)
			return -EAGAIN; /* already allowed: a stale TLB entry */
		*pte = want;
		arch_flush_tlb_page(addr);
		return 0;
	}
	page = page_alloc(0);
	if (!page)
		return -ENOMEM;
	*pte = page | pte_flags(v->prot);
	/* not present before: no CPU can have cached it */
	arch_flush_tlb_local(ALIGN_DOWN(addr, PAGE_SIZE));
	return 0;
}

u64 uvm_page_phys(u64 addr, bool write)
{
	const struct vma *v = uvm_find(addr);
	u64 *pte, page;

	if (!v)
		return 0;
	pte = pt_walk(pt_root(), addr, true);
	if (!pte)
		return 0;
	if (!pte_has_page(*pte)) {
		page = page_alloc(0);
		if (!page)
			return 0;
		*pte = page | pte_flags(v->prot);
		arch_flush_tlb_local(ALIGN_DOWN(addr, PAGE_SIZE));
	}
	return (*pte & PTE_ADDR) + (addr & (PAGE_SIZE - 1));
}

struct move_arg {
	u64 old_start, new_start;
	int err;
};

static void move_one(u64 va, u64 *pte, void *arg)
{
	struct move_arg *m = arg;
	u64 *npte = pt_walk(pt_root(), m->new_start + (va - m->old_start), true);

	if (!npte) {
		m->err = -ENOMEM;
		return;
	}
	*npte = *pte;
	*pte = 0;
	arch_flush_tlb_page(va);
}

int uvm_move(u64 old_addr, u64 len, u64 new_addr)
{
	const struct vma *v = uvm_find(old_addr);
	struct move_arg m = { old_addr, new_addr, 0 };
	void *shared;
	u64 pgoff, file_end;
	int err;

	if (!v)
		return -EFAULT;
	shared = v->shared;
	pgoff = v->shared_pgoff + (old_addr - v->start) / PAGE_SIZE;
	file_end = v->file_end;
	err = uvm_map_fixed(new_addr, new_addr + len, v->prot, v->kind & ~VMA_HEAP);
	if (!err && shared)
		err = uvm_set_shared(new_addr, new_addr + len, shared, pgoff);
	if (!err && file_end) /* the EOF limit moves with the pages */
		err = uvm_set_file_end(new_addr, new_addr + len,
				       file_end <= old_addr ? new_addr
							    : new_addr + (file_end - old_addr));
	if (err)
		return err;
	pt_for_each(old_addr, old_addr + len, move_one, &m);
	if (m.err)
		return m.err;
	return uvm_unmap(old_addr, old_addr + len);
}

static const char *vma_kind_name(const struct vma *v)
{
	if (v->kind & VMA_STACK)
		return "[stack]";
	if (v->kind & VMA_HEAP)
		return "[heap]";
	if (v->kind & VMA_VDSO)
		return "[vdso]";
	if (v->kind & VMA_VVAR)
		return "[vvar]";
	if (v->kind & VMA_ELF)
		return "program";
	if (v->kind & VMA_FILE)
		return "file";
	return "anon";
}

void uvm_dump_around(u64 addr)
{
	u32 i = vma_index(addr);
	u32 from = i >= 3 ? i - 3 : 0, to = MIN(nr_vmas, i + 3);

	kprintf("memory map around %#lx:\n", addr);
	for (u32 k = from; k < to; k++) {
		const struct vma *v = &vmas[k];

		if (k == i && v->start > addr)
			kprintf("  %016lx                   <- fault address (unmapped)\n", addr);
		kprintf("  %016lx-%016lx %c%c%c %s%s\n", v->start, v->end,
			v->prot & PROT_READ ? 'r' : '-', v->prot & PROT_WRITE ? 'w' : '-',
			v->prot & PROT_EXEC ? 'x' : '-', vma_kind_name(v),
			addr >= v->start && addr < v->end ? "  <- fault address" : "");
	}
	if (i >= nr_vmas)
		kprintf("  %016lx                   <- fault address (unmapped)\n", addr);
}

int uvm_set_name(u64 start, u64 end, const char *name, u64 off, u64 ino)
{
	int err;

	if ((err = vma_split(start)) || (err = vma_split(end)))
		return err;
	for (u32 i = vma_index(start); i < nr_vmas && vmas[i].start < end; i++) {
		vmas[i].name = name;
		vmas[i].off = off + (vmas[i].start - start);
		vmas[i].ino = ino;
	}
	return 0;
}

const struct vma *uvm_next(u64 addr)
{
	u32 i = vma_index(addr);

	return i < nr_vmas ? &vmas[i] : NULL;
}

static void count_one(u64 va, u64 *pte, void *arg)
{
	if (*pte & PTE_P)
		(*(u64 *)arg)++;
}

u64 uvm_resident_pages(void)
{
	u64 n = 0;

	for (u32 i = 0; i < nr_vmas; i++)
		pt_for_each(vmas[i].start, vmas[i].end, count_one, &n);
	return n;
}

int uvm_fault_signal(int err)
{
	return err == -ENXIO || err == -EIO || err == -ENOSPC ? FAULT_SIGBUS : FAULT_SIGSEGV;
}

int uvm_set_file_end(u64 start, u64 end, u64 file_end)
{
	int err;

	if ((err = vma_split(start)) || (err = vma_split(end)))
		return err;
	for (u32 i = vma_index(start); i < nr_vmas && vmas[i].start < end; i++)
		vmas[i].file_end = file_end;
	return 0;
}

int uvm_set_shared(u64 start, u64 end, void *obj, u64 pgoff)
{
	int err;

	if ((err = vma_split(start)) || (err = vma_split(end)))
		return err;
	for (u32 i = vma_index(start); i < nr_vmas && vmas[i].start < end; i++) {
		if (vmas[i].shared)
			vma_shared_put(vmas[i].shared);
		vma_shared_get(obj);
		vmas[i].shared = obj;
		vmas[i].shared_pgoff = pgoff + (vmas[i].start - start) / PAGE_SIZE;
	}
	return 0;
}

static void wrprotect_one(u64 va, u64 *pte, void *arg)
{
	if ((*pte & PTE_SW_PCACHE) && (*pte & PTE_W)) {
		*pte &= ~PTE_W;
		arch_flush_tlb_page(va);
	}
}

/* fn over the PTEs of every VMA that maps obj's pages [first, first+count) */
static void shared_for_each(void *obj, u64 first, u64 count,
			    void (*fn)(u64 va, u64 *pte, void *arg))
{
	for (u32 i = 0; i < nr_vmas; i++) {
		const struct vma *v = &vmas[i];
		u64 vfirst = v->shared_pgoff, vend = vfirst + (v->end - v->start) / PAGE_SIZE;
		u64 a = MAX(first, vfirst), b = MIN(first + count, vend);

		if (v->shared != obj || a >= b)
			continue;
		pt_for_each(v->start + (a - vfirst) * PAGE_SIZE, v->start + (b - vfirst) * PAGE_SIZE,
			    fn, NULL);
	}
}

void uvm_shared_wrprotect(void *obj, u64 first, u64 count)
{
	shared_for_each(obj, first, count, wrprotect_one);
}

void uvm_shared_zap(void *obj, u64 first, u64 count)
{
	shared_for_each(obj, first, count, shared_zap_one);
}

void uvm_brk_init(u64 start)
{
	brk_start = brk_cur = start;
}

u64 uvm_brk_get(void)
{
	return brk_cur;
}

u64 uvm_brk_set(u64 want)
{
	u64 old_end = ALIGN_UP(brk_cur, PAGE_SIZE), new_end;

	if (want < brk_start || want > USER_MAX)
		return brk_cur;
	new_end = ALIGN_UP(want, PAGE_SIZE);
	/* like Linux's overcommit heuristic: no single growth beyond all RAM */
	if (new_end > old_end && (new_end - old_end) / PAGE_SIZE > mm_total_pages())
		return brk_cur;
	if (new_end > old_end) {
		if (!uvm_range_free(old_end, new_end) ||
		    uvm_map_fixed(old_end, new_end, PROT_READ | PROT_WRITE, VMA_ANON | VMA_HEAP))
			return brk_cur;
	} else if (new_end < old_end) {
		uvm_unmap(new_end, old_end);
	}
	brk_cur = want;
	return brk_cur;
}
