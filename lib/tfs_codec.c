/*
 * tfs_codec.c - TFS v5 byte codec (lib/tfs_codec.h): varints, value
 * headers, the value encoding with its dictionary, record decoding, and
 * extension headers. Everything is bounds-checked: a corrupt record gives
 * -EUCLEAN and a reason, never an out-of-bounds read or an unbounded loop
 * (every count is checked against the bytes left before it is used).
 *
 * Layer: lib/ (freestanding + hosted; lib/alloc.h and lib/cstring.h only).
 * Callers: lib/tfs_log.c, lib/tfs.c, lib/tfs_write.c, unit tests, fuzzers.
 */
#include "lib/alloc.h"
#include "lib/cstring.h"
#include "lib/errno.h"
#include "lib/tfs_codec.h"

#define TFS_DICT_MAX  0x7fffffffu
#define TFS_COUNT_MAX 0x3fffffffu /* value.c's limit on entries */

/* ---- varints ---- */

size_t tfs_varint_size(u64 v)
{
	size_t n = 1;

	while (v >>= 7)
		n++;
	return n;
}

size_t tfs_varint_encode(u8 *dst, u64 v)
{
	size_t n = tfs_varint_size(v), i;

	for (i = 0; i < n; i++) {
		u8 group = (v >> (7 * (n - 1 - i))) & 0x7f;

		dst[i] = group | (i + 1 < n ? 0x80 : 0);
	}
	return n;
}

int tfs_u8_get(struct tfs_cursor *c, u8 *out)
{
	if (c->pos >= c->len)
		return -EUCLEAN;
	*out = c->p[c->pos++];
	return 0;
}

int tfs_varint_get(struct tfs_cursor *c, u64 *out)
{
	u64 v = 0;
	int i;

	for (i = 0; i < TFS_VARINT_MAX; i++) {
		u8 b;

		if (tfs_u8_get(c, &b))
			return -EUCLEAN;
		if (i == 0 && b == 0x80)
			return -EUCLEAN; /* overlong: a leading zero group */
		if (v >> 57)
			return -EUCLEAN; /* would overflow 64 bits */
		v = (v << 7) | (b & 0x7f);
		if (!(b & 0x80)) {
			*out = v;
			return 0;
		}
	}
	return -EUCLEAN; /* more than 10 bytes */
}

/* ---- output buffer ---- */

static bool tfs_buf_grow(struct tfs_buf *b, size_t n)
{
	size_t ncap;
	u8 *p;

	if (b->failed)
		return false;
	if (b->len + n <= b->cap)
		return true;
	if (b->len + n < b->len)
		goto fail;
	ncap = b->cap ? b->cap : 256;
	while (ncap < b->len + n) {
		if (ncap > ((size_t)-1) / 2)
			goto fail;
		ncap *= 2;
	}
	p = lib_realloc(b->data, ncap);
	if (!p)
		goto fail;
	b->data = p;
	b->cap = ncap;
	return true;
fail:
	b->failed = true;
	return false;
}

void tfs_buf_put(struct tfs_buf *b, const void *p, size_t n)
{
	if (!n || !tfs_buf_grow(b, n))
		return;
	memcpy(b->data + b->len, p, n);
	b->len += n;
}

void tfs_buf_u8(struct tfs_buf *b, u8 v)
{
	tfs_buf_put(b, &v, 1);
}

void tfs_buf_varint(struct tfs_buf *b, u64 v)
{
	u8 tmp[TFS_VARINT_MAX];

	tfs_buf_put(b, tmp, tfs_varint_encode(tmp, v));
}

void tfs_buf_reset(struct tfs_buf *b)
{
	b->len = 0;
	b->failed = false;
}

void tfs_buf_free(struct tfs_buf *b)
{
	lib_free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
	b->failed = false;
}

/* ---- value header: [imm:1][type:3][ext:1][len:3] + 7-bit groups ---- */

void tfs_header_put(struct tfs_buf *b, bool imm, u8 type, u64 len)
{
	u8 first = (imm ? 0x80 : 0) | (u8)((type & 7) << 4);
	int words = 0, i;

	if (len < 8) {
		tfs_buf_u8(b, first | (u8)len);
		return;
	}
	/* the top bits go into len, the rest in 7-bit groups */
	do
		words++;
	while (words < 9 && (len >> (7 * words)) >= 8);
	tfs_buf_u8(b, first | 0x08 | (u8)(len >> (7 * words)));
	for (i = words - 1; i >= 0; i--)
		tfs_buf_u8(b, (u8)((len >> (7 * i)) & 0x7f) | (i ? 0x80 : 0));
}

int tfs_header_get(struct tfs_cursor *c, bool *imm, u8 *type, u64 *len)
{
	u8 b;
	u64 v;
	int i;

	if (tfs_u8_get(c, &b))
		return -EUCLEAN;
	*imm = b >> 7;
	*type = (b >> 4) & 7;
	v = b & 7;
	if (b & 0x08) {
		for (i = 0;; i++) {
			u8 g;

			if (i >= TFS_VARINT_MAX || (v >> 57))
				return -EUCLEAN;
			if (tfs_u8_get(c, &g))
				return -EUCLEAN;
			v = (v << 7) | (g & 0x7f);
			if (!(g & 0x80))
				break;
		}
	}
	*len = v;
	return 0;
}

/* ---- dictionary ---- */

void tfs_dict_init(struct tfs_dict *d)
{
	memset(d, 0, sizeof(*d));
}

void tfs_dict_free(struct tfs_dict *d)
{
	lib_free(d->ents);
	lib_free(d->skeys);
	lib_free(d->sidx);
	tfs_dict_init(d);
}

static int tfs_dict_push(struct tfs_dict *d, const struct symbol *s, struct value *v)
{
	if (d->count >= TFS_DICT_MAX)
		return -ENOMEM;
	if (d->count == d->cap) {
		u32 ncap = d->cap ? d->cap * 2 : 64;
		struct tfs_dict_ent *e = lib_realloc(d->ents, (size_t)ncap * sizeof(*e));

		if (!e)
			return -ENOMEM;
		d->ents = e;
		d->cap = ncap;
	}
	d->ents[d->count].sym = s;
	d->ents[d->count].val = v;
	d->count++;
	return 0;
}

static void tfs_dict_sym_insert(const struct symbol **keys, u32 *idx, u32 cap,
				const struct symbol *s, u32 i)
{
	u32 mask = cap - 1, h;

	for (h = s->hash & mask; keys[h]; h = (h + 1) & mask)
		;
	keys[h] = s;
	idx[h] = i;
}

int tfs_dict_add_sym(struct tfs_dict *d, const struct symbol *s)
{
	int err;

	if ((d->scount + 1) * 2 > d->scap) {
		u32 ncap = d->scap ? d->scap * 2 : 64, i;
		const struct symbol **keys = lib_zalloc((size_t)ncap * sizeof(*keys));
		u32 *idx = lib_zalloc((size_t)ncap * sizeof(*idx));

		if (!keys || !idx) {
			lib_free(keys);
			lib_free(idx);
			return -ENOMEM;
		}
		for (i = 0; i < d->scap; i++)
			if (d->skeys[i])
				tfs_dict_sym_insert(keys, idx, ncap, d->skeys[i], d->sidx[i]);
		lib_free(d->skeys);
		lib_free(d->sidx);
		d->skeys = keys;
		d->sidx = idx;
		d->scap = ncap;
	}
	err = tfs_dict_push(d, s, NULL);
	if (err)
		return err;
	/* a symbol written twice (decoder) keeps its first index for encoding */
	if (!tfs_dict_sym_index(d, s)) {
		tfs_dict_sym_insert(d->skeys, d->sidx, d->scap, s, d->count);
		d->scount++;
	}
	return 0;
}

int tfs_dict_add_val(struct tfs_dict *d, struct value *v)
{
	int err = tfs_dict_push(d, NULL, v);

	if (!err)
		v->tfs_idx = d->count;
	return err;
}

u32 tfs_dict_sym_index(const struct tfs_dict *d, const struct symbol *s)
{
	u32 mask, h;

	if (!d->scap)
		return 0;
	mask = d->scap - 1;
	for (h = s->hash & mask; d->skeys[h]; h = (h + 1) & mask)
		if (d->skeys[h] == s)
			return d->sidx[h];
	return 0;
}

const struct tfs_dict_ent *tfs_dict_get(const struct tfs_dict *d, u64 idx)
{
	if (idx == 0 || idx > d->count)
		return NULL;
	return &d->ents[idx - 1];
}

/* ---- tree helpers ---- */

static void tfs_detach_numbered(struct value *v)
{
	u32 i;

	if (v->type == VALUE_TUPLE) {
		for (i = 0; i < v->tup.count; i++) {
			struct value *c = v->tup.ents[i].val;

			if (!c)
				continue;
			if (c->tfs_idx || (c->flags & TFS_VF_KEEP))
				v->tup.ents[i].val = NULL;
			else
				tfs_detach_numbered(c);
		}
	} else if (v->type == VALUE_VECTOR) {
		for (i = 0; i < v->vec.count; i++) {
			struct value *c = v->vec.items[i];

			if (!c)
				continue;
			if (c->tfs_idx || (c->flags & TFS_VF_KEEP))
				v->vec.items[i] = NULL;
			else
				tfs_detach_numbered(c);
		}
	}
}

void tfs_value_detach(struct value *v)
{
	if (v)
		tfs_detach_numbered(v);
}

void tfs_value_release(struct value *v)
{
	if (!v)
		return;
	tfs_detach_numbered(v);
	value_free(v);
}

static void tfs_value_keep(struct value *v, bool on)
{
	u32 i, n;

	if (!v || (v->type != VALUE_TUPLE && v->type != VALUE_VECTOR))
		return;
	if (on)
		v->flags |= TFS_VF_KEEP;
	else
		v->flags &= ~TFS_VF_KEEP;
	n = v->type == VALUE_TUPLE ? v->tup.count : v->vec.count;
	for (i = 0; i < n; i++)
		tfs_value_keep(v->type == VALUE_TUPLE ? v->tup.ents[i].val : v->vec.items[i], on);
}

void tfs_value_mark_keep(struct value *v)
{
	tfs_value_keep(v, true);
}

void tfs_value_clear_keep(struct value *v)
{
	tfs_value_keep(v, false);
}

int tfs_tuple_put(struct value *t, const struct symbol *key, struct value *val)
{
	u32 i;

	if (!t || t->type != VALUE_TUPLE || !key || !val)
		return -EINVAL;
	if (tuple_get(t, key)) {
		for (i = 0; i < t->tup.count; i++) {
			if (t->tup.ents[i].key == key) {
				struct value *old = t->tup.ents[i].val;

				t->tup.ents[i].val = val;
				if (old && old != val && !old->tfs_idx)
					tfs_value_release(old);
				return 0;
			}
		}
	}
	if (t->tup.count >= TFS_COUNT_MAX)
		return -ENOMEM;
	if (t->tup.count == t->tup.cap) {
		/* grow here so that tuple_set cannot fail (and free val) */
		u32 ncap = t->tup.cap ? t->tup.cap * 2 : 4;
		struct tuple_entry *e = lib_realloc(t->tup.ents, (size_t)ncap * sizeof(*e));

		if (!e)
			return -ENOMEM;
		t->tup.ents = e;
		t->tup.cap = ncap;
	}
	return tuple_set(t, key, val);
}

static int tfs_vector_put(struct value *v, struct value *item)
{
	if (v->vec.count >= TFS_COUNT_MAX)
		return -ENOMEM;
	if (v->vec.count == v->vec.cap) {
		u32 ncap = v->vec.cap ? v->vec.cap * 2 : 4;
		struct value **items = lib_realloc(v->vec.items, (size_t)ncap * sizeof(*items));

		if (!items)
			return -ENOMEM;
		v->vec.items = items;
		v->vec.cap = ncap;
	}
	return vector_push(v, item);
}

/* ---- encoding ---- */

static void tfs_encode_symbol(struct tfs_buf *b, struct tfs_dict *d, const struct symbol *s)
{
	u32 idx = tfs_dict_sym_index(d, s);

	if (idx) {
		tfs_header_put(b, false, TFS_TYPE_BUFFER, idx);
		return;
	}
	tfs_header_put(b, true, TFS_TYPE_BUFFER, s->len);
	tfs_buf_put(b, s->name, s->len);
	if (tfs_dict_add_sym(d, s))
		b->failed = true;
}

void tfs_encode_value(struct tfs_buf *b, struct tfs_dict *d, struct value *v)
{
	u64 mag;
	u32 i;

	if (!v) {
		tfs_header_put(b, true, TFS_TYPE_BUFFER, 0); /* nil */
		return;
	}
	switch (v->type) {
	case VALUE_STRING:
		if ((v->flags & VALUE_F_TFS_BUFFER) && v->str.len)
			tfs_header_put(b, true, TFS_TYPE_BUFFER, v->str.len);
		else
			tfs_header_put(b, true, TFS_TYPE_STRING, v->str.len);
		tfs_buf_put(b, v->str.bytes, v->str.len);
		break;
	case VALUE_INTEGER:
		mag = v->integer < 0 ? (u64)0 - (u64)v->integer : (u64)v->integer;
		tfs_header_put(b, true, TFS_TYPE_INTEGER, v->integer < 0);
		tfs_buf_varint(b, mag);
		break;
	case VALUE_TUPLE:
	case VALUE_VECTOR: {
		u8 type = v->type == VALUE_TUPLE ? TFS_TYPE_TUPLE : TFS_TYPE_VECTOR;
		u32 count = v->type == VALUE_TUPLE ? v->tup.count : v->vec.count;

		if (v->tfs_idx) {
			/* already in the log: its state is there, refer to it */
			tfs_header_put(b, false, type, 0);
			tfs_buf_varint(b, v->tfs_idx);
			break;
		}
		tfs_header_put(b, true, type, count);
		if (tfs_dict_add_val(d, v)) {
			b->failed = true;
			return;
		}
		for (i = 0; i < count; i++) {
			if (v->type == VALUE_TUPLE) {
				tfs_encode_symbol(b, d, v->tup.ents[i].key);
				tfs_encode_value(b, d, v->tup.ents[i].val);
			} else {
				tfs_encode_value(b, d, v->vec.items[i]);
			}
		}
		break;
	}
	}
}

void tfs_encode_eav(struct tfs_buf *b, struct tfs_dict *d, struct value *e,
		    const struct symbol *key, struct value *v)
{
	if (e->tfs_idx) {
		tfs_header_put(b, false, TFS_TYPE_TUPLE, 1);
		tfs_buf_varint(b, e->tfs_idx);
	} else {
		tfs_header_put(b, true, TFS_TYPE_TUPLE, 1);
		if (tfs_dict_add_val(d, e))
			b->failed = true;
	}
	tfs_encode_symbol(b, d, key);
	tfs_encode_value(b, d, v);
}

/* ---- decoding ---- */

struct tfs_dec {
	struct tfs_dict *d;
	struct tfs_cursor c;
	struct tfs_codec_err *err;
};

static int tfs_dec_bad(struct tfs_dec *x, const char *what)
{
	x->err->what = what;
	x->err->pos = x->c.pos;
	return -EUCLEAN;
}

static int tfs_dec_value(struct tfs_dec *x, int depth, struct value **out);

static int tfs_dec_key(struct tfs_dec *x, const struct symbol **out)
{
	const struct tfs_dict_ent *ent;
	bool imm;
	u8 type;
	u64 len;
	int err;

	if (tfs_header_get(&x->c, &imm, &type, &len))
		return tfs_dec_bad(x, "truncated key header");
	if (type != TFS_TYPE_BUFFER)
		return tfs_dec_bad(x, "tuple key is not a symbol");
	if (!imm) {
		ent = tfs_dict_get(x->d, len);
		if (!ent || !ent->sym)
			return tfs_dec_bad(x, "key refers to an unknown symbol index");
		*out = ent->sym;
		return 0;
	}
	if (len > tfs_cursor_left(&x->c))
		return tfs_dec_bad(x, "symbol runs past the end of the record");
	*out = sym_intern((const char *)x->c.p + x->c.pos, len);
	if (!*out)
		return -ENOMEM;
	x->c.pos += len;
	err = tfs_dict_add_sym(x->d, *out);
	return err;
}

static int tfs_dec_entries(struct tfs_dec *x, struct value *t, u64 count, int depth)
{
	u64 i;
	int err;

	if (count > tfs_cursor_left(&x->c) / 2)
		return tfs_dec_bad(x, "tuple entry count exceeds the record");
	for (i = 0; i < count; i++) {
		const struct symbol *key;
		struct value *v;

		err = tfs_dec_key(x, &key);
		if (err)
			return err;
		err = tfs_dec_value(x, depth + 1, &v);
		if (err)
			return err;
		if (!v) {
			struct value *old = tuple_take(t, key);

			if (old && !old->tfs_idx)
				tfs_value_release(old);
			continue;
		}
		err = tfs_tuple_put(t, key, v);
		if (err) {
			if (!v->tfs_idx)
				tfs_value_release(v);
			return err;
		}
	}
	return 0;
}

static int tfs_dec_items(struct tfs_dec *x, struct value *vec, u64 count, int depth)
{
	u64 i;
	int err;

	if (count > tfs_cursor_left(&x->c))
		return tfs_dec_bad(x, "vector item count exceeds the record");
	for (i = 0; i < count; i++) {
		struct value *v;

		err = tfs_dec_value(x, depth + 1, &v);
		if (err)
			return err;
		if (!v)
			return tfs_dec_bad(x, "nil inside a vector");
		err = tfs_vector_put(vec, v);
		if (err) {
			if (!v->tfs_idx)
				tfs_value_release(v);
			return err;
		}
	}
	return 0;
}

static int tfs_dec_container(struct tfs_dec *x, bool imm, u8 type, u64 count, int depth,
			     struct value **out)
{
	const struct tfs_dict_ent *ent;
	enum value_type vt = type == TFS_TYPE_TUPLE ? VALUE_TUPLE : VALUE_VECTOR;
	struct value *v;
	u64 idx;
	int err;

	if (depth >= TFS_MAX_DEPTH)
		return tfs_dec_bad(x, "values nested too deeply");
	if (imm) {
		v = vt == VALUE_TUPLE ? value_tuple() : value_vector();
		if (!v)
			return -ENOMEM;
		err = tfs_dict_add_val(x->d, v);
		if (err) {
			value_free(v);
			return err;
		}
	} else {
		if (tfs_varint_get(&x->c, &idx))
			return tfs_dec_bad(x, "bad reference index");
		ent = tfs_dict_get(x->d, idx);
		if (!ent || !ent->val || ent->val->type != vt)
			return tfs_dec_bad(x, vt == VALUE_TUPLE
						  ? "reference to an unknown tuple index"
						  : "reference to an unknown vector index");
		v = ent->val;
	}
	*out = v;
	if (vt == VALUE_TUPLE)
		return tfs_dec_entries(x, v, count, depth);
	return tfs_dec_items(x, v, count, depth);
}

static int tfs_dec_value(struct tfs_dec *x, int depth, struct value **out)
{
	const struct tfs_dict_ent *ent;
	struct value *v;
	bool imm;
	u8 type;
	u64 len, mag;

	*out = NULL;
	if (tfs_header_get(&x->c, &imm, &type, &len))
		return tfs_dec_bad(x, "truncated value header");
	switch (type) {
	case TFS_TYPE_BUFFER:
		if (len == 0)
			return 0; /* nil */
		if (!imm) {
			ent = tfs_dict_get(x->d, len);
			if (!ent)
				return tfs_dec_bad(x, "value refers to an unknown index");
			if (ent->val) {
				*out = ent->val;
				return 0;
			}
			v = value_string(ent->sym->name, ent->sym->len);
		} else {
			if (len > tfs_cursor_left(&x->c))
				return tfs_dec_bad(x, "buffer runs past the end of the record");
			v = value_string(x->c.p + x->c.pos, len);
			x->c.pos += len;
		}
		if (!v)
			return -ENOMEM;
		v->flags |= VALUE_F_TFS_BUFFER;
		*out = v;
		return 0;
	case TFS_TYPE_STRING:
		if (!imm)
			return tfs_dec_bad(x, "string by reference");
		if (len > tfs_cursor_left(&x->c))
			return tfs_dec_bad(x, "string runs past the end of the record");
		v = value_string(x->c.p + x->c.pos, len);
		if (!v)
			return -ENOMEM;
		x->c.pos += len;
		*out = v;
		return 0;
	case TFS_TYPE_INTEGER:
		if (!imm || len > 1)
			return tfs_dec_bad(x, "bad integer header");
		if (tfs_varint_get(&x->c, &mag))
			return tfs_dec_bad(x, "bad integer varint");
		if (len ? mag > (u64)1 << 63 : mag > (u64)INT64_MAX)
			return tfs_dec_bad(x, "integer out of range");
		v = value_integer(len ? (s64)((u64)0 - mag) : (s64)mag);
		if (!v)
			return -ENOMEM;
		*out = v;
		return 0;
	case TFS_TYPE_TUPLE:
	case TFS_TYPE_VECTOR:
		return tfs_dec_container(x, imm, type, len, depth, out);
	default:
		return tfs_dec_bad(x, "unknown value type");
	}
}

int tfs_decode_record(struct tfs_dict *d, const u8 *rec, size_t len, struct tfs_codec_err *err)
{
	struct tfs_dec x = {.d = d, .c = {.p = rec, .len = len}, .err = err};
	struct value *v;
	int rc;

	err->what = NULL;
	err->pos = 0;
	rc = tfs_dec_value(&x, 0, &v);
	if (rc)
		return rc;
	if (v && !v->tfs_idx)
		tfs_value_release(v); /* a bare scalar record: nothing to apply */
	if (x.c.pos != len)
		return tfs_dec_bad(&x, "trailing bytes after the record's value");
	return 0;
}

/* ---- extension header ---- */

void tfs_ext_header_put(struct tfs_buf *b, u64 sectors, const u8 *uuid, const char *label)
{
	tfs_buf_put(b, TFS_MAGIC, TFS_MAGIC_LEN);
	tfs_buf_varint(b, TFS_VERSION);
	tfs_buf_varint(b, sectors);
	if (uuid) {
		tfs_buf_put(b, uuid, TFS_UUID_LEN);
		tfs_buf_put(b, label, strnlen(label, TFS_LABEL_MAX - 1));
		tfs_buf_u8(b, 0);
	}
}

int tfs_ext_header_get(struct tfs_cursor *c, bool first, struct tfs_ext_header *h,
		       struct tfs_codec_err *err)
{
	size_t n, max;

	err->what = NULL;
	memset(h, 0, sizeof(*h));
	if (tfs_cursor_left(c) < TFS_MAGIC_LEN || memcmp(c->p + c->pos, TFS_MAGIC, TFS_MAGIC_LEN)) {
		err->what = "bad magic";
		goto bad;
	}
	c->pos += TFS_MAGIC_LEN;
	if (tfs_varint_get(c, &h->version)) {
		err->what = "bad version varint";
		goto bad;
	}
	if (h->version == 4) {
		err->what = "TFS version 4 (old encoding) is not supported";
		goto bad;
	}
	if (h->version != TFS_VERSION) {
		err->what = "unsupported TFS version";
		goto bad;
	}
	if (tfs_varint_get(c, &h->sectors) || h->sectors == 0) {
		err->what = "bad extension length";
		goto bad;
	}
	if (!first)
		return 0;
	if (tfs_cursor_left(c) < TFS_UUID_LEN) {
		err->what = "truncated uuid";
		goto bad;
	}
	memcpy(h->uuid, c->p + c->pos, TFS_UUID_LEN);
	c->pos += TFS_UUID_LEN;
	max = MIN(tfs_cursor_left(c), (size_t)TFS_LABEL_MAX);
	for (n = 0; n < max && c->p[c->pos + n]; n++)
		;
	if (n == max) {
		err->what = "label is not NUL-terminated within 32 bytes";
		goto bad;
	}
	memcpy(h->label, c->p + c->pos, n);
	h->label[n] = '\0';
	c->pos += n + 1;
	return 0;
bad:
	err->pos = c->pos;
	return -EUCLEAN;
}
