/*
 * value.h - the value model shared by the manifest parser, the TFS codec,
 * the kernel's config and the host tools.
 *
 * A value is one of: string (bytes + length, may hold NULs), tuple (ordered
 * symbol -> value map), vector (ordered list of values), integer (s64).
 * Keys are symbols: interned, immutable strings, compared by pointer.
 * A manifest scalar is always a string; integers come from the TFS codec
 * (and from code that builds trees).
 *
 * Ownership: a tree built by the parser or by code is a plain tree; every
 * node has one parent and value_free() frees the node and all below it.
 * Setting a key replaces and frees the old value. The TFS layer keeps its
 * own node list (its dictionary) and frees with it, never with value_free
 * on shared nodes (see tfs.h).
 *
 * All functions that allocate return NULL / -ENOMEM on failure; nothing here
 * prints or aborts. Implemented in lib/value.c (and lib/symbol.c).
 */
#ifndef LIB_VALUE_H
#define LIB_VALUE_H

#include "types.h"

enum value_type {
	VALUE_STRING = 1,
	VALUE_TUPLE = 2,
	VALUE_VECTOR = 3,
	VALUE_INTEGER = 4,
};

struct symbol {
	u32 len;
	u32 hash;
	char name[]; /* NUL-terminated copy; len excludes the NUL */
};

struct tuple_entry {
	const struct symbol *key;
	struct value *val;
};

struct value {
	enum value_type type;
	u32 flags;   /* VALUE_F_*: codec hints, not part of equality */
	u32 tfs_idx; /* TFS dictionary index, 0 if not numbered (tfs.c only) */
	union {
		struct {
			u8 *bytes; /* always NUL-terminated at bytes[len] */
			u64 len;
		} str;
		struct {
			struct tuple_entry *ents; /* insertion order */
			u32 count, cap;
			u32 *index;    /* open-addressed hash of ents, NULL when small */
			u32 index_cap; /* power of two, 0 when no index */
		} tup;
		struct {
			struct value **items;
			u32 count, cap;
		} vec;
		s64 integer;
	};
};

#define VALUE_F_TFS_BUFFER 0x1 /* string came from/goes to TFS type 0 */

/* symbols: interned forever (process / kernel lifetime) */
const struct symbol *sym_intern(const char *name, size_t len); /* NULL: ENOMEM */
const struct symbol *sym(const char *cstr); /* sym_intern(cstr, strlen) */
/* the symbol if already interned, else NULL (never allocates) */
const struct symbol *sym_find(const char *name, size_t len);
u32 sym_table_count(void);
void sym_table_free(void); /* host tools at exit, for leak checkers */

/* constructors */
struct value *value_string(const void *bytes, size_t len);
struct value *value_cstring(const char *s);
struct value *value_tuple(void);
struct value *value_vector(void);
struct value *value_integer(s64 n);
struct value *value_copy(const struct value *v); /* deep copy; keeps flags,
						  * tfs_idx is 0 */
void value_free(struct value *v);                /* recursive, NULL ok */

/* tuples */
struct value *tuple_get(const struct value *t, const struct symbol *key);
struct value *tuple_get_cstr(const struct value *t, const char *key);
/* takes ownership of val ALWAYS (it is freed on error too); frees a previous
 * value under key; keeps key's original position when replacing.
 * -EINVAL if t is not a tuple; -ENOMEM if val or key is NULL (so
 * tuple_set(t, sym("k"), value_cstring("v")) needs one error check). */
int tuple_set(struct value *t, const struct symbol *key, struct value *val);
/* removes key, returning its value to the caller (NULL if absent) */
struct value *tuple_take(struct value *t, const struct symbol *key);
/* the same without keeping the others' order: on an indexed (large)
 * tuple the last entry takes the removed one's place, O(1) instead of
 * shifting every later entry and rebuilding the index (the kernel's
 * unlink in a big directory) */
struct value *tuple_take_unordered(struct value *t, const struct symbol *key);
/* position of key in the tuple (for tuple_at), -1 if absent */
s64 tuple_pos(const struct value *t, const struct symbol *key);
int tuple_remove(struct value *t, const struct symbol *key); /* frees; -ENOENT */
u32 tuple_count(const struct value *t);
/* iteration in insertion order: for (i = 0; i < tuple_count(t); i++) e = tuple_at(t, i) */
const struct tuple_entry *tuple_at(const struct value *t, u32 i);

/* vectors */
/* takes ownership of item always (freed on error); -ENOMEM if item is NULL,
 * -EINVAL if v is not a vector */
int vector_push(struct value *v, struct value *item);
u32 vector_count(const struct value *v);
struct value *vector_at(const struct value *v, u32 i);

/* path lookup: "a/b/c" walks tuples key by key ("children" is NOT implied;
 * fs code uses fs_lookup in the TFS layer). Empty components are skipped. */
struct value *value_lookup(const struct value *root, const char *path);

/* helpers */
/* Deep equality: tuple order ignored, vector order matters, strings by
 * bytes. An integer equals a string holding its canonical decimal form
 * ("12", "-3"; not "012", "+3"), since the TFS codec may decode a manifest
 * number either way. Flags and tfs_idx are ignored. */
bool value_equal(const struct value *a, const struct value *b);
bool value_is_string(const struct value *v, const char *s); /* string equal to s */
/* a string or integer as s64; -EINVAL if not a number, -ERANGE if too big.
 * Strings: optional '-', then one or more decimal digits, nothing else. */
int value_to_s64(const struct value *v, s64 *out);
/* canonical decimal text of n into buf (at least 21 bytes, NUL-terminated);
 * returns the length */
size_t value_format_s64(s64 n, char *buf);
/* a flag setting is "on" when present and not "f"/"false"/"0" or integer 0
 * (absent -> false); so "t", "true", "1", "" and tuples are on */
bool value_flag(const struct value *t, const char *key);

/* merge src's entries into dst (deep for nested tuples, replace otherwise);
 * src is consumed (freed) on success and on error. Used by mkfs -t and the
 * runner. -EINVAL if either is not a tuple. */
int tuple_merge(struct value *dst, struct value *src);

#endif
