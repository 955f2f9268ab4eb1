/*
 * tfs.h - the TFS core (format version 5, compatible with the reference
 * implementation; docs/tfs-format.md): open a volume through an injected
 * block backend, replay its metadata log into a value tree, read file bytes
 * through extents, and write a new filesystem (format + whole-tree record +
 * streamed file data). Incremental attribute records (the kernel's write
 * path) build on tfs_log_* below.
 *
 * Layers: lib/tfs_codec.c (varints, values, frames: pure functions over
 * buffers, tfs_codec.h), lib/tfs_log.c (log chain read/write), lib/tfs.c
 * (volume, namespace, extents, free map). Callers: tools/mkfs, tools/dump,
 * boot/stage2 (read-only, small heap), fs/tfs (kernel).
 *
 * Every function returns 0 / a count, or -errno: -EIO from the backend,
 * -EUCLEAN for corrupt on-disk data (with a message in struct tfs_msg),
 * -ENOSPC, -ENOMEM, -EINVAL. Nothing here can crash or loop on a bad image.
 */
#ifndef LIB_TFS_H
#define LIB_TFS_H

#include "types.h"
#include "value.h"

#define TFS_SECTOR 512

struct tfs_dev {
	void *ctx;
	/* sector numbers are relative to the volume start */
	int (*read)(void *ctx, void *buf, u64 sector, u32 count);
	int (*write)(void *ctx, const void *buf, u64 sector, u32 count); /* NULL: read-only */
	u64 sectors; /* volume size in 512-byte sectors */
};

/* why an open or a read failed, for humans: "log extension at sector 1:
 * bad magic" */
struct tfs_msg {
	char text[160];
};

struct tfs; /* opaque */

/* ---- open / close ---- */
int tfs_open(const struct tfs_dev *dev, struct tfs **out, struct tfs_msg *msg);
void tfs_close(struct tfs *fs); /* frees the tree and everything else */
struct value *tfs_root(struct tfs *fs);
const char *tfs_label(const struct tfs *fs);
const u8 *tfs_uuid(const struct tfs *fs); /* 16 bytes */

/* ---- namespace (tuples inside the tree) ---- */
/* walk "a/b/c" from dir through children:; "" or "/" is dir itself. No
 * symlink following (the VFS does that). NULL if absent. */
struct value *tfs_lookup(const struct value *dir, const char *path);
bool tfs_is_dir(const struct value *node);     /* has children */
bool tfs_is_symlink(const struct value *node); /* has linktarget */
u64 tfs_file_length(const struct value *node); /* filelength, 0 if none */

/* ---- file data ---- */
/* read up to len bytes at offset; short at end of file; holes read as
 * zeros. Returns bytes read or -errno. */
s64 tfs_file_read(struct tfs *fs, const struct value *file, void *buf, u64 offset, u64 len);

/* ---- writing a new filesystem (mkfs) ---- */
/* lay down an empty TFS: extension 0 with uuid and label (< 32 bytes),
 * the first log extension, END_OF_LOG. The returned fs has an empty root
 * tuple owned by fs. */
int tfs_format(const struct tfs_dev *dev, const char *label, const u8 uuid[16], struct tfs **out,
	       struct tfs_msg *msg);
/* stream data onto the end of a file node (extents + filelength are set on
 * the node). size_hint (total expected bytes, 0 if unknown) lets the
 * allocator place the file contiguously. */
int tfs_file_append(struct tfs *fs, struct value *file, const void *buf, u64 len, u64 size_hint);
/* replace the root tuple with root (ownership passes to fs) and write it
 * as one whole-tree record. */
int tfs_write_root(struct tfs *fs, struct value *root);
/* write out everything pending (log tail + END_OF_LOG). */
int tfs_flush(struct tfs *fs);
/* sectors in use (log + data) and volume size, for mkfs -s checks */
u64 tfs_used_sectors(const struct tfs *fs);

/* minimum volume size (sectors) that tfs_format accepts */
u64 tfs_min_sectors(void);

/* ---- added by the TFS core (monos) ---- */
/* one past the highest used sector (log + data): the smallest volume size
 * that holds everything, for mkfs image sizing */
u64 tfs_end_sector(const struct tfs *fs);
/* set t.key = val (val NULL: delete the attribute), in memory and, if t is
 * already in the log, as one attribute record (the kernel's write path).
 * val's ownership passes to the tree. -EROFS on a read-only volume. */
int tfs_set(struct tfs *fs, struct value *t, const struct symbol *key, struct value *val);
/* set the file's length: shorter frees the extents (or parts) past the
 * new end and zeroes the rest of its last sector; longer leaves a hole
 * (reads as zeros). Logged like tfs_set. */
int tfs_file_truncate(struct tfs *fs, struct value *file, u64 len);
/* rewrite the log as one whole-tree record in a new chain; the switch is
 * committed by the next tfs_flush (a single-sector write of sector 0) */
int tfs_compact(struct tfs *fs);

#endif
