/*
 * tfs.c - a TFS volume (lib/tfs.h): open (replay the log into the value
 * tree, check that it is a tree, rebuild the used-sector map from the
 * extents), close, namespace helpers and file reads through extents
 * (holes and uninited extents read as zeros).
 *
 * Ownership: every tuple and vector decoded from (or encoded into) the log
 * is numbered (value->tfs_idx) and owned by the dictionary; close frees
 * each of them with tfs_value_release, which never recurses into another
 * numbered node. Never value_free() a node of an open volume's tree.
 *
 * Layer: lib/ (freestanding + hosted). Callers: tools/dump, tools/mkfs,
 * boot/stage2, fs/tfs. Writing lives in lib/tfs_write.c.
 */
#include "lib/alloc.h"
#include "lib/cstring.h"
#include "lib/errno.h"
#include "lib/tfs_internal.h"

const struct symbol *tfs_sym(const char *name)
{
	return sym(name);
}

/* ---- open ---- */

static int tfs_open_record(void *ctx, const u8 *rec, size_t len, struct tfs_msg *msg)
{
	struct tfs *fs = ctx;
	struct tfs_codec_err cerr;
	int err = tfs_decode_record(&fs->dict, rec, len, &cerr);

	if (err == -EUCLEAN)
		tfs_msgf(msg, "log record %u: %s (byte %u of %u)", fs->log.records, cerr.what,
			 (u64)cerr.pos, (u64)len);
	else if (err)
		tfs_msgf(msg, "log record %u: %s", fs->log.records,
			 err == -ENOMEM ? "out of memory" : "decode failed");
	return err;
}

/* parse a decimal symbol (an extent key: the file offset in sectors) */
static bool tfs_parse_u64(const char *s, u32 len, u64 *out)
{
	u64 v = 0;
	u32 i;

	if (!len || len > 19)
		return false;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (u64)(s[i] - '0');
	}
	*out = v;
	return true;
}

static int tfs_num(const struct value *t, const char *key, bool required, u64 *out)
{
	struct value *v = tuple_get(t, tfs_sym(key));
	s64 n;

	*out = 0;
	if (!v)
		return required ? -EUCLEAN : 0;
	if (value_to_s64(v, &n) || n < 0)
		return -EUCLEAN;
	*out = (u64)n;
	return 0;
}

int tfs_extent_get(struct tfs *fs, const struct symbol *key, const struct value *ext, u64 *fsec,
		   u64 *off, u64 *len, u64 *alloc)
{
	u64 span;

	if (!key || !tfs_parse_u64(key->name, key->len, fsec) || !ext || ext->type != VALUE_TUPLE)
		return -EUCLEAN;
	if (tfs_num(ext, "offset", true, off) || tfs_num(ext, "length", true, len) ||
	    tfs_num(ext, "allocated", false, alloc))
		return -EUCLEAN;
	if (!tuple_get(ext, tfs_sym("allocated")))
		*alloc = *len;
	span = MAX(*len, *alloc);
	if (*off == 0 || *off >= fs->dev.sectors || span > fs->dev.sectors - *off)
		return -EUCLEAN;
	if (*fsec >= ((u64)1 << 54) || *len >= ((u64)1 << 54) - *fsec)
		return -EUCLEAN;
	return 0;
}

/* mark a file's extents in the used-sector map; name: the file's name */
static int tfs_mark_extents(struct tfs *fs, const struct value *exts, const struct symbol *name,
			    struct tfs_msg *msg)
{
	const char *n = name ? name->name : "/";

	u64 fsec, off, len, alloc;
	u32 i;
	int err;

	if (exts->type != VALUE_TUPLE) {
		tfs_msgf(msg, "file \"%s\": extents is not a tuple", n);
		return -EUCLEAN;
	}
	for (i = 0; i < tuple_count(exts); i++) {
		const struct tuple_entry *e = tuple_at(exts, i);

		if (tfs_extent_get(fs, e->key, e->val, &fsec, &off, &len, &alloc)) {
			tfs_msgf(msg,
				 "file \"%s\": extent \"%s\": bad offset/length or outside "
				 "the volume",
				 n, e->key->name);
			return -EUCLEAN;
		}
		if (!tfs_space_is_free(&fs->space, off, MAX(len, alloc))) {
			tfs_msgf(msg,
				 "file \"%s\": extent \"%s\" (sectors %u+%u) overlaps the log "
				 "or another file",
				 n, e->key->name, off, MAX(len, alloc));
			return -EUCLEAN;
		}
		err = tfs_space_mark(&fs->space, off, MAX(len, alloc));
		if (err)
			return err;
	}
	return 0;
}

struct tfs_walk {
	struct value *v;
	const struct symbol *name; /* the key it was found under */
	u32 depth;
};

/* every numbered node reachable from the root exactly once (no sharing, no
 * cycles), bounded depth; rebuild the used-sector map on the way */
static int tfs_check_tree(struct tfs *fs, struct tfs_msg *msg)
{
	const struct symbol *s_extents = tfs_sym("extents");
	struct tfs_walk *stack;
	u32 n = 0, cap = fs->dict.count + 1, i;
	u8 *seen;
	int err = 0;

	if (!s_extents)
		return -ENOMEM;
	seen = lib_zalloc(fs->dict.count + 1);
	stack = lib_alloc((size_t)cap * sizeof(*stack));
	if (!seen || !stack) {
		err = -ENOMEM;
		goto out;
	}
	seen[fs->root->tfs_idx] = 1;
	stack[n++] = (struct tfs_walk){fs->root, NULL, 0};
	while (n) {
		struct tfs_walk w = stack[--n];
		u32 count = w.v->type == VALUE_TUPLE ? tuple_count(w.v) : vector_count(w.v);

		if (w.depth > TFS_TREE_MAX_DEPTH) {
			tfs_msgf(msg, "tree nested deeper than %d levels", TFS_TREE_MAX_DEPTH);
			err = -EUCLEAN;
			goto out;
		}
		for (i = 0; i < count; i++) {
			const struct symbol *key =
			    w.v->type == VALUE_TUPLE ? tuple_at(w.v, i)->key : w.name;
			struct value *c =
			    w.v->type == VALUE_TUPLE ? tuple_at(w.v, i)->val : vector_at(w.v, i);

			if (!c || (c->type != VALUE_TUPLE && c->type != VALUE_VECTOR))
				continue;
			if (c->tfs_idx) {
				if (seen[c->tfs_idx]) {
					tfs_msgf(msg,
						 "tuple #%u is linked twice in the tree "
						 "(shared or a cycle)",
						 (u64)c->tfs_idx);
					err = -EUCLEAN;
					goto out;
				}
				seen[c->tfs_idx] = 1;
			}
			if (n == cap) {
				/* only unnumbered nodes can exceed the dictionary count */
				struct tfs_walk *ns =
				    lib_realloc(stack, (size_t)cap * 2 * sizeof(*ns));
				if (!ns) {
					err = -ENOMEM;
					goto out;
				}
				stack = ns;
				cap *= 2;
			}
			stack[n++] = (struct tfs_walk){c, key, w.depth + 1};
		}
		if (w.v->type == VALUE_TUPLE) {
			struct value *exts = tuple_get(w.v, s_extents);

			if (exts) {
				err = tfs_mark_extents(fs, exts, w.name, msg);
				if (err)
					goto out;
			}
		}
	}
out:
	lib_free(seen);
	lib_free(stack);
	return err;
}

int tfs_open(const struct tfs_dev *dev, struct tfs **out, struct tfs_msg *msg)
{
	const struct tfs_dict_ent *ent;
	struct tfs *fs;
	u32 i;
	int err;

	*out = NULL;
	if (msg)
		msg->text[0] = '\0';
	fs = lib_zalloc(sizeof(*fs));
	if (!fs)
		return -ENOMEM;
	fs->dev = *dev;
	fs->msg = msg;
	tfs_dict_init(&fs->dict);
	tfs_space_init(&fs->space, dev->sectors);
	err = tfs_log_read(&fs->log, dev, tfs_open_record, fs, msg);
	if (err)
		goto fail;
	ent = tfs_dict_get(&fs->dict, 1);
	if (ent) {
		if (!ent->val || ent->val->type != VALUE_TUPLE) {
			tfs_msgf(msg, "log: the first record is not a tuple (no root)");
			err = -EUCLEAN;
			goto fail;
		}
		fs->root = ent->val;
		fs->root_logged = true;
	} else {
		fs->root = value_tuple(); /* an empty log: empty root */
		if (!fs->root) {
			err = -ENOMEM;
			goto fail;
		}
	}
	for (i = 0; i < fs->log.nexts; i++) {
		err = tfs_space_mark(&fs->space, fs->log.exts[i].start, fs->log.exts[i].len);
		if (err)
			goto fail;
	}
	err = tfs_check_tree(fs, msg);
	if (err)
		goto fail;
	fs->writable = dev->write != NULL;
	fs->msg = NULL;
	*out = fs;
	return 0;
fail:
	if (err == -ENOMEM && msg && !msg->text[0])
		tfs_msgf(msg, "out of memory");
	tfs_close(fs);
	return err;
}

void tfs_close(struct tfs *fs)
{
	u32 i;

	if (!fs)
		return;
	/* two passes: unlink while every node is alive, then free */
	if (fs->root && !fs->root->tfs_idx)
		tfs_value_release(fs->root);
	for (i = 0; i < fs->dict.count; i++)
		tfs_value_detach(fs->dict.ents[i].val);
	for (i = 0; i < fs->dict.count; i++)
		value_free(fs->dict.ents[i].val);
	tfs_dict_free(&fs->dict);
	tfs_log_free(&fs->log);
	tfs_space_free_all(&fs->space);
	tfs_buf_free(&fs->enc);
	lib_free(fs->old_exts);
	lib_free(fs->pend_free);
	lib_free(fs);
}

struct value *tfs_root(struct tfs *fs)
{
	return fs->root;
}

const char *tfs_label(const struct tfs *fs)
{
	return fs->log.label;
}

const u8 *tfs_uuid(const struct tfs *fs)
{
	return fs->log.uuid;
}

u64 tfs_used_sectors(const struct tfs *fs)
{
	return tfs_space_used(&fs->space);
}

u64 tfs_end_sector(const struct tfs *fs)
{
	return tfs_space_end(&fs->space);
}

/* ---- namespace ---- */

struct value *tfs_lookup(const struct value *dir, const char *path)
{
	const struct symbol *s_children = tfs_sym("children");
	const struct value *cur = dir;

	if (!s_children || !dir)
		return NULL;
	while (*path) {
		const char *slash = strchr(path, '/');
		size_t len = slash ? (size_t)(slash - path) : strlen(path);
		const struct symbol *name;
		struct value *children;

		if (len) {
			children = tuple_get(cur, s_children);
			if (!children || children->type != VALUE_TUPLE)
				return NULL;
			name = sym_find(path, len);
			cur = name ? tuple_get(children, name) : NULL;
			if (!cur || cur->type != VALUE_TUPLE)
				return NULL;
		}
		path += len;
		if (*path == '/')
			path++;
	}
	return (struct value *)cur;
}

bool tfs_is_dir(const struct value *node)
{
	struct value *c = tuple_get(node, tfs_sym("children"));

	return c && c->type == VALUE_TUPLE;
}

bool tfs_is_symlink(const struct value *node)
{
	return tuple_get(node, tfs_sym("linktarget")) != NULL;
}

u64 tfs_file_length(const struct value *node)
{
	struct value *v = tuple_get(node, tfs_sym("filelength"));
	s64 n;

	if (!v || value_to_s64(v, &n) || n < 0)
		return 0;
	return (u64)n;
}

/* ---- file data ---- */

static int tfs_read_bytes(struct tfs *fs, u8 *dst, u64 disk, u64 in_sec, u64 n)
{
	u8 sector[TFS_SECTOR];
	int err;

	while (n) {
		if (in_sec == 0 && n >= TFS_SECTOR) {
			u64 cnt = MIN(n / TFS_SECTOR, (u64)65536);

			err = fs->dev.read(fs->dev.ctx, dst, disk, (u32)cnt);
			if (err)
				return err < 0 ? err : -EIO;
			dst += cnt * TFS_SECTOR;
			n -= cnt * TFS_SECTOR;
			disk += cnt;
		} else {
			u64 part = MIN(n, TFS_SECTOR - in_sec);

			err = fs->dev.read(fs->dev.ctx, sector, disk, 1);
			if (err)
				return err < 0 ? err : -EIO;
			memcpy(dst, sector + in_sec, part);
			dst += part;
			n -= part;
			disk++;
			in_sec = 0;
		}
	}
	return 0;
}

s64 tfs_file_read(struct tfs *fs, const struct value *file, void *buf, u64 offset, u64 len)
{
	const struct symbol *s_uninited = tfs_sym("uninited");
	u64 flen = tfs_file_length(file), end, fsec, off, elen, alloc;
	struct value *exts;
	u32 i;
	int err;

	if (offset >= flen || !len)
		return 0;
	len = MIN(len, flen - offset);
	if (len > (u64)INT64_MAX)
		len = (u64)INT64_MAX;
	end = offset + len;
	memset(buf, 0, len);
	exts = tuple_get(file, tfs_sym("extents"));
	if (!exts || exts->type != VALUE_TUPLE)
		return (s64)len;
	for (i = 0; i < tuple_count(exts); i++) {
		const struct tuple_entry *e = tuple_at(exts, i);
		u64 a, b;

		if (tfs_extent_get(fs, e->key, e->val, &fsec, &off, &elen, &alloc))
			return -EUCLEAN;
		if (s_uninited && tuple_get(e->val, s_uninited))
			continue;
		a = MAX(offset, fsec * TFS_SECTOR);
		b = MIN(end, (fsec + elen) * TFS_SECTOR);
		if (a >= b)
			continue;
		err = tfs_read_bytes(fs, (u8 *)buf + (a - offset), off + (a / TFS_SECTOR - fsec),
				     a % TFS_SECTOR, b - a);
		if (err)
			return err;
	}
	return (s64)len;
}

u64 tfs_min_sectors(void)
{
	/* extension 0, the first log extension, one 4 KiB block of data */
	return 1 + TFS_LOG_EXT_SECTORS + 8;
}
