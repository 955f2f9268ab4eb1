/*
 * tfs_log.c - the TFS metadata log: a chain of extensions starting with the
 * one-sector extension 0 at sector 0 (docs/tfs-format.md).
 *
 * Reading follows LOG_EXTENSION_LINK frames with bounds and loop checks
 * (a link must stay inside the volume and must not overlap any extension
 * already in the chain), reassembles records split with TUPLE_EXTENDED and
 * hands each record to a callback. Every failure names the extension:
 * "log extension at sector 1025: bad magic".
 *
 * Writing mirrors the reference: records are framed into the last
 * extension, kept whole in memory; when fewer than link + header + 32 bytes
 * remain, a new 512 KiB extension is allocated, written first, and then the
 * link is added to the old one. A flush writes the sector-aligned dirty
 * tail ending with END_OF_LOG; the next record overwrites that byte.
 *
 * Layer: lib/ (freestanding + hosted). Callers: lib/tfs.c, lib/tfs_write.c.
 */
#include "lib/alloc.h"
#include "lib/cstring.h"
#include "lib/errno.h"
#include "lib/tfs_internal.h"

static int tfs_log_push_ext(struct tfs_log *log, u64 start, u64 len)
{
	if (log->nexts == log->exts_cap) {
		u32 ncap = log->exts_cap ? log->exts_cap * 2 : 8;
		struct tfs_range *r = lib_realloc(log->exts, (size_t)ncap * sizeof(*r));

		if (!r)
			return -ENOMEM;
		log->exts = r;
		log->exts_cap = ncap;
	}
	log->exts[log->nexts].start = start;
	log->exts[log->nexts].len = len;
	log->nexts++;
	return 0;
}

void tfs_log_free(struct tfs_log *log)
{
	lib_free(log->exts);
	lib_free(log->cur);
	tfs_buf_free(&log->rec);
	memset(log, 0, sizeof(*log));
}

/* ---- reading ---- */

struct tfs_log_reader {
	struct tfs_log *log;
	tfs_record_fn fn;
	void *ctx;
	struct tfs_msg *msg;
	/* sorted copy of the chain for overlap checks */
	struct tfs_range *sorted;
	u32 nsorted;
};

static bool tfs_log_overlaps(struct tfs_log_reader *r, u64 start, u64 len, u32 *pos)
{
	u32 lo = 0, hi = r->nsorted;

	while (lo < hi) {
		u32 mid = lo + (hi - lo) / 2;

		if (r->sorted[mid].start + r->sorted[mid].len <= start)
			lo = mid + 1;
		else
			hi = mid;
	}
	*pos = lo;
	return lo < r->nsorted && r->sorted[lo].start < start + len;
}

static int tfs_log_track(struct tfs_log_reader *r, u64 start, u64 len)
{
	u32 pos;
	struct tfs_range *s;

	if (tfs_log_overlaps(r, start, len, &pos))
		return -EUCLEAN;
	s = lib_realloc(r->sorted, (size_t)(r->nsorted + 1) * sizeof(*s));
	if (!s)
		return -ENOMEM;
	r->sorted = s;
	memmove(&s[pos + 1], &s[pos], (size_t)(r->nsorted - pos) * sizeof(*s));
	s[pos].start = start;
	s[pos].len = len;
	r->nsorted++;
	return tfs_log_push_ext(r->log, start, len);
}

/* an extension being read: loaded on demand (a small log costs a few
 * sectors, not 512 KiB of reads and memory) */
struct tfs_ext_buf {
	u8 *buf;
	size_t loaded, size; /* bytes read so far, extension size */
	u64 start;
};

#define TFS_LOG_READ_CHUNK (16 * TFS_SECTOR)

/* make bytes [0, want) available (or all of the extension) */
static int tfs_ext_ensure(struct tfs_log_reader *r, struct tfs_ext_buf *eb, size_t want)
{
	struct tfs_log *log = r->log;
	size_t n;
	u8 *nb;
	int err;

	if (want > eb->size)
		want = eb->size;
	if (want <= eb->loaded)
		return 0;
	/* grow geometrically, in whole sectors */
	n = MAX(want - eb->loaded, MAX(eb->loaded, (size_t)TFS_LOG_READ_CHUNK));
	n = MIN(ALIGN_UP(n, (size_t)TFS_SECTOR), eb->size - eb->loaded);
	nb = lib_realloc(eb->buf, eb->loaded + n);
	if (!nb) {
		tfs_msgf(r->msg, "log extension at sector %u: out of memory", eb->start);
		return -ENOMEM;
	}
	eb->buf = nb;
	err = log->dev.read(log->dev.ctx, eb->buf + eb->loaded, eb->start + eb->loaded / TFS_SECTOR,
			    (u32)(n / TFS_SECTOR));
	if (err) {
		tfs_msgf(r->msg, "log extension at sector %u: read error %d", eb->start, err);
		return err < 0 ? err : -EIO;
	}
	eb->loaded += n;
	return 0;
}

static int tfs_log_record(struct tfs_log_reader *r, const u8 *rec, size_t len)
{
	r->log->records++;
	return r->fn(r->ctx, rec, len, r->msg);
}

/* parse the frames of the extension in buf from *pos; returns 1 and the
 * next extension in *next_start and *next_len on a link, 0 at END_OF_LOG */
static int tfs_log_frames(struct tfs_log_reader *r, struct tfs_ext_buf *eb, size_t *pos,
			  u64 *next_start, u64 *next_len)
{
	struct tfs_log *log = r->log;
	struct tfs_cursor c = {.pos = *pos};
	u64 ext_start = eb->start, total, seg;
	u8 frame;
	int err;

	for (;;) {
		*pos = c.pos;
		/* a frame header is at most 21 bytes */
		err = tfs_ext_ensure(r, eb, c.pos + TFS_LOG_AVAIL_HEADER);
		if (err)
			return err;
		c.p = eb->buf;
		c.len = eb->loaded;
		if (tfs_u8_get(&c, &frame)) {
			tfs_msgf(r->msg,
				 "log extension at sector %u: no END_OF_LOG or link before "
				 "its end",
				 ext_start);
			return -EUCLEAN;
		}
		switch (frame) {
		case TFS_FRAME_END_OF_LOG:
			if (log->in_rec) {
				tfs_msgf(r->msg,
					 "log extension at sector %u: log ends inside a split "
					 "record",
					 ext_start);
				return -EUCLEAN;
			}
			return 0;
		case TFS_FRAME_END_OF_SEGMENT:
			continue;
		case TFS_FRAME_LOG_EXTENSION_LINK:
			if (tfs_varint_get(&c, next_start) || tfs_varint_get(&c, next_len))
				goto bad_varint;
			return 1;
		case TFS_FRAME_TUPLE_AVAILABLE:
			if (log->in_rec) {
				tfs_msgf(r->msg,
					 "log extension at sector %u, byte %u: new record "
					 "inside a split record",
					 ext_start, (u64)*pos);
				return -EUCLEAN;
			}
			if (tfs_varint_get(&c, &total) || tfs_varint_get(&c, &seg))
				goto bad_varint;
			if (seg <= eb->size) {
				err = tfs_ext_ensure(r, eb, c.pos + seg);
				if (err)
					return err;
				c.p = eb->buf;
				c.len = eb->loaded;
			}
			if (seg > total || seg > tfs_cursor_left(&c) || total == 0) {
				tfs_msgf(r->msg,
					 "log extension at sector %u, byte %u: bad record "
					 "length %u (segment %u)",
					 ext_start, (u64)*pos, total, seg);
				return -EUCLEAN;
			}
			if (seg == total) {
				err = tfs_log_record(r, c.p + c.pos, seg);
				if (err)
					return err;
			} else {
				if (total > log->dev.sectors * TFS_SECTOR) {
					tfs_msgf(r->msg,
						 "log extension at sector %u: record length %u "
						 "exceeds the volume",
						 ext_start, total);
					return -EUCLEAN;
				}
				tfs_buf_reset(&log->rec);
				tfs_buf_put(&log->rec, c.p + c.pos, seg);
				if (log->rec.failed)
					return -ENOMEM;
				log->rec_total = total;
				log->in_rec = true;
			}
			c.pos += seg;
			continue;
		case TFS_FRAME_TUPLE_EXTENDED:
			if (tfs_varint_get(&c, &seg))
				goto bad_varint;
			if (seg <= eb->size) {
				err = tfs_ext_ensure(r, eb, c.pos + seg);
				if (err)
					return err;
				c.p = eb->buf;
				c.len = eb->loaded;
			}
			if (!log->in_rec || seg > tfs_cursor_left(&c) ||
			    seg > log->rec_total - log->rec.len) {
				tfs_msgf(r->msg,
					 "log extension at sector %u, byte %u: bad "
					 "continuation of a split record",
					 ext_start, (u64)*pos);
				return -EUCLEAN;
			}
			tfs_buf_put(&log->rec, c.p + c.pos, seg);
			if (log->rec.failed)
				return -ENOMEM;
			c.pos += seg;
			if (log->rec.len == log->rec_total) {
				log->in_rec = false;
				err = tfs_log_record(r, log->rec.data, log->rec.len);
				if (err)
					return err;
			}
			continue;
		default:
			tfs_msgf(r->msg, "log extension at sector %u, byte %u: unknown frame 0x%x",
				 ext_start, (u64)*pos, (u64)frame);
			return -EUCLEAN;
		}
	}
bad_varint:
	tfs_msgf(r->msg, "log extension at sector %u, byte %u: bad varint in frame", ext_start,
		 (u64)*pos);
	return -EUCLEAN;
}

int tfs_log_read(struct tfs_log *log, const struct tfs_dev *dev, tfs_record_fn fn, void *ctx,
		 struct tfs_msg *msg)
{
	struct tfs_log_reader r = {.log = log, .fn = fn, .ctx = ctx, .msg = msg};
	struct tfs_ext_header h;
	struct tfs_codec_err cerr;
	struct tfs_ext_buf eb = {0};
	struct tfs_cursor c;
	u64 start = 0, sectors = 1, next_start = 0, next_len = 0;
	size_t pos;
	int err;

	memset(log, 0, sizeof(*log));
	log->dev = *dev;
	if (dev->sectors < 1) {
		tfs_msgf(msg, "volume is empty");
		return -EUCLEAN;
	}
	for (;;) {
		lib_free(eb.buf);
		eb = (struct tfs_ext_buf){.start = start, .size = sectors * TFS_SECTOR};
		/* header, uuid and label: within the first sector */
		err = tfs_ext_ensure(&r, &eb, TFS_SECTOR);
		if (err)
			goto out;
		c = (struct tfs_cursor){.p = eb.buf, .len = eb.loaded};
		err = tfs_ext_header_get(&c, start == 0, &h, &cerr);
		if (err) {
			tfs_msgf(msg, "log extension at sector %u: %s", start, cerr.what);
			goto out;
		}
		if (start == 0) {
			memcpy(log->ext0, eb.buf, TFS_SECTOR);
			memcpy(log->uuid, h.uuid, TFS_UUID_LEN);
			memcpy(log->label, h.label, TFS_LABEL_MAX);
			err = tfs_log_track(&r, 0, 1);
			if (err)
				goto out;
		} else if (h.sectors != sectors) {
			tfs_msgf(msg,
				 "log extension at sector %u: header says %u sectors, the "
				 "link %u",
				 start, h.sectors, sectors);
			err = -EUCLEAN;
			goto out;
		}
		pos = c.pos;
		err = tfs_log_frames(&r, &eb, &pos, &next_start, &next_len);
		if (err < 0)
			goto out;
		if (err == 0)
			break;
		/* a link: validate the next extension */
		if (next_len == 0 || next_len > TFS_LOG_EXT_MAX_SECTORS) {
			tfs_msgf(msg,
				 "log extension at sector %u: link to sector %u has bad "
				 "length %u",
				 start, next_start, next_len);
			err = -EUCLEAN;
			goto out;
		}
		if (next_start >= dev->sectors || next_len > dev->sectors - next_start) {
			tfs_msgf(msg,
				 "log extension at sector %u: link to sectors %u+%u is past "
				 "the end of the volume (%u sectors)",
				 start, next_start, next_len, dev->sectors);
			err = -EUCLEAN;
			goto out;
		}
		err = tfs_log_track(&r, next_start, next_len);
		if (err) {
			if (err == -EUCLEAN)
				tfs_msgf(msg,
					 "log extension at sector %u: link to sector %u "
					 "overlaps an earlier extension (loop)",
					 start, next_start);
			goto out;
		}
		start = next_start;
		sectors = next_len;
	}
	/* keep the last extension, whole, for appending (not extension 0); the
	 * part never read lies after END_OF_LOG and is rewritten before use */
	if (start != 0) {
		u8 *full = lib_realloc(eb.buf, eb.size);

		if (!full) {
			tfs_msgf(msg, "log extension at sector %u: out of memory", start);
			err = -ENOMEM;
			goto out;
		}
		memset(full + eb.loaded, 0, eb.size - eb.loaded);
		log->cur = full;
		eb.buf = NULL;
		log->cur_start = start;
		log->cur_sectors = sectors;
		log->end = pos;
		log->dirty = pos;
	}
	err = 0;
out:
	lib_free(eb.buf);
	lib_free(r.sorted);
	tfs_buf_free(&log->rec);
	log->in_rec = false;
	return err;
}

/* ---- writing ---- */

static int tfs_log_new_ext(u64 sectors, u8 **out, size_t *end)
{
	struct tfs_buf b = {0};
	u8 *buf = lib_zalloc(sectors * TFS_SECTOR);

	if (!buf)
		return -ENOMEM;
	tfs_ext_header_put(&b, sectors, NULL, NULL);
	if (b.failed) {
		lib_free(buf);
		return -ENOMEM;
	}
	memcpy(buf, b.data, b.len);
	*end = b.len;
	buf[b.len] = TFS_FRAME_END_OF_LOG;
	tfs_buf_free(&b);
	*out = buf;
	return 0;
}

static size_t tfs_log_put_link(u8 *p, u64 start, u64 sectors)
{
	size_t n = 0;

	p[n++] = TFS_FRAME_LOG_EXTENSION_LINK;
	n += tfs_varint_encode(p + n, start);
	n += tfs_varint_encode(p + n, sectors);
	return n;
}

int tfs_log_create(struct tfs_log *log, const struct tfs_dev *dev, const u8 *uuid,
		   const char *label, u64 first_start, u64 first_sectors)
{
	struct tfs_buf b = {0};
	int err;

	memset(log, 0, sizeof(*log));
	log->dev = *dev;
	memcpy(log->uuid, uuid, TFS_UUID_LEN);
	memcpy(log->label, label, strnlen(label, TFS_LABEL_MAX - 1));
	tfs_ext_header_put(&b, 1, uuid, label);
	if (b.failed || b.len + TFS_LOG_LINK_BYTES + 1 > TFS_SECTOR) {
		tfs_buf_free(&b);
		return -ENOMEM;
	}
	memcpy(log->ext0, b.data, b.len);
	b.len += tfs_log_put_link(log->ext0 + b.len, first_start, first_sectors);
	log->ext0[b.len] = TFS_FRAME_END_OF_LOG;
	tfs_buf_free(&b);
	log->ext0_dirty = true;
	err = tfs_log_new_ext(first_sectors, &log->cur, &log->end);
	if (err)
		return err;
	log->cur_start = first_start;
	log->cur_sectors = first_sectors;
	log->dirty = 0;
	err = tfs_log_push_ext(log, 0, 1);
	if (!err)
		err = tfs_log_push_ext(log, first_start, first_sectors);
	return err;
}

/* write cur's sectors from the dirty one to the one holding END_OF_LOG */
static int tfs_log_write_tail(struct tfs_log *log)
{
	u64 first = log->dirty / TFS_SECTOR, last = log->end / TFS_SECTOR;
	int err;

	if (!log->dev.write)
		return -EROFS;
	err = log->dev.write(log->dev.ctx, log->cur + first * TFS_SECTOR, log->cur_start + first,
			     (u32)(last - first + 1));
	if (err)
		return err < 0 ? err : -EIO;
	log->dirty = log->end;
	return 0;
}

static int tfs_log_extend(struct tfs_log *log, tfs_ext_alloc_fn alloc, void *ctx)
{
	u64 start;
	size_t nend;
	u8 *nbuf;
	int err;

	if (!alloc)
		return -ENOSPC;
	err = alloc(ctx, TFS_LOG_EXT_SECTORS, &start);
	if (err)
		return err;
	err = tfs_log_new_ext(TFS_LOG_EXT_SECTORS, &nbuf, &nend);
	if (err)
		return err;
	err = tfs_log_push_ext(log, start, TFS_LOG_EXT_SECTORS);
	if (err)
		goto out_free;
	/* the new extension first, then the link that makes it reachable */
	err = log->dev.write(log->dev.ctx, nbuf, start, 1);
	if (err)
		goto out_free;
	log->end += tfs_log_put_link(log->cur + log->end, start, TFS_LOG_EXT_SECTORS);
	log->cur[log->end] = TFS_FRAME_END_OF_LOG;
	err = tfs_log_write_tail(log);
	if (err)
		goto out_free;
	lib_free(log->cur);
	log->cur = nbuf;
	log->cur_start = start;
	log->cur_sectors = TFS_LOG_EXT_SECTORS;
	log->end = nend;
	log->dirty = 0;
	return 0;
out_free:
	lib_free(nbuf);
	return err < 0 ? err : -EIO;
}

int tfs_log_append(struct tfs_log *log, const u8 *rec, size_t len, tfs_ext_alloc_fn alloc,
		   void *ctx)
{
	size_t done = 0;
	int err;

	if (!log->cur || !log->dev.write)
		return -EROFS; /* read-only, or the chain ends in extension 0 */
	if (!len)
		return -EINVAL;
	while (done < len) {
		size_t size = log->cur_sectors * TFS_SECTOR, avail, seg;
		u8 *p;

		if (log->end + TFS_LOG_LINK_BYTES + TFS_LOG_AVAIL_HEADER + TFS_LOG_MIN_SEGMENT >=
		    size) {
			err = tfs_log_extend(log, alloc, ctx);
			if (err)
				return err;
			continue;
		}
		avail = size - (log->end + TFS_LOG_LINK_BYTES + TFS_LOG_AVAIL_HEADER);
		seg = MIN(avail, len - done);
		p = log->cur + log->end;
		if (done == 0) {
			*p++ = TFS_FRAME_TUPLE_AVAILABLE;
			p += tfs_varint_encode(p, len);
		} else {
			*p++ = TFS_FRAME_TUPLE_EXTENDED;
		}
		p += tfs_varint_encode(p, seg);
		memcpy(p, rec + done, seg);
		p += seg;
		done += seg;
		log->end = (size_t)(p - log->cur);
		log->cur[log->end] = TFS_FRAME_END_OF_LOG;
	}
	log->records++;
	return 0;
}

int tfs_log_flush(struct tfs_log *log)
{
	int err;

	if (!log->cur)
		return log->ext0_dirty ? -EROFS : 0;
	if (log->dirty < log->end || log->ext0_dirty) {
		err = tfs_log_write_tail(log);
		if (err)
			return err;
	}
	if (log->ext0_dirty) {
		/* extension 0 last: it makes the new log reachable */
		err = log->dev.write(log->dev.ctx, log->ext0, 0, 1);
		if (err)
			return err < 0 ? err : -EIO;
		log->ext0_dirty = false;
	}
	return 0;
}
