/*
 * drivers/block.c - the block device registry: drivers (virtio-blk) register
 * their disks here at probe time; fs/mount.c walks them with blockdev_get to
 * find the rootfs. Layer: drivers. Callers: drivers/virtio/blk.c, fs/.
 */
#include "kernel/kernel.h"

#define BLOCKDEV_MAX 16

static struct blockdev *blockdevs[BLOCKDEV_MAX];
static unsigned blockdev_count;

int blockdev_register(struct blockdev *bd)
{
	if (!bd || !bd->read)
		return -EINVAL;
	if (blockdev_count >= BLOCKDEV_MAX)
		return -ENOSPC;
	blockdevs[blockdev_count++] = bd;
	klog("block: %s: %llu sectors (%llu MiB)", bd->name, (unsigned long long)bd->sectors,
	     (unsigned long long)(bd->sectors >> 11));
	return 0;
}

struct blockdev *blockdev_get(unsigned idx)
{
	return idx < blockdev_count ? blockdevs[idx] : NULL;
}
