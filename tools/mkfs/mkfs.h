/*
 * mkfs.h - internal interface of the mkfs host tool (tools/mkfs/): builds a
 * monos disk image (DESIGN §4) or a bare TFS volume from a manifest.
 *
 * Layer: host tool on top of lib/ (value, manifest, tfs, image).
 * Pieces:  main.c     options, the overall flow, output temp file + rename
 *          size.c     size strings ("64m") for -s and imagesize
 *          tree.c     manifest reading, consuming mkfs-only keys, collecting
 *                     the host files a tree refers to, streaming them in
 *          hostpath.c resolving host: paths (inside -r target root first)
 *          layout.c   image layout: file-backed TFS device, bootfs/rootfs
 *                     placement, boot image copy, KLOG area, MBR
 * Every function that fails prints one "mkfs: ..." line (mkfs_error) and
 * returns -errno; main turns that into exit status 1 and removes the output.
 */
#ifndef TOOLS_MKFS_MKFS_H
#define TOOLS_MKFS_MKFS_H

#include "types.h"
#include "lib/tfs.h"
#include "lib/value.h"

#define MKFS_ROUND_SECTORS 1024	      /* image size: a multiple of 512 KiB */
#define MKFS_CHUNK	   (1u << 20) /* streaming buffer for host files */
#define MKFS_MANIFEST_MAX  (256u << 20)
#define MKFS_LABEL_MAX	   31 /* bytes, excluding the NUL */

/* ---- diagnostics (main.c) ---- */
void mkfs_error(const char *fmt, ...) PRINTF_LIKE(1, 2);
/* s with control bytes as \xNN, cut at ~500 bytes, so an error stays one
 * line; a ring of 4 static buffers (up to 4 uses per message) */
const char *mkfs_printable(const char *s);

/* ---- sizes (size.c) ---- */
/* "123", "4k", "64M", "2g": bytes. -EINVAL for syntax (empty, bad suffix,
 * junk), -ERANGE when it does not fit in 63 bits. */
int mkfs_parse_size(const char *s, size_t len, u64 *out);

/* ---- host files (hostpath.c) ---- */
/* Resolve a host: path: with a target root, the path is looked up inside it
 * first (symlinks followed with the root as "/", ".." stays inside), then as
 * given (relative to the current directory). Returns a malloc'ed path that
 * exists (stat), or NULL with *err set to the errno of the as-given lookup.
 * NULL root: the path as given. */
char *mkfs_resolve_host(const char *root, const char *path, int *err);

/* ---- trees (tree.c) ---- */
/* one regular file to stream into the image */
struct mkfs_file {
	struct value *node; /* the file tuple inside the tree */
	char *tree_path;    /* "/etc/resolv.conf", for messages */
	char *host_path;    /* resolved host path */
	u64 size;	    /* from stat at collect time */
};

struct mkfs_files {
	struct mkfs_file *v;
	size_t count, cap;
	u64 data_sectors; /* sum of file sizes in sectors (sizing estimate) */
	u64 nodes;	  /* tuples in the tree (sizing estimate) */
};

/* read stdin (or nothing with -e) and build the root tuple; name is what
 * parse errors are prefixed with */
int mkfs_read_manifest(int fd, const char *name, struct value **out);
/* parse a -t argument (a tuple) and merge it into root */
int mkfs_merge_tuple_arg(struct value *root, const char *text);
/* take `imagesize` out of root (0 if absent) */
int mkfs_take_imagesize(struct value *root, u64 *bytes);
/* Walk a filesystem tree (a tuple with children): check node shapes,
 * resolve contents:(host:PATH) (root: the -r target root or NULL), remove
 * contents from the nodes and record the files to stream. prefix names the
 * tree in messages ("" for rootfs, "boot:" for bootfs). */
int mkfs_collect_files(struct value *tree, const char *root, const char *prefix,
		       struct mkfs_files *files);
void mkfs_files_free(struct mkfs_files *files);
/* stream every collected file into fs (chunked, constant memory) */
int mkfs_stream_files(struct tfs *fs, const struct mkfs_files *files);

/* ---- image (layout.c) ---- */
struct mkfs_image {
	int fd;		       /* the temp output file */
	const char *boot_path; /* -b, NULL for a bare volume */
	const char *label;
	u64 min_bytes;	   /* max(-s, imagesize), 0 if none */
	u64 total_sectors; /* result */
};

/* Build the whole image into img->fd. root/boot are consumed (boot may be
 * NULL when there is no -b). The files lists were collected from them. */
int mkfs_build_image(struct mkfs_image *img, struct value *root, struct mkfs_files *root_files,
		     struct value *boot, struct mkfs_files *boot_files);

#endif
