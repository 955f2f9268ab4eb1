/*
 * drivers/drivers.c - device discovery at boot: PCI enumeration and
 * virtio-mmio slots, each found device handed to its driver's probe.
 * Layer: drivers. Caller: kernel/init.c (drivers_init, after interrupts and
 * before fs_init).
 */
#include "kernel/kernel.h"

void drivers_init(void)
{
	/* skeleton: PCI and virtio-mmio probing land next */
}
