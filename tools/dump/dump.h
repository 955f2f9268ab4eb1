/*
 * dump.h - shared pieces of the dump tool (tools/dump/): the opened image
 * and the helpers each mode uses. Host tool; see tools/dump/dump.c.
 */
#ifndef TOOLS_DUMP_DUMP_H
#define TOOLS_DUMP_DUMP_H

#include <stdio.h>

#include "lib/tfs.h"
#include "lib/value.h"

struct dump_img {
	const char *path;
	int fd;
	u64 sectors;   /* whole image */
	u64 base, len; /* the rootfs volume inside it */
};

extern const char *dump_prog;

/* "dump: img: <fmt>" on stderr */
void dump_err(const struct dump_img *img, const char *fmt, ...) PRINTF_LIKE(2, 3);
/* print bytes with control and non-ASCII-printable bytes as \xNN */
void dump_put_name(FILE *f, const char *s, size_t len);
/* children of a directory sorted by name (malloc'd array, count in *n) */
const struct tuple_entry **dump_sorted_children(const struct value *dir, u32 *n);

int dump_tree(struct tfs *fs, bool colour);
int dump_manifest(struct tfs *fs);
int dump_extract(struct dump_img *img, struct tfs *fs, const char *dir);

#endif
