/*
 * apic.c - interrupts (arch layer): the local APIC (x2APIC through MSRs
 * when CPUID has it, xAPIC MMIO otherwise), the IOAPICs named by the ACPI
 * MADT (0xfec00000 when there is no MADT), the legacy 8259 PICs remapped
 * and masked, the vector table behind irq_alloc, GSI routing for drivers,
 * MSI messages, and the one-shot timer (TSC-deadline mode when present,
 * else the LAPIC timer in one-shot mode; each CPU has its own), the
 * reschedule IPI's handler and IPI sending (apic_send_ipi_raw). Called by
 * init (arch_irq_init), drivers (irq_*), kernel time code
 * (arch_timer_arm) and smp.c/smp_lock.c.
 */
#include "kernel/kernel.h"
#include "kernel/time.h"
#include "kernel/sched.h"
#include "arch.h"
#include "arch/x86_64/x86.h"

#define LAPIC_ID 0x20
#define LAPIC_EOI 0xb0
#define LAPIC_SVR 0xf0
#define LAPIC_LVT_TIMER 0x320
#define LAPIC_LVT_LINT0 0x350
#define LAPIC_LVT_LINT1 0x360
#define LAPIC_TIMER_INIT 0x380
#define LAPIC_TIMER_CUR 0x390
#define LAPIC_TIMER_DIV 0x3e0

#define VEC_FIRST_DYNAMIC 0x30
#define VEC_TIMER 0xef
#define VEC_SPURIOUS 0xff

static volatile u8 *lapic_mmio;
static bool use_x2apic;
static u32 lapic_id;
static u64 lapic_timer_hz; /* one-shot mode: ticks per second (divide by 1) */
static u64 lapic_cal_tsc;  /* TSC when the BSP's calibration count started */

static struct {
	irq_handler_fn fn;
	void *arg;
} vectors[256];
static int next_vector = VEC_FIRST_DYNAMIC;

struct ioapic {
	volatile u32 *mmio;
	u32 gsi_base, pins;
};
static struct ioapic ioapics[8];
static unsigned nr_ioapics;

static u32 lapic_read(u32 reg)
{
	if (use_x2apic)
		return (u32)rdmsr(0x800 + (reg >> 4));
	return mmio_read32(lapic_mmio + reg);
}

static void lapic_write(u32 reg, u32 v)
{
	if (use_x2apic)
		wrmsr(0x800 + (reg >> 4), v);
	else
		mmio_write32(lapic_mmio + reg, v);
}

void apic_eoi(void)
{
	lapic_write(LAPIC_EOI, 0);
}

static u32 ioapic_read(struct ioapic *io, u32 reg)
{
	io->mmio[0] = reg;
	return io->mmio[4];
}

static void ioapic_write(struct ioapic *io, u32 reg, u32 v)
{
	io->mmio[0] = reg;
	io->mmio[4] = v;
}

static void pic_disable(void)
{
	/* remap to 0x20-0x2f so a stray IRQ is not an exception, then mask */
	outb(0x20, 0x11);
	outb(0xa0, 0x11);
	outb(0x21, 0x20);
	outb(0xa1, 0x28);
	outb(0x21, 4);
	outb(0xa1, 2);
	outb(0x21, 1);
	outb(0xa1, 1);
	outb(0x21, 0xff);
	outb(0xa1, 0xff);
}

static void ioapic_add(u32 phys, u32 gsi_base)
{
	struct ioapic *io;
	void *m;

	if (nr_ioapics >= ARRAY_SIZE(ioapics) || vm_map_mmio(phys, 0x20, &m))
		return;
	io = &ioapics[nr_ioapics++];
	io->mmio = m;
	io->gsi_base = gsi_base;
	io->pins = ((ioapic_read(io, 1) >> 16) & 0xff) + 1;
	for (u32 i = 0; i < io->pins; i++) {
		ioapic_write(io, 0x10 + 2 * i, 1u << 16); /* masked */
		ioapic_write(io, 0x11 + 2 * i, 0);
	}
}

static void timer_irq(void *arg)
{
	/* sleepers re-check the clock themselves; the kernel tick (net/
	 * timers) runs and the timer is re-armed here */
	clock_timer_interrupt();
}

/* another CPU wants this one in the kernel: made something runnable,
 * signalled a thread here, or needs the quantum timer armed */
static void resched_irq(void *arg)
{
	sched_resched_interrupt();
}

/* the timer mode every CPU uses: TSC-deadline, else one-shot (masked
 * until armed) */
static void lapic_timer_setup(void)
{
	lapic_write(LAPIC_TIMER_DIV, 0xb); /* divide by 1 */
	if (cpu.tsc_deadline)
		lapic_write(LAPIC_LVT_TIMER, VEC_TIMER | (2u << 17));
	else
		lapic_write(LAPIC_LVT_TIMER, VEC_TIMER | (1u << 16));
}

void arch_irq_init(void)
{
	u64 base;

	pic_disable();
	acpi_init();
	base = rdmsr(MSR_APIC_BASE);
	if (cpu.x2apic) {
		/* disabled -> x2APIC directly is an invalid transition: via xAPIC */
		wrmsr(MSR_APIC_BASE, base | (1u << 11));
		wrmsr(MSR_APIC_BASE, base | (1u << 11) | (1u << 10));
		use_x2apic = true;
	} else {
		u64 phys = acpi.lapic_phys ? acpi.lapic_phys : (base & ~0xfffULL);
		void *m;

		wrmsr(MSR_APIC_BASE, base | (1u << 11));
		if (vm_map_mmio(phys, 0x1000, &m))
			panic("apic: cannot map the local APIC at %#lx", (unsigned long)phys);
		lapic_mmio = m;
	}
	lapic_id = lapic_read(LAPIC_ID);
	if (!use_x2apic)
		lapic_id >>= 24;
	lapic_write(LAPIC_SVR, 0x100 | VEC_SPURIOUS);
	lapic_write(LAPIC_LVT_LINT0, 1u << 16);
	lapic_write(LAPIC_LVT_LINT1, 1u << 16);
	if (acpi.nr_ioapics) {
		for (unsigned i = 0; i < acpi.nr_ioapics; i++)
			ioapic_add(acpi.ioapic[i].phys, acpi.ioapic[i].gsi_base);
	} else {
		ioapic_add(0xfec00000, 0);
	}
	vectors[VEC_TIMER].fn = timer_irq;
	vectors[VEC_RESCHED].fn = resched_irq;
	lapic_timer_setup();
	if (!cpu.tsc_deadline) {
		/* the calibration count runs (masked) from here to the first
		 * arm, so it rarely has to wait: lapic_timer_calibrate */
		lapic_write(LAPIC_TIMER_INIT, 0xffffffff);
		lapic_cal_tsc = rdtsc();
	}
	klog("irq: %s id %u, %u IOAPIC(s), timer %s, ACPI %s", use_x2apic ? "x2APIC" : "xAPIC",
	     lapic_id, nr_ioapics, cpu.tsc_deadline ? "TSC-deadline" : "LAPIC one-shot",
	     acpi.found ? "yes" : "no");
}

/* LAPIC timer rate against the (already calibrated) TSC over at least
 * ~1 ms: counted from arch_irq_init (overlapped with the boot), else
 * from now */
u32 apic_local_id(void)
{
	u32 id = lapic_read(LAPIC_ID);

	return use_x2apic ? id : id >> 24;
}

/* the local APIC of an application processor: same mode as the BSP's,
 * enabled, LINT0/1 masked, its own timer as the BSP's */
void apic_ap_init(void)
{
	u64 base = rdmsr(MSR_APIC_BASE);

	if (use_x2apic) {
		wrmsr(MSR_APIC_BASE, base | (1u << 11));
		wrmsr(MSR_APIC_BASE, base | (1u << 11) | (1u << 10));
	} else {
		wrmsr(MSR_APIC_BASE, base | (1u << 11));
	}
	lapic_write(LAPIC_SVR, 0x100 | VEC_SPURIOUS);
	lapic_write(LAPIC_LVT_LINT0, 1u << 16);
	lapic_write(LAPIC_LVT_LINT1, 1u << 16);
	lapic_timer_setup();
}

#define LAPIC_ICR_LOW 0x300
#define LAPIC_ICR_HIGH 0x310

void apic_send_ipi_raw(u32 apic_id, u32 low)
{
	if (use_x2apic) {
		wrmsr(0x800 + (LAPIC_ICR_LOW >> 4), ((u64)apic_id << 32) | low);
		return;
	}
	lapic_write(LAPIC_ICR_HIGH, apic_id << 24);
	lapic_write(LAPIC_ICR_LOW, low);
	for (int i = 0; i < 1000000 && (lapic_read(LAPIC_ICR_LOW) & (1u << 12)); i++)
		__asm__ volatile("pause");
}

static void lapic_timer_calibrate(void)
{
	u64 hz = arch_tsc_hz(), t0, t1;
	u32 c1;

	lapic_write(LAPIC_LVT_TIMER, VEC_TIMER | (1u << 16));
	t0 = lapic_cal_tsc;
	if (!t0 || !lapic_read(LAPIC_TIMER_CUR)) { /* not started, or ran out */
		lapic_write(LAPIC_TIMER_INIT, 0xffffffff);
		t0 = rdtsc();
	}
	while (rdtsc() - t0 < hz / 1000)
		;
	c1 = lapic_read(LAPIC_TIMER_CUR);
	t1 = rdtsc();
	lapic_write(LAPIC_TIMER_INIT, 0);
	lapic_timer_hz = mul_div64(0xffffffffu - c1, hz, t1 - t0);
	if (!lapic_timer_hz)
		lapic_timer_hz = 1000000000;
	klog("irq: LAPIC timer %lu Hz", (unsigned long)lapic_timer_hz);
}

void arch_timer_arm(u64 deadline_ns)
{
	u64 now = arch_clock_ns();

	if (cpu.tsc_deadline) {
		u64 tsc = 0;

		if (deadline_ns) {
			u64 delta = deadline_ns > now ? deadline_ns - now : 0;

			delta = MIN(delta, 1000000000ULL * 86400 * 365); /* sleepers loop */
			tsc = rdtsc() + mul_div64(delta, arch_tsc_hz(), 1000000000u);
			if (!tsc)
				tsc = 1;
		}
		wrmsr(MSR_TSC_DEADLINE, tsc);
		return;
	}
	if (!lapic_timer_hz)
		lapic_timer_calibrate();
	if (!deadline_ns) {
		lapic_write(LAPIC_TIMER_INIT, 0);
		return;
	}
	u64 delta = deadline_ns > now ? deadline_ns - now : 0;
	u64 ticks = mul_div64(MIN(delta, 1000000000ULL * 3600), lapic_timer_hz, 1000000000u);
	if (ticks == 0)
		ticks = 1;
	if (ticks > 0xffffffffu)
		ticks = 0xffffffffu; /* wakes early; sleepers loop */
	lapic_write(LAPIC_LVT_TIMER, VEC_TIMER);
	lapic_write(LAPIC_TIMER_INIT, (u32)ticks);
}

int irq_alloc(irq_handler_fn fn, void *arg)
{
	if (!fn)
		return -EINVAL;
	if (next_vector >= VEC_RESCHED)
		return -ENOSPC;
	vectors[next_vector].fn = fn;
	vectors[next_vector].arg = arg;
	return next_vector++;
}

int irq_route_gsi(u32 gsi, int vector, bool level, bool active_low)
{
	if (vector < 32 || vector > 0xfe)
		return -EINVAL;
	for (unsigned i = 0; i < nr_ioapics; i++) {
		struct ioapic *io = &ioapics[i];

		if (gsi < io->gsi_base || gsi >= io->gsi_base + io->pins)
			continue;
		u32 pin = gsi - io->gsi_base;
		u32 lo = (u32)vector | (level ? 1u << 15 : 0) | (active_low ? 1u << 13 : 0);
		ioapic_write(io, 0x11 + 2 * pin, lapic_id << 24);
		ioapic_write(io, 0x10 + 2 * pin, lo);
		return 0;
	}
	return -ENODEV;
}

void irq_msi_message(int vector, u64 *addr, u32 *data)
{
	*addr = 0xfee00000ULL | ((u64)(lapic_id & 0xff) << 12);
	*data = (u32)vector; /* fixed delivery, edge */
}

void irq_dispatch(struct user_regs *r)
{
	u64 v = r->vector;

	if (v == VEC_SPURIOUS)
		return;
	if (v < 256 && vectors[v].fn)
		vectors[v].fn(vectors[v].arg);
	apic_eoi();
}
