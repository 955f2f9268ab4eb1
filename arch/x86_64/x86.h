/*
 * x86.h - x86-64 registers, CPUID, MSRs, descriptor tables and the trap
 * frame (arch layer, private to arch/x86_64 and the few kernel files that
 * need the saved user registers: sys/, kernel/thread.c).
 */
#ifndef ARCH_X86_H
#define ARCH_X86_H

#include "types.h"

#define GDT_KERNEL_CS 0x08
#define GDT_KERNEL_DS 0x10
#define GDT_USER_CS32 0x18
#define GDT_USER_DS 0x23
#define GDT_USER_CS 0x2b
#define GDT_TSS 0x30

#define MSR_EFER 0xc0000080
#define MSR_STAR 0xc0000081
#define MSR_LSTAR 0xc0000082
#define MSR_FMASK 0xc0000084
#define MSR_FS_BASE 0xc0000100
#define MSR_GS_BASE 0xc0000101
#define MSR_KERNEL_GS_BASE 0xc0000102
#define MSR_APIC_BASE 0x1b
#define MSR_TSC_DEADLINE 0x6e0
#define MSR_KVM_WALL_CLOCK_NEW 0x4b564d00
#define MSR_KVM_SYSTEM_TIME_NEW 0x4b564d01

#define EFER_SCE (1u << 0)
#define EFER_LME (1u << 8)
#define EFER_NXE (1u << 11)

#define RFLAGS_IF (1u << 9)

/*
 * Saved registers: built by every trap/interrupt stub and by the syscall
 * entry (vector = TRAP_SYSCALL), lowest address first.
 */
struct user_regs {
	u64 r15, r14, r13, r12, r11, r10, r9, r8;
	u64 rbp, rdi, rsi, rdx, rcx, rbx, rax;
	u64 vector, error;
	u64 rip, cs, rflags, rsp, ss;
};
_Static_assert(sizeof(struct user_regs) == 22 * 8, "user_regs layout is used by entry.S");
#define TRAP_SYSCALL 0x100

struct tss;

/* per-CPU data reached through %gs in the kernel (entry.S uses offsets) */
struct percpu {
	struct percpu *self;   /* 0 */
	u64 user_rsp;          /* 8: scratch during syscall entry */
	u64 kernel_rsp;        /* 16: top of the current thread's kernel stack */
	void *current;         /* 24: struct thread * */
	u32 cpu_id;            /* 32: 0 = boot CPU */
	u32 pad;
	struct tss *tss;       /* this CPU's TSS (rsp0) */
};

struct cpu_features {
	u32 max_leaf, max_ext_leaf, hv_max_leaf;
	u32 leaf1_ecx, leaf1_edx;
	u32 leaf7_ebx, leaf7_ecx, leaf7_edx;
	u32 ext1_ecx, ext1_edx;
	bool nx, pdpe1gb, x2apic, tsc_deadline, xsave, xsaveopt, avx, rdrand, fsgsbase;
	bool invariant_tsc, hypervisor, kvm, kvmclock;
	char vendor[13];
	char hv_vendor[13];
	u64 xcr0;
	u32 xsave_size;
};
extern struct cpu_features cpu;

static inline void cpuid(u32 leaf, u32 sub, u32 *a, u32 *b, u32 *c, u32 *d)
{
	__asm__ volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d) : "a"(leaf), "c"(sub));
}

static inline u64 rdmsr(u32 msr)
{
	u32 lo, hi;

	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((u64)hi << 32) | lo;
}

static inline void wrmsr(u32 msr, u64 v)
{
	__asm__ volatile("wrmsr" ::"c"(msr), "a"((u32)v), "d"((u32)(v >> 32)) : "memory");
}

static inline u64 rdtsc(void)
{
	u32 lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((u64)hi << 32) | lo;
}

/* a * b / c with a 128-bit product; the caller keeps the quotient < 2^64 */
static inline u64 mul_div64(u64 a, u64 b, u64 c)
{
	u64 q, r;

	__asm__("mulq %3\n\tdivq %4" : "=a"(q), "=&d"(r) : "a"(a), "rm"(b), "rm"(c) : "cc");
	return q;
}

static inline u64 read_cr2(void)
{
	u64 v;

	__asm__ volatile("mov %%cr2, %0" : "=r"(v));
	return v;
}

static inline u64 read_cr3(void)
{
	u64 v;

	__asm__ volatile("mov %%cr3, %0" : "=r"(v));
	return v;
}

static inline void write_cr3(u64 v)
{
	__asm__ volatile("mov %0, %%cr3" ::"r"(v) : "memory");
}

static inline u64 read_cr0(void)
{
	u64 v;

	__asm__ volatile("mov %%cr0, %0" : "=r"(v));
	return v;
}

static inline u64 read_cr4(void)
{
	u64 v;

	__asm__ volatile("mov %%cr4, %0" : "=r"(v));
	return v;
}

static inline void write_cr4(u64 v)
{
	__asm__ volatile("mov %0, %%cr4" ::"r"(v) : "memory");
}

static inline void write_cr0(u64 v)
{
	__asm__ volatile("mov %0, %%cr0" ::"r"(v) : "memory");
}

static inline struct percpu *this_cpu(void)
{
	struct percpu *p;

	__asm__ volatile("mov %%gs:0, %0" : "=r"(p));
	return p;
}

/* arch/x86_64 internal */
extern u64 boot_tsc0;
extern u64 boot_start_info;
extern u64 boot_pml4[512];
void trap_init(void);
void trap_dispatch(struct user_regs *r);
void irq_dispatch(struct user_regs *r);
void apic_eoi(void);
void apic_timer_irq(void *arg);
void acpi_init(void);
/* from acpi.c: what the MADT and FADT told us */
struct acpi_info {
	bool found;
	u64 lapic_phys;
	unsigned nr_ioapics;
	struct {
		u32 phys;
		u32 gsi_base;
	} ioapic[8];
	/* ISA IRQ -> GSI overrides */
	struct {
		u8 isa_irq;
		u32 gsi;
		u16 flags;
	} iso[16];
	unsigned nr_iso;
	/* enabled processors (MADT types 0 and 9): their local APIC ids */
	u32 cpu_apic_id[64];
	unsigned nr_cpus;
	u16 pm1a_cnt, pm1b_cnt;
	u32 pm_timer_port;
	bool s5_found;
	u8 s5_typa, s5_typb;
};
extern struct acpi_info acpi;
/* SMP bring-up (smp.c, apic.c, cpu.c) */
u32 apic_local_id(void);
/* interrupt vectors of the inter-processor interrupts. The two that are
 * handled without the kernel lock sit in a higher priority class (0xf_)
 * than every vector whose handler takes it (timer 0xef, resched 0xee,
 * devices below): a CPU waiting for the lock inside such a handler can
 * still take them. */
#define VEC_RESCHED 0xee /* enter the kernel: timer rearm, resched, signals */
#define VEC_TLB 0xf1     /* TLB shootdown, handled without the kernel lock */
#define VEC_WAKE 0xf2    /* the kernel lock is free (a halted waiter) */
u32 smp_cpu_apic_id(unsigned idx);
/* smp_lock.c: a lock-free IPI (TLB) handled here; true when it was one */
bool smp_ipi_lockfree(u64 vector);
/* last step to user mode (IF off, kernel lock held): finish TLB
 * shootdowns, mark the CPU as running user code, drop the lock */
void smp_exit_to_user(void);
void smp_syscall(struct user_regs *r); /* entry.S: the syscall path (smp_lock.c) */
void smp_tlb_service(void);
void apic_ap_init(void);                       /* an AP's local APIC */
void apic_send_ipi_raw(u32 apic_id, u32 low);  /* ICR: INIT, SIPI, fixed */
/* an AP's CPU state: area = one zeroed page for its GDT, TSS and per-CPU
 * data; ist_base = 24 KiB of IST stacks */
void cpu_ap_setup(void *area, u32 cpu_id, u64 ist_base);
void dump_regs(const struct user_regs *r);
void backtrace_from(u64 rbp, u64 rip);
const char *ksym_lookup(u64 addr, u64 *off);

#endif
