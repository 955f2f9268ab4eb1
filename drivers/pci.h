/*
 * drivers/pci.h - PCI configuration access, enumeration, BARs, the
 * capability list and MSI-X. Layer: drivers. Implemented in drivers/pci.c;
 * used by drivers/drivers.c (enumeration) and the PCI device drivers
 * (drivers/virtio/virtio_pci.c).
 */
#ifndef DRIVERS_PCI_H
#define DRIVERS_PCI_H

#include "kernel/kernel.h"

#define PCI_VENDOR_ID	   0x00
#define PCI_DEVICE_ID	   0x02
#define PCI_COMMAND	   0x04
#define PCI_STATUS	   0x06
#define PCI_CLASS_REV	   0x08
#define PCI_HEADER_TYPE	   0x0e
#define PCI_BAR0	   0x10
#define PCI_SUBSYS_ID	   0x2e
#define PCI_CAP_PTR	   0x34
#define PCI_INTERRUPT_LINE 0x3c
#define PCI_INTERRUPT_PIN  0x3d
#define PCI_SECONDARY_BUS  0x19

#define PCI_COMMAND_IO		 0x1
#define PCI_COMMAND_MEMORY	 0x2
#define PCI_COMMAND_MASTER	 0x4
#define PCI_COMMAND_INTX_DISABLE 0x400
#define PCI_STATUS_CAP_LIST	 0x10

#define PCI_CAP_ID_MSI	0x05
#define PCI_CAP_ID_VNDR 0x09
#define PCI_CAP_ID_MSIX 0x11

#define PCI_BARS 6

struct pci_dev {
	u8 bus, slot, func;
	u16 vendor, device;
	u16 subsys_id;
	u8 class_code, subclass, prog_if;
	u8 irq_line, irq_pin;
	/* MSI-X, after pci_msix_enable */
	u16 msix_cap;	  /* config offset of the capability, 0 if none */
	u16 msix_entries; /* table size */
	volatile u8 *msix_table;
	struct pci_dev *next;
};

u32 pci_read32(const struct pci_dev *d, u16 off);
u16 pci_read16(const struct pci_dev *d, u16 off);
u8 pci_read8(const struct pci_dev *d, u16 off);
void pci_write32(const struct pci_dev *d, u16 off, u32 v);
void pci_write16(const struct pci_dev *d, u16 off, u16 v);
void pci_write8(const struct pci_dev *d, u16 off, u8 v);

/* scan all buses reachable from bus 0 (through bridges); builds the list */
int pci_scan(void);
struct pci_dev *pci_first(void); /* iterate with ->next */

/* first capability of id at or after config offset start (0 = from the
 * list head); returns its config offset, 0 if none */
u16 pci_find_cap(const struct pci_dev *d, u8 id, u16 start);
/* bus address of BAR idx as the firmware assigned it (64-bit BARs take
 * idx and idx + 1); *io tells an I/O BAR. 0 if unassigned. */
u64 pci_bar_addr(const struct pci_dev *d, int idx, bool *io);
/* size of BAR idx: writes all-ones to it with decoding off, so every
 * call makes a hypervisor rebuild its memory map; drivers that know
 * their ranges (from capabilities) map without it */
u64 pci_bar_size(const struct pci_dev *d, int idx);
/* map [off, off + len) of memory BAR idx uncached; *out = its address */
int pci_map_bar(const struct pci_dev *d, int idx, u64 off, u64 len, void **out);
/* enable bus mastering + memory/io decoding */
void pci_enable(struct pci_dev *d);

/* MSI-X: map the table and enable the capability with all entries masked;
 * -ENODEV if the device has none */
int pci_msix_enable(struct pci_dev *d);
/* program entry to deliver vector (irq_msi_message) and unmask it */
int pci_msix_set(struct pci_dev *d, u16 entry, int vector);
/* INTx: route the device's interrupt pin to vector through the IOAPIC */
int pci_intx_route(struct pci_dev *d, int vector);

/* ACPI table lookup (checksummed, mapped), NULL if absent; and whether
 * the MADT lists an IOAPIC whose first GSI is gsi_base */
struct acpi_sdt_header;
const struct acpi_sdt_header *acpi_find(const char sig[4]);
bool acpi_ioapic_gsi_base(u32 gsi_base);

#endif
