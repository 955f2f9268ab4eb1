/*
 * tfs_codec.h - the TFS (format version 5) byte codec: varints, the value
 * encoding with its symbol/tuple dictionary, EAV records, log frames and
 * extension headers (docs/tfs-format.md). Pure functions over buffers: every
 * read is bounds-checked and returns -EUCLEAN with a message on bad bytes.
 *
 * Layer: lib/ (freestanding + hosted). Callers: lib/tfs_log.c, lib/tfs.c,
 * tests/unit/test_tfs_codec.c.
 *
 * Dictionary: encoder and decoder number tuples, vectors and symbols 1, 2,
 * 3... in order of first appearance (the root tuple of a log is 1). The
 * dictionary owns every numbered node (value->tfs_idx != 0); see tfs.c for
 * how such nodes are freed.
 */
#ifndef LIB_TFS_CODEC_H
#define LIB_TFS_CODEC_H

#include "types.h"
#include "value.h"

#define TFS_MAGIC      "NVMTFS"
#define TFS_MAGIC_LEN  6
#define TFS_VERSION    5
#define TFS_UUID_LEN   16
#define TFS_LABEL_MAX  32 /* bytes including the NUL */
#define TFS_VARINT_MAX 10

/* log frames */
#define TFS_FRAME_END_OF_LOG	     1
#define TFS_FRAME_TUPLE_AVAILABLE    2
#define TFS_FRAME_TUPLE_EXTENDED     3
#define TFS_FRAME_END_OF_SEGMENT     4
#define TFS_FRAME_LOG_EXTENSION_LINK 5

/* value header types: [imm:1][type:3][ext:1][len:3] */
#define TFS_TYPE_BUFFER	 0 /* symbols (keys), nil, raw buffers */
#define TFS_TYPE_TUPLE	 1
#define TFS_TYPE_VECTOR	 2
#define TFS_TYPE_INTEGER 3
#define TFS_TYPE_STRING	 4

/* nesting of new tuples/vectors inside one record */
#define TFS_MAX_DEPTH 256

/* a read position in a byte buffer */
struct tfs_cursor {
	const u8 *p;
	size_t len, pos;
};

static inline size_t tfs_cursor_left(const struct tfs_cursor *c)
{
	return c->len - c->pos;
}

/* a growable output buffer; on allocation failure failed is set and later
 * puts are dropped (check once at the end) */
struct tfs_buf {
	u8 *data;
	size_t len, cap;
	bool failed;
};

/* why decoding failed; position is relative to the decoded buffer */
struct tfs_codec_err {
	const char *what;
	size_t pos;
};

/* ---- varints: big-endian base-128, bit 7 set on all bytes but the last ---- */
size_t tfs_varint_size(u64 v);
/* writes at most TFS_VARINT_MAX bytes to dst, returns how many */
size_t tfs_varint_encode(u8 *dst, u64 v);
/* -EUCLEAN on truncation, overlong (leading 0x80) or more than 64 bits */
int tfs_varint_get(struct tfs_cursor *c, u64 *out);
int tfs_u8_get(struct tfs_cursor *c, u8 *out);

/* ---- output buffer ---- */
void tfs_buf_put(struct tfs_buf *b, const void *p, size_t n);
void tfs_buf_u8(struct tfs_buf *b, u8 v);
void tfs_buf_varint(struct tfs_buf *b, u64 v);
void tfs_buf_reset(struct tfs_buf *b); /* len = 0, keeps memory */
void tfs_buf_free(struct tfs_buf *b);

/* ---- value header ---- */
void tfs_header_put(struct tfs_buf *b, bool imm, u8 type, u64 len);
int tfs_header_get(struct tfs_cursor *c, bool *imm, u8 *type, u64 *len);

/* ---- dictionary ---- */
struct tfs_dict_ent {
	const struct symbol *sym; /* exactly one of sym/val is set */
	struct value *val;
};

struct tfs_dict {
	struct tfs_dict_ent *ents; /* ents[i] is index i + 1 */
	u32 count, cap;
	/* symbol -> index (open addressing on symbol hash), for encoding */
	const struct symbol **skeys;
	u32 *sidx;
	u32 scap, scount;
};

void tfs_dict_init(struct tfs_dict *d);
/* forgets every entry (values keep their memory; tfs_idx is NOT cleared) */
void tfs_dict_free(struct tfs_dict *d);
int tfs_dict_add_sym(struct tfs_dict *d, const struct symbol *s);
int tfs_dict_add_val(struct tfs_dict *d, struct value *v);		  /* sets v->tfs_idx */
u32 tfs_dict_sym_index(const struct tfs_dict *d, const struct symbol *s); /* 0: none */
const struct tfs_dict_ent *tfs_dict_get(const struct tfs_dict *d, u64 idx);

/* ---- encoding ---- */
/* encode v (a whole subtree): new tuples/vectors/symbols get numbered */
void tfs_encode_value(struct tfs_buf *b, struct tfs_dict *d, struct value *v);
/* one attribute of entity e: e.key = v (v NULL = delete). v's new nodes get
 * numbered; e is numbered if it was not. */
void tfs_encode_eav(struct tfs_buf *b, struct tfs_dict *d, struct value *e,
		    const struct symbol *key, struct value *v);

/* ---- decoding ---- */
/* Decode one record (exactly len bytes) and apply it to the dictionary's
 * tree: new nodes are added to d; references update existing tuples. On
 * error, nodes created so far stay in d (owned by it) and err says why. */
int tfs_decode_record(struct tfs_dict *d, const u8 *rec, size_t len, struct tfs_codec_err *err);

/* a value flag: this node is kept by a log rewrite (lib/tfs_write.c) */
#define TFS_VF_KEEP 0x20000000u

/* detach numbered (dictionary-owned) or TFS_VF_KEEP descendants reachable
 * through other containers, then free v (which must not be numbered itself
 * unless the caller is the dictionary owner freeing it) */
void tfs_value_release(struct value *v);
/* only the detaching part: null v's links to numbered/KEEP descendants
 * (through unnumbered containers). Freeing a whole dictionary: detach every
 * node first (all still alive), then value_free each. */
void tfs_value_detach(struct value *v);
/* set / clear TFS_VF_KEEP on every tuple and vector of a tree */
void tfs_value_mark_keep(struct value *v);
void tfs_value_clear_keep(struct value *v);

/* tuple_set that never frees val on failure and frees an unnumbered old
 * value (numbered ones stay with the dictionary). -ENOMEM, -EINVAL. */
int tfs_tuple_put(struct value *t, const struct symbol *key, struct value *val);

/* ---- extension header ---- */
struct tfs_ext_header {
	u64 version;
	u64 sectors;
	u8 uuid[TFS_UUID_LEN];	   /* extension 0 only */
	char label[TFS_LABEL_MAX]; /* extension 0 only, NUL-terminated */
};
void tfs_ext_header_put(struct tfs_buf *b, u64 sectors, const u8 *uuid, const char *label);
/* parse at c (first: extension 0, with uuid + label) */
int tfs_ext_header_get(struct tfs_cursor *c, bool first, struct tfs_ext_header *h,
		       struct tfs_codec_err *err);

#endif
