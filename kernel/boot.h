/*
 * boot.h - what the boot loader told us (kernel layer): the memory map and
 * the command line, copied out of the PVH start info by boot_info_init()
 * before anything can overwrite it. Used by mm (page allocator) and init.
 */
#ifndef KERNEL_BOOT_H
#define KERNEL_BOOT_H

#include "types.h"

#define BOOT_MEM_RAM 1
#define BOOT_MEM_RESERVED 2
#define BOOT_MEM_ACPI 3
#define BOOT_MEM_NVS 4
#define BOOT_MAX_RANGES 128

struct boot_mem_range {
	u64 addr, size;
	u32 type;
};

int boot_info_init(u64 start_info_phys); /* 0 or -EINVAL (bad/missing info) */
unsigned boot_mem_count(void);
const struct boot_mem_range *boot_mem_at(unsigned i);
bool boot_cmdline_has(const char *word); /* whole-word match */
void boot_mark(const char *what);          /* kernel/init.c: a boot timeline step (klog) */

#endif
