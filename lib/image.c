/*
 * image.c - the monos disk image layout (lib/image.h): parse and fill the
 * MBR partition table. Partition entry 0 is bootfs, entry 1 rootfs (both
 * type IMAGE_PART_TYPE); the KLOG area is the IMAGE_KLOG_SECTORS before
 * bootfs. A sector 0 starting with "NVMTFS" (or without the 0x55AA
 * signature) is a bare TFS volume: the whole image is the rootfs.
 *
 * Layer: lib/ (freestanding + hosted). Callers: tools/mkfs, tools/dump,
 * boot/stage2, the kernel, the runner.
 */
#include "lib/cstring.h"
#include "lib/errno.h"
#include "lib/image.h"

static void image_get_part(const u8 sector0[512], int i, struct mbr_part *p)
{
	memcpy(p, sector0 + IMAGE_MBR_PART_OFFSET + i * sizeof(*p), sizeof(*p));
}

static bool image_part_ok(const struct mbr_part *p, u64 total)
{
	return p->type == IMAGE_PART_TYPE && p->lba_first >= 1 && p->sectors > 0 &&
	       (u64)p->lba_first + p->sectors <= total;
}

int image_parse_mbr(const u8 sector0[512], u64 total_sectors, struct image_layout *out)
{
	struct mbr_part boot, root;

	memset(out, 0, sizeof(*out));
	if (!memcmp(sector0, "NVMTFS", 6) || sector0[510] != 0x55 || sector0[511] != 0xaa) {
		out->root_sectors = total_sectors;
		return 0;
	}
	out->has_mbr = true;
	image_get_part(sector0, 0, &boot);
	image_get_part(sector0, 1, &root);
	if (!image_part_ok(&root, total_sectors))
		return -EUCLEAN; /* no rootfs, or it runs past the image */
	out->root_lba = root.lba_first;
	out->root_sectors = root.sectors;
	if (boot.type == 0 && boot.sectors == 0)
		return 0; /* no bootfs (and so no KLOG) */
	if (!image_part_ok(&boot, total_sectors))
		return -EUCLEAN;
	if ((u64)boot.lba_first + boot.sectors > root.lba_first &&
	    (u64)root.lba_first + root.sectors > boot.lba_first)
		return -EUCLEAN; /* overlapping partitions */
	out->boot_lba = boot.lba_first;
	out->boot_sectors = boot.sectors;
	if (boot.lba_first > IMAGE_KLOG_SECTORS)
		out->klog_lba = boot.lba_first - IMAGE_KLOG_SECTORS;
	return 0;
}

static void image_put_part(u8 sector0[512], int i, u64 lba, u64 sectors)
{
	struct mbr_part p;

	memset(&p, 0, sizeof(p));
	if (sectors) {
		/* LBA only: CHS fields hold the "too big" marker 1023/254/63 */
		p.chs_first[0] = 0xfe;
		p.chs_first[1] = 0xff;
		p.chs_first[2] = 0xff;
		p.chs_last[0] = 0xfe;
		p.chs_last[1] = 0xff;
		p.chs_last[2] = 0xff;
		p.type = IMAGE_PART_TYPE;
		p.lba_first = (u32)lba;
		p.sectors = (u32)sectors;
	}
	memcpy(sector0 + IMAGE_MBR_PART_OFFSET + i * sizeof(p), &p, sizeof(p));
}

void image_write_mbr(u8 sector0[512], u64 boot_lba, u64 boot_sectors, u64 root_lba,
		     u64 root_sectors)
{
	image_put_part(sector0, 0, boot_lba, boot_sectors);
	image_put_part(sector0, 1, root_lba, root_sectors);
	image_put_part(sector0, 2, 0, 0);
	image_put_part(sector0, 3, 0, 0);
	sector0[510] = 0x55;
	sector0[511] = 0xaa;
}
