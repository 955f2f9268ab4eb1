/*
 * cpu.c - CPU setup (arch layer): CPUID feature detection, GDT with TSS,
 * EFER.NXE, SYSCALL/SYSRET MSRs, the per-CPU area in GS, FPU/SSE/AVX
 * enablement (XSAVE with XCR0 = what CPUID offers, FXSAVE otherwise) and
 * the save/restore primitives for user threads. Called by kernel_main
 * (arch_cpu_init) and by thread code (fs base, kernel stack, FPU).
 */
#include "kernel/kernel.h"
#include "kernel/mm/mm.h"
#include "kernel/boot.h"
#include "kernel/thread.h"
#include "arch.h"
#include "arch/x86_64/x86.h"

struct cpu_features cpu;
u8 arch_smap_on; /* entry.S: stac/clac around user copies */

struct tss {
	u32 reserved0;
	u64 rsp0, rsp1, rsp2;
	u64 reserved1;
	u64 ist[7];
	u64 reserved2;
	u16 reserved3;
	u16 iomap_base;
} PACKED;
_Static_assert(sizeof(struct tss) == 104, "TSS is 104 bytes");

static u64 gdt[8] __attribute__((aligned(16)));
static struct tss tss __attribute__((aligned(16)));
static struct percpu percpu0;
static u8 ist_stack_df[8192] __attribute__((aligned(16)));
static u8 ist_stack_nmi[8192] __attribute__((aligned(16)));
static u8 ist_stack_mce[8192] __attribute__((aligned(16)));

extern void syscall_entry(void);

static void cpu_detect(void)
{
	u32 a, b, c, d;

	cpuid(0, 0, &a, &b, &c, &d);
	cpu.max_leaf = a;
	memcpy(cpu.vendor, &b, 4);
	memcpy(cpu.vendor + 4, &d, 4);
	memcpy(cpu.vendor + 8, &c, 4);
	cpuid(1, 0, &a, &b, &c, &d);
	cpu.leaf1_ecx = c;
	cpu.leaf1_edx = d;
	if (cpu.max_leaf >= 7) {
		cpuid(7, 0, &a, &b, &c, &d);
		cpu.leaf7_ebx = b;
		cpu.leaf7_ecx = c;
		cpu.leaf7_edx = d;
	}
	cpuid(0x80000000, 0, &a, &b, &c, &d);
	cpu.max_ext_leaf = a;
	if (cpu.max_ext_leaf >= 0x80000001) {
		cpuid(0x80000001, 0, &a, &b, &c, &d);
		cpu.ext1_ecx = c;
		cpu.ext1_edx = d;
	}
	if (cpu.max_ext_leaf >= 0x80000007) {
		cpuid(0x80000007, 0, &a, &b, &c, &d);
		cpu.invariant_tsc = d & (1u << 8);
	}
	cpu.nx = cpu.ext1_edx & (1u << 20);
	cpu.pdpe1gb = cpu.ext1_edx & (1u << 26);
	cpu.x2apic = cpu.leaf1_ecx & (1u << 21);
	cpu.tsc_deadline = cpu.leaf1_ecx & (1u << 24);
	cpu.xsave = cpu.leaf1_ecx & (1u << 26);
	cpu.avx = cpu.leaf1_ecx & (1u << 28);
	cpu.rdrand = cpu.leaf1_ecx & (1u << 30);
	cpu.hypervisor = cpu.leaf1_ecx & (1u << 31);
	cpu.fsgsbase = cpu.leaf7_ebx & 1;
	if (cpu.hypervisor) {
		cpuid(0x40000000, 0, &a, &b, &c, &d);
		cpu.hv_max_leaf = a;
		memcpy(cpu.hv_vendor, &b, 4);
		memcpy(cpu.hv_vendor + 4, &c, 4);
		memcpy(cpu.hv_vendor + 8, &d, 4);
		if (!memcmp(cpu.hv_vendor, "KVMKVMKVM\0\0\0", 12)) {
			cpu.kvm = true;
			cpuid(0x40000001, 0, &a, &b, &c, &d);
			cpu.kvmclock = a & (1u << 3); /* KVM_FEATURE_CLOCKSOURCE2 */
		}
	}
}

static void fpu_setup(void)
{
	u64 cr0 = read_cr0(), cr4 = read_cr4();
	u32 a, b, c, d;

	cr0 &= ~(1ULL << 2); /* EM off */
	cr0 |= (1ULL << 1) | (1ULL << 5); /* MP, NE */
	cr0 &= ~(1ULL << 3); /* TS off */
	write_cr0(cr0);
	cr4 |= (1ULL << 9) | (1ULL << 10); /* OSFXSR, OSXMMEXCPT */
	if (cpu.xsave)
		cr4 |= 1ULL << 18; /* OSXSAVE */
	if (cpu.fsgsbase)
		cr4 |= 1ULL << 16; /* FSGSBASE: programs may use wrfsbase */
	if (cpu.leaf7_ebx & (1u << 7))
		cr4 |= 1ULL << 20; /* SMEP: the kernel never runs user pages */
	if ((cpu.leaf7_ebx & (1u << 20)) && !boot_cmdline_has("nosmap")) {
		cr4 |= 1ULL << 21; /* SMAP: user memory only through uaccess */
		arch_smap_on = 1;
	}
	if (cpu.leaf7_ecx & (1u << 2))
		cr4 |= 1ULL << 11; /* UMIP: user sgdt/sidt/sldt/smsw/str raise #GP */
	write_cr4(cr4);
	cpu.xsave_size = 512;
	if (cpu.xsave && cpu.max_leaf >= 0xd) {
		cpuid(0xd, 0, &a, &b, &c, &d);
		/* x87, SSE, AVX, AVX-512 (opmask, ZMM_Hi256, Hi16_ZMM) */
		cpu.xcr0 = (((u64)d << 32) | a) & 0xe7;
		if (!(cpu.xcr0 & 4))
			cpu.xcr0 &= 3; /* AVX-512 state needs AVX */
		__asm__ volatile("xsetbv" ::"c"(0), "a"((u32)cpu.xcr0), "d"((u32)(cpu.xcr0 >> 32)));
		cpuid(0xd, 0, &a, &b, &c, &d);
		cpu.xsave_size = b; /* for the enabled features */
		cpuid(0xd, 1, &a, &b, &c, &d);
		cpu.xsaveopt = a & 1;
	} else {
		cpu.xsave = false;
	}
	__asm__ volatile("fninit");
	u32 mxcsr = 0x1f80;
	__asm__ volatile("ldmxcsr %0" ::"m"(mxcsr));
}

extern char arch_context_start[];

u64 arch_prepare_stack(u64 stack_top, void (*fn)(void *), void *arg)
{
	u64 *sp = (u64 *)ALIGN_DOWN(stack_top, 16);

	*--sp = (u64)arch_context_start; /* ret target; its push makes fn's rsp 16n+8 */
	*--sp = 0;                       /* rbp */
	*--sp = 0;                       /* rbx */
	*--sp = (u64)fn;                 /* r12 */
	*--sp = (u64)arg;                /* r13 */
	*--sp = 0;                       /* r14 */
	*--sp = 0;                       /* r15 */
	return (u64)sp;
}

u32 arch_xsave_size(void)
{
	return cpu.xsave_size;
}

/*
 * Lazy FPU (kernel/thread.c): with CR0.TS set the registers may hold
 * another thread's state. Hardware raises #NM for XSAVE/XRSTOR then and
 * the handler loads the current thread's state first; QEMU 7.2's TCG
 * evidently does not (52-threads' async-signal case lost FPU state until
 * this was added), so do that step here, for every CPU model alike.
 */
static void fpu_own(void)
{
	if (read_cr0() & (1ULL << 3))
		thread_fpu_trap();
}

void arch_fpu_save(void *area)
{
	fpu_own();
	if (cpu.xsaveopt)
		__asm__ volatile("xsaveopt64 (%0)" ::"r"(area), "a"(0xffffffffu), "d"(0xffffffffu)
				 : "memory");
	else if (cpu.xsave)
		__asm__ volatile("xsave64 (%0)" ::"r"(area), "a"(0xffffffffu), "d"(0xffffffffu)
				 : "memory");
	else
		__asm__ volatile("fxsave64 (%0)" ::"r"(area) : "memory");
}

void arch_fpu_restore(const void *area)
{
	fpu_own();
	if (cpu.xsave)
		__asm__ volatile("xrstor64 (%0)" ::"r"(area), "a"(0xffffffffu), "d"(0xffffffffu)
				 : "memory");
	else
		__asm__ volatile("fxrstor64 (%0)" ::"r"(area) : "memory");
}

void arch_fpu_init_area(void *area)
{
	/* legacy region: FCW 0x37f, MXCSR 0x1f80; XSAVE header all zero
	 * (XSTATE_BV = 0: every component in its initial state) */
	memset(area, 0, cpu.xsave_size);
	*(u16 *)area = 0x37f;
	*(u32 *)((u8 *)area + 24) = 0x1f80;
	if (cpu.xsave)
		*(u64 *)((u8 *)area + 512) = 3; /* x87 + SSE present (with those values) */
}

static u64 gdt_entry(u32 flags_access)
{
	/* base 0, limit 0xfffff, flags/access packed as in the descriptor */
	return 0x000f00000000ffffULL | ((u64)flags_access << 40);
}

static void gdt_load(u64 *g, struct tss *t, u64 ist_df, u64 ist_nmi, u64 ist_mce)
{
	u64 base = (u64)t;
	struct {
		u16 limit;
		u64 base;
	} PACKED gdtr = { 8 * 8 - 1, (u64)g };

	g[0] = 0;
	g[1] = gdt_entry(0xa09a); /* kernel code 64 */
	g[2] = gdt_entry(0xc092); /* kernel data */
	g[3] = gdt_entry(0xc0fa); /* user code 32 (SYSRET base) */
	g[4] = gdt_entry(0xc0f2); /* user data */
	g[5] = gdt_entry(0xa0fa); /* user code 64 */
	g[6] = (sizeof(*t) - 1) | ((base & 0xffffff) << 16) | (0x89ULL << 40) |
	       (((base >> 24) & 0xff) << 56);
	g[7] = base >> 32;
	t->iomap_base = sizeof(*t);
	t->ist[0] = ist_df;
	t->ist[1] = ist_nmi;
	t->ist[2] = ist_mce;
	__asm__ volatile("lgdt %0" ::"m"(gdtr));
	__asm__ volatile("pushq %0\n"
			 "leaq 1f(%%rip), %%rax\n"
			 "pushq %%rax\n"
			 "lretq\n"
			 "1:\n"
			 "movl %1, %%eax\n"
			 "movl %%eax, %%ds\n"
			 "movl %%eax, %%es\n"
			 "movl %%eax, %%ss\n"
			 "xorl %%eax, %%eax\n"
			 "movl %%eax, %%fs\n"
			 "movl %%eax, %%gs\n" ::"i"(GDT_KERNEL_CS),
			 "i"(GDT_KERNEL_DS)
			 : "rax", "memory");
	__asm__ volatile("ltr %w0" ::"r"(GDT_TSS));
}

static void gdt_setup(void)
{
	gdt_load(gdt, &tss, (u64)ist_stack_df + sizeof(ist_stack_df),
		 (u64)ist_stack_nmi + sizeof(ist_stack_nmi),
		 (u64)ist_stack_mce + sizeof(ist_stack_mce));
}

static u64 bsp_cr0, bsp_cr4;

/* IA32_TSC_AUX = the CPU index (node 0), what RDTSCP/RDPID and Linux's
 * getcpu report */
static void cpu_set_tsc_aux(u32 cpu_id)
{
	if ((cpu.ext1_edx & (1u << 27)) || (cpu.leaf7_ecx & (1u << 22)))
		wrmsr(0xc0000103, cpu_id);
}

static void syscall_msrs(void)
{
	/* SYSCALL: CS/SS from STAR[47:32]; SYSRET: STAR[63:48] + 16 / + 8 */
	wrmsr(MSR_STAR, ((u64)GDT_USER_CS32 << 48) | ((u64)GDT_KERNEL_CS << 32));
	wrmsr(MSR_LSTAR, (u64)syscall_entry);
	wrmsr(MSR_FMASK, 0x47700); /* TF DF IF IOPL NT AC cleared on entry */
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
}

void cpu_ap_setup(void *area, u32 cpu_id, u64 ist_base)
{
	u64 *g = area;
	struct tss *t = (struct tss *)((u8 *)area + 64);
	struct percpu *pc = (struct percpu *)((u8 *)area + 256);
	u32 mxcsr = 0x1f80;

	if (cpu.nx)
		wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_NXE);
	write_cr0(bsp_cr0);
	write_cr4(bsp_cr4);
	if (cpu.xsave)
		__asm__ volatile("xsetbv" ::"c"(0), "a"((u32)cpu.xcr0), "d"((u32)(cpu.xcr0 >> 32)));
	__asm__ volatile("fninit");
	__asm__ volatile("ldmxcsr %0" ::"m"(mxcsr));
	gdt_load(g, t, ist_base + 8192, ist_base + 16384, ist_base + 24576);
	pc->self = pc;
	pc->cpu_id = cpu_id;
	pc->tss = t;
	wrmsr(MSR_GS_BASE, (u64)pc);
	cpu_set_tsc_aux(cpu_id);
	wrmsr(MSR_KERNEL_GS_BASE, 0);
	trap_init(); /* the shared IDT (rewritten with the same entries) */
	syscall_msrs();
}

void arch_cpu_init(void)
{
	cpu_detect();
	if (cpu.nx) {
		wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_NXE);
		mm_nx = true;
	}
	gdt_setup();
	percpu0.self = &percpu0;
	percpu0.tss = &tss;
	wrmsr(MSR_GS_BASE, (u64)&percpu0);
	cpu_set_tsc_aux(0);
	wrmsr(MSR_KERNEL_GS_BASE, 0);
	trap_init();
	syscall_msrs();
	fpu_setup();
	u64 cr4 = read_cr4();
	bsp_cr0 = read_cr0();
	bsp_cr4 = cr4;
	klog("cpu: %s%s%s%s%s%s, FPU %s %u bytes (XCR0 %#lx)", cpu.vendor, cpu.nx ? " NX" : "",
	     cr4 & (1ULL << 20) ? " SMEP" : "", cr4 & (1ULL << 21) ? " SMAP" : "",
	     cr4 & (1ULL << 11) ? " UMIP" : "", cpu.avx ? " AVX" : "",
	     cpu.xsaveopt ? "XSAVEOPT" : cpu.xsave ? "XSAVE" : "FXSAVE",
	     cpu.xsave_size, (unsigned long)cpu.xcr0);
}

void arch_set_kernel_stack(u64 top)
{
	struct percpu *pc = this_cpu();

	pc->tss->rsp0 = top;
	pc->kernel_rsp = top;
}

/* CR4.FSGSBASE is set exactly when cpu.fsgsbase (fpu_setup, every CPU):
 * then wrfsbase/rdfsbase, which under emulation are plain register moves
 * where a WRMSR ends the translated block (one per thread switch) */
void arch_set_fs_base(u64 v)
{
	if (cpu.fsgsbase)
		__asm__ volatile("wrfsbase %0" ::"r"(v) : "memory");
	else
		wrmsr(MSR_FS_BASE, v);
}

u64 arch_get_fs_base(void)
{
	u64 v;

	if (!cpu.fsgsbase)
		return rdmsr(MSR_FS_BASE);
	__asm__ volatile("rdfsbase %0" : "=r"(v));
	return v;
}

/* in the kernel (after swapgs) the user's GS base sits in KERNEL_GS_BASE */
void arch_set_user_gs_base(u64 v)
{
	wrmsr(MSR_KERNEL_GS_BASE, v);
}

u64 arch_get_user_gs_base(void)
{
	return rdmsr(MSR_KERNEL_GS_BASE);
}

bool arch_random_u64(u64 *out)
{
	if (!cpu.rdrand)
		return false;
	for (int i = 0; i < 10; i++) {
		u8 ok;

		__asm__ volatile("rdrand %0; setc %1" : "=r"(*out), "=qm"(ok));
		if (ok)
			return true;
	}
	return false;
}

u64 arch_hwcap(void)
{
	return cpu.leaf1_edx;
}

u64 arch_hwcap2(void)
{
	/* HWCAP2_RING3MWAIT (bit 0) no, HWCAP2_FSGSBASE (bit 1) if enabled */
	return cpu.fsgsbase ? 2 : 0;
}

void arch_flush_tlb_local(u64 va)
{
	__asm__ volatile("invlpg (%0)" ::"r"(va) : "memory");
}

u64 arch_kernel_cr3(void)
{
	return read_cr3();
}

u64 arch_rdtsc(void)
{
	return rdtsc();
}

void arch_wait_irq(void)
{
	/* Device interrupts go to CPU 0 and their handlers need the kernel
	 * lock this caller holds: elsewhere, open a short interrupt window
	 * (local timer, IPIs) and let the caller poll again. The jmp makes
	 * TCG deliver pending interrupts. */
	if (this_cpu()->cpu_id != 0) {
		__asm__ volatile("sti; nop; jmp 1f; 1: pause; cli" ::: "memory");
		return;
	}
	/* sti's one-instruction shadow: no interrupt slips in before hlt */
	__asm__ volatile("sti; hlt; cli" ::: "memory");
}

void arch_halt_forever(void)
{
	for (;;)
		__asm__ volatile("cli; hlt");
}
