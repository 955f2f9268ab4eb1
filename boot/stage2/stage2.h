/*
 * stage2.h - internal interfaces of the BIOS stage2 loader (boot/stage2/).
 * Layer: boot. stage2_main (main.c) calls: console (console.c), memory map
 * and heap (mem.c), BIOS disk reads (disk.c), the ELF/PVH loader (elf.c)
 * and the PVH hand-off (pvh.c). docs/boot.md describes the whole path.
 */
#ifndef BOOT_STAGE2_H
#define BOOT_STAGE2_H

#include "types.h"
#include "boot/stage2/layout.h"

struct tfs;
struct value;

/* ---- console.c: COM1 output ---- */
void con_init(void);
void con_write(const char *s, size_t n);
void con_printf(const char *fmt, ...) PRINTF_LIKE(1, 2);
/* print "stage2: <msg>\n", exit through isa-debug-exit (BOOT_FAIL_CODE),
 * halt where that device is absent */
NORETURN void stage2_fail(const char *fmt, ...) PRINTF_LIKE(1, 2);
NORETURN void stage2_exit(u32 code);

/* ---- fault.c: exception handlers (a loader bug prints, never resets) ---- */
void fault_init(void);
void stage2_fault(const u32 *frame); /* called by entry.S */

/* ---- mem.c: BIOS E820 map and the lib_alloc heap ---- */
#define E820_MAX 128
#define E820_RAM 1
struct e820_entry {
	u64 base, length;
	u32 type, attr;
} PACKED;
_Static_assert(sizeof(struct e820_entry) == 24, "ACPI 3.0 E820 entry");

void mem_init(void); /* reads E820, places the heap; fails on no RAM */
u32 mem_e820(const struct e820_entry **out);
bool mem_is_ram(u64 base, u64 len);	 /* fully inside usable RAM */
bool mem_hits_loader(u64 base, u64 len); /* overlaps stage2 or its heap */
void mem_heap_range(u64 *base, u64 *end);

/* ---- disk.c: int 13h extended reads through the bounce buffer ---- */
void disk_init(u8 drive); /* fails unless the drive answers AH=48h */
u64 disk_sectors(void);
int disk_read(void *buf, u64 lba, u32 count); /* 0 or -EIO */

/* ---- elf.c: load /kernel (ELF64 with a PVH note) at its p_paddr ---- */
int elf_load_kernel(struct tfs *fs, const struct value *file, u32 *entry);

/* ---- fwcfg.c: "opt/monos/cmdline" from QEMU fw_cfg (else "") ---- */
size_t fwcfg_cmdline(char *buf, size_t max);

/* ---- pvh.c: build hvm_start_info and jump ---- */
NORETURN void pvh_boot(u32 entry);

#endif
