/*
 * acpi.c - the little of ACPI the kernel needs (arch layer): find the RSDP
 * (PVH start info, else the BIOS area scan), walk the RSDT/XSDT, read the
 * MADT (local APIC address, IOAPICs, ISA interrupt overrides) and the FADT
 * (PM1 control ports or the hardware-reduced sleep register, PM timer, and
 * the \_S5 sleep type from the DSDT) for power-off. Called once by
 * arch_irq_init; the results sit in `acpi` (x86.h).
 */
#include "kernel/kernel.h"
#include "arch.h"
#include "arch/x86_64/x86.h"

struct acpi_info acpi;

struct acpi_sdt {
	char sig[4];
	u32 length;
	u8 revision;
	u8 checksum;
	char oem[6];
	char oem_table[8];
	u32 oem_rev;
	u32 creator, creator_rev;
} PACKED;
_Static_assert(sizeof(struct acpi_sdt) == 36, "ACPI table header is 36 bytes");

static struct {
	u8 space; /* 0 memory, 1 I/O */
	u64 addr;
	bool valid;
} sleep_ctl;

static const void *acpi_map(u64 phys, u64 len)
{
	void *v;

	if (phys + len <= (1ULL << 30))
		return phys_to_virt(phys);
	if (vm_map_mmio(phys, len, &v))
		return NULL;
	return v;
}

static bool acpi_sum_ok(const void *p, u64 len)
{
	u8 sum = 0;

	for (u64 i = 0; i < len; i++)
		sum += ((const u8 *)p)[i];
	return sum == 0;
}

static u64 rsdp_scan(void)
{
	for (u64 a = 0xe0000; a < 0x100000; a += 16) {
		const char *p = phys_to_virt(a);

		if (!memcmp(p, "RSD PTR ", 8) && acpi_sum_ok(p, 20))
			return a;
	}
	return 0;
}

static const struct acpi_sdt *sdt_get(u64 phys)
{
	const struct acpi_sdt *h = acpi_map(phys, sizeof(*h));

	if (!h || h->length < sizeof(*h) || h->length > (1u << 20))
		return NULL;
	h = acpi_map(phys, h->length);
	if (!h || !acpi_sum_ok(h, h->length))
		return NULL;
	return h;
}

static void parse_madt(const struct acpi_sdt *t)
{
	const u8 *p = (const u8 *)t + 44, *end = (const u8 *)t + t->length;

	acpi.lapic_phys = *(const u32 *)((const u8 *)t + 36);
	while (p + 2 <= end && p[1] >= 2 && p + p[1] <= end) {
		switch (p[0]) {
		case 1: /* IOAPIC */
			if (acpi.nr_ioapics < ARRAY_SIZE(acpi.ioapic)) {
				acpi.ioapic[acpi.nr_ioapics].phys = *(const u32 *)(p + 4);
				acpi.ioapic[acpi.nr_ioapics].gsi_base = *(const u32 *)(p + 8);
				acpi.nr_ioapics++;
			}
			break;
		case 2: /* interrupt source override */
			if (acpi.nr_iso < ARRAY_SIZE(acpi.iso)) {
				acpi.iso[acpi.nr_iso].isa_irq = p[3];
				acpi.iso[acpi.nr_iso].gsi = *(const u32 *)(p + 4);
				acpi.iso[acpi.nr_iso].flags = *(const u16 *)(p + 8);
				acpi.nr_iso++;
			}
			break;
		case 0: /* processor local APIC: enabled (bit 0) or online-capable (bit 1) */
			if ((*(const u32 *)(p + 4) & 1) && acpi.nr_cpus < ARRAY_SIZE(acpi.cpu_apic_id))
				acpi.cpu_apic_id[acpi.nr_cpus++] = p[3];
			break;
		case 9: /* processor local x2APIC */
			if (p[1] >= 16 && (*(const u32 *)(p + 8) & 1) &&
			    acpi.nr_cpus < ARRAY_SIZE(acpi.cpu_apic_id))
				acpi.cpu_apic_id[acpi.nr_cpus++] = *(const u32 *)(p + 4);
			break;
		case 5: /* 64-bit local APIC address */
			acpi.lapic_phys = *(const u64 *)(p + 4);
			break;
		}
		p += p[1];
	}
}

/* \_S5_ package in the DSDT AML: Name(_S5_, Package(){typa, typb, ...}) */
static void parse_s5(const struct acpi_sdt *dsdt)
{
	const u8 *p = (const u8 *)dsdt + sizeof(*dsdt), *end = (const u8 *)dsdt + dsdt->length;

	for (; p + 12 < end; p++) {
		if (memcmp(p, "_S5_", 4) || p[4] != 0x12)
			continue;
		const u8 *q = p + 5;
		q += 1 + (*q >> 6); /* PkgLength */
		q++;                /* NumElements */
		u8 v[2];
		for (int i = 0; i < 2; i++) {
			if (*q == 0x0a) { /* BytePrefix */
				v[i] = q[1];
				q += 2;
			} else {
				v[i] = *q; /* ZeroOp 0, OneOp 1 */
				q++;
			}
		}
		acpi.s5_typa = v[0];
		acpi.s5_typb = v[1];
		acpi.s5_found = true;
		return;
	}
}

static void parse_fadt(const struct acpi_sdt *t)
{
	const u8 *b = (const u8 *)t;
	u64 dsdt = *(const u32 *)(b + 40);

	if (t->length >= 80) {
		acpi.pm1a_cnt = (u16) * (const u32 *)(b + 64);
		acpi.pm1b_cnt = (u16) * (const u32 *)(b + 68);
		acpi.pm_timer_port = *(const u32 *)(b + 76);
	}
	if (t->length >= 148 && *(const u64 *)(b + 140))
		dsdt = *(const u64 *)(b + 140);
	if (t->length >= 256 && *(const u64 *)(b + 248)) { /* SLEEP_CONTROL_REG */
		sleep_ctl.space = b[244];
		sleep_ctl.addr = *(const u64 *)(b + 248);
		sleep_ctl.valid = true;
	}
	if (dsdt) {
		const struct acpi_sdt *d = sdt_get(dsdt);

		if (d && !memcmp(d->sig, "DSDT", 4))
			parse_s5(d);
	}
}

void acpi_init(void)
{
	u64 rsdp_phys = boot_rsdp();
	const u8 *rsdp;
	const struct acpi_sdt *root;
	unsigned entry_size;

	if (!rsdp_phys)
		rsdp_phys = rsdp_scan();
	if (!rsdp_phys)
		return;
	rsdp = acpi_map(rsdp_phys, 36);
	if (!rsdp || memcmp(rsdp, "RSD PTR ", 8))
		return;
	if (rsdp[15] >= 2 && *(const u64 *)(rsdp + 24)) {
		root = sdt_get(*(const u64 *)(rsdp + 24));
		entry_size = 8;
	} else {
		root = sdt_get(*(const u32 *)(rsdp + 16));
		entry_size = 4;
	}
	if (!root)
		return;
	acpi.found = true;
	for (u32 off = sizeof(*root); off + entry_size <= root->length; off += entry_size) {
		const u8 *e = (const u8 *)root + off;
		u64 phys = entry_size == 8 ? *(const u64 *)e : *(const u32 *)e;
		const struct acpi_sdt *t = sdt_get(phys);

		if (!t)
			continue;
		if (!memcmp(t->sig, "APIC", 4))
			parse_madt(t);
		else if (!memcmp(t->sig, "FACP", 4))
			parse_fadt(t);
	}
	klog("acpi: RSDP %#lx, root table %#lx", (unsigned long)rsdp_phys, (unsigned long)virt_to_phys(root));
	klog("acpi: %u IOAPIC(s), PM1a %#x, sleep reg %s %#lx, S5 %s (%u/%u)", acpi.nr_ioapics,
	     acpi.pm1a_cnt, sleep_ctl.valid ? (sleep_ctl.space ? "io" : "mem") : "none",
	     (unsigned long)sleep_ctl.addr, acpi.s5_found ? "found" : "missing", acpi.s5_typa,
	     acpi.s5_typb);
}

void arch_acpi_poweroff(void)
{
	/* QEMU microvm's DSDT has no \_S5; its GED sleep register takes
	 * SLP_TYP 5 for S5, so use that on hardware-reduced machines */
	if (!acpi.s5_found && sleep_ctl.valid && !acpi.pm1a_cnt) {
		acpi.s5_typa = 5;
		acpi.s5_found = true;
	}
	if (!acpi.s5_found)
		return;
	if (acpi.pm1a_cnt) {
		outw(acpi.pm1a_cnt, (u16)((acpi.s5_typa << 10) | (1u << 13)));
		if (acpi.pm1b_cnt)
			outw(acpi.pm1b_cnt, (u16)((acpi.s5_typb << 10) | (1u << 13)));
	}
	if (sleep_ctl.valid) {
		u8 v = (u8)(((acpi.s5_typa & 7) << 2) | (1u << 5));

		if (sleep_ctl.space == 1) {
			outb((u16)sleep_ctl.addr, v);
		} else if (sleep_ctl.space == 0) {
			void *m;

			if (!vm_map_mmio(sleep_ctl.addr, 1, &m))
				mmio_write8(m, v);
		}
	}
	for (volatile int i = 0; i < 1000000; i++)
		;
}
