/*
 * kmap.h - W^X for the kernel's own mappings (arch layer, kmap.c):
 * kmap_protect (mm_init, once the page allocator runs), the page-fault
 * hook of its self-test (traps.c), the APs' check-in (smp.c) and the
 * self-tests (kernel_main).
 */
#ifndef ARCH_X86_64_KMAP_H
#define ARCH_X86_64_KMAP_H

#include "types.h"

struct user_regs;

/* map the kernel image with 4 KiB pages (text RX, rodata R+NX, data and
 * bss RW+NX), the first GiB of the direct map NX with a read-only alias
 * of text/rodata; replaces the boot page tables' 2 MiB RWX mappings */
void kmap_protect(void);
/* an AP is set up (smp.c): note whether it has CR0.WP and EFER.NXE on */
void kmap_cpu_record(u32 cpu_id);
/* the command-line self-tests: monos.test_wx checks the live page tables
 * and faults on purpose, printing "kmap: wx-test ..." lines that end with
 * "result=pass" or "result=FAIL", and the boot goes on; monos.test_wxpanic
 * writes to kernel text with no fixup (a page-fault panic) */
void kmap_boot_tests(void);
/* a kernel page fault while the self-test probes: records it; true when
 * it resumed the faulting code itself (an instruction fetch) */
bool kmap_probe_fault(struct user_regs *r, u64 addr);

#endif
