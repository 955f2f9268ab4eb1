/*
 * symbol.c - interned symbols (tuple keys): one global open-addressed hash
 * table of immutable name copies, so keys compare by pointer.
 * Layer: lib/ (freestanding and hosted). Called by value.c, the manifest
 * parser, the TFS codec, the kernel config code and the host tools.
 *
 * The table is created lazily on the first sym_intern(); symbols live until
 * sym_table_free() (host tools call it at exit so leak checkers stay quiet;
 * every symbol pointer is invalid afterwards). Not thread-safe: the kernel
 * interns during init and under the config lock.
 */
#include "lib/alloc.h"
#include "lib/cstring.h"
#include "lib/value.h"

#define SYM_MIN_CAP 64

static const struct symbol **sym_slots; /* power-of-two table, NULL = empty */
static u32 sym_cap, sym_count;

/* FNV-1a, 32 bit; also used by value.c for tuple indexes (struct symbol.hash) */
static u32 sym_hash(const char *name, size_t len)
{
	u32 h = 2166136261u;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= (u8)name[i];
		h *= 16777619u;
	}
	return h;
}

static int sym_grow(void)
{
	u32 ncap = sym_cap ? sym_cap * 2 : SYM_MIN_CAP;
	const struct symbol **nslots;
	u32 i, j;

	if (ncap < sym_cap)
		return -1;
	nslots = lib_zalloc((size_t)ncap * sizeof(*nslots));
	if (!nslots)
		return -1;
	for (i = 0; i < sym_cap; i++) {
		const struct symbol *s = sym_slots[i];

		if (!s)
			continue;
		for (j = s->hash & (ncap - 1); nslots[j]; j = (j + 1) & (ncap - 1))
			;
		nslots[j] = s;
	}
	lib_free(sym_slots);
	sym_slots = nslots;
	sym_cap = ncap;
	return 0;
}

const struct symbol *sym_find(const char *name, size_t len)
{
	u32 h, i;

	if (!sym_cap || len > 0xffffffffu)
		return NULL;
	h = sym_hash(name, len);
	for (i = h & (sym_cap - 1); sym_slots[i]; i = (i + 1) & (sym_cap - 1)) {
		const struct symbol *s = sym_slots[i];

		if (s->hash == h && s->len == len && !memcmp(s->name, name, len))
			return s;
	}
	return NULL;
}

const struct symbol *sym_intern(const char *name, size_t len)
{
	struct symbol *s;
	const struct symbol *found;
	u32 i;

	if (len > 0xfffffffeu)
		return NULL;
	found = sym_find(name, len);
	if (found)
		return found;
	/* keep the load factor at or below 1/2 */
	if ((sym_count + 1) * 2 > sym_cap && sym_grow())
		return NULL;
	s = lib_alloc(sizeof(*s) + len + 1);
	if (!s)
		return NULL;
	s->len = (u32)len;
	s->hash = sym_hash(name, len);
	if (len)
		memcpy(s->name, name, len);
	s->name[len] = '\0';
	for (i = s->hash & (sym_cap - 1); sym_slots[i]; i = (i + 1) & (sym_cap - 1))
		;
	sym_slots[i] = s;
	sym_count++;
	return s;
}

const struct symbol *sym(const char *cstr)
{
	return sym_intern(cstr, strlen(cstr));
}

u32 sym_table_count(void)
{
	return sym_count;
}

void sym_table_free(void)
{
	u32 i;

	for (i = 0; i < sym_cap; i++)
		lib_free((void *)sym_slots[i]);
	lib_free(sym_slots);
	sym_slots = NULL;
	sym_cap = 0;
	sym_count = 0;
}
