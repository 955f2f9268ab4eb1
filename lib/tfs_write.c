/*
 * tfs_write.c - writing TFS volumes (lib/tfs.h): format, the whole-tree
 * root record, streamed file data with extent allocation, attribute (EAV)
 * records, flush, and a crash-safe log rewrite (compaction).
 *
 * Record sequence, mirroring the reference mkfs: the root tree is one
 * record (files as tuples without data); each file written after that adds
 * extents:() on the file, then one record per extent on the extents tuple
 * ("0":(offset:.. length:.. allocated:..), sectors), then filelength.
 * File changes are kept in memory while the same file is appended to and
 * logged when another file is appended, the root is written or on flush.
 *
 * Layout of a new volume: extension 0 at sector 0, the first log extension
 * at 1..1024, two reserved 1024-sector areas (next log extension and next
 * compaction target) when the volume has room, then data.
 *
 * Layer: lib/ (freestanding + hosted). Callers: tools/mkfs, fs/tfs.
 */
#include "lib/alloc.h"
#include "lib/cstring.h"
#include "lib/errno.h"
#include "lib/tfs_internal.h"

#define TFS_FIRST_LOG 1

static int tfs_alloc_log_ext(void *ctx, u64 sectors, u64 *start)
{
	struct tfs *fs = ctx;
	u64 got, s;

	if (fs->next_extend && sectors == TFS_LOG_EXT_SECTORS) {
		*start = fs->next_extend;
		fs->next_extend = 0;
		/* reserve the one after, like the reference (best effort) */
		if (!tfs_space_alloc(&fs->space, sectors, sectors, &s, &got))
			fs->next_extend = s;
		return 0;
	}
	return tfs_space_alloc(&fs->space, sectors, sectors, start, &got);
}

static int tfs_fail(struct tfs *fs, int err)
{
	if (err && !fs->failed)
		fs->failed = err;
	return err;
}

/* encode (already in fs->enc) and append one record */
static int tfs_append_enc(struct tfs *fs)
{
	int err;

	if (fs->enc.failed)
		return tfs_fail(fs, -ENOMEM);
	err = tfs_log_append(&fs->log, fs->enc.data, fs->enc.len, tfs_alloc_log_ext, fs);
	return tfs_fail(fs, err);
}

int tfs_attr_set(struct tfs *fs, struct value *t, const struct symbol *key, struct value *val)
{
	int err;

	if (!fs->writable || fs->failed || !t || t->type != VALUE_TUPLE || !key) {
		err = !fs->writable ? -EROFS : fs->failed ? fs->failed : -EINVAL;
		goto out_drop;
	}
	if (t->tfs_idx && fs->root_logged) {
		tfs_buf_reset(&fs->enc);
		tfs_encode_eav(&fs->enc, &fs->dict, t, key, val);
		err = tfs_append_enc(fs);
		if (err)
			goto out_drop;
	}
	if (!val) {
		/* order of the rest need not be kept (a directory's listing
		 * order is not part of the format): O(1) in a big directory */
		struct value *old = tuple_take_unordered(t, key);

		if (old && !old->tfs_idx)
			tfs_value_release(old);
		return 0;
	}
	err = tfs_tuple_put(t, key, val);
	if (err) {
		tfs_fail(fs, err); /* memory and log now differ */
		goto out_drop;
	}
	return 0;
out_drop:
	if (val && !val->tfs_idx)
		tfs_value_release(val);
	return err;
}

int tfs_set(struct tfs *fs, struct value *t, const struct symbol *key, struct value *val)
{
	int err = tfs_commit_pending(fs);

	if (err) {
		if (val && !val->tfs_idx)
			tfs_value_release(val);
		return err;
	}
	return tfs_attr_set(fs, t, key, val);
}

/* ---- format ---- */

int tfs_format(const struct tfs_dev *dev, const char *label, const u8 uuid[16], struct tfs **out,
	       struct tfs_msg *msg)
{
	struct tfs *fs;
	int err;

	*out = NULL;
	if (msg)
		msg->text[0] = '\0';
	if (!dev->write) {
		tfs_msgf(msg, "the device is read-only");
		return -EROFS;
	}
	if (dev->sectors < tfs_min_sectors()) {
		tfs_msgf(msg, "volume of %u sectors is too small (at least %u)", dev->sectors,
			 tfs_min_sectors());
		return -ENOSPC;
	}
	if (strnlen(label, TFS_LABEL_MAX) >= TFS_LABEL_MAX) {
		tfs_msgf(msg, "label is longer than %d bytes", TFS_LABEL_MAX - 1);
		return -EINVAL;
	}
	fs = lib_zalloc(sizeof(*fs));
	if (!fs)
		goto nomem;
	fs->dev = *dev;
	fs->writable = true;
	tfs_dict_init(&fs->dict);
	tfs_space_init(&fs->space, dev->sectors);
	err = tfs_space_mark(&fs->space, 0, TFS_FIRST_LOG + TFS_LOG_EXT_SECTORS);
	if (err)
		goto fail;
	/* reserve the next log extension and the next compaction target */
	if (dev->sectors >= TFS_FIRST_LOG + 4 * TFS_LOG_EXT_SECTORS) {
		fs->next_extend = TFS_FIRST_LOG + TFS_LOG_EXT_SECTORS;
		err = tfs_space_mark(&fs->space, fs->next_extend, 2 * TFS_LOG_EXT_SECTORS);
		if (err)
			goto fail;
	}
	err = tfs_log_create(&fs->log, dev, uuid, label, TFS_FIRST_LOG, TFS_LOG_EXT_SECTORS);
	if (err)
		goto fail;
	fs->root = value_tuple();
	if (!fs->root)
		goto fail_nomem;
	*out = fs;
	return 0;
fail_nomem:
	err = -ENOMEM;
fail:
	tfs_close(fs);
	if (err != -ENOMEM)
		return err;
nomem:
	tfs_msgf(msg, "out of memory");
	return -ENOMEM;
}

/* ---- file data ---- */

static struct value *tfs_last_extent(struct tfs *fs, struct value *exts, u64 *fsec, u64 *off,
				     u64 *len, u64 *alloc)
{
	struct value *best = NULL;
	u64 f, o, l, a;
	u32 i;

	for (i = 0; i < tuple_count(exts); i++) {
		const struct tuple_entry *e = tuple_at(exts, i);

		if (tfs_extent_get(fs, e->key, e->val, &f, &o, &l, &a))
			continue;
		if (!best || f > *fsec) {
			best = e->val;
			*fsec = f;
			*off = o;
			*len = l;
			*alloc = a;
		}
	}
	return best;
}

int tfs_set_num(struct value *t, const char *key, u64 n)
{
	struct value *v = value_integer((s64)n);
	int err;

	if (!v)
		return -ENOMEM;
	err = tfs_tuple_put(t, tfs_sym(key), v);
	if (err)
		value_free(v);
	return err;
}

struct value *tfs_new_extent(u64 off, u64 len, u64 alloc)
{
	struct value *e = value_tuple();

	if (!e)
		return NULL;
	if (tfs_set_num(e, "offset", off) || tfs_set_num(e, "length", len) ||
	    tfs_set_num(e, "allocated", alloc)) {
		value_free(e);
		return NULL;
	}
	return e;
}

/* write n bytes at byte `in` of disk sector `disk` (n <= 512 - in); p NULL
 * writes zeros; fresh: the sector was never written, the rest is zeros */
int tfs_write_partial(struct tfs *fs, u64 disk, u64 in, const u8 *p, u64 n, bool fresh)
{
	u8 sector[TFS_SECTOR];
	int err;

	if (fresh) {
		memset(sector, 0, sizeof(sector));
	} else {
		err = fs->dev.read(fs->dev.ctx, sector, disk, 1);
		if (err)
			return err < 0 ? err : -EIO;
	}
	if (p)
		memcpy(sector + in, p, n);
	else
		memset(sector + in, 0, n);
	err = fs->dev.write(fs->dev.ctx, sector, disk, 1);
	return err < 0 ? err : err ? -EIO : 0;
}

/* make the file the pending one and make sure it has an extents tuple */
int tfs_file_prepare(struct tfs *fs, struct value *file, struct value **exts_out)
{
	const struct symbol *s_extents = tfs_sym("extents");
	struct value *exts;
	int err;

	if (!fs->writable)
		return -EROFS;
	if (fs->failed)
		return fs->failed;
	if (!file || file->type != VALUE_TUPLE || !s_extents)
		return -EINVAL;
	if (file != fs->pend_file) {
		err = tfs_commit_pending(fs);
		if (err)
			return err;
		fs->pend_file = file;
	}
	exts = tuple_get(file, s_extents);
	if (!exts) {
		exts = value_tuple();
		if (!exts)
			return -ENOMEM;
		err = tfs_tuple_put(file, s_extents, exts);
		if (err) {
			value_free(exts);
			return err;
		}
	} else if (exts->type != VALUE_TUPLE) {
		return -EUCLEAN;
	}
	*exts_out = exts;
	return 0;
}

int tfs_file_append(struct tfs *fs, struct value *file, const void *buf, u64 len, u64 size_hint)
{
	const u8 *p = buf;
	struct value *exts, *ext;
	u64 pos, fsec = 0, off = 0, elen = 0, alloc = 0;
	int err;

	err = tfs_file_prepare(fs, file, &exts);
	if (err)
		return err;
	pos = tfs_file_length(file);
	if (len > ((u64)1 << 62) - pos)
		return -EFBIG;
	ext = tfs_last_extent(fs, exts, &fsec, &off, &elen, &alloc);
	while (len) {
		u64 sec = pos / TFS_SECTOR, in = pos % TFS_SECTOR, n, disk;

		if (!ext || sec >= fsec + alloc) {
			/* need space: grow the last extent in place, else a new one */
			u64 rem = MAX(len, size_hint > pos ? size_hint - pos : 0);
			u64 want =
			    MIN((rem + TFS_SECTOR - 1) / TFS_SECTOR, (u64)TFS_EXTENT_MAX_SECTORS);
			u64 start, got;

			if (ext && sec == fsec + alloc && alloc < TFS_EXTENT_MAX_SECTORS &&
			    tfs_space_is_free(&fs->space, off + alloc,
					      MIN(want, TFS_EXTENT_MAX_SECTORS - alloc))) {
				got = MIN(want, TFS_EXTENT_MAX_SECTORS - alloc);
				err = tfs_space_mark(&fs->space, off + alloc, got);
				if (err)
					return err;
				alloc += got;
				err = tfs_set_num(ext, "allocated", alloc);
				if (err)
					return err;
				ext->flags |= TFS_VF_DIRTY;
			} else {
				char name[24];
				size_t nl = 0;
				u64 v = sec;
				char tmp[24];
				int k = 0;

				err = tfs_space_alloc(&fs->space, want, 1, &start, &got);
				if (err)
					return err;
				do
					tmp[k++] = (char)('0' + v % 10);
				while ((v /= 10));
				while (k)
					name[nl++] = tmp[--k];
				ext = tfs_new_extent(start, 0, got);
				if (!ext) {
					tfs_space_release(&fs->space, start, got);
					return -ENOMEM;
				}
				err = tfs_tuple_put(exts, sym_intern(name, nl), ext);
				if (err) {
					value_free(ext);
					tfs_space_release(&fs->space, start, got);
					return err;
				}
				fsec = sec;
				off = start;
				elen = 0;
				alloc = got;
			}
		}
		disk = off + (sec - fsec);
		if (in || len < TFS_SECTOR) {
			n = MIN(len, TFS_SECTOR - in);
			/* a sector past the extent's length holds no file data yet */
			err = tfs_write_partial(fs, disk, in, p, n, in == 0 || sec - fsec >= elen);
		} else {
			u64 cnt = MIN(MIN(len / TFS_SECTOR, fsec + alloc - sec), (u64)65536);

			n = cnt * TFS_SECTOR;
			err = fs->dev.write(fs->dev.ctx, p, disk, (u32)cnt);
			if (err > 0)
				err = -EIO;
		}
		if (err)
			return err;
		p += n;
		pos += n;
		len -= n;
		if ((pos + TFS_SECTOR - 1) / TFS_SECTOR - fsec > elen) {
			elen = (pos + TFS_SECTOR - 1) / TFS_SECTOR - fsec;
			err = tfs_set_num(ext, "length", elen);
			if (err)
				return err;
			ext->flags |= TFS_VF_DIRTY;
		}
	}
	if (!tuple_get(file, tfs_sym("filelength")) || pos != tfs_file_length(file)) {
		err = tfs_set_num(file, "filelength", pos);
		if (err)
			return err;
		file->flags |= TFS_VF_DIRTY;
	}
	return 0;
}

/* log what tfs_file_append changed on the pending file */
int tfs_commit_pending(struct tfs *fs)
{
	const struct symbol *s_extents = tfs_sym("extents");
	struct value *f = fs->pend_file, *exts, *ext;
	u64 fsec = 0, off = 0, len = 0, alloc = 0;
	u32 i;
	int err = 0;

	if (!f)
		return 0;
	fs->pend_file = NULL;
	exts = tuple_get(f, s_extents);
	if (!exts || exts->type != VALUE_TUPLE)
		return 0;
	/* give back what the size hint reserved but the data did not use */
	ext = tfs_last_extent(fs, exts, &fsec, &off, &len, &alloc);
	if (ext && alloc > len) {
		tfs_space_release(&fs->space, off + len, alloc - len);
		err = tfs_set_num(ext, "allocated", len);
		if (err)
			return tfs_fail(fs, err);
		ext->flags |= TFS_VF_DIRTY;
	}
	if (!f->tfs_idx || !fs->root_logged)
		return 0; /* logged later with the whole tree */
	if (!exts->tfs_idx) {
		/* extents:() on the file, then each extent on it */
		struct value *fresh = value_tuple(), *old = tuple_take(f, s_extents);

		if (!fresh) {
			tuple_set(f, s_extents, old);
			return tfs_fail(fs, -ENOMEM);
		}
		err = tfs_attr_set(fs, f, s_extents, fresh);
		for (i = 0; !err && i < old->tup.count; i++) {
			struct value *v = old->tup.ents[i].val;

			old->tup.ents[i].val = NULL;
			if (v)
				v->flags &= ~TFS_VF_DIRTY;
			err = tfs_attr_set(fs, fresh, old->tup.ents[i].key, v);
		}
		tfs_value_release(old);
		if (err)
			return err;
	} else {
		for (i = 0; i < tuple_count(exts); i++) {
			const struct tuple_entry *e = tuple_at(exts, i);
			struct value *v = e->val;

			if (!v || v->type != VALUE_TUPLE)
				continue;
			if (!v->tfs_idx) {
				v->flags &= ~TFS_VF_DIRTY;
				err = tfs_attr_set(fs, exts, e->key, v);
			} else if (v->flags & TFS_VF_DIRTY) {
				v->flags &= ~TFS_VF_DIRTY;
				err = tfs_extent_get(fs, e->key, v, &fsec, &off, &len, &alloc);
				if (!err)
					err = tfs_attr_set(fs, v, tfs_sym("length"),
							   value_integer((s64)len));
				if (!err)
					err = tfs_attr_set(fs, v, tfs_sym("allocated"),
							   value_integer((s64)alloc));
			}
			if (err)
				return tfs_fail(fs, err);
		}
	}
	if (f->flags & TFS_VF_DIRTY) {
		f->flags &= ~TFS_VF_DIRTY;
		err = tfs_attr_set(fs, f, tfs_sym("filelength"),
				   value_integer((s64)tfs_file_length(f)));
	}
	return err;
}

/* ---- root record, compaction, flush ---- */

/* Rewrite the log as one whole-tree record of root into a new chain; the
 * switch happens when tfs_flush rewrites extension 0. */
static int tfs_relog(struct tfs *fs, struct value *root)
{
	struct tfs_log nlog;
	u64 start, got;
	u32 i;
	int err;

	err = tfs_space_alloc(&fs->space, TFS_LOG_EXT_SECTORS, TFS_LOG_EXT_SECTORS, &start, &got);
	if (err)
		return err;
	err = tfs_log_create(&nlog, &fs->dev, fs->log.uuid, fs->log.label, start, got);
	if (err) {
		tfs_space_release(&fs->space, start, got);
		return err;
	}
	/* keep the nodes of the new tree, free the rest of the dictionary */
	for (i = 0; i < fs->dict.count; i++)
		if (fs->dict.ents[i].val)
			fs->dict.ents[i].val->flags &= ~TFS_VF_KEEP;
	tfs_value_mark_keep(root);
	if (fs->root != root && !(fs->root->flags & TFS_VF_KEEP) && !fs->root->tfs_idx)
		tfs_value_release(fs->root);
	for (i = 0; i < fs->dict.count; i++) {
		struct value *v = fs->dict.ents[i].val;

		if (v && !(v->flags & TFS_VF_KEEP))
			tfs_value_detach(v);
	}
	for (i = 0; i < fs->dict.count; i++) {
		struct value *v = fs->dict.ents[i].val;

		if (v && !(v->flags & TFS_VF_KEEP)) {
			value_free(v);
			fs->dict.ents[i].val = NULL;
		}
	}
	for (i = 0; i < fs->dict.count; i++) {
		struct value *v = fs->dict.ents[i].val;

		if (v && (v->flags & TFS_VF_KEEP))
			v->tfs_idx = 0;
	}
	tfs_value_clear_keep(root);
	tfs_dict_free(&fs->dict);
	/* the old chain stays allocated until extension 0 points elsewhere; a
	 * chain that extension 0 never pointed to can go now */
	if (fs->old_exts) {
		for (i = 1; i < fs->log.nexts; i++)
			tfs_space_release(&fs->space, fs->log.exts[i].start, fs->log.exts[i].len);
	} else {
		fs->old_exts = fs->log.exts;
		fs->old_nexts = fs->log.nexts;
		fs->log.exts = NULL;
	}
	tfs_log_free(&fs->log);
	fs->log = nlog;
	fs->root = root;
	fs->root_logged = false;
	return 0;
}

int tfs_write_root(struct tfs *fs, struct value *root)
{
	int err;

	if (!fs->writable) {
		err = -EROFS;
		goto out_drop;
	}
	if (fs->failed) {
		err = fs->failed;
		goto out_drop;
	}
	if (!root || root->type != VALUE_TUPLE) {
		err = -EINVAL;
		goto out_drop;
	}
	err = tfs_commit_pending(fs);
	if (err)
		goto out_drop;
	if (fs->log.records || fs->root_logged || fs->old_exts) {
		err = tfs_relog(fs, root);
		if (err)
			goto out_drop;
	} else if (fs->root != root) {
		tfs_value_release(fs->root);
		fs->root = root;
	}
	tfs_buf_reset(&fs->enc);
	tfs_encode_value(&fs->enc, &fs->dict, root);
	err = tfs_append_enc(fs);
	if (err)
		return err;
	fs->root_logged = root->tfs_idx == 1;
	return 0;
out_drop:
	if (root && root != fs->root && !root->tfs_idx)
		tfs_value_release(root);
	return err;
}

int tfs_compact(struct tfs *fs)
{
	return tfs_write_root(fs, fs->root);
}

int tfs_flush(struct tfs *fs)
{
	u32 i;
	int err;

	if (!fs->writable)
		return -EROFS;
	if (fs->failed)
		return fs->failed;
	err = tfs_commit_pending(fs);
	if (err)
		return err;
	if (!fs->root_logged) {
		err = tfs_write_root(fs, fs->root);
		if (err)
			return err;
	}
	err = tfs_log_flush(&fs->log);
	if (err)
		return tfs_fail(fs, err);
	if (fs->old_exts) {
		/* extension 0 now links the new chain: free the old one */
		for (i = 1; i < fs->old_nexts; i++)
			tfs_space_release(&fs->space, fs->old_exts[i].start, fs->old_exts[i].len);
		lib_free(fs->old_exts);
		fs->old_exts = NULL;
		fs->old_nexts = 0;
	}
	return 0;
}

/* ---- truncate ---- */

/* zero the bytes of the file's sector holding byte len, from len on */
int tfs_zero_tail(struct tfs *fs, struct value *exts, u64 len)
{
	u64 sec = len / TFS_SECTOR, fsec, off, elen, alloc;
	u8 sector[TFS_SECTOR];
	u32 i;
	int err;

	if (len % TFS_SECTOR == 0)
		return 0;
	for (i = 0; i < tuple_count(exts); i++) {
		const struct tuple_entry *e = tuple_at(exts, i);

		if (tfs_extent_get(fs, e->key, e->val, &fsec, &off, &elen, &alloc) || sec < fsec ||
		    sec >= fsec + elen)
			continue;
		err = fs->dev.read(fs->dev.ctx, sector, off + sec - fsec, 1);
		if (!err) {
			memset(sector + len % TFS_SECTOR, 0, TFS_SECTOR - len % TFS_SECTOR);
			err = fs->dev.write(fs->dev.ctx, sector, off + sec - fsec, 1);
		}
		return err < 0 ? err : err ? -EIO : 0;
	}
	return 0; /* a hole */
}

int tfs_file_truncate(struct tfs *fs, struct value *file, u64 len)
{
	const struct symbol *s_extents = tfs_sym("extents");
	u64 keep = (len + TFS_SECTOR - 1) / TFS_SECTOR, fsec, off, elen, alloc, span;
	u64 flen = tfs_file_length(file);
	struct value *exts;
	u32 i;
	int err;

	if (!fs->writable)
		return -EROFS;
	if (fs->failed)
		return fs->failed;
	if (!file || file->type != VALUE_TUPLE || !s_extents || len > ((u64)1 << 62))
		return -EINVAL;
	err = tfs_commit_pending(fs);
	if (err)
		return err;
	exts = tuple_get(file, s_extents);
	if (exts && exts->type == VALUE_TUPLE && len < flen) {
		for (i = 0; i < tuple_count(exts);) {
			const struct tuple_entry *e = tuple_at(exts, i);
			struct value *ext = e->val;

			if (tfs_extent_get(fs, e->key, ext, &fsec, &off, &elen, &alloc)) {
				i++;
				continue;
			}
			span = MAX(elen, alloc);
			if (fsec >= keep) {
				/* wholly past the new end: drop it (entries shift) */
				tfs_release_data(fs, off, span);
				err = tfs_attr_set(fs, exts, e->key, NULL);
				if (err)
					return err;
				continue;
			}
			if (fsec + span > keep) {
				tfs_release_data(fs, off + (keep - fsec), span - (keep - fsec));
				err = tfs_attr_set(fs, ext, tfs_sym("length"),
						   value_integer((s64)MIN(elen, keep - fsec)));
				if (!err)
					err = tfs_attr_set(fs, ext, tfs_sym("allocated"),
							   value_integer((s64)(keep - fsec)));
				if (err)
					return err;
			}
			i++;
		}
		/* the bytes of the last sector past len stay on the disk until
		 * the file grows again (zeroed then): zeroing them now would
		 * damage the synced file if a crash drops this record */
	} else if (exts && exts->type == VALUE_TUPLE && len > flen) {
		/* growing: the old last sector's bytes past the old end read
		 * as zeros from now on */
		err = tfs_zero_tail(fs, exts, flen);
		if (err)
			return tfs_fail(fs, err);
	}
	if (tuple_get(file, tfs_sym("filelength")) && flen == len)
		return 0;
	return tfs_attr_set(fs, file, tfs_sym("filelength"), value_integer((s64)len));
}
