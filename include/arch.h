/*
 * arch.h - the architecture hooks the portable kernel (kernel/, sys/)
 * calls; implemented in arch/x86_64/. Register-level details stay in
 * arch/x86_64/x86.h.
 */
#ifndef MONOS_ARCH_H
#define MONOS_ARCH_H

#include "types.h"

struct user_regs; /* arch/x86_64/x86.h: the saved user register frame */

void arch_cpu_init(void);       /* CPUID, GDT/TSS/IDT, SYSCALL MSRs, FPU */
void arch_irq_init(void);       /* ACPI MADT, LAPIC, IOAPIC, legacy PIC off */
void arch_clock_start(void);    /* early: start the PIT for calibration */
void arch_clock_init(void);     /* TSC/kvmclock calibration, RTC wall time */
u64 arch_clock_ns(void);        /* ns since kernel entry */
u64 arch_tsc_to_ns(u64 tsc);    /* a TSC reading as ns since kernel entry */
u64 arch_realtime_base_ns(void); /* wall clock at kernel entry, ns since epoch */
u64 arch_tsc_hz(void);
u64 arch_rdtsc(void);
/* one-shot timer: an interrupt at (or soon after) clock ns `deadline`;
 * 0 cancels */
void arch_timer_arm(u64 deadline_ns);
bool arch_random_u64(u64 *out); /* RDRAND if present */
u64 arch_hwcap(void);           /* AT_HWCAP: CPUID 1 EDX */
u64 arch_hwcap2(void);
u32 arch_xsave_size(void);      /* bytes of the FPU save area */
void arch_fpu_save(void *area);
void arch_fpu_restore(const void *area);
void arch_fpu_init_area(void *area); /* a clean initial state */
/* lazy FPU: on = the next FPU instruction traps (#NM -> thread_fpu_trap) */
void arch_fpu_trap(bool on);
void arch_set_fs_base(u64 v);
u64 arch_get_fs_base(void);
void arch_set_user_gs_base(u64 v);
u64 arch_get_user_gs_base(void);
void arch_set_kernel_stack(u64 top); /* TSS rsp0 + syscall stack */
NORETURN void arch_enter_user(struct user_regs *regs);
/* kernel context switch: save this context's stack pointer in *save_rsp
 * and continue the one whose stack pointer is new_rsp */
void arch_switch_stack(u64 *save_rsp, u64 new_rsp);
/* prepare a fresh kernel stack (top = stack_top) so that switching to the
 * returned stack pointer runs fn(arg); fn must never return */
u64 arch_prepare_stack(u64 stack_top, void (*fn)(void *), void *arg);
/* atomic compare-and-exchange on a user word: 0 with *expected = the
 * value found (exchanged when it matched), or -EFAULT */
long arch_user_cmpxchg32(u64 uaddr, u32 *expected, u32 new_value);
/* flush here and note the change for the other CPUs (arch_tlb_sync) */
void arch_flush_tlb_page(u64 va);
void arch_flush_tlb_all(void);
NORETURN void arch_halt_forever(void);
void arch_acpi_poweroff(void);  /* returns if it did not work */
u64 arch_kernel_cr3(void);
/* start the other CPUs the MADT lists; they wait in hlt until the
 * scheduler starts (sched_set_first -> arch_smp_start), count online */
void arch_smp_init(void);
unsigned arch_cpus_online(void);
#define ARCH_MAX_CPUS 64
unsigned arch_cpu_index(void);  /* 0 = boot CPU, 1.. = APs in start order */
void arch_smp_start(void);      /* let the APs enter their idle threads */

/*
 * The big kernel lock (arch/x86_64/smp_lock.c). Kernel code runs with it
 * held and interrupts off; the entry code takes it on every entry from
 * user mode and for interrupts that hit a CPU with the lock free (idle),
 * and drops it on the way back to user mode. Context switches keep it.
 */
void arch_bkl_lock(void);
void arch_bkl_unlock(void);
bool arch_bkl_held(void);       /* by this CPU */
/* idle: drop the lock, sti; hlt; cli, take it again */
void arch_idle_wait(void);
/* reschedule IPI: the CPU enters the kernel (rearms its timer, sees
 * need_resched and pending signals on its way back to user mode) */
void arch_kick_cpu(unsigned idx);
/* finish the TLB flushes arch_flush_tlb_page/all recorded: every other
 * CPU running user code flushes and acknowledges before this returns */
void arch_tlb_sync(void);
/* a local TLB flush that is already consistent everywhere (spurious
 * fault after another CPU changed a PTE) */
void arch_flush_tlb_local(u64 va);

#endif
