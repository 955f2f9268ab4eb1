/*
 * layout.c - the image layout of mkfs (DESIGN §4, lib/image.h):
 *
 *   bare volume (no -b):  the rootfs TFS from sector 0 to the end
 *   with -b boot-image:   LBA 0 stage1 (the boot image's first sector, its
 *                         code kept, partition table written here), LBA 1..
 *                         stage2 (rest of the boot image), KLOG (8 zeroed
 *                         sectors) right before partition 1, partition 1 =
 *                         bootfs (TFS with /kernel, sized to fit: used
 *                         sectors + 1 MiB slack, 1 MiB aligned), partition 2
 *                         = rootfs (1 MiB aligned, to the end of the image)
 *
 * TFS volumes are written through a file-backed struct tfs_dev at a sector
 * offset. The device skips all-zero writes past everything written so far
 * (the temp file is sparse there already), so holes in big host files and
 * untouched log space stay holes. The volume is formatted with a generous
 * size estimate; the real end (highest sector written / used) decides the
 * image size, which is then rounded up to 512 KiB and compared with -s /
 * imagesize. Layer: mkfs host tool; called by main.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/image.h"
#include "tools/mkfs/mkfs.h"

#define LAYOUT_BOOT_SLACK      IMAGE_ALIGN_SECTORS /* 1 MiB free in bootfs */
#define LAYOUT_MBR_MAX_SECTORS 0xffffffffull

struct layout_dev {
	int fd;
	u64 base;    /* first sector of the volume in the image file */
	u64 max_end; /* volume-relative: nothing at or past it written yet */
};

static bool all_zero(const u8 *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i])
			return false;
	return true;
}

static int dev_read(void *ctx, void *buf, u64 sector, u32 count)
{
	struct layout_dev *d = ctx;
	size_t len = (size_t)count * TFS_SECTOR, done = 0;
	off_t off = (off_t)((d->base + sector) * TFS_SECTOR);

	while (done < len) {
		ssize_t n = pread(d->fd, (u8 *)buf + done, len - done, off + (off_t)done);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0) { /* past the end of the file: a hole */
			memset((u8 *)buf + done, 0, len - done);
			break;
		}
		done += (size_t)n;
	}
	return 0;
}

static int write_all(int fd, const void *buf, size_t len, off_t off)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = pwrite(fd, (const u8 *)buf + done, len - done, off + (off_t)done);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		done += (size_t)n;
	}
	return 0;
}

static int dev_write(void *ctx, const void *buf, u64 sector, u32 count)
{
	struct layout_dev *d = ctx;
	size_t len = (size_t)count * TFS_SECTOR;
	int ret = 0;

	if (sector < d->max_end || !all_zero(buf, len))
		ret = write_all(d->fd, buf, len, (off_t)((d->base + sector) * TFS_SECTOR));
	if (ret == 0 && sector + count > d->max_end)
		d->max_end = sector + count;
	return ret;
}

/* an upper bound of the sectors a volume with these files needs */
static u64 volume_estimate(const struct mkfs_files *files)
{
	u64 log = 1 + 3 * 1024; /* extension 0, first extension, 2 reserved */

	/* whole-tree record: generously 512 bytes per node, in 512 KiB
	 * extensions */
	log += ((files->nodes * 512) / (512 * 1024) + 1) * 1024 * 2;
	return log + files->data_sectors + files->count * 64 + 4096;
}

static const char *err_text(int ret, const struct tfs_msg *msg)
{
	if (msg->text[0])
		return msg->text;
	return strerror(-ret);
}

/* Format a TFS at base, write the tree, stream the files, flush. *end gets the
 * volume-relative end of everything used. tree is consumed. */
static int build_volume(int fd, u64 base, u64 sectors, const char *label, const char *what,
			struct value *tree, const struct mkfs_files *files, u64 *end)
{
	struct layout_dev d = {.fd = fd, .base = base};
	struct tfs_dev dev = {.ctx = &d, .read = dev_read, .write = dev_write, .sectors = sectors};
	struct tfs_msg msg;
	struct tfs *fs = NULL;
	u8 uuid[16];
	int ret;

	if (getrandom(uuid, sizeof(uuid), 0) != sizeof(uuid)) {
		mkfs_error("getrandom: %s", strerror(errno));
		value_free(tree);
		return -EIO;
	}
	memset(&msg, 0, sizeof(msg));
	ret = tfs_format(&dev, label, uuid, &fs, &msg);
	if (ret < 0) {
		mkfs_error("%s: formatting: %s", what, err_text(ret, &msg));
		value_free(tree);
		return ret;
	}
	/* like the reference mkfs: the whole tree first (files without data),
	 * then each file's extents and filelength as records */
	ret = tfs_write_root(fs, tree); /* tree belongs to fs from here */
	if (ret < 0) {
		mkfs_error("%s: writing the root tuple: %s", what, strerror(-ret));
		goto out_close;
	}
	ret = mkfs_stream_files(fs, files);
	if (ret < 0)
		goto out_close;
	ret = tfs_flush(fs);
	if (ret < 0) {
		mkfs_error("%s: flushing: %s", what, strerror(-ret));
		goto out_close;
	}
	*end = MAX(tfs_end_sector(fs), d.max_end);
out_close:
	tfs_close(fs);
	return ret;
}

/* copy the boot image: sector 0 into mbr (written last), the rest to LBA 1..
 * Returns its size in sectors through *sectors. */
static int copy_boot_image(int out, const char *path, u8 mbr[IMAGE_SECTOR], u64 *sectors)
{
	u8 *buf = malloc(MKFS_CHUNK);
	u64 off = 0;
	int fd, ret = 0;

	if (!buf) {
		mkfs_error("out of memory");
		return -ENOMEM;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		mkfs_error("boot image '%s': %s", mkfs_printable(path), strerror(errno));
		goto out_free;
	}
	for (;;) {
		ssize_t n = read(fd, buf, MKFS_CHUNK);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = -errno;
			mkfs_error("boot image '%s': %s", mkfs_printable(path), strerror(errno));
			goto out_close;
		}
		if (n == 0)
			break;
		ret = write_all(out, buf, (size_t)n, (off_t)off);
		if (ret < 0) {
			mkfs_error("writing the image: %s", strerror(-ret));
			goto out_close;
		}
		if (off < IMAGE_SECTOR)
			memcpy(mbr + off, buf, MIN((u64)n, IMAGE_SECTOR - off));
		off += (u64)n;
	}
	if (off < IMAGE_SECTOR) {
		mkfs_error("boot image '%s' is %llu bytes: too small for an MBR "
			   "(512)",
			   mkfs_printable(path), (unsigned long long)off);
		ret = -EINVAL;
		goto out_close;
	}
	*sectors = (off + IMAGE_SECTOR - 1) / IMAGE_SECTOR;
out_close:
	close(fd);
out_free:
	free(buf);
	return ret;
}

static u64 round_image(u64 sectors)
{
	return ALIGN_UP(sectors, (u64)MKFS_ROUND_SECTORS);
}

/* the final size check against -s / imagesize; *total is set */
static int size_check(const struct mkfs_image *img, u64 needed, u64 *total)
{
	u64 want = round_image((img->min_bytes + IMAGE_SECTOR - 1) / IMAGE_SECTOR);

	needed = round_image(needed);
	if (img->min_bytes && needed > want) {
		mkfs_error("image size %llu bytes (-s/imagesize) is too small: "
			   "the filesystem needs at least %llu bytes",
			   (unsigned long long)img->min_bytes,
			   (unsigned long long)(needed * IMAGE_SECTOR));
		return -ENOSPC;
	}
	*total = MAX(want, needed);
	return 0;
}

static int build_bare(struct mkfs_image *img, struct value *root, struct mkfs_files *files)
{
	u64 min = (img->min_bytes + IMAGE_SECTOR - 1) / IMAGE_SECTOR;
	u64 est = MAX(volume_estimate(files), min);
	u64 end = 0;
	int ret;

	ret = build_volume(img->fd, 0, est, img->label, "rootfs", root, files, &end);
	if (ret < 0)
		return ret;
	return size_check(img, end, &img->total_sectors);
}

static int build_partitioned(struct mkfs_image *img, struct value *root,
			     struct mkfs_files *root_files, struct value *boot,
			     struct mkfs_files *boot_files)
{
	static u8 klog[IMAGE_KLOG_SECTORS * IMAGE_SECTOR];
	u8 mbr[IMAGE_SECTOR];
	u64 boot_img_sectors = 0, boot_lba, boot_end = 0, boot_sectors;
	u64 root_lba, root_end = 0, min, est;
	int ret;

	ret = copy_boot_image(img->fd, img->boot_path, mbr, &boot_img_sectors);
	if (ret < 0)
		goto out_free_root;
	boot_lba = ALIGN_UP(boot_img_sectors + IMAGE_KLOG_SECTORS, (u64)IMAGE_ALIGN_SECTORS);
	ret = write_all(img->fd, klog, sizeof(klog),
			(off_t)((boot_lba - IMAGE_KLOG_SECTORS) * IMAGE_SECTOR));
	if (ret < 0) {
		mkfs_error("writing the image: %s", strerror(-ret));
		goto out_free_root;
	}

	ret = build_volume(img->fd, boot_lba, volume_estimate(boot_files), "bootfs", "bootfs", boot,
			   boot_files, &boot_end);
	boot = NULL;
	if (ret < 0)
		goto out_free_root;
	boot_sectors = ALIGN_UP(boot_end + LAYOUT_BOOT_SLACK, (u64)IMAGE_ALIGN_SECTORS);
	root_lba = boot_lba + boot_sectors;

	min = (img->min_bytes + IMAGE_SECTOR - 1) / IMAGE_SECTOR;
	est = volume_estimate(root_files);
	if (min > root_lba)
		est = MAX(est, min - root_lba);
	if (root_lba + est > LAYOUT_MBR_MAX_SECTORS) {
		mkfs_error("image too large for an MBR partition table (2 TiB)");
		ret = -EFBIG;
		goto out_free_root;
	}
	ret =
	    build_volume(img->fd, root_lba, est, img->label, "rootfs", root, root_files, &root_end);
	root = NULL;
	if (ret < 0)
		goto out_free_root;
	ret = size_check(img, root_lba + root_end, &img->total_sectors);
	if (ret < 0)
		goto out_free_root;
	if (img->total_sectors > LAYOUT_MBR_MAX_SECTORS) {
		mkfs_error("image too large for an MBR partition table (2 TiB)");
		ret = -EFBIG;
		goto out_free_root;
	}
	image_write_mbr(mbr, boot_lba, boot_sectors, root_lba, img->total_sectors - root_lba);
	mbr[510] = 0x55;
	mbr[511] = 0xaa;
	ret = write_all(img->fd, mbr, sizeof(mbr), 0);
	if (ret < 0)
		mkfs_error("writing the image: %s", strerror(-ret));
out_free_root:
	value_free(boot);
	value_free(root);
	return ret;
}

int mkfs_build_image(struct mkfs_image *img, struct value *root, struct mkfs_files *root_files,
		     struct value *boot, struct mkfs_files *boot_files)
{
	int ret;

	if (img->boot_path)
		ret = build_partitioned(img, root, root_files, boot, boot_files);
	else
		ret = build_bare(img, root, root_files);
	if (ret < 0)
		return ret;
	if (ftruncate(img->fd, (off_t)(img->total_sectors * IMAGE_SECTOR)) < 0) {
		ret = -errno;
		mkfs_error("sizing the image: %s", strerror(errno));
	}
	return ret;
}
