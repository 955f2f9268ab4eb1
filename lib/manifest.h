/*
 * manifest.h - the manifest text format (DESIGN §6, docs/manifest.md):
 *   tuple := '(' { name ':' value } ')'   vector := '[' { value } ']'
 *   value := tuple | vector | string       '#' comments to end of line
 * Names and strings are bare or "quoted" with '\' escapes.
 *
 * Parse errors fill struct manifest_error with 1-based line:column and a
 * message such as "expected ')'" so callers print "file:line:col: msg".
 * Implemented in lib/manifest_parse.c and lib/manifest_print.c; used by
 * mkfs, dump -m, the runner and (for kernel command-line settings) the kernel.
 */
#ifndef LIB_MANIFEST_H
#define LIB_MANIFEST_H

#include "types.h"
#include "value.h"

struct manifest_error {
	u32 line, col;
	char msg[96];
};

/* Parse a whole text holding one tuple (leading/trailing whitespace and
 * comments allowed, anything else after it is an error). Duplicate keys in
 * one tuple are an error. Nesting deeper than MANIFEST_MAX_DEPTH is an error.
 * Returns 0 and *out, or -EINVAL (err filled) / -ENOMEM. */
#define MANIFEST_MAX_DEPTH 256
int manifest_parse(const char *text, size_t len, struct value **out,
		   struct manifest_error *err);
/* Parse one value (tuple, vector or string), e.g. for "-t (a:b)" or a
 * vector argument. Same rules. */
int manifest_parse_value(const char *text, size_t len, struct value **out,
			 struct manifest_error *err);

/* Printer: writes through an output callback (no allocation of the whole
 * text). Output re-parses to an equal value. Integers print as decimal
 * strings. pretty=true indents nested tuples one key per line. */
struct manifest_out {
	void (*write)(void *ctx, const char *s, size_t len);
	void *ctx;
};
void manifest_print(const struct value *v, bool pretty,
		    const struct manifest_out *out);

/* true if s can be printed bare (no quoting needed) as a name / a value */
bool manifest_bare_name(const char *s, size_t len);
bool manifest_bare_value(const char *s, size_t len);

#endif
