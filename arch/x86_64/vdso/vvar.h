/*
 * vvar.h - the vDSO data page ([vvar]) shared by the kernel and the vDSO
 * (arch layer ABI between arch/x86_64/vdso/vdso.c, which fills it, and
 * arch/x86_64/vdso/user/vdso.c, which reads it in user mode). One page,
 * mapped read-only just below the vDSO image. The kernel writes it under a
 * sequence counter (odd while it writes); readers retry until they see the
 * same even value before and after. The clock follows the kernel's exactly
 * (arch/x86_64/clock.c, TSC mode): monotonic ns = ((tsc - tsc_base) *
 * ns_mult) >> 32 (128-bit product), realtime ns = realtime_base +
 * monotonic ns, so syscall and vDSO readings agree to the nanosecond.
 */
#ifndef ARCH_X86_64_VDSO_VVAR_H
#define ARCH_X86_64_VDSO_VVAR_H

#include "types.h"

/* 0 means "ask the kernel" in both modes, so an all-zero page is safe */
#define VDSO_CLOCK_NONE 0 /* the vDSO asks the kernel (syscall) */
#define VDSO_CLOCK_TSC	1

#define VDSO_CPU_NONE	0 /* getcpu through the syscall */
#define VDSO_CPU_RDPID	1 /* TSC_AUX = (node << 12) | cpu, read with RDPID */
#define VDSO_CPU_RDTSCP 2 /* the same through RDTSCP */

#define VDSO_VVAR_MAGIC 0x72617676u /* "vvar" */

struct vdso_data {
	u32 magic;	   /* VDSO_VVAR_MAGIC once filled (the kernel's flag) */
	u32 seq;	   /* odd while the kernel updates the clock fields */
	u32 clock_mode;	   /* VDSO_CLOCK_* */
	u32 cpu_mode;	   /* VDSO_CPU_* */
	u64 tsc_base;	   /* TSC at kernel entry (clock.c's entry_tsc) */
	u64 ns_mult;	   /* ns per TSC tick, 32.32 fixed point */
	u64 realtime_base; /* wall clock at kernel entry, ns since the epoch */
	u64 coarse_res_ns; /* what clock_getres says for the coarse clocks */
};
_Static_assert(sizeof(struct vdso_data) == 48, "vdso_data layout is shared with the vDSO");

#endif
