/*
 * image.h - the monos disk image layout (DESIGN §4, docs/boot.md):
 *
 *   LBA 0            stage1 (MBR boot code + partition table)
 *   LBA 1 ..         stage2 (boot image minus its first sector)
 *   KLOG (8 sectors) directly before partition 1: last console output
 *                    and exit code, written by the kernel, shown by dump -l
 *   partition 1      bootfs: TFS holding /kernel        (MBR entry 0)
 *   partition 2      rootfs: TFS, the program's files    (MBR entry 1)
 *
 * Both partitions have type IMAGE_PART_TYPE. An image without an MBR
 * signature is a bare TFS volume (mkfs without -b). Implemented in
 * lib/image.c; used by mkfs, dump, stage2, the kernel and the runner.
 */
#ifndef LIB_IMAGE_H
#define LIB_IMAGE_H

#include "types.h"

#define IMAGE_SECTOR 512
#define IMAGE_PART_TYPE 0x83
#define IMAGE_MBR_PART_OFFSET 446
#define IMAGE_KLOG_SECTORS 8
#define IMAGE_ALIGN_SECTORS 2048 /* partitions start on 1 MiB boundaries */

struct mbr_part {
	u8 status;
	u8 chs_first[3];
	u8 type;
	u8 chs_last[3];
	u32 lba_first;
	u32 sectors;
} PACKED;
_Static_assert(sizeof(struct mbr_part) == 16, "mbr_part is 16 bytes");

#define KLOG_MAGIC 0x474f4c4b /* "KLOG" little-endian */
struct klog_header {
	u32 magic;
	u32 version;  /* 1 */
	u64 boot_id;  /* random per boot */
	s32 exit_code;
	u32 text_len; /* bytes of console text after the header */
} PACKED;
_Static_assert(sizeof(struct klog_header) == 24, "klog_header is 24 bytes");
#define KLOG_TEXT_MAX (IMAGE_KLOG_SECTORS * IMAGE_SECTOR - sizeof(struct klog_header))

struct image_layout {
	bool has_mbr;
	u64 boot_lba, boot_sectors;   /* bootfs partition (0 if none) */
	u64 root_lba, root_sectors;   /* rootfs (whole image if bare) */
	u64 klog_lba;                 /* 0 if none */
};

/* Parse sector 0 of an image of total_sectors. A bare TFS volume (no
 * 0x55AA signature, or "NVMTFS" at offset 0) gives root = whole image.
 * -EUCLEAN if the partition table is inconsistent (partitions past the
 * end, overlapping, missing rootfs). */
int image_parse_mbr(const u8 sector0[512], u64 total_sectors,
		    struct image_layout *out);
/* Fill the partition table of an MBR sector (keeps the boot code). */
void image_write_mbr(u8 sector0[512], u64 boot_lba, u64 boot_sectors,
		     u64 root_lba, u64 root_sectors);

#endif
