/*
 * mkbootfs.c - a host helper for tests/suites/40-boot-bios: writes a bare
 * TFS volume (a bootfs) holding /kernel split into many extents, so the
 * BIOS loader's reads cross extent boundaries at odd offsets. mkfs puts
 * a kernel in one extent; here /kernel is appended in 300 KiB pieces
 * interleaved with appends to a second file (/pad), so no extent can grow
 * in place. Layer: boot tests; links the hosted lib (lib/tfs.h).
 * Usage: mkbootfs VOLUME SECTORS KERNEL   (prints the extent count)
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/tfs.h"
#include "lib/value.h"

#define PIECE (300u << 10)

static int vol_fd;

static int vol_read(void *ctx, void *buf, u64 sector, u32 count)
{
	ssize_t n = pread(vol_fd, buf, (size_t)count * 512, (off_t)sector * 512);
	return n == (ssize_t)count * 512 ? 0 : -EIO;
}

static int vol_write(void *ctx, const void *buf, u64 sector, u32 count)
{
	ssize_t n = pwrite(vol_fd, buf, (size_t)count * 512, (off_t)sector * 512);
	return n == (ssize_t)count * 512 ? 0 : -EIO;
}

static void die(const char *what, int err, const struct tfs_msg *msg)
{
	fprintf(stderr, "mkbootfs: %s: %s %s\n", what, strerror(err < 0 ? -err : err),
		msg ? msg->text : "");
	exit(1);
}

int main(int argc, char **argv)
{
	static const u8 uuid[16] = {0x6d, 0x6b, 0x62, 0x6f, 0x6f, 0x74};
	static u8 pad[4096];
	struct tfs_msg msg = {{0}};
	struct tfs *fs;
	int err;

	if (argc != 4) {
		fprintf(stderr, "usage: mkbootfs VOLUME SECTORS KERNEL\n");
		return 2;
	}
	u64 sectors = strtoull(argv[2], NULL, 0);
	FILE *kf = fopen(argv[3], "rb");
	if (!kf)
		die(argv[3], errno, NULL);
	vol_fd = open(argv[1], O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (vol_fd < 0 || ftruncate(vol_fd, (off_t)sectors * 512))
		die(argv[1], errno, NULL);
	struct tfs_dev dev = {NULL, vol_read, vol_write, sectors};
	err = tfs_format(&dev, "bootfs", uuid, &fs, &msg);
	if (err)
		die("format", err, &msg);

	struct value *kernel = value_tuple(), *padf = value_tuple();
	static u8 buf[PIECE];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), kf)) > 0) {
		err = tfs_file_append(fs, kernel, buf, n, 0);
		if (!err)
			err = tfs_file_append(fs, padf, pad, sizeof(pad), 0);
		if (err)
			die("append", err, NULL);
	}
	fclose(kf);
	struct value *exts = tuple_get_cstr(kernel, "extents");
	u32 count = exts ? tuple_count(exts) : 0;

	struct value *root = value_tuple(), *children = value_tuple();
	if (tuple_set(children, sym("kernel"), kernel) || tuple_set(children, sym("pad"), padf) ||
	    tuple_set(root, sym("children"), children))
		die("tree", -ENOMEM, NULL);
	err = tfs_write_root(fs, root);
	if (!err)
		err = tfs_flush(fs);
	if (err)
		die("write", err, NULL);
	tfs_close(fs);
	if (close(vol_fd))
		die(argv[1], errno, NULL);
	printf("%u\n", count);
	return 0;
}
