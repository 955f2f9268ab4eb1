/*
 * drivers/virtio/virtio_mmio.h - virtio-mmio discovery entry points.
 * Layer: drivers. Implemented in virtio_mmio.c; called by drivers/drivers.c.
 */
#ifndef DRIVERS_VIRTIO_VIRTIO_MMIO_H
#define DRIVERS_VIRTIO_VIRTIO_MMIO_H

#include "kernel/kernel.h"

#define VIRTIO_MMIO_MAGIC 0x74726976 /* "virt" */

/* a virtio-mmio register block with a device behind it at base */
bool virtio_mmio_present(volatile const u8 *base);
/* map, identify and hand the device at phys (interrupt line gsi) to its
 * driver; -ENODEV if no device is there */
int virtio_mmio_probe(u64 phys, u32 gsi);

#endif
