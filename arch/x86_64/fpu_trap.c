/*
 * fpu_trap.c - the lazy-FPU trap switch (arch layer): CR0.TS on makes the
 * next x87/SSE/AVX instruction (and XSAVE/XRSTOR) raise #NM (vector 7),
 * which trap_dispatch hands to thread_fpu_trap (kernel/thread.c) before
 * anything else. Called by kernel/thread.c when it switches threads.
 */
#include "kernel/kernel.h"
#include "arch.h"
#include "arch/x86_64/x86.h"

#define CR0_TS (1ULL << 3)

void arch_fpu_trap(bool on)
{
	if (on)
		write_cr0(read_cr0() | CR0_TS);
	else
		__asm__ volatile("clts" ::: "memory");
}
