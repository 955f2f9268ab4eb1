/*
 * mm.h - memory management internals (kernel layer): page-table entries,
 * page-table walking, the user address space (VMAs) and boot-time setup.
 * Used by kernel/mm, sys/ (mmap family, ELF loader) and the trap code.
 */
#ifndef KERNEL_MM_H
#define KERNEL_MM_H

#include "types.h"

#define PTE_P (1ULL << 0)
#define PTE_W (1ULL << 1)
#define PTE_U (1ULL << 2)
#define PTE_PWT (1ULL << 3)
#define PTE_PCD (1ULL << 4)
#define PTE_A (1ULL << 5)
#define PTE_D (1ULL << 6)
#define PTE_PS (1ULL << 7)
#define PTE_G (1ULL << 8)
#define PTE_NX (1ULL << 63)
#define PTE_SW_SHARED (1ULL << 10) /* a kernel-owned page (the vDSO's [vvar]): never freed by unmap */
#define PTE_SW_PCACHE (1ULL << 11) /* a page-cache page of a shared file mapping (fs/pagecache.c) */
#define PTE_ADDR 0x000ffffffffff000ULL

/* Linux PROT_* / MAP_* values */
#define PROT_NONE 0
#define PROT_READ 1
#define PROT_WRITE 2
#define PROT_EXEC 4

void mm_init(void);                      /* page allocator + direct map + heap */
u64 mm_total_pages(void);
u64 mm_free_pages(void);
extern bool mm_nx;                       /* EFER.NXE on: PTE_NX is honoured */

/* page tables (kernel/mm/vm.c); pml4 is the virtual address of the root */
u64 *pt_root(void);
u64 *pt_walk(u64 *pml4, u64 va, bool create); /* the 4 KiB PTE, NULL if absent/ENOMEM */
int pt_map(u64 *pml4, u64 va, u64 pa, u64 flags);

/* user address space (kernel/mm/uvm.c) */
#define VMA_ANON 0x1    /* demand-zero */
#define VMA_STACK 0x2
#define VMA_HEAP 0x4
#define VMA_FILE 0x8    /* private file mapping, filled at mmap time */
#define VMA_ELF 0x10    /* program segment */
#define VMA_EXECOK 0x20 /* exec_protection:t: may be (made) executable */
#define VMA_VDSO 0x40   /* the vDSO image: "[vdso]" in /proc/self/maps */
#define VMA_VVAR 0x80   /* the vDSO data page (kernel's, read-only): "[vvar]" */
#define VMA_SHARED 0x100 /* MAP_SHARED file mapping: the page cache's pages (shared, pgoff) */
#define VMA_MAYWRITE 0x200 /* VMA_SHARED: the file was opened for writing (mprotect may add PROT_WRITE) */

struct vma {
	u64 start, end; /* [start, end), page aligned */
	u32 prot;       /* PROT_* */
	u32 kind;       /* VMA_* */
	/* /proc/self/maps: the file offset at start, the file's inode and
	 * the path shown (a string that lives forever; NULL: none, [heap]
	 * and [stack] come from the kind) */
	u64 off;
	u64 ino;
	const char *name;
	/* VMA_SHARED: the page cache's file object (a reference) and the
	 * file page at start */
	void *shared;
	u64 shared_pgoff;
	/* VMA_FILE of a regular file: where the file's pages ended at mmap
	 * (a user address); a fault at or above it is past EOF: SIGBUS, as
	 * Linux. 0: no limit (anonymous, /dev files, after mremap) */
	u64 file_end;
};

int uvm_init(void);
/* map [start, end) with prot: replaces whatever was there (MAP_FIXED) */
int uvm_map_fixed(u64 start, u64 end, u32 prot, u32 kind);
int uvm_unmap(u64 start, u64 end);
int uvm_protect(u64 start, u64 end, u32 prot);
int uvm_zap(u64 start, u64 end);          /* drop pages (demand-zero again) */
bool uvm_range_free(u64 start, u64 end);  /* no VMA overlaps */
bool uvm_range_mapped(u64 start, u64 end); /* fully covered by VMAs */
u64 uvm_find_gap(u64 len, u64 hint);      /* top-down from the mmap base; 0 = none */
void uvm_set_mmap_top(u64 top);           /* where top-down searches start (ASLR, exec) */
const struct vma *uvm_find(u64 addr);     /* the VMA holding addr or NULL */
/* make one page present (demand-zero), for faults and the loader:
 * 0, -EFAULT (no VMA / not allowed: SIGSEGV), -ENOMEM, -EAGAIN (already
 * allowed: a stale TLB entry), -ENXIO (a file mapping's page wholly past
 * EOF), -EIO / -ENOSPC (the page cache could not read or reserve the
 * page): the last three are SIGBUS BUS_ADRERR for the program */
int uvm_fault(u64 addr, bool write, bool exec);
/* the signal a fault error means for the program (kernel/fault.h
 * FAULT_SIGBUS or FAULT_SIGSEGV) */
int uvm_fault_signal(int err);
/* the physical page behind a user page (faulting it in), 0 on failure */
u64 uvm_page_phys(u64 addr, bool write);
/* move pages of [old, old+len) to new (both page aligned, new range unmapped) */
int uvm_move(u64 old_addr, u64 len, u64 new_addr);
void uvm_dump_around(u64 addr);           /* fault report: the VMAs near addr */
/* label the VMAs inside [start, end) (split at the edges) for
 * /proc/self/maps; off is the file offset at start */
int uvm_set_name(u64 start, u64 end, const char *name, u64 off, u64 ino);
/* read-only iteration: the first VMA with end > addr, NULL past the last */
const struct vma *uvm_next(u64 addr);
u64 uvm_resident_pages(void); /* user pages present (VmRSS) */
/* shared file mappings: [start, end) maps obj's pages from pgoff on */
int uvm_set_shared(u64 start, u64 end, void *obj, u64 pgoff);
/* private file mappings: [start, end)'s faults at or above file_end are
 * past the file's end (SIGBUS) */
int uvm_set_file_end(u64 start, u64 end, u64 file_end);
/* the PTEs mapping obj's pages [first, first+count): made read-only
 * (writeback: the next store faults and dirties again) / removed */
void uvm_shared_wrprotect(void *obj, u64 first, u64 count);
void uvm_shared_zap(void *obj, u64 first, u64 count);
/* implemented by fs/pagecache.c: the page of obj at index (made dirty on
 * write; map: one more PTE maps it), a PTE dropped, VMA references */
int vma_shared_page(void *obj, u64 index, bool write, bool map, u64 *phys);
void vma_shared_unmapped(u64 phys);
void vma_shared_get(void *obj);
void vma_shared_put(void *obj);
/* kernel/mm/page.c: called when the allocator runs out; returns pages freed */
void page_set_reclaim(u64 (*fn)(u64 pages));
/* a page block that is not zeroed (the caller writes every byte) */
u64 page_alloc_raw(unsigned order);
u64 mm_high_water(void); /* highest physical address handed out so far */
u64 uvm_brk_get(void);
void uvm_brk_init(u64 start);
u64 uvm_brk_set(u64 want);

#endif
