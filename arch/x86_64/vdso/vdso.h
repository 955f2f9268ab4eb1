/*
 * vdso.h - the vDSO and the legacy vsyscall page (arch layer): the kernel
 * side in arch/x86_64/vdso/vdso.c. Called by the ELF loader (sys/exec.c:
 * vdso_map, AT_SYSINFO_EHDR) and the page-fault handler
 * (arch/x86_64/traps.c: vsyscall_emulate).
 */
#ifndef ARCH_X86_64_VDSO_H
#define ARCH_X86_64_VDSO_H

#include "types.h"

struct user_regs;

#define VSYSCALL_BASE 0xffffffffff600000ULL

/* map [vvar] (r--, one page) and right above it [vdso] (r-x) in a free
 * gap below the mmap top (so randomised with it; fixed with noaslr:t).
 * *ehdr gets the image's address for AT_SYSINFO_EHDR. 0 or -errno. */
int vdso_map(u64 *ehdr);

/* a user fetch fault at a vsyscall entry (gettimeofday 0x000, time
 * 0x400, getcpu 0x800): run the call, return to the caller; true when
 * emulated, false for a real SIGSEGV */
bool vsyscall_emulate(struct user_regs *r, u64 addr);

#endif
