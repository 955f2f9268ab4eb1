/*
 * fuzz_manifest.c - libFuzzer target for the manifest parser and printer
 * (lib/manifest_parse.c, lib/manifest_print.c) and value copy/equality.
 * Layer: host fuzzing (tests/fuzz/run builds it with clang
 * -fsanitize=fuzzer,address,undefined from lib/ sources + host_alloc).
 *
 * For each input: parse as a manifest and as a single value; when parsing
 * succeeds, print compact and pretty, re-parse each and require a value
 * equal to the first parse (abort otherwise), and check value_copy is equal.
 * A failed parse must leave *out NULL and a message with a position.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/manifest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fz_buf {
	char *s;
	size_t len, cap;
};

static void fz_write(void *ctx, const char *s, size_t len)
{
	struct fz_buf *b = ctx;

	if (b->len + len > b->cap) {
		b->cap = (b->len + len) * 2 + 64;
		b->s = realloc(b->s, b->cap);
		if (!b->s)
			abort();
	}
	memcpy(b->s + b->len, s, len);
	b->len += len;
}

static void fz_die(const char *what, const struct value *v, const char *text, size_t len)
{
	fprintf(stderr, "fuzz_manifest: %s\n", what);
	if (text)
		fprintf(stderr, "printed: %.*s\n", (int)(len > 2000 ? 2000 : len), text);
	(void)v;
	abort();
}

static void fz_check(const struct value *v, bool as_value)
{
	int pretty;
	struct value *c = value_copy(v);

	if (!c || !value_equal(v, c) || !value_equal(c, v))
		fz_die("value_copy differs", v, NULL, 0);
	value_free(c);
	for (pretty = 0; pretty < 2; pretty++) {
		struct fz_buf b = {0};
		struct manifest_out out = {fz_write, &b};
		struct manifest_error err;
		struct value *back = NULL;
		int rc;

		manifest_print(v, pretty, &out);
		rc = as_value ? manifest_parse_value(b.s ? b.s : "", b.len, &back, &err)
			      : manifest_parse(b.s ? b.s : "", b.len, &back, &err);
		if (rc) {
			fprintf(stderr, "re-parse: %u:%u: %s\n", err.line, err.col, err.msg);
			fz_die("printed text does not re-parse", v, b.s, b.len);
		}
		if (!value_equal(v, back) || !value_equal(back, v))
			fz_die("re-parsed value differs", v, b.s, b.len);
		value_free(back);
		free(b.s);
	}
}

static void fz_one(const char *text, size_t len, bool as_value)
{
	struct manifest_error err;
	struct value *v = (struct value *)1;
	int rc = as_value ? manifest_parse_value(text, len, &v, &err)
			  : manifest_parse(text, len, &v, &err);

	if (rc) {
		if (v || !err.line || !err.col || !err.msg[0] ||
		    !memchr(err.msg, 0, sizeof(err.msg)))
			fz_die("bad error report", NULL, NULL, 0);
		return;
	}
	if (!v || (!as_value && v->type != VALUE_TUPLE))
		fz_die("parse returned no/wrong value", NULL, NULL, 0);
	fz_check(v, as_value);
	value_free(v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* copy so ASan sees reads past the end of exactly `size` bytes */
	char *text = malloc(size ? size : 1);

	if (!text)
		return 0;
	memcpy(text, data, size);
	fz_one(text, size, false);
	fz_one(text, size, true);
	free(text);
	sym_table_free(); /* symbols are per-input here; keeps memory flat */
	return 0;
}
