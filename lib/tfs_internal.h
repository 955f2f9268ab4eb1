/*
 * tfs_internal.h - structures shared by the TFS layers inside lib/ (not an
 * interface for other folders; they use lib/tfs.h):
 *   lib/tfs_log.c    the metadata log chain (read, append, flush)
 *   lib/tfs_space.c  the map of used sectors (rebuilt at open)
 *   lib/tfs.c        volume open/close, namespace, file reads
 *   lib/tfs_write.c  format, file data, root record, attribute records
 *   lib/tfs_msg.c    message formatting for struct tfs_msg
 */
#ifndef LIB_TFS_INTERNAL_H
#define LIB_TFS_INTERNAL_H

#include "types.h"
#include "tfs.h"
#include "tfs_codec.h"

#define TFS_LOG_EXT_SECTORS	1024 /* 512 KiB log extensions */
#define TFS_LOG_EXT_MAX_SECTORS 8192 /* largest extension we read (4 MiB) */
#define TFS_LOG_LINK_BYTES	(1 + 2 * TFS_VARINT_MAX)
#define TFS_LOG_AVAIL_HEADER	(1 + 2 * TFS_VARINT_MAX)
#define TFS_LOG_MIN_SEGMENT	32
#define TFS_EXTENT_MAX_SECTORS	65536 /* 32 MiB per file extent */
#define TFS_TREE_MAX_DEPTH	1024  /* nesting of tuples below the root */

/* a value flag (struct value.flags) private to lib/tfs*: a numbered extent
 * tuple whose length/allocated changed in memory and must be logged */
#define TFS_VF_DIRTY 0x40000000u

struct tfs_range {
	u64 start, len;
};

/* used sectors: sorted, non-overlapping, non-adjacent ranges */
struct tfs_space {
	struct tfs_range *r;
	u32 count, cap;
	u64 total; /* volume sectors */
};

struct tfs_log {
	struct tfs_dev dev;
	u8 uuid[TFS_UUID_LEN];
	char label[TFS_LABEL_MAX];
	struct tfs_range *exts; /* the chain in order; exts[0] is extension 0 */
	u32 nexts, exts_cap;
	/* the last extension, kept in memory for appending */
	u64 cur_start, cur_sectors;
	u8 *cur;      /* cur_sectors * 512 bytes, NULL if the chain ends in ext 0 */
	size_t end;   /* offset of the END_OF_LOG byte in cur */
	size_t dirty; /* first byte of cur not yet on disk */
	u8 ext0[TFS_SECTOR];
	bool ext0_dirty;
	u64 records; /* records read + appended */
	/* reading: a record split over extensions */
	struct tfs_buf rec;
	u64 rec_total;
	bool in_rec;
};

struct tfs {
	struct tfs_dev dev;
	struct tfs_log log;
	struct tfs_dict dict;
	struct value *root;
	struct tfs_space space;
	bool writable;
	bool root_logged;	 /* root is dictionary index 1 of this log */
	struct tfs_buf enc;	 /* scratch for encoding records */
	struct value *pend_file; /* file with changes not yet logged */
	u64 next_extend;	 /* pre-reserved log extension, 0 if none */
	int failed;		 /* sticky write failure (-errno) */
	/* after a log rewrite, the old chain until extension 0 is rewritten */
	struct tfs_range *old_exts;
	u32 old_nexts;
	struct tfs_msg *msg;
	/* data sectors that truncate/punch-hole took from files: with
	 * defer_release they go back to the free map only at
	 * tfs_release_pending (after the records are on the disk) */
	bool defer_release;
	struct tfs_range *pend_free;
	u32 npend_free, pend_free_cap;
};

/* ---- tfs_msg.c: tiny formatter (%s %d %u(u64) %x(u64)) ---- */
void tfs_msgf(struct tfs_msg *m, const char *fmt, ...);

/* ---- tfs_space.c ---- */
void tfs_space_init(struct tfs_space *s, u64 total);
void tfs_space_free_all(struct tfs_space *s);
int tfs_space_mark(struct tfs_space *s, u64 start, u64 len); /* -ENOMEM */
void tfs_space_release(struct tfs_space *s, u64 start, u64 len);
/* release now, or queue for tfs_release_pending when fs->defer_release
 * (tfs_file.c) */
void tfs_release_data(struct tfs *fs, u64 start, u64 len);
/* zero the bytes of the file's sector holding byte len, from len on
 * (tfs_write.c): before a file grows past a partial last sector */
int tfs_zero_tail(struct tfs *fs, struct value *exts, u64 len);
bool tfs_space_is_free(const struct tfs_space *s, u64 start, u64 len);
/* find and mark a free run: want sectors if possible, else the biggest run
 * of at least min (halving down); *start and *got. -ENOSPC if none. */
int tfs_space_alloc(struct tfs_space *s, u64 want, u64 min, u64 *start, u64 *got);
u64 tfs_space_used(const struct tfs_space *s);
u64 tfs_space_end(const struct tfs_space *s); /* one past the last used sector */

/* ---- tfs_log.c ---- */
typedef int (*tfs_record_fn)(void *ctx, const u8 *rec, size_t len, struct tfs_msg *msg);
/* read the chain from sector 0, calling fn for each record. On success the
 * log is ready to append after the last record. */
int tfs_log_read(struct tfs_log *log, const struct tfs_dev *dev, tfs_record_fn fn, void *ctx,
		 struct tfs_msg *msg);
/* a new log: extension 0 (uuid, label) linking to an extension at
 * first_start; nothing is written until tfs_log_flush */
int tfs_log_create(struct tfs_log *log, const struct tfs_dev *dev, const u8 *uuid,
		   const char *label, u64 first_start, u64 first_sectors);
typedef int (*tfs_ext_alloc_fn)(void *ctx, u64 sectors, u64 *start);
/* frame one record into the log (split across extensions as needed) */
int tfs_log_append(struct tfs_log *log, const u8 *rec, size_t len, tfs_ext_alloc_fn alloc,
		   void *ctx);
int tfs_log_flush(struct tfs_log *log);
void tfs_log_free(struct tfs_log *log);

/* ---- tfs.c ---- */
const struct symbol *tfs_sym(const char *name); /* cached sym(); NULL on ENOMEM */
int tfs_extent_get(struct tfs *fs, const struct symbol *key, const struct value *ext, u64 *fsec,
		   u64 *off, u64 *len, u64 *alloc);
/* set t.key = val (val NULL: delete) and log it if t is numbered */
int tfs_attr_set(struct tfs *fs, struct value *t, const struct symbol *key, struct value *val);
int tfs_commit_pending(struct tfs *fs);
/* make file the pending file (committing another) and give it an extents
 * tuple; shared by tfs_file_append and the in-place writes of tfs_file.c */
/* set key to the integer n in tuple t; an extent tuple (offset length
 * allocated); both tfs_write.c */
int tfs_set_num(struct value *t, const char *key, u64 n);
struct value *tfs_new_extent(u64 off, u64 len, u64 alloc);
/* read-modify-write of part of one sector (tfs_write.c) */
int tfs_write_partial(struct tfs *fs, u64 disk, u64 in, const u8 *p, u64 n, bool fresh);
int tfs_file_prepare(struct tfs *fs, struct value *file, struct value **exts_out);

#endif
