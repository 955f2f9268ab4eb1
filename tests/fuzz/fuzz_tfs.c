/*
 * fuzz_tfs.c - libFuzzer target for the TFS core (lib/tfs*.c): the input
 * is the start of a 2 MiB volume (the rest reads as zeros) behind an
 * in-memory tfs_dev. Layer: host fuzzing (tests/fuzz/run).
 *
 * For each input: open read-only; on failure require a message. On
 * success walk the tree (lookups of every name), read every file (at most
 * 256 KiB each, 1 MiB per input) and require short reads to stop at
 * filelength. Then open the same bytes writable, set an attribute, append
 * to a file, truncate it to half, flush and reopen: a volume we accepted must stay readable
 * after our own writes (abort otherwise); then compact, flush, reopen.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/errno.h"
#include "lib/tfs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FZ_SECTORS 4096

struct fz_dev {
	u8 *mem;
	u64 lo, hi; /* sectors written, to re-zero only those */
};

static u8 fz_volume[FZ_SECTORS * 512];

static int fz_read(void *ctx, void *buf, u64 sector, u32 count)
{
	struct fz_dev *d = ctx;

	if (sector > FZ_SECTORS || count > FZ_SECTORS - sector)
		return -EIO;
	memcpy(buf, d->mem + sector * 512, (size_t)count * 512);
	return 0;
}

static int fz_write(void *ctx, const void *buf, u64 sector, u32 count)
{
	struct fz_dev *d = ctx;

	if (sector > FZ_SECTORS || count > FZ_SECTORS - sector)
		abort(); /* the writer must stay inside the volume */
	memcpy(d->mem + sector * 512, buf, (size_t)count * 512);
	if (sector < d->lo)
		d->lo = sector;
	if (sector + count > d->hi)
		d->hi = sector + count;
	return 0;
}

static void fz_die(const char *what, const struct tfs_msg *msg)
{
	fprintf(stderr, "fuzz_tfs: %s%s%s\n", what, msg ? ": " : "", msg ? msg->text : "");
	abort();
}

static u8 fz_buf[256 << 10];

static void fz_walk(struct tfs *fs, const struct value *dir, u64 *budget, struct value **file,
		    int depth)
{
	const struct value *children = tuple_get(dir, sym("children"));
	u32 i;

	for (i = 0; i < tuple_count(children); i++) {
		const struct tuple_entry *e = tuple_at(children, i);
		struct value *node = e->val;
		char name[64];
		u64 len;
		s64 n;

		if (!node || node->type != VALUE_TUPLE)
			continue;
		/* lookup by name finds the same node (names without '/' or NUL) */
		if (e->key->len && e->key->len < sizeof(name) &&
		    !memchr(e->key->name, '/', e->key->len) &&
		    strlen(e->key->name) == e->key->len) {
			memcpy(name, e->key->name, e->key->len + 1);
			if (tfs_lookup(dir, name) != node)
				fz_die("lookup of a child name found another node", NULL);
		}
		if (tfs_is_dir(node)) {
			if (depth < 2000)
				fz_walk(fs, node, budget, file, depth + 1);
			continue;
		}
		if (tfs_is_symlink(node))
			continue;
		if (!*file)
			*file = node;
		len = tfs_file_length(node);
		if (!*budget)
			continue;
		n = tfs_file_read(fs, node, fz_buf, 0, sizeof(fz_buf));
		if (n >= 0 && (u64)n != (len < sizeof(fz_buf) ? len : sizeof(fz_buf)))
			fz_die("file read returned a wrong length", NULL);
		if (len > 1000) {
			n = tfs_file_read(fs, node, fz_buf, len - 10, 100);
			if (n >= 0 && n != 10)
				fz_die("read at the end is not short", NULL);
		}
		*budget = *budget > sizeof(fz_buf) ? *budget - sizeof(fz_buf) : 0;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_dev d;
	struct tfs_dev dev = {.ctx = &d, .read = fz_read, .sectors = FZ_SECTORS};
	struct tfs_msg msg;
	struct tfs *fs = NULL;
	struct value *file = NULL, *v;
	u64 budget = 1 << 20;
	int err;

	if (size > sizeof(fz_volume))
		size = sizeof(fz_volume);
	d.mem = fz_volume; /* all zero between inputs */
	d.lo = FZ_SECTORS;
	d.hi = 0;
	memcpy(d.mem, data, size);
	err = tfs_open(&dev, &fs, &msg);
	if (err) {
		if (!msg.text[0])
			fz_die("open failed without a message", NULL);
		goto out;
	}
	fz_walk(fs, tfs_root(fs), &budget, &file, 0);
	tfs_close(fs);
	fs = NULL;

	/* writable: our own writes keep an accepted volume readable */
	dev.write = fz_write;
	if (tfs_open(&dev, &fs, &msg))
		fz_die("writable open failed where read-only open worked", &msg);
	file = NULL;
	budget = 0;
	fz_walk(fs, tfs_root(fs), &budget, &file, 0);
	err = tfs_set(fs, tfs_root(fs), sym("fuzz"), value_cstring("x"));
	if (!err && file)
		err = tfs_file_append(fs, file, "appended", 8, 0);
	if (!err && file)
		err = tfs_file_truncate(fs, file, tfs_file_length(file) / 2);
	if (!err)
		err = tfs_flush(fs);
	tfs_close(fs);
	fs = NULL;
	if (err)
		goto out; /* ENOSPC and the like are fine; a corrupt result is not */
	if (tfs_open(&dev, &fs, &msg))
		fz_die("reopen after our writes failed", &msg);
	v = tuple_get(tfs_root(fs), sym("fuzz"));
	if (!value_is_string(v, "x"))
		fz_die("attribute written before the flush is missing", NULL);
	if (!tfs_compact(fs) && !tfs_flush(fs)) {
		tfs_close(fs);
		fs = NULL;
		if (tfs_open(&dev, &fs, &msg))
			fz_die("reopen after compaction failed", &msg);
	}
out:
	tfs_close(fs);
	memset(d.mem, 0, size);
	if (d.hi > d.lo)
		memset(d.mem + d.lo * 512, 0, (d.hi - d.lo) * 512);
	sym_table_free();
	return 0;
}
