/*
 * clock.c - time sources (arch layer). Monotonic time is the TSC scaled to
 * ns from kernel entry (boot.S records the entry TSC); with KVM's
 * kvmclock present, the pvclock page gives ns instead. The TSC rate comes
 * from, in order: kvmclock, the hypervisor TSC leaf 0x40000010, CPUID 0x15,
 * then a ~2 ms PIT (or ACPI PM timer) measurement. Wall time is the CMOS
 * RTC (or the KVM wall clock) read once at boot. Called by kernel/time and
 * the timer code in apic.c.
 */
#include "kernel/kernel.h"
#include "arch.h"
#include "arch/x86_64/x86.h"

struct pvclock {
	u32 version;
	u32 pad0;
	u64 tsc_timestamp;
	u64 system_time;
	u32 tsc_to_system_mul;
	s8 tsc_shift;
	u8 flags;
	u8 pad[2];
} PACKED;
_Static_assert(sizeof(struct pvclock) == 32, "pvclock_vcpu_time_info is 32 bytes");

struct pvclock_wall {
	u32 version;
	u32 sec;
	u32 nsec;
} PACKED;

static struct pvclock kvm_time __attribute__((aligned(64)));
static struct pvclock_wall kvm_wall __attribute__((aligned(16)));
static bool use_kvmclock;
static u64 kvm_boot_ns; /* kvmclock reading at kernel entry */
static u64 tsc_hz;
static u64 entry_tsc; /* TSC at kernel entry (boot.S) */
static u64 ns_mult; /* ns = (tsc delta * ns_mult) >> 32 */
static u64 realtime_base;
static const char *tsc_source = "?";

u64 arch_tsc_hz(void)
{
	return tsc_hz;
}

static u64 pvclock_delta_ns(const struct pvclock *p, u64 delta)
{
	if (p->tsc_shift >= 0)
		delta <<= p->tsc_shift;
	else
		delta >>= -p->tsc_shift;
	return (u64)(((unsigned __int128)delta * p->tsc_to_system_mul) >> 32);
}

static u64 kvmclock_read(void)
{
	u32 v;
	u64 ns;

	do {
		v = kvm_time.version;
		barrier();
		ns = kvm_time.system_time + pvclock_delta_ns(&kvm_time, rdtsc() - kvm_time.tsc_timestamp);
		barrier();
	} while ((v & 1) || v != kvm_time.version);
	return ns;
}

u64 arch_clock_ns(void)
{
	if (use_kvmclock)
		return kvmclock_read() - kvm_boot_ns;
	if (!ns_mult)
		return 0;
	return (u64)(((unsigned __int128)(rdtsc() - entry_tsc) * ns_mult) >> 32);
}

u64 arch_tsc_to_ns(u64 tsc)
{
	if (!ns_mult || tsc < entry_tsc)
		return 0;
	return (u64)(((unsigned __int128)(tsc - entry_tsc) * ns_mult) >> 32);
}

u64 arch_realtime_base_ns(void)
{
	return realtime_base;
}

static u16 pit_read(void)
{
	u8 lo, hi;

	outb(0x43, 0x00); /* latch channel 0 */
	lo = inb(0x40);
	hi = inb(0x40);
	return (u16)(lo | (hi << 8));
}

/*
 * The PIT measurement overlaps the rest of early boot: arch_clock_start()
 * (right after the console) starts channel 0 counting down from 0xffff in
 * mode 0 and notes the TSC; by arch_clock_init the boot has usually spent
 * more than the 2 ms needed, so no waiting at all. Mode 0's OUT pin (read
 * back in the status byte) tells whether the count wrapped (> 55 ms).
 */
static u64 early_tsc;
static u16 early_count;
static bool early_started;

void arch_clock_start(void)
{
	outb(0x43, 0x30); /* channel 0, lo/hi, mode 0 */
	outb(0x40, 0xff);
	outb(0x40, 0xff);
	early_count = pit_read();
	early_tsc = rdtsc();
	early_started = true;
}

static u64 calibrate_pit_early(void)
{
	u8 status, lo, hi;
	u16 c;
	u64 t;

	if (!early_started)
		return 0;
	outb(0x43, 0xc2); /* read-back: latch count and status of channel 0 */
	status = inb(0x40);
	lo = inb(0x40);
	hi = inb(0x40);
	t = rdtsc();
	c = (u16)(lo | (hi << 8));
	if (status == 0xff || (status & 0x80) || c >= early_count)
		return 0; /* no PIT, or wrapped (OUT high): measure the slow way */
	if ((u16)(early_count - c) < 2386)
		return 0; /* under 2 ms: too short to be precise */
	return mul_div64(t - early_tsc, 1193182u, (u16)(early_count - c));
}

/* TSC ticks over ~2 ms of PIT channel 0 (1.193182 MHz); 0 if no PIT */
static u64 calibrate_pit(void)
{
	const u32 want = 2386;
	u16 c0, c;
	u64 t0, t1;

	outb(0x43, 0x30); /* channel 0, lo/hi, mode 0 */
	outb(0x40, 0xff);
	outb(0x40, 0xff);
	c0 = pit_read();
	t0 = rdtsc();
	for (u32 i = 0; i < 2000000; i++) {
		c = pit_read();
		if ((u16)(c0 - c) >= want && c < c0) {
			t1 = rdtsc();
			return mul_div64(t1 - t0, 1193182u, (u16)(c0 - c));
		}
	}
	return 0;
}

/* the same with the ACPI PM timer (3.579545 MHz, 24 bits) */
static u64 calibrate_pmtimer(void)
{
	const u32 want = 7159;
	u16 port = (u16)acpi.pm_timer_port;
	u32 c0, c;
	u64 t0;

	if (!port)
		return 0;
	c0 = inl(port) & 0xffffff;
	t0 = rdtsc();
	for (u32 i = 0; i < 2000000; i++) {
		c = inl(port) & 0xffffff;
		u32 d = (c - c0) & 0xffffff;
		if (d >= want)
			return mul_div64(rdtsc() - t0, 3579545u, d);
	}
	return 0;
}

static void kvmclock_init(void)
{
	u64 tsc_now, ns_now;

	wrmsr(MSR_KVM_SYSTEM_TIME_NEW, virt_to_phys(&kvm_time) | 1);
	if (!kvm_time.tsc_to_system_mul)
		return;
	use_kvmclock = true;
	tsc_now = rdtsc();
	ns_now = kvmclock_read();
	kvm_boot_ns = ns_now - pvclock_delta_ns(&kvm_time, tsc_now - entry_tsc);
	/* TSC rate implied by the scale: 1e9 * 2^32 / mul, undo the shift */
	tsc_hz = mul_div64(1000000000u, 1ULL << 32, kvm_time.tsc_to_system_mul);
	if (kvm_time.tsc_shift >= 0)
		tsc_hz >>= kvm_time.tsc_shift;
	else
		tsc_hz <<= -kvm_time.tsc_shift;
	tsc_source = "kvmclock";
	wrmsr(MSR_KVM_WALL_CLOCK_NEW, virt_to_phys(&kvm_wall));
	barrier();
	/* wall clock = boot time of the VM + kvmclock ns */
	realtime_base = (u64)kvm_wall.sec * 1000000000u + kvm_wall.nsec + kvm_boot_ns;
}

static u8 cmos_read(u8 reg)
{
	outb(0x70, reg);
	return inb(0x71);
}

static u64 days_from_civil(s64 y, unsigned m, unsigned d)
{
	/* days since 1970-01-01 (Howard Hinnant's algorithm) */
	y -= m <= 2;
	s64 era = (y >= 0 ? y : y - 399) / 400;
	u64 yoe = (u64)(y - era * 400);
	u64 doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	u64 doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (u64)(era * 146097 + (s64)doe - 719468);
}

static u64 rtc_read_epoch(void)
{
	u8 s, mi, h, d, mo, y, cent, b, s2;

	for (int tries = 0; tries < 1000000 && (cmos_read(0x0a) & 0x80); tries++)
		;
	do {
		s = cmos_read(0x00);
		mi = cmos_read(0x02);
		h = cmos_read(0x04);
		d = cmos_read(0x07);
		mo = cmos_read(0x08);
		y = cmos_read(0x09);
		cent = cmos_read(0x32);
		s2 = cmos_read(0x00);
	} while (s != s2);
	b = cmos_read(0x0b);
	if (s == 0xff && mo == 0xff)
		return 0; /* no RTC */
	bool pm = h & 0x80;
	h &= 0x7f;
	if (!(b & 4)) {
#define BCD(x) (u8)(((x) & 0xf) + ((x) >> 4) * 10)
		s = BCD(s);
		mi = BCD(mi);
		h = BCD(h);
		d = BCD(d);
		mo = BCD(mo);
		y = BCD(y);
		cent = BCD(cent);
	}
	if (!(b & 2) && pm)
		h = (u8)((h % 12) + 12);
	if (mo < 1 || mo > 12 || d < 1 || d > 31)
		return 0;
	u64 year = (cent >= 19 && cent <= 30) ? cent * 100u + y : 2000u + y;
	return days_from_civil((s64)year, mo, d) * 86400 + h * 3600u + mi * 60u + s;
}

void arch_clock_init(void)
{
	u32 a, b, c, d;

	/* .boot data is linked at its physical address: read it via the direct map */
	entry_tsc = *(u64 *)phys_to_virt((u64)&boot_tsc0);
	if (cpu.kvmclock)
		kvmclock_init();
	if (!tsc_hz && cpu.hv_max_leaf >= 0x40000010) {
		cpuid(0x40000010, 0, &a, &b, &c, &d);
		if (a) {
			tsc_hz = (u64)a * 1000;
			tsc_source = "hypervisor leaf";
		}
	}
	if (!tsc_hz && cpu.max_leaf >= 0x15) {
		cpuid(0x15, 0, &a, &b, &c, &d);
		if (a && b && c) {
			tsc_hz = (u64)c * b / a;
			tsc_source = "CPUID 0x15";
		}
	}
	if (!tsc_hz && (tsc_hz = calibrate_pit_early()))
		tsc_source = "PIT (overlapped with boot)";
	if (!tsc_hz && (tsc_hz = calibrate_pit()))
		tsc_source = "PIT";
	if (!tsc_hz && (tsc_hz = calibrate_pmtimer()))
		tsc_source = "PM timer";
	if (!tsc_hz) {
		tsc_hz = 1000000000;
		tsc_source = "guess (no PIT, no PM timer)";
	}
	ns_mult = mul_div64(1000000000u, 1ULL << 32, tsc_hz);
	if (!use_kvmclock) {
		u64 epoch = rtc_read_epoch();

		if (epoch)
			realtime_base = epoch * 1000000000u - arch_clock_ns();
	}
	klog("clock: TSC %lu kHz from %s%s; CPU %s%s%s", (unsigned long)(tsc_hz / 1000),
	     tsc_source, use_kvmclock ? ", kvmclock for time" : "", cpu.vendor,
	     cpu.hypervisor ? ", hypervisor " : "", cpu.hypervisor ? cpu.hv_vendor : "");
}
