/*
 * value.c - the value model (lib/value.h): strings, tuples, vectors and
 * integers; construction, deep copy/free/equality, tuple lookup with a hash
 * index for big tuples (directories), path lookup and small helpers.
 * Layer: lib/ (freestanding and hosted; only lib/alloc.h + lib/cstring.h).
 * Callers: the manifest parser/printer, the TFS codec, kernel config, tools.
 *
 * Tuples keep their entries in insertion order in ents[]. Above
 * TUPLE_INDEX_MIN entries an open-addressed hash index (linear probing) of
 * entry positions + 1 (0 = empty slot) is kept, at most half full, keyed by
 * the symbol's hash; keys compare by pointer.
 *
 * Recursion (free, copy, equal, merge) follows the tree depth; the parser
 * caps depth at MANIFEST_MAX_DEPTH and the TFS decoder must cap it too.
 *
 * Integer vs string: value_equal() treats an integer and a string holding
 * its canonical decimal form ("12", "-5", not "012" or "+5") as equal,
 * because the TFS codec may decode a manifest number either way.
 */
#include "lib/alloc.h"
#include "lib/cstring.h"
#include "lib/errno.h"
#include "lib/value.h"

#define TUPLE_INDEX_MIN 8
#define VALUE_MAX_COUNT 0x40000000u /* entries per tuple/vector */

static struct value *value_new(enum value_type type)
{
	struct value *v = lib_zalloc(sizeof(*v));

	if (v)
		v->type = type;
	return v;
}

struct value *value_string(const void *bytes, size_t len)
{
	struct value *v;

	if (len >= (size_t)-1)
		return NULL;
	v = value_new(VALUE_STRING);
	if (!v)
		return NULL;
	v->str.bytes = lib_alloc(len + 1);
	if (!v->str.bytes) {
		lib_free(v);
		return NULL;
	}
	if (len)
		memcpy(v->str.bytes, bytes, len);
	v->str.bytes[len] = '\0';
	v->str.len = len;
	return v;
}

struct value *value_cstring(const char *s)
{
	return value_string(s, strlen(s));
}

struct value *value_tuple(void)
{
	return value_new(VALUE_TUPLE);
}

struct value *value_vector(void)
{
	return value_new(VALUE_VECTOR);
}

struct value *value_integer(s64 n)
{
	struct value *v = value_new(VALUE_INTEGER);

	if (v)
		v->integer = n;
	return v;
}

void value_free(struct value *v)
{
	u32 i;

	if (!v)
		return;
	switch (v->type) {
	case VALUE_STRING:
		lib_free(v->str.bytes);
		break;
	case VALUE_TUPLE:
		for (i = 0; i < v->tup.count; i++)
			value_free(v->tup.ents[i].val);
		lib_free(v->tup.ents);
		lib_free(v->tup.index);
		break;
	case VALUE_VECTOR:
		for (i = 0; i < v->vec.count; i++)
			value_free(v->vec.items[i]);
		lib_free(v->vec.items);
		break;
	case VALUE_INTEGER:
		break;
	}
	lib_free(v);
}

/* ---- tuple hash index ---- */

static void tuple_index_put(struct value *t, u32 pos)
{
	u32 mask = t->tup.index_cap - 1;
	u32 i;

	for (i = t->tup.ents[pos].key->hash & mask; t->tup.index[i]; i = (i + 1) & mask)
		;
	t->tup.index[i] = pos + 1;
}

/* (re)build the index with room for at least `want` entries at load <= 1/2;
 * never shrinks, so a rebuild at the same size cannot fail */
static int tuple_index_build(struct value *t, u32 want)
{
	u32 cap = 16, i;
	u32 *index;

	while (cap < want * 2)
		cap *= 2;
	if (cap < t->tup.index_cap)
		cap = t->tup.index_cap;
	if (cap != t->tup.index_cap) {
		index = lib_zalloc((size_t)cap * sizeof(u32));
		if (!index)
			return -ENOMEM;
		lib_free(t->tup.index);
		t->tup.index = index;
		t->tup.index_cap = cap;
	} else {
		memset(t->tup.index, 0, (size_t)cap * sizeof(u32));
	}
	for (i = 0; i < t->tup.count; i++)
		tuple_index_put(t, i);
	return 0;
}

/* position of key in ents[], or -1 */
static s64 tuple_find(const struct value *t, const struct symbol *key)
{
	u32 i;

	if (!t || t->type != VALUE_TUPLE || !key)
		return -1;
	if (t->tup.index) {
		u32 mask = t->tup.index_cap - 1;

		for (i = key->hash & mask; t->tup.index[i]; i = (i + 1) & mask) {
			u32 pos = t->tup.index[i] - 1;

			if (t->tup.ents[pos].key == key)
				return pos;
		}
		return -1;
	}
	for (i = 0; i < t->tup.count; i++)
		if (t->tup.ents[i].key == key)
			return i;
	return -1;
}

/* ---- tuples ---- */

struct value *tuple_get(const struct value *t, const struct symbol *key)
{
	s64 pos = tuple_find(t, key);

	return pos < 0 ? NULL : t->tup.ents[pos].val;
}

struct value *tuple_get_cstr(const struct value *t, const char *key)
{
	/* a name that was never interned cannot be a key: no allocation here */
	return tuple_get(t, sym_find(key, strlen(key)));
}

int tuple_set(struct value *t, const struct symbol *key, struct value *val)
{
	struct tuple_entry *ents;
	s64 pos;
	int err;

	if (!val || !key) {
		value_free(val);
		return -ENOMEM; /* a failed constructor or sym() upstream */
	}
	if (!t || t->type != VALUE_TUPLE) {
		value_free(val);
		return -EINVAL;
	}
	pos = tuple_find(t, key);
	if (pos >= 0) {
		value_free(t->tup.ents[pos].val);
		t->tup.ents[pos].val = val;
		return 0;
	}
	if (t->tup.count >= VALUE_MAX_COUNT) {
		value_free(val);
		return -ENOMEM;
	}
	if (t->tup.count == t->tup.cap) {
		u32 ncap = t->tup.cap ? t->tup.cap * 2 : 4;

		ents = lib_realloc(t->tup.ents, (size_t)ncap * sizeof(*ents));
		if (!ents) {
			value_free(val);
			return -ENOMEM;
		}
		t->tup.ents = ents;
		t->tup.cap = ncap;
	}
	t->tup.ents[t->tup.count].key = key;
	t->tup.ents[t->tup.count].val = val;
	t->tup.count++;
	if (t->tup.index && t->tup.count * 2 <= t->tup.index_cap) {
		tuple_index_put(t, t->tup.count - 1);
	} else if (t->tup.count > TUPLE_INDEX_MIN) {
		err = tuple_index_build(t, t->tup.count);
		if (err) {
			/* the entry stays; drop the index and fall back to scans */
			lib_free(t->tup.index);
			t->tup.index = NULL;
			t->tup.index_cap = 0;
		}
	}
	return 0;
}

struct value *tuple_take(struct value *t, const struct symbol *key)
{
	struct value *val;
	s64 pos = tuple_find(t, key);

	if (pos < 0)
		return NULL;
	val = t->tup.ents[pos].val;
	memmove(&t->tup.ents[pos], &t->tup.ents[pos + 1],
		(size_t)(t->tup.count - pos - 1) * sizeof(t->tup.ents[0]));
	t->tup.count--;
	if (t->tup.index)
		tuple_index_build(t, t->tup.count); /* same size: cannot fail */
	return val;
}

/* index slot holding position pos (which must be indexed) */
static u32 tuple_index_slot(const struct value *t, u32 pos)
{
	u32 mask = t->tup.index_cap - 1, i;

	for (i = t->tup.ents[pos].key->hash & mask; t->tup.index[i] != pos + 1; i = (i + 1) & mask)
		;
	return i;
}

/* drop position pos from the index: backward-shift deletion (linear
 * probing), so every other key stays reachable from its home slot */
static void tuple_index_del(struct value *t, u32 pos)
{
	u32 mask = t->tup.index_cap - 1, i = tuple_index_slot(t, pos), j = i;

	for (;;) {
		u32 home;
		bool stays;

		j = (j + 1) & mask;
		if (!t->tup.index[j])
			break;
		home = t->tup.ents[t->tup.index[j] - 1].key->hash & mask;
		/* the entry at j may stay when its home is cyclically in (i, j] */
		stays = i <= j ? (i < home && home <= j) : (i < home || home <= j);
		if (!stays) {
			t->tup.index[i] = t->tup.index[j];
			i = j;
		}
	}
	t->tup.index[i] = 0;
}

s64 tuple_pos(const struct value *t, const struct symbol *key)
{
	return tuple_find(t, key);
}

struct value *tuple_take_unordered(struct value *t, const struct symbol *key)
{
	struct value *val;
	s64 pos = tuple_find(t, key);
	u32 last;

	if (pos < 0)
		return NULL;
	if (!t->tup.index)
		return tuple_take(t, key); /* small: shifting is cheap */
	val = t->tup.ents[pos].val;
	last = t->tup.count - 1;
	tuple_index_del(t, (u32)pos);
	if ((u32)pos != last) {
		t->tup.index[tuple_index_slot(t, last)] = (u32)pos + 1;
		t->tup.ents[pos] = t->tup.ents[last];
	}
	t->tup.count--;
	return val;
}

int tuple_remove(struct value *t, const struct symbol *key)
{
	if (tuple_find(t, key) < 0)
		return -ENOENT;
	value_free(tuple_take(t, key));
	return 0;
}

u32 tuple_count(const struct value *t)
{
	return t && t->type == VALUE_TUPLE ? t->tup.count : 0;
}

const struct tuple_entry *tuple_at(const struct value *t, u32 i)
{
	if (!t || t->type != VALUE_TUPLE || i >= t->tup.count)
		return NULL;
	return &t->tup.ents[i];
}

/* ---- vectors ---- */

int vector_push(struct value *v, struct value *item)
{
	struct value **items;

	if (!item)
		return -ENOMEM;
	if (!v || v->type != VALUE_VECTOR) {
		value_free(item);
		return -EINVAL;
	}
	if (v->vec.count >= VALUE_MAX_COUNT) {
		value_free(item);
		return -ENOMEM;
	}
	if (v->vec.count == v->vec.cap) {
		u32 ncap = v->vec.cap ? v->vec.cap * 2 : 4;

		items = lib_realloc(v->vec.items, (size_t)ncap * sizeof(*items));
		if (!items) {
			value_free(item);
			return -ENOMEM;
		}
		v->vec.items = items;
		v->vec.cap = ncap;
	}
	v->vec.items[v->vec.count++] = item;
	return 0;
}

u32 vector_count(const struct value *v)
{
	return v && v->type == VALUE_VECTOR ? v->vec.count : 0;
}

struct value *vector_at(const struct value *v, u32 i)
{
	if (!v || v->type != VALUE_VECTOR || i >= v->vec.count)
		return NULL;
	return v->vec.items[i];
}

/* ---- copy ---- */

struct value *value_copy(const struct value *v)
{
	struct value *c;
	u32 i;

	if (!v)
		return NULL;
	switch (v->type) {
	case VALUE_STRING:
		c = value_string(v->str.bytes, v->str.len);
		break;
	case VALUE_INTEGER:
		c = value_integer(v->integer);
		break;
	case VALUE_TUPLE:
		c = value_tuple();
		if (!c)
			return NULL;
		for (i = 0; i < v->tup.count; i++) {
			if (tuple_set(c, v->tup.ents[i].key, value_copy(v->tup.ents[i].val))) {
				value_free(c);
				return NULL;
			}
		}
		break;
	case VALUE_VECTOR:
		c = value_vector();
		if (!c)
			return NULL;
		for (i = 0; i < v->vec.count; i++) {
			if (vector_push(c, value_copy(v->vec.items[i]))) {
				value_free(c);
				return NULL;
			}
		}
		break;
	default:
		return NULL;
	}
	if (c)
		c->flags = v->flags; /* codec hints survive; tfs_idx does not */
	return c;
}

/* ---- numbers ---- */

static int s64_parse(const u8 *s, u64 len, s64 *out)
{
	bool neg = false;
	u64 acc = 0, limit;
	u64 i = 0;

	if (len && s[0] == '-') {
		neg = true;
		i = 1;
	}
	if (i == len)
		return -EINVAL;
	for (; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
	limit = neg ? (u64)INT64_MAX + 1 : (u64)INT64_MAX;
	for (i = neg; i < len; i++) {
		u32 d = s[i] - '0';

		if (acc > (limit - d) / 10)
			return -ERANGE;
		acc = acc * 10 + d;
	}
	*out = neg ? (s64)(0 - acc) : (s64)acc;
	return 0;
}

int value_to_s64(const struct value *v, s64 *out)
{
	if (!v)
		return -EINVAL;
	if (v->type == VALUE_INTEGER) {
		*out = v->integer;
		return 0;
	}
	if (v->type == VALUE_STRING)
		return s64_parse(v->str.bytes, v->str.len, out);
	return -EINVAL;
}

/* canonical decimal form of n into buf (>= 21 bytes); returns length */
size_t value_format_s64(s64 n, char *buf)
{
	char tmp[20];
	u64 u = n < 0 ? 0 - (u64)n : (u64)n;
	size_t len = 0, i = 0;

	do {
		tmp[i++] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (n < 0)
		buf[len++] = '-';
	while (i)
		buf[len++] = tmp[--i];
	buf[len] = '\0';
	return len;
}

static bool int_equals_string(s64 n, const struct value *s)
{
	char buf[24];
	size_t len = value_format_s64(n, buf);

	return s->str.len == len && !memcmp(s->str.bytes, buf, len);
}

/* ---- equality ---- */

bool value_equal(const struct value *a, const struct value *b)
{
	u32 i;

	if (a == b)
		return true;
	if (!a || !b)
		return false;
	if (a->type != b->type) {
		if (a->type == VALUE_INTEGER && b->type == VALUE_STRING)
			return int_equals_string(a->integer, b);
		if (b->type == VALUE_INTEGER && a->type == VALUE_STRING)
			return int_equals_string(b->integer, a);
		return false;
	}
	switch (a->type) {
	case VALUE_STRING:
		return a->str.len == b->str.len && !memcmp(a->str.bytes, b->str.bytes, a->str.len);
	case VALUE_INTEGER:
		return a->integer == b->integer;
	case VALUE_TUPLE:
		if (a->tup.count != b->tup.count)
			return false;
		for (i = 0; i < a->tup.count; i++) {
			const struct value *bv = tuple_get(b, a->tup.ents[i].key);

			if (!bv || !value_equal(a->tup.ents[i].val, bv))
				return false;
		}
		return true;
	case VALUE_VECTOR:
		if (a->vec.count != b->vec.count)
			return false;
		for (i = 0; i < a->vec.count; i++)
			if (!value_equal(a->vec.items[i], b->vec.items[i]))
				return false;
		return true;
	}
	return false;
}

bool value_is_string(const struct value *v, const char *s)
{
	size_t len = strlen(s);

	return v && v->type == VALUE_STRING && v->str.len == len && !memcmp(v->str.bytes, s, len);
}

bool value_flag(const struct value *t, const char *key)
{
	const struct value *v = tuple_get_cstr(t, key);

	if (!v)
		return false;
	if (v->type == VALUE_INTEGER)
		return v->integer != 0;
	return !(value_is_string(v, "f") || value_is_string(v, "false") || value_is_string(v, "0"));
}

/* ---- path lookup ---- */

struct value *value_lookup(const struct value *root, const char *path)
{
	const struct value *cur = root;
	const char *p = path, *end;

	while (cur) {
		while (*p == '/')
			p++;
		if (!*p)
			break;
		end = p;
		while (*end && *end != '/')
			end++;
		cur = tuple_get(cur, sym_find(p, (size_t)(end - p)));
		p = end;
	}
	return (struct value *)cur;
}

/* ---- merge ---- */

int tuple_merge(struct value *dst, struct value *src)
{
	int err = 0;
	u32 i;

	if (!dst || !src || dst->type != VALUE_TUPLE || src->type != VALUE_TUPLE) {
		value_free(src);
		return -EINVAL;
	}
	for (i = 0; i < src->tup.count && !err; i++) {
		const struct symbol *key = src->tup.ents[i].key;
		struct value *sv = src->tup.ents[i].val;
		struct value *dv = tuple_get(dst, key);

		src->tup.ents[i].val = NULL;
		if (dv && dv->type == VALUE_TUPLE && sv->type == VALUE_TUPLE)
			err = tuple_merge(dv, sv);
		else
			err = tuple_set(dst, key, sv);
	}
	value_free(src); /* entries already moved are NULL */
	return err;
}
