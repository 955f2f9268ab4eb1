/*
 * tfs_file.c - writing inside existing files (lib/tfs.h): overwrite in
 * place, fill holes (sparse writes), writes past the end, and giving a
 * removed node's data back to the free map. Built on the same pending-file
 * mechanism as tfs_file_append (lib/tfs_write.c): changed or new extents
 * are flagged in memory and logged as EAV records by tfs_commit_pending
 * (on the next change to another file, a tfs_set, or tfs_flush).
 *
 * Extents are named by their first file sector ("0", "8", ...); a write
 * into a hole grows the extent that ends right before the hole when the
 * disk sectors after it are free (sequential writes stay one extent),
 * else adds a new extent covering just the written sectors. Partially
 * written new sectors are zero-filled, so bytes never written read as 0.
 *
 * Layer: lib/ (freestanding + hosted). Callers: fs/ (the kernel's write
 * path), tests/unit.
 */
#include "lib/alloc.h"
#include "lib/cstring.h"
#include "lib/errno.h"
#include "lib/tfs_file.h"
#include "lib/tfs_internal.h"

/* bytes [pos, pos+n) of the file, all inside disk sectors starting at
 * disk (the sector holding pos); fresh: sectors never written before */
static int tfsf_write_run(struct tfs *fs, u64 disk, u64 pos, const u8 *p, u64 n, bool fresh)
{
	static const u8 zeros[TFS_SECTOR * 8];
	u64 in = pos % TFS_SECTOR;
	int err;

	while (n) {
		u64 k;

		if (in || n < TFS_SECTOR) {
			k = MIN(n, TFS_SECTOR - in);
			err = tfs_write_partial(fs, disk, in, p, k, fresh);
			if (err)
				return err;
			disk++;
		} else {
			u64 cnt = MIN(n / TFS_SECTOR, (u64)65536);

			if (!p)
				cnt = MIN(cnt, (u64)8);
			k = cnt * TFS_SECTOR;
			err = fs->dev.write(fs->dev.ctx, p ? p : zeros, disk, (u32)cnt);
			if (err)
				return err < 0 ? err : -EIO;
			disk += cnt;
		}
		if (p)
			p += k;
		n -= k;
		in = 0;
	}
	return 0;
}

/* the extent holding file sector sec, else the first extent after it
 * (*next) and the one ending at or before sec (*prev) */
struct tfsf_find {
	struct value *hit, *prev;
	u64 fsec, off, len, alloc;	   /* hit */
	u64 p_fsec, p_off, p_len, p_alloc; /* prev */
	u64 next;			   /* first fsec after sec, or ~0 */
};

static int tfsf_find(struct tfs *fs, struct value *exts, u64 sec, struct tfsf_find *r)
{
	u64 fsec, off, len, alloc;
	u32 i;

	memset(r, 0, sizeof(*r));
	r->next = ~(u64)0;
	for (i = 0; i < tuple_count(exts); i++) {
		const struct tuple_entry *e = tuple_at(exts, i);

		if (tfs_extent_get(fs, e->key, e->val, &fsec, &off, &len, &alloc))
			return -EUCLEAN;
		if (fsec <= sec && sec < fsec + len) {
			r->hit = e->val;
			r->fsec = fsec;
			r->off = off;
			r->len = len;
			r->alloc = alloc;
		} else if (fsec > sec) {
			r->next = MIN(r->next, fsec);
		} else if (!r->prev || fsec > r->p_fsec) {
			r->prev = e->val;
			r->p_fsec = fsec;
			r->p_off = off;
			r->p_len = len;
			r->p_alloc = alloc;
		}
	}
	return 0;
}

static int tfsf_name(char *name, u64 v)
{
	char tmp[24];
	int k = 0, n = 0;

	do
		tmp[k++] = (char)('0' + v % 10);
	while ((v /= 10));
	while (k)
		name[n++] = tmp[--k];
	return n;
}

/* fill part of a hole [sec, ...) with the data at pos: grow prev in place
 * or add an extent; sets *done to the bytes written */
static int tfsf_fill_hole(struct tfs *fs, struct value *exts, struct tfsf_find *r, u64 pos,
			  const u8 *p, u64 n, u64 *done)
{
	u64 sec = pos / TFS_SECTOR, end_sec = (pos + n + TFS_SECTOR - 1) / TFS_SECTOR;
	u64 want = MIN(end_sec, r->next) - sec, start, got, bytes;
	int err;

	want = MIN(want, (u64)TFS_EXTENT_MAX_SECTORS);
	if (r->prev && r->p_fsec + r->p_len == sec) {
		struct value *ext = r->prev;
		u64 room = r->p_alloc > r->p_len ? r->p_alloc - r->p_len : 0;

		/* allocated-but-unused sectors first, then free disk after them */
		if (!room && r->p_alloc < TFS_EXTENT_MAX_SECTORS &&
		    tfs_space_is_free(&fs->space, r->p_off + r->p_alloc, 1)) {
			u64 g = MIN(want, TFS_EXTENT_MAX_SECTORS - r->p_alloc);

			while (g > 1 && !tfs_space_is_free(&fs->space, r->p_off + r->p_alloc, g))
				g /= 2;
			err = tfs_space_mark(&fs->space, r->p_off + r->p_alloc, g);
			if (err)
				return err;
			r->p_alloc += g;
			room = g;
			err = tfs_set_num(ext, "allocated", r->p_alloc);
			if (err)
				return err;
			ext->flags |= TFS_VF_DIRTY;
		}
		if (room) {
			got = MIN(room, want);
			bytes = MIN(n, (sec + got) * TFS_SECTOR - pos);
			err = tfsf_write_run(fs, r->p_off + r->p_len, pos, p, bytes, true);
			if (err)
				return err;
			err = tfs_set_num(ext, "length", r->p_len + got);
			if (err)
				return err;
			ext->flags |= TFS_VF_DIRTY;
			*done = bytes;
			return 0;
		}
	}
	err = tfs_space_alloc(&fs->space, want, 1, &start, &got);
	if (err)
		return err;
	bytes = MIN(n, (sec + got) * TFS_SECTOR - pos);
	err = tfsf_write_run(fs, start, pos, p, bytes, true);
	if (!err) {
		struct value *ext = tfs_new_extent(start, got, got);
		char name[24];
		int nl = tfsf_name(name, sec);

		err = -ENOMEM;
		if (ext)
			err = tfs_tuple_put(exts, sym_intern(name, (size_t)nl), ext);
		if (err && ext)
			value_free(ext);
	}
	if (err) {
		tfs_space_release(&fs->space, start, got);
		return err;
	}
	*done = bytes;
	return 0;
}

/* write (p NULL: zeros) len bytes at off; grows filelength if needed */
static int tfsf_write(struct tfs *fs, struct value *file, const u8 *p, u64 off, u64 len)
{
	struct value *exts;
	struct tfsf_find r;
	u64 pos = off, left = len, flen;
	int err;

	err = tfs_file_prepare(fs, file, &exts);
	if (err)
		return err;
	if (off > ((u64)1 << 62) || len > ((u64)1 << 62) - off)
		return -EFBIG;
	flen = tfs_file_length(file);
	if (off > flen) {
		/* the old last sector's stale bytes past the end (a shrink
		 * keeps them) must read as zeros now */
		err = tfs_zero_tail(fs, exts, flen);
		if (err)
			return err;
	}
	while (left) {
		u64 sec = pos / TFS_SECTOR, n;

		err = tfsf_find(fs, exts, sec, &r);
		if (err)
			return err;
		if (r.hit) {
			n = MIN(left, (r.fsec + r.len) * TFS_SECTOR - pos);
			err = tfsf_write_run(fs, r.off + (sec - r.fsec), pos, p, n, false);
		} else {
			err = tfsf_fill_hole(fs, exts, &r, pos, p, left, &n);
		}
		if (err)
			return err;
		pos += n;
		left -= n;
		if (p)
			p += n;
	}
	flen = tfs_file_length(file);
	if (!tuple_get(file, tfs_sym("filelength")) || pos > flen) {
		err = tfs_set_num(file, "filelength", MAX(pos, flen));
		if (err)
			return err;
		file->flags |= TFS_VF_DIRTY;
	}
	return 0;
}

int tfs_file_write(struct tfs *fs, struct value *file, const void *buf, u64 off, u64 len)
{
	if (!buf)
		return -EINVAL;
	return tfsf_write(fs, file, buf, off, len);
}

int tfs_file_allocate(struct tfs *fs, struct value *file, u64 off, u64 len, bool keep_size)
{
	struct value *exts;
	struct tfsf_find r;
	u64 pos, end, flen = tfs_file_length(file);
	int err;

	err = tfs_file_prepare(fs, file, &exts);
	if (err)
		return err;
	if (off > ((u64)1 << 62) || len > ((u64)1 << 62) - off)
		return -EFBIG;
	end = off + len;
	if (keep_size)
		end = MIN(end, flen);
	else if (end > flen) {
		err = tfs_zero_tail(fs, exts, flen);
		if (err)
			return err;
	}
	/* zero-fill only the holes: existing data stays */
	for (pos = off; pos < end;) {
		u64 sec = pos / TFS_SECTOR, n;

		err = tfsf_find(fs, exts, sec, &r);
		if (err)
			return err;
		if (r.hit) {
			pos = MIN(end, (r.fsec + r.len) * TFS_SECTOR);
			continue;
		}
		n = MIN(end, r.next == ~(u64)0 ? end : r.next * TFS_SECTOR) - pos;
		err = tfsf_write(fs, file, NULL, pos, n);
		if (err)
			return err;
		pos += n;
	}
	if (!keep_size && off + len > tfs_file_length(file)) {
		err = tfs_set_num(file, "filelength", off + len);
		if (err)
			return err;
		file->flags |= TFS_VF_DIRTY;
	}
	return 0;
}

/* release the data sectors of a node that has left the tree (no log
 * record: the record that removed the node frees them on replay) */
void tfs_node_release_space(struct tfs *fs, struct value *node)
{
	struct value *exts;
	u64 fsec, off, len, alloc;
	u32 i;

	if (!node || node->type != VALUE_TUPLE)
		return;
	if (fs->pend_file == node)
		fs->pend_file = NULL; /* nothing of it needs logging now */
	exts = tuple_get(node, tfs_sym("extents"));
	if (!exts || exts->type != VALUE_TUPLE)
		return;
	for (i = 0; i < tuple_count(exts); i++) {
		const struct tuple_entry *e = tuple_at(exts, i);

		if (!tfs_extent_get(fs, e->key, e->val, &fsec, &off, &len, &alloc))
			tfs_space_release(&fs->space, off, MAX(len, alloc));
	}
}

void tfs_release_data(struct tfs *fs, u64 start, u64 len)
{
	if (!len)
		return;
	if (!fs->defer_release) {
		tfs_space_release(&fs->space, start, len);
		return;
	}
	if (fs->npend_free == fs->pend_free_cap) {
		u32 ncap = fs->pend_free_cap ? fs->pend_free_cap * 2 : 32;
		struct tfs_range *n = lib_alloc(ncap * sizeof(*n));

		if (!n)
			return; /* no memory: the sectors stay used until the next mount */
		if (fs->pend_free)
			memcpy(n, fs->pend_free, fs->npend_free * sizeof(*n));
		lib_free(fs->pend_free);
		fs->pend_free = n;
		fs->pend_free_cap = ncap;
	}
	fs->pend_free[fs->npend_free].start = start;
	fs->pend_free[fs->npend_free].len = len;
	fs->npend_free++;
}

void tfs_set_defer_release(struct tfs *fs, bool on)
{
	fs->defer_release = on;
}

void tfs_release_pending(struct tfs *fs)
{
	for (u32 i = 0; i < fs->npend_free; i++)
		tfs_space_release(&fs->space, fs->pend_free[i].start, fs->pend_free[i].len);
	fs->npend_free = 0;
}

bool tfs_file_covered(struct tfs *fs, const struct value *file, u64 off, u64 len)
{
	struct value *exts = tuple_get(file, tfs_sym("extents"));
	u64 sec = off / TFS_SECTOR, end = (off + len + TFS_SECTOR - 1) / TFS_SECTOR;
	struct tfsf_find r;

	if (!exts || exts->type != VALUE_TUPLE)
		return false;
	while (sec < end) {
		if (tfsf_find(fs, exts, sec, &r) || !r.hit)
			return false;
		sec = r.fsec + r.len;
	}
	return true;
}

bool tfs_needs_flush(const struct tfs *fs)
{
	return fs->writable && !fs->failed &&
	       (fs->pend_file || !fs->root_logged || fs->log.dirty < fs->log.end ||
		fs->log.ext0_dirty);
}

/* zero bytes [pos, pos+n) of one sector where an extent holds it (holes
 * already read as zeros) */
static int tfsf_zero_in_place(struct tfs *fs, struct value *exts, u64 pos, u64 n)
{
	struct tfsf_find r;
	u64 sec = pos / TFS_SECTOR;
	int err = tfsf_find(fs, exts, sec, &r);

	if (err || !r.hit || !n)
		return err;
	return tfs_write_partial(fs, r.off + (sec - r.fsec), pos % TFS_SECTOR, NULL, n, false);
}

struct tfsf_ext {
	const struct symbol *key;
	struct value *ext;
	u64 fsec, off, len, alloc;
};

/* take file sectors [a, b) out of one extent: drop it, cut its head or
 * tail, or split it in two; the sectors go to tfs_release_data */
static int tfsf_cut(struct tfs *fs, struct value *exts, const struct tfsf_ext *x, u64 a, u64 b)
{
	u64 span = MAX(x->len, x->alloc), end = x->fsec + span;
	int err = 0;

	if (b < end && x->len > b - x->fsec) {
		/* the part after the hole becomes its own extent, named by its
		 * first file sector */
		char name[24];
		int nl = tfsf_name(name, b);
		struct value *tail = tfs_new_extent(x->off + (b - x->fsec), x->len - (b - x->fsec),
						    end - b);
		const struct symbol *k = sym_intern(name, (size_t)nl);

		if (!tail || !k) {
			value_free(tail);
			return -ENOMEM;
		}
		err = tfs_attr_set(fs, exts, k, tail);
		if (err)
			return err;
	} else {
		b = end; /* nothing worth keeping after the hole */
	}
	tfs_release_data(fs, x->off + (a - x->fsec), b - a);
	if (a == x->fsec)
		return tfs_attr_set(fs, exts, x->key, NULL);
	err = tfs_attr_set(fs, x->ext, tfs_sym("length"),
			   value_integer((s64)MIN(x->len, a - x->fsec)));
	if (!err)
		err = tfs_attr_set(fs, x->ext, tfs_sym("allocated"), value_integer((s64)(a - x->fsec)));
	return err;
}

int tfs_file_punch(struct tfs *fs, struct value *file, u64 off, u64 len)
{
	u64 flen = tfs_file_length(file), end, s0, s1;
	struct tfsf_ext *xs = NULL;
	struct value *exts;
	u32 n = 0, i;
	int err;

	if (off > ((u64)1 << 62) || len > ((u64)1 << 62) - off)
		return -EFBIG;
	err = tfs_file_prepare(fs, file, &exts);
	if (!err)
		err = tfs_commit_pending(fs); /* records below are ours, in order */
	if (err || off >= flen || !len)
		return err;
	end = MIN(off + len, flen);
	s0 = (off + TFS_SECTOR - 1) / TFS_SECTOR;
	s1 = end == flen ? (flen + TFS_SECTOR - 1) / TFS_SECTOR : end / TFS_SECTOR;
	/* partial sectors at either edge: zeros in place */
	if (s0 > s1) { /* inside one sector */
		return tfsf_zero_in_place(fs, exts, off, end - off);
	}
	if (off % TFS_SECTOR) {
		err = tfsf_zero_in_place(fs, exts, off, s0 * TFS_SECTOR - off);
		if (err)
			return err;
	}
	if (end != flen && end % TFS_SECTOR) {
		err = tfsf_zero_in_place(fs, exts, s1 * TFS_SECTOR, end - s1 * TFS_SECTOR);
		if (err)
			return err;
	}
	if (s0 >= s1)
		return 0;
	/* whole sectors [s0, s1): the extents overlapping them, collected
	 * first (cutting changes the tuple) */
	xs = lib_alloc((tuple_count(exts) + 1) * sizeof(*xs));
	if (!xs)
		return -ENOMEM;
	for (i = 0; i < tuple_count(exts); i++) {
		const struct tuple_entry *e = tuple_at(exts, i);
		struct tfsf_ext *x = &xs[n];

		if (tfs_extent_get(fs, e->key, e->val, &x->fsec, &x->off, &x->len, &x->alloc)) {
			err = -EUCLEAN;
			goto out_free;
		}
		if (x->fsec < s1 && x->fsec + MAX(x->len, x->alloc) > s0) {
			x->key = e->key;
			x->ext = e->val;
			n++;
		}
	}
	for (i = 0; i < n && !err; i++)
		err = tfsf_cut(fs, exts, &xs[i], MAX(xs[i].fsec, s0),
			       MIN(xs[i].fsec + MAX(xs[i].len, xs[i].alloc), s1));
out_free:
	lib_free(xs);
	return err;
}

u64 tfs_free_sectors(const struct tfs *fs)
{
	return fs->space.total - tfs_space_used(&fs->space);
}

u64 tfs_log_record_count(const struct tfs *fs)
{
	return fs->log.records;
}

/* values reachable from the root (tuples, vectors and leaves), counted
 * with an explicit stack; 0 on ENOMEM */
static u64 tfs_live_values(const struct tfs *fs)
{
	const struct value **stack;
	u32 n = 0, cap = 256;
	u64 count = 0;

	stack = lib_alloc(cap * sizeof(*stack));
	if (!stack || !fs->root)
		goto out;
	stack[n++] = fs->root;
	while (n) {
		const struct value *v = stack[--n];
		u32 i, k;

		count++;
		if (v->type == VALUE_TUPLE)
			k = tuple_count(v);
		else if (v->type == VALUE_VECTOR)
			k = v->vec.count;
		else
			continue;
		for (i = 0; i < k; i++) {
			const struct value *c =
			    v->type == VALUE_TUPLE ? tuple_at(v, i)->val : v->vec.items[i];

			if (!c)
				continue;
			if (n == cap) {
				const struct value **ns = lib_alloc(2 * cap * sizeof(*ns));

				if (!ns) {
					count = 0;
					goto out;
				}
				memcpy(ns, stack, cap * sizeof(*ns));
				lib_free(stack);
				stack = ns;
				cap *= 2;
			}
			stack[n++] = c;
		}
	}
out:
	lib_free(stack);
	return count;
}

bool tfs_log_mostly_obsolete(const struct tfs *fs, u64 min_records)
{
	u64 live;

	if (fs->log.records < min_records)
		return false;
	live = tfs_live_values(fs);
	/* each live value costs about one record's worth of log; four times
	 * that many records means at least three quarters are obsolete */
	return live && fs->log.records > 4 * live;
}
