/*
 * manifest_parse.c - the manifest text parser (lib/manifest.h, grammar and
 * rules in docs/manifest.md): text -> value tree.
 * Layer: lib/ (freestanding and hosted). Callers: mkfs, the runner, dump
 * tests, and the kernel for command-line settings.
 *
 * Iterative: open tuples/vectors live on an explicit, heap-allocated stack
 * of at most MANIFEST_MAX_DEPTH frames, so hostile input (10 MB of '(')
 * costs neither C stack nor time beyond one pass. Each new container is
 * attached to its parent as soon as it opens, so on any error freeing the
 * root frees everything.
 *
 * Lexical rules (all byte-based; columns count bytes, 1-based):
 *   whitespace  ' ' '\t' '\r' '\n', and '#' up to the end of the line
 *   bare name   1+ bytes up to ( ) [ ] : " # or whitespace
 *   bare value  1+ bytes up to ( ) [ ] or whitespace (':' '/' '"' '#'
 *               allowed after the first byte)
 *   quoted      '"' ... '"' with escapes \" \\ \n \t \r \0 \xHH; raw
 *               newlines/tabs and bytes >= 0x80 allowed inside
 *   other control bytes (0x00-0x1f except the whitespace ones, 0x7f)
 *   anywhere are an error "unexpected byte 0xNN".
 */
#include "lib/alloc.h"
#include "lib/cstring.h"
#include "lib/errno.h"
#include "lib/manifest.h"

struct mp_frame {
	struct value *val; /* tuple or vector being filled */
};

struct mp {
	const u8 *p, *end;
	const u8 *line_start;
	u32 line;
	struct manifest_error *err;
	struct mp_frame *stack;
	u32 depth;
};

/* ---- error text (no printf in lib/) ---- */

struct mp_msg {
	char *buf;
	size_t len, cap;
};

static void msg_add(struct mp_msg *m, const char *s, size_t n)
{
	while (n-- && m->len + 1 < m->cap)
		m->buf[m->len++] = *s++;
	m->buf[m->len] = '\0';
}

static void msg_str(struct mp_msg *m, const char *s)
{
	msg_add(m, s, strlen(s));
}

static void msg_hex(struct mp_msg *m, u8 b)
{
	static const char hex[] = "0123456789abcdef";
	char t[4] = {'0', 'x', hex[b >> 4], hex[b & 15]};

	msg_add(m, t, 4);
}

/* a name or byte quoted for a message: printable ASCII kept, others '?',
 * at most 32 bytes then "..." */
static void msg_quoted(struct mp_msg *m, const u8 *s, size_t n)
{
	size_t i;

	msg_str(m, "'");
	for (i = 0; i < n && i < 32; i++) {
		char c = (s[i] >= 0x20 && s[i] < 0x7f) ? (char)s[i] : '?';

		msg_add(m, &c, 1);
	}
	if (n > 32)
		msg_str(m, "...");
	msg_str(m, "'");
}

static struct mp_msg mp_msg_begin(struct mp *mp, const u8 *at)
{
	struct mp_msg m = {mp->err->msg, 0, sizeof(mp->err->msg)};
	const u8 *ls = mp->line_start;

	/* `at` is on the current line or at the current position */
	mp->err->line = mp->line;
	mp->err->col = (u32)(at - ls) + 1;
	m.buf[0] = '\0';
	return m;
}

/* the common shapes: prefix [quoted thing] [suffix] */
static int mp_fail(struct mp *mp, const u8 *at, const char *prefix, const u8 *q, size_t qlen,
		   const char *suffix)
{
	struct mp_msg m = mp_msg_begin(mp, at);

	msg_str(&m, prefix);
	if (q)
		msg_quoted(&m, q, qlen);
	if (suffix)
		msg_str(&m, suffix);
	return -EINVAL;
}

static int mp_fail_byte(struct mp *mp, const u8 *at)
{
	struct mp_msg m = mp_msg_begin(mp, at);

	msg_str(&m, "unexpected byte ");
	msg_hex(&m, *at);
	return -EINVAL;
}

/* ---- lexing ---- */

static bool mp_is_ws(u8 c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool mp_is_ctl(u8 c)
{
	return (c < 0x20 && !mp_is_ws(c)) || c == 0x7f;
}

static bool mp_name_end(u8 c)
{
	return mp_is_ws(c) || c == '(' || c == ')' || c == '[' || c == ']' || c == ':' ||
	       c == '"' || c == '#';
}

static bool mp_value_end(u8 c)
{
	return mp_is_ws(c) || c == '(' || c == ')' || c == '[' || c == ']';
}

static void mp_newline(struct mp *mp, const u8 *nl)
{
	mp->line++;
	mp->line_start = nl + 1;
}

/* skip whitespace and comments; a control byte is an error */
static int mp_skip_ws(struct mp *mp)
{
	while (mp->p < mp->end) {
		u8 c = *mp->p;

		if (c == '\n') {
			mp_newline(mp, mp->p);
			mp->p++;
		} else if (mp_is_ws(c)) {
			mp->p++;
		} else if (c == '#') {
			while (mp->p < mp->end && *mp->p != '\n') {
				if (mp_is_ctl(*mp->p) && *mp->p != '\t')
					return mp_fail_byte(mp, mp->p);
				mp->p++;
			}
		} else if (mp_is_ctl(c)) {
			return mp_fail_byte(mp, mp->p);
		} else {
			break;
		}
	}
	return 0;
}

static int mp_hex(u8 c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * A quoted string at mp->p (the opening '"'): validates it, stores the
 * decoded length in *outlen and advances mp past the closing quote.
 * mp_quoted_decode() then decodes the same raw bytes without checks.
 */
static int mp_quoted_scan(struct mp *mp, size_t *outlen)
{
	const u8 *open = mp->p;
	u32 open_line = mp->line;
	const u8 *open_ls = mp->line_start;
	size_t n = 0;

	mp->p++;
	while (mp->p < mp->end) {
		u8 c = *mp->p;

		if (c == '"') {
			mp->p++;
			*outlen = n;
			return 0;
		}
		if (c == '\\') {
			u8 e;

			if (mp->end - mp->p < 2)
				break; /* unterminated */
			e = mp->p[1];
			if (e == 'x') {
				if (mp->end - mp->p < 4 || mp_hex(mp->p[2]) < 0 ||
				    mp_hex(mp->p[3]) < 0)
					return mp_fail(mp, mp->p,
						       "bad escape '\\x': expected two hex digits",
						       NULL, 0, NULL);
				mp->p += 4;
			} else if (e == '"' || e == '\\' || e == 'n' || e == 't' || e == 'r' ||
				   e == '0') {
				mp->p += 2;
			} else {
				struct mp_msg m = mp_msg_begin(mp, mp->p);

				msg_str(&m, "bad escape ");
				if (e >= 0x20 && e < 0x7f) {
					char t[4] = {'\'', '\\', (char)e, '\''};

					msg_add(&m, t, 4);
				} else {
					msg_str(&m, "'\\' before byte ");
					msg_hex(&m, e);
				}
				return -EINVAL;
			}
			n++;
			continue;
		}
		if (c == '\n')
			mp_newline(mp, mp->p);
		else if (mp_is_ctl(c))
			return mp_fail_byte(mp, mp->p);
		mp->p++;
		n++;
	}
	/* report at the opening quote */
	mp->line = open_line;
	mp->line_start = open_ls;
	return mp_fail(mp, open, "unterminated string", NULL, 0, NULL);
}

static void mp_quoted_decode(const u8 *raw, const u8 *raw_end, u8 *dst)
{
	const u8 *p = raw + 1;

	while (p < raw_end - 1) {
		if (*p != '\\') {
			*dst++ = *p++;
			continue;
		}
		switch (p[1]) {
		case 'n':
			*dst++ = '\n';
			break;
		case 't':
			*dst++ = '\t';
			break;
		case 'r':
			*dst++ = '\r';
			break;
		case '0':
			*dst++ = '\0';
			break;
		case 'x':
			*dst++ = (u8)(mp_hex(p[2]) << 4 | mp_hex(p[3]));
			p += 2;
			break;
		default: /* '"' or '\\' */
			*dst++ = p[1];
			break;
		}
		p += 2;
	}
}

/* bare token at mp->p up to a delimiter; control bytes are errors */
static int mp_bare(struct mp *mp, bool name, const u8 **start, size_t *len)
{
	*start = mp->p;
	while (mp->p < mp->end && !(name ? mp_name_end(*mp->p) : mp_value_end(*mp->p))) {
		if (mp_is_ctl(*mp->p))
			return mp_fail_byte(mp, mp->p);
		mp->p++;
	}
	*len = (size_t)(mp->p - *start);
	return 0;
}

/* a string value (bare or quoted) at mp->p */
static int mp_string(struct mp *mp, struct value **out)
{
	const u8 *start = mp->p;
	struct value *v;
	size_t len;
	int err;

	if (*mp->p == '"') {
		err = mp_quoted_scan(mp, &len);
		if (err)
			return err;
		v = value_string(start, (size_t)(mp->p - start)); /* room to decode in place */
		if (!v)
			return -ENOMEM;
		mp_quoted_decode(start, mp->p, v->str.bytes);
		v->str.bytes[len] = '\0';
		v->str.len = len;
	} else {
		err = mp_bare(mp, false, &start, &len);
		if (err)
			return err;
		v = value_string(start, len);
		if (!v)
			return -ENOMEM;
	}
	*out = v;
	return 0;
}

/* a name (bare or quoted) at mp->p; raw, rawlen: its text for messages */
static int mp_name(struct mp *mp, const struct symbol **key, const u8 **raw, size_t *rawlen)
{
	const u8 *start = mp->p;
	size_t len;
	int err;

	if (*mp->p == '"') {
		u8 *tmp;

		err = mp_quoted_scan(mp, &len);
		if (err)
			return err;
		tmp = lib_alloc(len + 1);
		if (!tmp)
			return -ENOMEM;
		mp_quoted_decode(start, mp->p, tmp);
		*key = sym_intern((const char *)tmp, len);
		lib_free(tmp);
		*raw = start;
		*rawlen = (size_t)(mp->p - start);
	} else {
		err = mp_bare(mp, true, &start, &len);
		if (err)
			return err;
		*key = sym_intern((const char *)start, len);
		*raw = start;
		*rawlen = len;
	}
	return *key ? 0 : -ENOMEM;
}

/* ---- structure ---- */

/* a value starting at mp->p (not at end, not at ws): either a scalar in
 * *out, or a new empty container in *out that is pushed as a frame */
static int mp_item(struct mp *mp, struct value **out)
{
	u8 c = *mp->p;

	if (c == '(' || c == '[') {
		if (mp->depth >= MANIFEST_MAX_DEPTH)
			return mp_fail(mp, mp->p, "nesting deeper than 256", NULL, 0, NULL);
		*out = c == '(' ? value_tuple() : value_vector();
		if (!*out)
			return -ENOMEM;
		mp->p++;
		return 1; /* caller pushes after attaching */
	}
	return mp_string(mp, out);
}

static int mp_eof(struct mp *mp, const char *expected)
{
	return mp_fail(mp, mp->p, "unexpected end of input, expected ", NULL, 0, expected);
}

static int mp_tuple_entry(struct mp *mp, struct value *t, struct value **child)
{
	const struct symbol *key;
	const u8 *name_at = mp->p, *raw;
	u32 name_line = mp->line;
	const u8 *name_ls = mp->line_start;
	size_t rawlen;
	struct value *val;
	int err, r;

	*child = NULL;
	err = mp_name(mp, &key, &raw, &rawlen);
	if (err)
		return err;
	if (tuple_get(t, key)) {
		mp->line = name_line;
		mp->line_start = name_ls;
		return mp_fail(mp, name_at, "duplicate key ", raw, rawlen, NULL);
	}
	err = mp_skip_ws(mp);
	if (err)
		return err;
	if (mp->p == mp->end)
		return mp_fail(mp, mp->p, "unexpected end of input, expected ':' after name ", raw,
			       rawlen, NULL);
	if (*mp->p != ':')
		return mp_fail(mp, mp->p, "expected ':' after name ", raw, rawlen, NULL);
	mp->p++;
	err = mp_skip_ws(mp);
	if (err)
		return err;
	if (mp->p == mp->end)
		return mp_fail(mp, mp->p, "unexpected end of input, expected value for ", raw,
			       rawlen, NULL);
	if (*mp->p == ')' || *mp->p == ']') {
		u8 c = *mp->p;

		return mp_fail(mp, mp->p, "expected value for ", raw, rawlen,
			       c == ')' ? ", got ')'" : ", got ']'");
	}
	r = mp_item(mp, &val);
	if (r < 0)
		return r;
	err = tuple_set(t, key, val);
	if (err)
		return err;
	if (r == 1)
		*child = val;
	return 0;
}

static int mp_run(struct mp *mp, bool want_tuple, struct value **out)
{
	struct value *root = NULL, *child;
	int err, r;

	err = mp_skip_ws(mp);
	if (err)
		return err;
	if (mp->p == mp->end)
		return mp_eof(mp, want_tuple ? "'('" : "value");
	if (want_tuple && *mp->p != '(') {
		if (*mp->p == ')' || *mp->p == ']')
			return mp_fail(mp, mp->p, "unexpected ", mp->p, 1, NULL);
		return mp_fail(mp, mp->p, "expected '(' at start of manifest", NULL, 0, NULL);
	}
	if (*mp->p == ')' || *mp->p == ']')
		return mp_fail(mp, mp->p, "unexpected ", mp->p, 1, NULL);
	r = mp_item(mp, &root);
	if (r < 0)
		return r;
	if (r == 1)
		mp->stack[mp->depth++].val = root;
	while (mp->depth) {
		struct value *top = mp->stack[mp->depth - 1].val;
		bool tup = top->type == VALUE_TUPLE;
		u8 c;

		err = mp_skip_ws(mp);
		if (err)
			goto out_free;
		if (mp->p == mp->end) {
			err = mp_eof(mp, tup ? "')'" : "']'");
			goto out_free;
		}
		c = *mp->p;
		if (c == (tup ? ')' : ']')) {
			mp->p++;
			mp->depth--;
			continue;
		}
		if (c == ')' || c == ']') {
			err = mp_fail(mp, mp->p, "unexpected ", mp->p, 1, NULL);
			goto out_free;
		}
		if (tup) {
			if (c == '(' || c == '[' || c == ':') {
				err = mp_fail(mp, mp->p, "expected name or ')', got ", mp->p, 1,
					      NULL);
				goto out_free;
			}
			err = mp_tuple_entry(mp, top, &child);
			if (err)
				goto out_free;
		} else {
			struct value *item;

			r = mp_item(mp, &item);
			if (r < 0) {
				err = r;
				goto out_free;
			}
			err = vector_push(top, item);
			if (err)
				goto out_free;
			child = r == 1 ? item : NULL;
		}
		if (child)
			mp->stack[mp->depth++].val = child;
	}
	err = mp_skip_ws(mp);
	if (err)
		goto out_free;
	if (mp->p != mp->end) {
		err = mp_fail(mp, mp->p, "unexpected ", mp->p, 1, " after the end of the value");
		goto out_free;
	}
	*out = root;
	return 0;
out_free:
	value_free(root);
	return err;
}

static int mp_parse(const char *text, size_t len, bool want_tuple, struct value **out,
		    struct manifest_error *err)
{
	struct manifest_error dummy;
	struct mp mp = {0};
	int ret;

	*out = NULL;
	mp.p = (const u8 *)text;
	mp.end = mp.p + len;
	mp.line_start = mp.p;
	mp.line = 1;
	mp.err = err ? err : &dummy;
	mp.err->line = 0;
	mp.err->col = 0;
	mp.err->msg[0] = '\0';
	mp.stack = lib_alloc(MANIFEST_MAX_DEPTH * sizeof(*mp.stack));
	if (!mp.stack)
		ret = -ENOMEM;
	else
		ret = mp_run(&mp, want_tuple, out);
	lib_free(mp.stack);
	if (ret == -ENOMEM) {
		struct mp_msg m = {mp.err->msg, 0, sizeof(mp.err->msg)};

		mp.err->line = mp.line;
		mp.err->col = (u32)(mp.p - mp.line_start) + 1;
		msg_str(&m, "out of memory");
	}
	return ret;
}

int manifest_parse(const char *text, size_t len, struct value **out, struct manifest_error *err)
{
	return mp_parse(text, len, true, out, err);
}

int manifest_parse_value(const char *text, size_t len, struct value **out,
			 struct manifest_error *err)
{
	return mp_parse(text, len, false, out, err);
}
