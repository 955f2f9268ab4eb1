/*
 * manifest_print.c - value tree -> manifest text (lib/manifest.h), the
 * inverse of manifest_parse.c: its output re-parses to an equal value.
 * Layer: lib/ (freestanding and hosted). Callers: dump -m, mkfs/the runner
 * (diagnostics), tests, the kernel (config dumps).
 *
 * Output goes through the caller's write callback in small pieces; nothing
 * is allocated. Names and strings are printed bare when the parser would
 * read them back unchanged (manifest_bare_name/_value), else quoted with
 * escapes \" \\ \n \t \r \xHH (other bytes >= 0x20 are written raw, so
 * UTF-8 stays readable). Integers print as decimal strings.
 *
 * Compact mode: "(a:b c:[d e])". Pretty mode: a tuple or vector whose
 * compact form fits in PRINT_INLINE_MAX bytes is printed compact; others
 * put one entry per line, indented two spaces per level. No trailing
 * newline in either mode. Recursion depth follows the tree (<= 256 levels
 * for parsed trees).
 */
#include "lib/cstring.h"
#include "lib/manifest.h"

#define PRINT_INLINE_MAX 64

static bool pr_is_ws_or_ctl(u8 c)
{
	return c <= 0x20 || c == 0x7f;
}

bool manifest_bare_name(const char *s, size_t len)
{
	size_t i;

	if (!len)
		return false;
	for (i = 0; i < len; i++) {
		u8 c = (u8)s[i];

		if (pr_is_ws_or_ctl(c) || c == '(' || c == ')' || c == '[' || c == ']' ||
		    c == ':' || c == '"' || c == '#' || c == '\\')
			return false;
	}
	return true;
}

bool manifest_bare_value(const char *s, size_t len)
{
	size_t i;

	if (!len)
		return false;
	/* '"' and '#' would be read back bare after the first byte, but a reader
	 * would not expect that: quote them anywhere. '\\' likewise. */
	for (i = 0; i < len; i++) {
		u8 c = (u8)s[i];

		if (pr_is_ws_or_ctl(c) || c == '(' || c == ')' || c == '[' || c == ']' ||
		    c == '"' || c == '#' || c == '\\')
			return false;
	}
	return true;
}

static void pr_write(const struct manifest_out *out, const char *s, size_t len)
{
	if (len)
		out->write(out->ctx, s, len);
}

/* escape for byte c, or NULL if it is written raw; hex holds "\xHH" */
static const char *pr_escape(u8 c, char hex[5])
{
	static const char digits[] = "0123456789abcdef";

	switch (c) {
	case '"':
		return "\\\"";
	case '\\':
		return "\\\\";
	case '\n':
		return "\\n";
	case '\t':
		return "\\t";
	case '\r':
		return "\\r";
	}
	if (c < 0x20 || c == 0x7f) {
		hex[0] = '\\';
		hex[1] = 'x';
		hex[2] = digits[c >> 4];
		hex[3] = digits[c & 15];
		hex[4] = '\0';
		return hex;
	}
	return NULL;
}

static size_t pr_scalar_len(const u8 *s, size_t len, bool name)
{
	size_t n = 2, i;
	char hex[5];

	if (name ? manifest_bare_name((const char *)s, len)
		 : manifest_bare_value((const char *)s, len))
		return len;
	for (i = 0; i < len; i++) {
		const char *e = pr_escape(s[i], hex);

		n += e ? strlen(e) : 1;
	}
	return n;
}

static void pr_scalar(const struct manifest_out *out, const u8 *s, size_t len, bool name)
{
	size_t i, run = 0;
	char hex[5];

	if (name ? manifest_bare_name((const char *)s, len)
		 : manifest_bare_value((const char *)s, len)) {
		pr_write(out, (const char *)s, len);
		return;
	}
	pr_write(out, "\"", 1);
	for (i = 0; i < len; i++) {
		const char *e = pr_escape(s[i], hex);

		if (!e)
			continue;
		pr_write(out, (const char *)s + run, i - run);
		pr_write(out, e, strlen(e));
		run = i + 1;
	}
	pr_write(out, (const char *)s + run, len - run);
	pr_write(out, "\"", 1);
}

/* compact length of v, or (size_t)-1 once it exceeds budget */
static size_t pr_measure(const struct value *v, size_t budget)
{
	size_t n = 0, m;
	char buf[24];
	u32 i;

	switch (v->type) {
	case VALUE_STRING:
		n = pr_scalar_len(v->str.bytes, v->str.len, false);
		break;
	case VALUE_INTEGER:
		n = value_format_s64(v->integer, buf);
		break;
	case VALUE_TUPLE:
		n = 2 + (v->tup.count ? v->tup.count - 1 : 0);
		for (i = 0; i < v->tup.count && n <= budget; i++) {
			const struct symbol *k = v->tup.ents[i].key;

			n += pr_scalar_len((const u8 *)k->name, k->len, true) + 1;
			if (n > budget)
				break;
			m = pr_measure(v->tup.ents[i].val, budget - n);
			if (m == (size_t)-1)
				return m;
			n += m;
		}
		break;
	case VALUE_VECTOR:
		n = 2 + (v->vec.count ? v->vec.count - 1 : 0);
		for (i = 0; i < v->vec.count && n <= budget; i++) {
			m = pr_measure(v->vec.items[i], budget - n);
			if (m == (size_t)-1)
				return m;
			n += m;
		}
		break;
	}
	return n > budget ? (size_t)-1 : n;
}

static void pr_indent(const struct manifest_out *out, u32 level)
{
	static const char spaces[] = "                                ";
	size_t n = (size_t)level * 2;

	pr_write(out, "\n", 1);
	while (n) {
		size_t k = MIN(n, sizeof(spaces) - 1);

		pr_write(out, spaces, k);
		n -= k;
	}
}

static void pr_value(const struct value *v, bool pretty, u32 level, const struct manifest_out *out)
{
	bool lines;
	char buf[24];
	u32 i;

	switch (v->type) {
	case VALUE_STRING:
		pr_scalar(out, v->str.bytes, v->str.len, false);
		return;
	case VALUE_INTEGER:
		pr_write(out, buf, value_format_s64(v->integer, buf));
		return;
	case VALUE_TUPLE:
		lines = pretty && v->tup.count && pr_measure(v, PRINT_INLINE_MAX) == (size_t)-1;
		pr_write(out, "(", 1);
		for (i = 0; i < v->tup.count; i++) {
			const struct symbol *k = v->tup.ents[i].key;

			if (lines)
				pr_indent(out, level + 1);
			else if (i)
				pr_write(out, " ", 1);
			pr_scalar(out, (const u8 *)k->name, k->len, true);
			pr_write(out, ":", 1);
			pr_value(v->tup.ents[i].val, lines, level + 1, out);
		}
		if (lines)
			pr_indent(out, level);
		pr_write(out, ")", 1);
		return;
	case VALUE_VECTOR:
		lines = pretty && v->vec.count && pr_measure(v, PRINT_INLINE_MAX) == (size_t)-1;
		pr_write(out, "[", 1);
		for (i = 0; i < v->vec.count; i++) {
			if (lines)
				pr_indent(out, level + 1);
			else if (i)
				pr_write(out, " ", 1);
			pr_value(v->vec.items[i], lines, level + 1, out);
		}
		if (lines)
			pr_indent(out, level);
		pr_write(out, "]", 1);
		return;
	}
}

void manifest_print(const struct value *v, bool pretty, const struct manifest_out *out)
{
	if (!v) {
		pr_write(out, "\"\"", 2);
		return;
	}
	pr_value(v, pretty, 0, out);
}
