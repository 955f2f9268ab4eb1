/*
 * vm.c - kernel page tables (kernel layer): walking and filling the
 * four-level tables, the direct map of RAM above the early 1 GiB, device
 * MMIO mappings, virt_to_phys. One root (the boot PML4) serves the kernel
 * half and the program's half. Called by mm (uvm.c), drivers (vm_map_mmio)
 * and init.
 */
#include "kernel/kernel.h"
#include "kernel/boot.h"
#include "kernel/mm/mm.h"
#include "arch.h"

#define MMIO_BASE 0xffffc90000000000UL
#define MMIO_LIMIT 0xffffc9ffffffffffUL

extern u64 boot_pml4[512];
extern u64 boot_pdpt_direct[512];
static u64 mmio_next = MMIO_BASE;
bool mm_nx;

u64 virt_to_phys(const void *virt)
{
	u64 v = (u64)virt;

	if (v >= KERNEL_VIRT_BASE)
		return v - KERNEL_VIRT_BASE;
	if (v >= DIRECT_MAP_BASE && v < DIRECT_MAP_BASE + (1ULL << 39))
		return v - DIRECT_MAP_BASE;
	return v; /* .boot symbols: linked at their physical address */
}

u64 *pt_root(void)
{
	return phys_to_virt((u64)boot_pml4);
}

u64 *pt_walk(u64 *pml4, u64 va, bool create)
{
	u64 *table = pml4;
	u64 inter = PTE_P | PTE_W | (va < USER_MAX ? PTE_U : 0);

	for (int shift = 39; shift > 12; shift -= 9) {
		u64 *e = &table[(va >> shift) & 511];

		if (!(*e & PTE_P)) {
			u64 page;

			if (!create)
				return NULL;
			page = page_alloc(0);
			if (!page)
				return NULL;
			*e = page | inter;
		} else if (*e & PTE_PS) {
			return NULL; /* a large page: not ours to split */
		}
		table = phys_to_virt(*e & PTE_ADDR);
	}
	return &table[(va >> 12) & 511];
}

int pt_map(u64 *pml4, u64 va, u64 pa, u64 flags)
{
	u64 *pte = pt_walk(pml4, va, true);

	if (!pte)
		return -ENOMEM;
	*pte = (pa & PTE_ADDR) | flags | PTE_P;
	arch_flush_tlb_page(va);
	return 0;
}

/* map RAM above the early 1 GiB into the direct map with 2 MiB pages */
void mm_direct_map_ram(u64 (*alloc_pt)(void));
void mm_direct_map_ram(u64 (*alloc_pt)(void))
{
	u64 *pdpt = phys_to_virt((u64)boot_pdpt_direct);

	for (unsigned i = 0; i < boot_mem_count(); i++) {
		const struct boot_mem_range *r = boot_mem_at(i);
		u64 s = ALIGN_DOWN(r->addr, 1ULL << 21);
		u64 e = ALIGN_UP(r->addr + r->size, 1ULL << 21);

		if (r->type != BOOT_MEM_RAM && r->type != BOOT_MEM_ACPI &&
		    r->type != BOOT_MEM_NVS)
			continue;
		if (s < (1ULL << 30))
			s = 1ULL << 30;
		if (e > (1ULL << 39))
			e = 1ULL << 39; /* 512 GiB is plenty for now */
		for (u64 pa = s; pa < e; pa += 1ULL << 21) {
			u64 *pde_table;

			if (!(pdpt[pa >> 30] & PTE_P))
				pdpt[pa >> 30] = alloc_pt() | PTE_P | PTE_W;
			pde_table = phys_to_virt(pdpt[pa >> 30] & PTE_ADDR);
			pde_table[(pa >> 21) & 511] = pa | PTE_P | PTE_W | PTE_PS | PTE_G |
						      (mm_nx ? PTE_NX : 0);
		}
	}
}

int vm_map_mmio(u64 phys, u64 size, void **out)
{
	u64 base = ALIGN_DOWN(phys, PAGE_SIZE);
	u64 end = ALIGN_UP(phys + size, PAGE_SIZE);
	u64 va = mmio_next;
	int err;

	if (!size || end < base)
		return -EINVAL;
	if (va + (end - base) > MMIO_LIMIT)
		return -ENOMEM;
	for (u64 p = base; p < end; p += PAGE_SIZE) {
		err = pt_map(pt_root(), va + (p - base), p,
			     PTE_W | PTE_PCD | PTE_PWT | PTE_G | (mm_nx ? PTE_NX : 0));
		if (err)
			return err;
	}
	mmio_next += (end - base) + PAGE_SIZE; /* a guard page between mappings */
	*out = (void *)(va + (phys - base));
	return 0;
}
