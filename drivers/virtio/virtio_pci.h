/*
 * drivers/virtio/virtio_pci.h - virtio-pci discovery entry point.
 * Layer: drivers. Implemented in virtio_pci.c; called by drivers/drivers.c.
 */
#ifndef DRIVERS_VIRTIO_VIRTIO_PCI_H
#define DRIVERS_VIRTIO_VIRTIO_PCI_H

#include "drivers/pci.h"

#define VIRTIO_PCI_VENDOR 0x1af4

/* probe a PCI function; -ENODEV if it is not a (usable) virtio device */
int virtio_pci_probe(struct pci_dev *pdev);

#endif
