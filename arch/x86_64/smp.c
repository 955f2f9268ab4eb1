/*
 * smp.c - application processor bring-up (arch layer): for each enabled
 * processor the ACPI MADT lists besides the boot CPU, the INIT-SIPI-SIPI
 * sequence starts it in the real-mode trampoline (trampoline.S, copied to
 * physical 0x8000) which reaches ap_main here in long mode; ap_main loads
 * the kernel page tables and its own GDT, TSS (IST stacks), per-CPU area
 * (GS base), IDT, SYSCALL MSRs, FPU/XSAVE state and local APIC (its own
 * timer), reports itself online and waits in hlt until the scheduler
 * starts (arch_smp_start from sched_set_first); then it takes the kernel
 * lock and becomes a scheduler CPU (sched_ap_start: its idle thread).
 * Called once by kernel_main (arch_smp_init) after the clock is
 * calibrated.
 */
#include "kernel/kernel.h"
#include "kernel/sched.h"
#include "arch.h"
#include "arch/x86_64/x86.h"
#include "arch/x86_64/kmap.h"

#define SMP_TRAMP_PHYS 0x8000
#define SMP_MAX_CPUS ARCH_MAX_CPUS

extern const char smp_tramp_start[], smp_tramp_end[];
extern const char smp_tramp_cr3[], smp_tramp_efer[], smp_tramp_stack[], smp_tramp_entry[],
	smp_tramp_arg[];

struct ap_boot {
	u32 cpu_id;
	u32 apic_id;
	u64 cr3;
	void *area;     /* GDT, TSS, per-CPU data */
	u64 ist;        /* IST stacks */
	volatile u32 online;
};

static unsigned cpus_online = 1;
static u32 cpu_apic[SMP_MAX_CPUS]; /* CPU index -> local APIC id */
static u32 smp_go;                  /* the scheduler runs: APs may join */

u32 smp_cpu_apic_id(unsigned idx)
{
	return cpu_apic[idx];
}

static void ap_main(void *arg)
{
	struct ap_boot *b = arg;

	write_cr3(b->cr3); /* the kernel's tables (the trampoline's had 0-2 MiB 1:1) */
	cpu_ap_setup(b->area, b->cpu_id, b->ist);
	kmap_cpu_record(b->cpu_id); /* CR0.WP and EFER.NXE, for the W^X self-test */
	apic_ap_init();
	__atomic_store_n(&b->online, 1, __ATOMIC_RELEASE);
	/* halted (no host CPU) until the first user thread exists */
	while (!__atomic_load_n(&smp_go, __ATOMIC_ACQUIRE))
		__asm__ volatile("sti; hlt; cli" ::: "memory");
	arch_bkl_lock();
	sched_ap_start(); /* never returns: this CPU's idle thread */
	arch_halt_forever();
}

void arch_smp_start(void)
{
	__atomic_store_n(&smp_go, 1, __ATOMIC_RELEASE);
	for (unsigned c = 1; c < cpus_online; c++)
		apic_send_ipi_raw(cpu_apic[c], VEC_RESCHED | 0x4000);
}

static void delay_us(u64 us)
{
	u64 end = arch_clock_ns() + us * 1000;

	while (arch_clock_ns() < end)
		__asm__ volatile("pause");
}

static void tramp_set(const char *field, u64 v)
{
	*(u64 *)phys_to_virt(SMP_TRAMP_PHYS + (u64)(field - smp_tramp_start)) = v;
}

/* a page table for the trampoline: the kernel half (W^X, kmap.c) and
 * the trampoline's own page 1:1, read-only and executable (it only reads
 * its data words; its GDT has the accessed bits set) */
static u64 tramp_page_table(void)
{
	u64 pml4 = page_alloc(0), pdpt = page_alloc(0), pd = page_alloc(0), pt = page_alloc(0);
	u64 *k = phys_to_virt(read_cr3() & ~0xfffULL);
	u64 *t;

	if (!pml4 || !pdpt || !pd || !pt || pml4 >= (1ULL << 32))
		return 0;
	t = phys_to_virt(pml4);
	for (int i = 256; i < 512; i++)
		t[i] = k[i];
	t[0] = pdpt | 3;
	((u64 *)phys_to_virt(pdpt))[0] = pd | 3;
	((u64 *)phys_to_virt(pd))[0] = pt | 3;
	((u64 *)phys_to_virt(pt))[SMP_TRAMP_PHYS >> 12] = SMP_TRAMP_PHYS | 1; /* present, R, X */
	return pml4;
}

static bool start_ap(u32 cpu_id, u32 apic_id, u64 tramp_cr3)
{
	struct ap_boot *b = kzalloc(sizeof(*b));
	u64 area = page_alloc(0), ist = page_alloc(3), stack = page_alloc(2);

	if (!b || !area || !ist || !stack) {
		klog("smp: out of memory for CPU %u", cpu_id);
		return false;
	}
	b->cpu_id = cpu_id;
	b->apic_id = apic_id;
	b->cr3 = read_cr3();
	b->area = phys_to_virt(area);
	b->ist = (u64)phys_to_virt(ist);
	tramp_set(smp_tramp_cr3, tramp_cr3);
	tramp_set(smp_tramp_efer, (1u << 8) | (cpu.nx ? (1u << 11) : 0) | 1); /* LME NXE SCE */
	tramp_set(smp_tramp_stack, (u64)phys_to_virt(stack) + (PAGE_SIZE << 2) - 16);
	tramp_set(smp_tramp_entry, (u64)ap_main);
	tramp_set(smp_tramp_arg, (u64)b);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	apic_send_ipi_raw(apic_id, 0x4500); /* INIT, level assert */
	/* the MP spec's 10 ms INIT settle time is for real hardware: a
	 * virtual CPU is ready at once (Linux skips it too) */
	delay_us(cpu.hypervisor ? 0 : 10000);
	/* STARTUP twice (an AP that already runs ignores the second one) */
	apic_send_ipi_raw(apic_id, 0x4600 | (SMP_TRAMP_PHYS >> 12));
	delay_us(200);
	if (!__atomic_load_n(&b->online, __ATOMIC_ACQUIRE))
		apic_send_ipi_raw(apic_id, 0x4600 | (SMP_TRAMP_PHYS >> 12));
	for (int w = 0; w < 20000 && !__atomic_load_n(&b->online, __ATOMIC_ACQUIRE); w++)
		delay_us(10); /* up to 200 ms */
	if (!b->online) {
		klog("smp: CPU %u (APIC id %u) did not come up", cpu_id, apic_id);
		return false;
	}
	return true;
}

void arch_smp_init(void)
{
	u32 me = apic_local_id();
	u64 size = (u64)(smp_tramp_end - smp_tramp_start), cr3, t0 = arch_clock_ns();
	unsigned next_id = 1;

	cpu_apic[0] = me;
	if (acpi.nr_cpus <= 1)
		return;
	if (size > PAGE_SIZE)
		panic("smp: trampoline larger than a page");
	cr3 = tramp_page_table();
	if (!cr3) {
		klog("smp: no page table below 4 GiB for the trampoline: one CPU");
		return;
	}
	memcpy(phys_to_virt(SMP_TRAMP_PHYS), smp_tramp_start, size);
	for (unsigned i = 0; i < acpi.nr_cpus && next_id < SMP_MAX_CPUS; i++) {
		if (acpi.cpu_apic_id[i] == me)
			continue;
		if (start_ap(next_id, acpi.cpu_apic_id[i], cr3)) {
			cpu_apic[next_id] = acpi.cpu_apic_id[i];
			next_id++;
			cpus_online++;
		}
	}
	klog("smp: %u of %u CPUs online in %lu us",
	     cpus_online, acpi.nr_cpus, (unsigned long)((arch_clock_ns() - t0) / 1000));
}

unsigned arch_cpus_online(void)
{
	return cpus_online;
}
