/*
 * mm.c - memory bring-up (kernel layer): the page allocator over the boot
 * memory map with the direct map of all RAM, then the early identity map
 * of the first GiB is dropped so the lower half belongs to the program,
 * and the kernel image is remapped W^X (arch/x86_64/kmap.c: text RX,
 * rodata R, data NX, direct map NX). Called once by kernel_main.
 */
#include "kernel/kernel.h"
#include "kernel/mm/mm.h"
#include "arch.h"
#include "arch/x86_64/kmap.h"

void page_init(void);

void mm_init(void)
{
	page_init();
	pt_root()[0] = 0; /* identity map of the boot code: no longer needed */
	arch_flush_tlb_all();
	kmap_protect();
	klog("mm: %lu pages, %lu free, NX %s", (unsigned long)mm_total_pages(),
	     (unsigned long)mm_free_pages(), mm_nx ? "on" : "unavailable");
}
