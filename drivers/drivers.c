/*
 * drivers/drivers.c - device discovery at boot: PCI enumeration (virtio
 * PCI functions go to the virtio-pci transport) and virtio-mmio devices,
 * from the kernel command line QEMU builds (virtio_mmio.device=
 * <size>@<addr>:<irq>[:<id>]) or, on a machine without PCI, by probing
 * the microvm slots for the virtio-mmio magic.
 * Layer: drivers. Caller: kernel/init.c (drivers_init, after interrupts
 * and clocks, before fs_init).
 */
#include "kernel/kernel.h"
#include "drivers/pci.h"
#include "drivers/virtio/virtio_mmio.h"
#include "drivers/virtio/virtio_pci.h"

#define MICROVM_MMIO_BASE      0xfeb00000ull
#define MICROVM_MMIO_SLOTS     24
#define MICROVM_MMIO_SIZE      512
#define MICROVM_MMIO_IRQ_BASE  5  /* one IOAPIC: GSI 5 + slot */
#define MICROVM_MMIO_IRQ_BASE2 24 /* with QEMU's second IOAPIC: GSI 24 + slot */

static bool parse_u64(const char **pp, const char *end, unsigned base, u64 *out)
{
	const char *p = *pp;
	u64 v = 0;
	bool any = false;

	if (base == 16 && end - p > 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		p += 2;
	else if (base == 0) {
		base = 10;
		if (end - p > 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
			p += 2;
			base = 16;
		}
	}
	for (; p < end; p++) {
		unsigned d;

		if (*p >= '0' && *p <= '9')
			d = (unsigned)(*p - '0');
		else if (base == 16 && *p >= 'a' && *p <= 'f')
			d = (unsigned)(*p - 'a' + 10);
		else if (base == 16 && *p >= 'A' && *p <= 'F')
			d = (unsigned)(*p - 'A' + 10);
		else
			break;
		if (v > (~0ull - d) / base)
			return false;
		v = v * base + d;
		any = true;
	}
	*pp = p;
	*out = v;
	return any;
}

/* "512@0xfeb00e00:12" or "4K@0xd0000000:5:3" */
static int parse_mmio_arg(const char *p, const char *end, u64 *addr, u32 *irq)
{
	u64 size, a, i;

	if (!parse_u64(&p, end, 0, &size))
		return -EINVAL;
	if (p < end && (*p == 'K' || *p == 'k' || *p == 'M' || *p == 'm'))
		p++;
	if (p >= end || *p++ != '@' || !parse_u64(&p, end, 0, &a))
		return -EINVAL;
	if (p >= end || *p++ != ':' || !parse_u64(&p, end, 10, &i) || i > 0xffff)
		return -EINVAL;
	*addr = a;
	*irq = (u32)i;
	return 0;
}

static unsigned mmio_from_cmdline(void)
{
	static const char key[] = "virtio_mmio.device=";
	const char *s = boot_cmdline();
	unsigned found = 0;

	while (s && *s) {
		const char *end;

		while (*s == ' ')
			s++;
		end = s;
		while (*end && *end != ' ')
			end++;
		if ((size_t)(end - s) > sizeof(key) - 1 && memcmp(s, key, sizeof(key) - 1) == 0) {
			u64 addr;
			u32 irq;

			if (parse_mmio_arg(s + sizeof(key) - 1, end, &addr, &irq) == 0) {
				found++;
				virtio_mmio_probe(addr, irq);
			} else {
				kprintf("drivers: ignoring malformed %.*s\n", (int)(end - s), s);
			}
		}
		s = end;
	}
	return found;
}

static void mmio_probe_slots(void)
{
	void *virt;
	u32 irq_base = acpi_ioapic_gsi_base(MICROVM_MMIO_IRQ_BASE2) ? MICROVM_MMIO_IRQ_BASE2
								    : MICROVM_MMIO_IRQ_BASE;

	if (vm_map_mmio(MICROVM_MMIO_BASE, MICROVM_MMIO_SLOTS * MICROVM_MMIO_SIZE, &virt))
		return;
	for (unsigned i = 0; i < MICROVM_MMIO_SLOTS; i++) {
		if (!virtio_mmio_present((u8 *)virt + i * MICROVM_MMIO_SIZE))
			continue;
		virtio_mmio_probe(MICROVM_MMIO_BASE + i * MICROVM_MMIO_SIZE, irq_base + i);
	}
}

void drivers_init(void)
{
	int npci = pci_scan();

	for (struct pci_dev *d = pci_first(); d; d = d->next)
		if (d->vendor == VIRTIO_PCI_VENDOR)
			virtio_pci_probe(d);
	/* no PCI at all (microvm): the slots are the only place devices
	 * can be when the command line does not list them */
	if (mmio_from_cmdline() == 0 && npci == 0)
		mmio_probe_slots();
}
