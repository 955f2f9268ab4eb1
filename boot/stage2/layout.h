/*
 * layout.h - stage2's fixed low-memory map and the struct bios_regs layout,
 * shared by entry.S and the C files of boot/stage2 (docs/boot.md):
 *
 *   0x00500 - 0x07bff  real-mode stack for BIOS calls (top 0x7c00)
 *   0x07c00 - 0x07dff  stage1 (MBR), dead once stage2 runs
 *   0x08000 - 0x5ffff  stage2 image and bss (boot/boot.ld checks the end)
 *   0x60000 - 0x6fdff  disk bounce buffer (BOUNCE_SECTORS sectors)
 *   0x70000 - 0x7ffff  32-bit stack until the heap exists (top 0x80000);
 *                      then a STAGE2_STACK-byte stack from the heap
 */
#ifndef BOOT_STAGE2_LAYOUT_H
#define BOOT_STAGE2_LAYOUT_H

#define RM_STACK_TOP   0x7c00
#define STAGE2_BASE    0x8000
#define STAGE2_LIMIT   0x60000
#define BOUNCE_BUF     0x60000
#define BOUNCE_SECTORS 127
#define PM_STACK_TOP   0x80000
#define STAGE2_STACK   0x100000 /* the loader stack, from the heap */
#define LOADER_LOW_END 0x80000	/* everything above is free for the kernel */

/* isa-debug-exit code for "the boot loader failed" (QEMU status 249) */
#define BOOT_FAIL_CODE 0x7c

/* struct bios_regs: 10 u32 words */
#define BIOS_REGS_WORDS 10
#define BR_EAX		0
#define BR_EBX		4
#define BR_ECX		8
#define BR_EDX		12
#define BR_ESI		16
#define BR_EDI		20
#define BR_EBP		24
#define BR_EFLAGS	28
#define BR_DS		32
#define BR_ES		36

#ifndef __ASSEMBLY__
#include "types.h"

struct bios_regs {
	u32 eax, ebx, ecx, edx, esi, edi, ebp, eflags;
	u32 ds, es; /* low 16 bits used */
};
_Static_assert(sizeof(struct bios_regs) == BIOS_REGS_WORDS * 4, "bios_regs layout");

#define BIOS_CF 0x1 /* carry flag in eflags: the BIOS call failed */

/* entry.S */
void bios_int(u32 vector, struct bios_regs *regs);
NORETURN void pvh_jump(u32 entry, u32 start_info);
NORETURN void run_on_stack(void (*fn)(u32), u32 arg, u32 stack_top);
extern const u32 exc_stub_table[32];
extern u8 boot_drive16;
#endif

#endif
