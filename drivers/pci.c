/*
 * drivers/pci.c - PCI configuration space (ECAM from the ACPI MCFG table
 * when present, else the legacy 0xCF8/0xCFC ports), bus enumeration from
 * bus 0 through bridges, BAR sizing (32/64-bit) and mapping, the
 * capability list, MSI-X setup and the INTx fallback.
 * Layer: drivers. Callers: drivers/drivers.c (pci_scan), PCI drivers.
 */
#include "drivers/pci.h"

#define PCI_CFG_ADDR 0xcf8
#define PCI_CFG_DATA 0xcfc
#define PCI_MAX_DEVS 64

static struct pci_dev *pci_devs;
static unsigned pci_ndevs;

/* ECAM window: bus b's config space at ecam_base + ((b - start) << 20) */
static u64 ecam_phys;
static u8 ecam_start, ecam_end;
static volatile u8 *ecam_bus_virt[256];

/* ---- ACPI: just enough to find MCFG ---- */

struct acpi_sdt_header {
	char sig[4];
	u32 length;
	u8 revision;
	u8 checksum;
	char oem_id[6];
	char oem_table_id[8];
	u32 oem_revision;
	u32 creator_id;
	u32 creator_revision;
} PACKED;
_Static_assert(sizeof(struct acpi_sdt_header) == 36, "ACPI SDT header");

struct acpi_mcfg_entry {
	u64 base;
	u16 segment;
	u8 start_bus;
	u8 end_bus;
	u32 reserved;
} PACKED;
_Static_assert(sizeof(struct acpi_mcfg_entry) == 16, "MCFG entry");

static const void *acpi_map(u64 phys, u64 len)
{
	u64 base = ALIGN_DOWN(phys, PAGE_SIZE);
	void *virt;

	if (len > (1u << 20) || vm_map_mmio(base, ALIGN_UP(phys + len, PAGE_SIZE) - base, &virt))
		return NULL;
	return (const u8 *)virt + (phys - base);
}

static bool acpi_checksum_ok(const u8 *p, u32 len)
{
	u8 sum = 0;

	for (u32 i = 0; i < len; i++)
		sum += p[i];
	return sum == 0;
}

/* map a whole table (header first to learn its length), checksum it */
static const struct acpi_sdt_header *acpi_map_table(u64 phys)
{
	const struct acpi_sdt_header *h = acpi_map(phys, sizeof(*h));

	if (!h || h->length < sizeof(*h) || h->length > (1u << 20))
		return NULL;
	h = acpi_map(phys, h->length);
	if (!h || !acpi_checksum_ok((const u8 *)h, h->length))
		return NULL;
	return h;
}

const struct acpi_sdt_header *acpi_find(const char sig[4])
{
	u64 rsdp_phys = boot_rsdp();
	const u8 *rsdp;
	const struct acpi_sdt_header *root;
	u64 root_phys;
	unsigned esize;

	if (!rsdp_phys)
		return NULL;
	rsdp = acpi_map(rsdp_phys, 36);
	if (!rsdp || memcmp(rsdp, "RSD PTR ", 8) != 0 || !acpi_checksum_ok(rsdp, 20))
		return NULL;
	if (rsdp[15] >= 2 && *(const u64 *)(rsdp + 24)) {
		root_phys = *(const u64 *)(rsdp + 24);
		esize = 8;
	} else {
		root_phys = *(const u32 *)(rsdp + 16);
		esize = 4;
	}
	root = acpi_map_table(root_phys);
	if (!root)
		return NULL;
	for (u32 off = sizeof(*root); off + esize <= root->length; off += esize) {
		const u8 *ent = (const u8 *)root + off;
		u64 phys = esize == 8 ? *(const u64 *)ent : *(const u32 *)ent;
		const struct acpi_sdt_header *h = acpi_map(phys, sizeof(*h));

		if (h && memcmp(h->sig, sig, 4) == 0)
			return acpi_map_table(phys);
	}
	return NULL;
}

bool acpi_ioapic_gsi_base(u32 gsi_base)
{
	const struct acpi_sdt_header *madt = acpi_find("APIC");

	if (!madt)
		return false;
	/* header, local APIC address, flags, then variable-length entries */
	for (u32 off = sizeof(*madt) + 8; off + 2 <= madt->length;) {
		const u8 *e = (const u8 *)madt + off;

		if (e[1] < 2 || off + e[1] > madt->length)
			break;
		if (e[0] == 1 && e[1] >= 12 && *(const u32 *)(e + 8) == gsi_base)
			return true;
		off += e[1];
	}
	return false;
}

static void pci_find_ecam(void)
{
	const struct acpi_sdt_header *mcfg = acpi_find("MCFG");
	const struct acpi_mcfg_entry *e;

	if (!mcfg || mcfg->length < sizeof(*mcfg) + 8 + sizeof(*e))
		return;
	e = (const struct acpi_mcfg_entry *)((const u8 *)mcfg + sizeof(*mcfg) + 8);
	if (e->segment != 0 || e->start_bus > e->end_bus || !e->base)
		return;
	ecam_phys = e->base;
	ecam_start = e->start_bus;
	ecam_end = e->end_bus;
	klog("pci: ECAM at %#llx, buses %u-%u", (unsigned long long)ecam_phys, ecam_start,
	     ecam_end);
}

/* ---- config access ---- */

static volatile u8 *ecam_addr(u8 bus, u8 slot, u8 func, u16 off)
{
	void *virt;

	if (!ecam_phys || bus < ecam_start || bus > ecam_end)
		return NULL;
	if (!ecam_bus_virt[bus]) {
		if (vm_map_mmio(ecam_phys + ((u64)(bus - ecam_start) << 20), 1u << 20, &virt))
			return NULL;
		ecam_bus_virt[bus] = virt;
	}
	return ecam_bus_virt[bus] + ((u32)slot << 15) + ((u32)func << 12) + off;
}

static u32 cf8_addr(u8 bus, u8 slot, u8 func, u16 off)
{
	return 0x80000000u | ((u32)bus << 16) | ((u32)slot << 11) | ((u32)func << 8) | (off & 0xfc);
}

static u32 cfg_read32(u8 bus, u8 slot, u8 func, u16 off)
{
	volatile u8 *p = ecam_addr(bus, slot, func, off & ~3);

	if (p)
		return mmio_read32(p);
	if (off >= 256)
		return 0xffffffff;
	outl(PCI_CFG_ADDR, cf8_addr(bus, slot, func, off));
	return inl(PCI_CFG_DATA);
}

static void cfg_write32(u8 bus, u8 slot, u8 func, u16 off, u32 v)
{
	volatile u8 *p = ecam_addr(bus, slot, func, off & ~3);

	if (p) {
		mmio_write32(p, v);
		return;
	}
	if (off >= 256)
		return;
	outl(PCI_CFG_ADDR, cf8_addr(bus, slot, func, off));
	outl(PCI_CFG_DATA, v);
}

u32 pci_read32(const struct pci_dev *d, u16 off)
{
	return cfg_read32(d->bus, d->slot, d->func, off);
}

u16 pci_read16(const struct pci_dev *d, u16 off)
{
	return (u16)(pci_read32(d, off & ~3) >> ((off & 2) * 8));
}

u8 pci_read8(const struct pci_dev *d, u16 off)
{
	return (u8)(pci_read32(d, off & ~3) >> ((off & 3) * 8));
}

void pci_write32(const struct pci_dev *d, u16 off, u32 v)
{
	cfg_write32(d->bus, d->slot, d->func, off, v);
}

/* sub-dword writes as read-modify-write of the dword: fine for the
 * registers we touch (command, MSI-X control), which have no
 * write-1-to-clear bits in the other bytes we rewrite */
void pci_write16(const struct pci_dev *d, u16 off, u16 v)
{
	u32 shift = (off & 2) * 8;
	u32 old = pci_read32(d, off & ~3);

	if ((off & ~3) == PCI_COMMAND)
		old &= 0x0000ffff; /* never write back status (RW1C) bits */
	pci_write32(d, off & ~3, (old & ~(0xffffu << shift)) | ((u32)v << shift));
}

void pci_write8(const struct pci_dev *d, u16 off, u8 v)
{
	u32 shift = (off & 3) * 8;
	u32 old = pci_read32(d, off & ~3);

	if ((off & ~3) == PCI_COMMAND)
		old &= 0x0000ffff;
	pci_write32(d, off & ~3, (old & ~(0xffu << shift)) | ((u32)v << shift));
}

/* ---- enumeration ---- */

u64 pci_bar_addr(const struct pci_dev *d, int idx, bool *io)
{
	u32 lo;

	*io = false;
	if (idx < 0 || idx >= PCI_BARS)
		return 0;
	lo = pci_read32(d, PCI_BAR0 + 4 * idx);
	if (lo & 1) {
		*io = true;
		return lo & ~3u;
	}
	if (((lo >> 1) & 3) == 2) /* 64-bit memory BAR */
		return idx + 1 < PCI_BARS
			   ? ((u64)pci_read32(d, PCI_BAR0 + 4 * (idx + 1)) << 32) | (lo & ~0xfu)
			   : 0;
	return lo & ~0xfu;
}

u64 pci_bar_size(const struct pci_dev *d, int idx)
{
	u16 cmd = pci_read16(d, PCI_COMMAND), off = PCI_BAR0 + 4 * idx;
	u32 lo, szlo, hi = 0, szhi = 0xffffffff;
	bool is64;
	u64 size;

	if (idx < 0 || idx >= PCI_BARS)
		return 0;
	lo = pci_read32(d, off);
	is64 = !(lo & 1) && ((lo >> 1) & 3) == 2 && idx + 1 < PCI_BARS;
	pci_write16(d, PCI_COMMAND, cmd & ~(PCI_COMMAND_IO | PCI_COMMAND_MEMORY));
	pci_write32(d, off, 0xffffffff);
	szlo = pci_read32(d, off);
	pci_write32(d, off, lo);
	if (is64) {
		hi = pci_read32(d, off + 4);
		pci_write32(d, off + 4, 0xffffffff);
		szhi = pci_read32(d, off + 4);
		pci_write32(d, off + 4, hi);
	}
	pci_write16(d, PCI_COMMAND, cmd);
	if (szlo == 0 || szlo == 0xffffffff)
		return 0;
	if (lo & 1)
		return (u16)(~(szlo & ~3u) + 1);
	size = ((u64)szhi << 32) | (szlo & ~0xfu);
	if (!is64)
		size |= 0xffffffff00000000ull;
	return ~size + 1;
}

static void pci_scan_bus(u8 bus, unsigned depth);

static void pci_add(u8 bus, u8 slot, u8 func, unsigned depth)
{
	u32 id = cfg_read32(bus, slot, func, PCI_VENDOR_ID);
	u32 cls = cfg_read32(bus, slot, func, PCI_CLASS_REV);
	u8 htype = (u8)(cfg_read32(bus, slot, func, PCI_HEADER_TYPE & ~3) >> 16) & 0x7f;
	struct pci_dev *d, **tail;

	if (htype == 1) { /* PCI-to-PCI bridge: walk its secondary bus */
		u8 sec = (u8)(cfg_read32(bus, slot, func, 0x18) >> 8);

		if (sec > bus && depth < 8)
			pci_scan_bus(sec, depth + 1);
		return;
	}
	if (htype != 0 || pci_ndevs >= PCI_MAX_DEVS)
		return;
	d = kzalloc(sizeof(*d));
	if (!d)
		return;
	d->bus = bus;
	d->slot = slot;
	d->func = func;
	d->vendor = (u16)id;
	d->device = (u16)(id >> 16);
	d->class_code = (u8)(cls >> 24);
	d->subclass = (u8)(cls >> 16);
	d->prog_if = (u8)(cls >> 8);
	d->subsys_id = pci_read16(d, PCI_SUBSYS_ID);
	d->irq_line = pci_read8(d, PCI_INTERRUPT_LINE);
	d->irq_pin = pci_read8(d, PCI_INTERRUPT_PIN);
	/* BARs are sized only for devices a driver maps: every sizing write
	 * makes the hypervisor rebuild its memory map (slow under QEMU) */
	for (tail = &pci_devs; *tail; tail = &(*tail)->next)
		;
	*tail = d;
	pci_ndevs++;
	klog("pci: %02x:%02x.%u %04x:%04x class %02x%02x", bus, slot, func, d->vendor, d->device,
	     d->class_code, d->subclass);
}

static void pci_scan_bus(u8 bus, unsigned depth)
{
	for (u8 slot = 0; slot < 32; slot++) {
		u32 id = cfg_read32(bus, slot, 0, PCI_VENDOR_ID);
		u8 nfunc = 1;

		if ((u16)id == 0xffff || (u16)id == 0)
			continue;
		if ((cfg_read32(bus, slot, 0, PCI_HEADER_TYPE & ~3) >> 16) & 0x80)
			nfunc = 8;
		for (u8 func = 0; func < nfunc; func++) {
			id = cfg_read32(bus, slot, func, PCI_VENDOR_ID);
			if ((u16)id == 0xffff || (u16)id == 0)
				continue;
			pci_add(bus, slot, func, depth);
		}
	}
}

int pci_scan(void)
{
	pci_find_ecam();
	pci_scan_bus(0, 0);
	return (int)pci_ndevs;
}

struct pci_dev *pci_first(void)
{
	return pci_devs;
}

/* ---- capabilities, BARs ---- */

u16 pci_find_cap(const struct pci_dev *d, u8 id, u16 start)
{
	u16 off;
	unsigned guard = 0;

	if (!(pci_read16(d, PCI_STATUS) & PCI_STATUS_CAP_LIST))
		return 0;
	off = start ? pci_read8(d, start + 1) : pci_read8(d, PCI_CAP_PTR);
	while (off >= 0x40 && guard++ < 48) {
		off &= 0xfc;
		if (pci_read8(d, off) == id)
			return off;
		off = pci_read8(d, off + 1);
	}
	return 0;
}

int pci_map_bar(const struct pci_dev *d, int idx, u64 off, u64 len, void **out)
{
	bool io;
	u64 addr = pci_bar_addr(d, idx, &io);

	if (io || !addr || !len || off + len < off)
		return -ENODEV;
	return vm_map_mmio(addr + off, len, out);
}

void pci_enable(struct pci_dev *d)
{
	u16 cmd = pci_read16(d, PCI_COMMAND);

	cmd |= PCI_COMMAND_MEMORY | PCI_COMMAND_IO | PCI_COMMAND_MASTER;
	pci_write16(d, PCI_COMMAND, cmd);
}

/* ---- interrupts ---- */

#define MSIX_CTRL_ENABLE   0x8000
#define MSIX_CTRL_MASKALL  0x4000
#define MSIX_ENTRY_SIZE	   16
#define MSIX_VECTOR_MASKED 0x1

int pci_msix_enable(struct pci_dev *d)
{
	u16 cap = pci_find_cap(d, PCI_CAP_ID_MSIX, 0);
	u16 ctrl;
	u32 table;
	void *virt;
	int err;

	if (!cap)
		return -ENODEV;
	ctrl = pci_read16(d, cap + 2);
	table = pci_read32(d, cap + 4);
	d->msix_entries = (ctrl & 0x7ff) + 1;
	err = pci_map_bar(d, table & 7, table & ~7u, (u64)d->msix_entries * MSIX_ENTRY_SIZE, &virt);
	if (err)
		return err;
	d->msix_cap = cap;
	d->msix_table = virt;
	for (u16 i = 0; i < d->msix_entries; i++)
		mmio_write32(d->msix_table + i * MSIX_ENTRY_SIZE + 12, MSIX_VECTOR_MASKED);
	/* MSI-X on, INTx off */
	pci_write16(d, cap + 2, (ctrl | MSIX_CTRL_ENABLE) & ~MSIX_CTRL_MASKALL);
	pci_write16(d, PCI_COMMAND, pci_read16(d, PCI_COMMAND) | PCI_COMMAND_INTX_DISABLE);
	return 0;
}

int pci_msix_set(struct pci_dev *d, u16 entry, int vector)
{
	volatile u8 *e;
	u64 addr;
	u32 data;

	if (!d->msix_table || entry >= d->msix_entries)
		return -EINVAL;
	irq_msi_message(vector, &addr, &data);
	e = d->msix_table + entry * MSIX_ENTRY_SIZE;
	mmio_write32(e + 0, (u32)addr);
	mmio_write32(e + 4, (u32)(addr >> 32));
	mmio_write32(e + 8, data);
	mmio_write32(e + 12, 0);
	return 0;
}

/*
 * INTx fallback. Without an AML interpreter we cannot read the _PRT, so
 * the GSI is the interrupt line the firmware programmed (correct on
 * i440fx-style routing through ISA IRQs); PCI INTx is level, active-low.
 */
int pci_intx_route(struct pci_dev *d, int vector)
{
	if (!d->irq_pin || d->irq_line == 0 || d->irq_line == 0xff)
		return -ENODEV;
	pci_write16(d, PCI_COMMAND, pci_read16(d, PCI_COMMAND) & ~PCI_COMMAND_INTX_DISABLE);
	return irq_route_gsi(d->irq_line, vector, true, true);
}
