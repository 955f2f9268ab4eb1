/*
 * test_manifest.c - unit tests for the manifest parser and printer
 * (lib/manifest_parse.c, lib/manifest_print.c): grammar, escapes, comments,
 * nesting limits, big inputs, every error message with its line:col, and
 * the property print(parse(x)) == x on fixed and random trees.
 * Layer: host tests; run by tests/suites/10-unit.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/errno.h"
#include "lib/manifest.h"
#include "tests/unit/check.h"

/* ---- helpers ---- */

struct sbuf {
	char *s;
	size_t len, cap;
};

static void sbuf_write(void *ctx, const char *s, size_t len)
{
	struct sbuf *b = ctx;

	if (b->len + len + 1 > b->cap) {
		b->cap = (b->len + len + 1) * 2;
		b->s = realloc(b->s, b->cap);
		if (!b->s)
			abort();
	}
	memcpy(b->s + b->len, s, len);
	b->len += len;
	b->s[b->len] = '\0';
}

/* printed text of v (caller frees) */
static char *print_str(const struct value *v, bool pretty, size_t *len)
{
	struct sbuf b = {0};
	struct manifest_out out = {sbuf_write, &b};

	sbuf_write(&b, "", 0);
	manifest_print(v, pretty, &out);
	if (len)
		*len = b.len;
	return b.s;
}

static struct value *parse_ok(const char *text)
{
	struct manifest_error err;
	struct value *v = NULL;
	int rc = manifest_parse(text, strlen(text), &v, &err);

	if (rc)
		printf("  parse \"%.60s\": %u:%u: %s\n", text, err.line, err.col, err.msg);
	return v;
}

/* print v compact and pretty; both must re-parse to a value equal to v */
static bool round_trips(const struct value *v, bool as_value)
{
	int pretty;

	for (pretty = 0; pretty < 2; pretty++) {
		struct manifest_error err;
		struct value *back = NULL;
		size_t len;
		char *text = print_str(v, pretty, &len);
		int rc = as_value ? manifest_parse_value(text, len, &back, &err)
				  : manifest_parse(text, len, &back, &err);
		bool ok = rc == 0 && value_equal(v, back);

		if (!ok)
			printf("  round trip (pretty=%d) failed: rc=%d %u:%u: %s\n  text: %.200s\n",
			       pretty, rc, err.line, err.col, err.msg, text);
		value_free(back);
		free(text);
		if (!ok)
			return false;
	}
	return true;
}

static bool expect_error(const char *text, size_t len, u32 line, u32 col, const char *msg)
{
	struct manifest_error err = {0};
	struct value *v = (struct value *)1;
	int rc = manifest_parse(text, len, &v, &err);
	bool ok = rc == -EINVAL && v == NULL && err.line == line && err.col == col &&
		  !strcmp(err.msg, msg);

	if (!ok)
		printf("  input \"%.40s\": got rc=%d %u:%u: \"%s\", want %u:%u: \"%s\"\n", text, rc,
		       err.line, err.col, err.msg, line, col, msg);
	if (rc == 0)
		value_free(v);
	return ok;
}

#define EXPECT_ERROR(text, line, col, msg)	  CHECK(expect_error(text, strlen(text), line, col, msg))
#define EXPECT_ERROR_N(text, len, line, col, msg) CHECK(expect_error(text, len, line, col, msg))

/* ---- tests ---- */

static void test_example(void)
{
	struct value *v = parse_ok("(children:(hw:(contents:(host:out/hw))) program:/hw "
				   "arguments:[hw poppy] environment:(USER:bobby) fault:t)");
	struct value *args;

	REQUIRE(v);
	CHECK_INT(tuple_count(v), 5);
	CHECK(value_is_string(value_lookup(v, "children/hw/contents/host"), "out/hw"));
	CHECK(value_is_string(tuple_get_cstr(v, "program"), "/hw"));
	args = tuple_get_cstr(v, "arguments");
	REQUIRE(args && args->type == VALUE_VECTOR);
	CHECK_INT(vector_count(args), 2);
	CHECK(value_is_string(vector_at(args, 0), "hw"));
	CHECK(value_is_string(vector_at(args, 1), "poppy"));
	CHECK(value_is_string(value_lookup(v, "environment/USER"), "bobby"));
	CHECK(value_flag(v, "fault"));
	/* insertion order is file order */
	CHECK(tuple_at(v, 0)->key == sym("children"));
	CHECK(tuple_at(v, 4)->key == sym("fault"));
	CHECK(round_trips(v, false));
	value_free(v);
}

static void test_bare_tokens(void)
{
	struct value *v = parse_ok("(host:v1-src/a ipaddr:10.0.2.15 url:http://x:80/p?q=1 "
				   "a/b:c|d x:a\"b y:c#d z:::)");

	REQUIRE(v);
	CHECK(value_is_string(tuple_get_cstr(v, "host"), "v1-src/a"));
	CHECK(value_is_string(tuple_get_cstr(v, "ipaddr"), "10.0.2.15"));
	CHECK(value_is_string(tuple_get_cstr(v, "url"), "http://x:80/p?q=1"));
	CHECK(value_is_string(tuple_get_cstr(v, "a/b"), "c|d")); /* '/' '|' ok in names */
	CHECK(value_is_string(tuple_get_cstr(v, "x"), "a\"b"));	 /* '"' inside a bare value */
	CHECK(value_is_string(tuple_get_cstr(v, "y"), "c#d"));	 /* not a comment mid-value */
	CHECK(value_is_string(tuple_get_cstr(v, "z"), "::"));
	CHECK(round_trips(v, false));
	value_free(v);
	/* no whitespace needed around containers and quoted strings */
	v = parse_ok("(a:(b:c)d:[e f]g:\"h\"i:j)");
	REQUIRE(v);
	CHECK_INT(tuple_count(v), 4);
	CHECK(value_is_string(value_lookup(v, "a/b"), "c"));
	CHECK(value_is_string(tuple_get_cstr(v, "g"), "h"));
	CHECK(value_is_string(tuple_get_cstr(v, "i"), "j"));
	value_free(v);
	/* UTF-8 bytes are ordinary bare bytes */
	v = parse_ok("(\xc3\xa9t\xc3\xa9:\xe2\x82\xac)");
	REQUIRE(v);
	CHECK(value_is_string(tuple_get_cstr(v, "\xc3\xa9t\xc3\xa9"), "\xe2\x82\xac"));
	CHECK(round_trips(v, false));
	value_free(v);
}

static void test_empty(void)
{
	struct value *v = parse_ok("()");
	char *s;

	REQUIRE(v);
	CHECK_INT(v->type, VALUE_TUPLE);
	CHECK_INT(tuple_count(v), 0);
	s = print_str(v, false, NULL);
	CHECK_STR(s, "()");
	free(s);
	s = print_str(v, true, NULL);
	CHECK_STR(s, "()");
	free(s);
	value_free(v);
	v = parse_ok("  # c\n ( a:[] b:() c:\"\" \"\":x )  # end");
	REQUIRE(v);
	CHECK_INT(vector_count(tuple_get_cstr(v, "a")), 0);
	CHECK_INT(tuple_get_cstr(v, "a")->type, VALUE_VECTOR);
	CHECK_INT(tuple_get_cstr(v, "b")->type, VALUE_TUPLE);
	CHECK(value_is_string(tuple_get_cstr(v, "c"), ""));
	CHECK(value_is_string(tuple_get(v, sym("")), "x"));
	s = print_str(v, false, NULL);
	CHECK_STR(s, "(a:[] b:() c:\"\" \"\":x)");
	free(s);
	CHECK(round_trips(v, false));
	value_free(v);
}

static void test_comments_ws(void)
{
	const char *text = "# leading comment\r\n"
			   "(\t# after open\n"
			   "  a # after name\n"
			   "  : # after colon\n"
			   "  b # after value\n"
			   "  v:[ x # in vector\n"
			   "      y ]\n"
			   ") # trailing\n";
	struct value *v = parse_ok(text), *vec;

	REQUIRE(v);
	CHECK_INT(tuple_count(v), 2);
	CHECK(value_is_string(tuple_get_cstr(v, "a"), "b"));
	vec = tuple_get_cstr(v, "v");
	CHECK_INT(vector_count(vec), 2);
	CHECK(value_is_string(vector_at(vec, 1), "y"));
	value_free(v);
	/* '#' ends a bare name and starts a comment: "a#c<nl>:b" is a:b */
	v = parse_ok("(a#c\n:b)");
	REQUIRE(v);
	CHECK(value_is_string(tuple_get_cstr(v, "a"), "b"));
	value_free(v);
}

static void test_quoted(void)
{
	struct value *v =
	    parse_ok("(\"my key\":\"a b\" \"q\\\"\\\\\":\"\\n\\t\\r\\0\\x41\\x7f\\xfF\" "
		     "\"multi\nline\":\"raw\ttab\" \"(x)\":\"[y]\")");
	const struct value *s;
	char *text;

	REQUIRE(v);
	CHECK(value_is_string(tuple_get_cstr(v, "my key"), "a b"));
	s = tuple_get(v, sym("q\"\\"));
	REQUIRE(s);
	CHECK_INT(s->str.len, 7);
	CHECK(!memcmp(s->str.bytes, "\n\t\r\0A\x7f\xff", 7));
	CHECK(value_is_string(tuple_get_cstr(v, "multi\nline"), "raw\ttab"));
	CHECK(value_is_string(tuple_get_cstr(v, "(x)"), "[y]"));
	text = print_str(v, false, NULL);
	CHECK_STR(text, "(\"my key\":\"a b\" \"q\\\"\\\\\":\"\\n\\t\\r\\x00A\\x7f\xff\" "
			"\"multi\\nline\":\"raw\\ttab\" \"(x)\":\"[y]\")");
	free(text);
	CHECK(round_trips(v, false));
	value_free(v);
}

static void test_print(void)
{
	struct value *t = value_tuple(), *vec = value_vector(), *sub = value_tuple();
	char *s;

	REQUIRE(t && vec && sub);
	tuple_set(t, sym("n"), value_integer(INT64_MIN));
	tuple_set(t, sym("m"), value_integer(42));
	vector_push(vec, value_cstring("#x"));
	vector_push(vec, value_cstring("a:b"));
	vector_push(vec, value_cstring("back\\slash"));
	vector_push(vec, value_string("\0", 1));
	tuple_set(t, sym("v"), vec);
	tuple_set(sub, sym("k"), value_cstring("v"));
	tuple_set(t, sym("sub"), sub);
	s = print_str(t, false, NULL);
	CHECK_STR(s, "(n:-9223372036854775808 m:42 v:[\"#x\" a:b \"back\\\\slash\" \"\\x00\"] "
		     "sub:(k:v))");
	free(s);
	CHECK(round_trips(t, false));
	/* pretty: long tuples go one entry per line, short ones stay inline */
	tuple_set(t, sym("long"),
		  value_cstring("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"));
	s = print_str(t, true, NULL);
	CHECK_STR(s, "(\n"
		     "  n:-9223372036854775808\n"
		     "  m:42\n"
		     "  v:[\"#x\" a:b \"back\\\\slash\" \"\\x00\"]\n"
		     "  sub:(k:v)\n"
		     "  long:xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n"
		     ")");
	free(s);
	CHECK(round_trips(t, false));
	/* a scalar through manifest_print */
	s = print_str(tuple_get_cstr(t, "m"), false, NULL);
	CHECK_STR(s, "42");
	free(s);
	value_free(t);
	CHECK(manifest_bare_name("a/b|c", 5));
	CHECK(!manifest_bare_name("a:b", 3));
	CHECK(!manifest_bare_name("", 0));
	CHECK(!manifest_bare_name("a b", 3));
	CHECK(!manifest_bare_name("#a", 2));
	CHECK(manifest_bare_value("a:b/c", 5));
	CHECK(!manifest_bare_value("", 0));
	CHECK(!manifest_bare_value("a)", 2));
	CHECK(!manifest_bare_value("\"a", 2));
	CHECK(!manifest_bare_value("a\x01", 2));
}

static void nest_text(char *buf, int levels, bool vec)
{
	int i;
	size_t n = 0;

	for (i = 0; i < levels; i++) {
		if (vec) {
			buf[n++] = '[';
		} else {
			memcpy(buf + n, "(a:", 3);
			n += 3;
		}
	}
	buf[n++] = 'x';
	for (i = 0; i < levels; i++)
		buf[n++] = vec ? ']' : ')';
	buf[n] = '\0';
}

static void test_nesting(void)
{
	static char buf[4 * 400 + 8];
	struct manifest_error err;
	struct value *v;

	/* 200 levels parse and round trip (as tuples and as vectors) */
	nest_text(buf, 200, false);
	v = parse_ok(buf);
	REQUIRE(v);
	CHECK(round_trips(v, false));
	value_free(v);
	nest_text(buf, 200, true);
	CHECK_INT(manifest_parse_value(buf, strlen(buf), &v, &err), 0);
	CHECK(round_trips(v, true));
	value_free(v);
	/* exactly 256 is the limit */
	nest_text(buf, 256, false);
	v = parse_ok(buf);
	CHECK(v != NULL);
	value_free(v);
	nest_text(buf, 257, false);
	EXPECT_ERROR(buf, 1, 3 * 256 + 1, "nesting deeper than 256");
	nest_text(buf, 300, false);
	EXPECT_ERROR(buf, 1, 3 * 256 + 1, "nesting deeper than 256");
	nest_text(buf, 300, true);
	CHECK_INT(manifest_parse_value(buf, strlen(buf), &v, &err), -EINVAL);
	CHECK_INT(err.col, 257);
	CHECK_STR(err.msg, "nesting deeper than 256");
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void test_hostile_sizes(void)
{
	size_t n = 10 * 1024 * 1024, i;
	char *buf = malloc(n);
	struct manifest_error err;
	struct value *v = NULL;
	double t0;

	REQUIRE(buf);
	memset(buf, '(', n);
	t0 = now();
	CHECK_INT(manifest_parse(buf, n, &v, &err), -EINVAL);
	CHECK_STR(err.msg, "expected name or ')', got '('");
	CHECK_INT(err.col, 2);
	memset(buf, '[', n);
	CHECK_INT(manifest_parse_value(buf, n, &v, &err), -EINVAL);
	CHECK_STR(err.msg, "nesting deeper than 256");
	for (i = 0; i + 3 <= n; i += 3)
		memcpy(buf + i, "(a:", 3);
	CHECK_INT(manifest_parse(buf, i, &v, &err), -EINVAL);
	CHECK_STR(err.msg, "nesting deeper than 256");
	/* 10 MB of one unterminated string / one huge bare value */
	memset(buf, 'x', n);
	memcpy(buf, "(a:\"", 4);
	CHECK_INT(manifest_parse(buf, n, &v, &err), -EINVAL);
	CHECK_STR(err.msg, "unterminated string");
	buf[3] = 'y';
	CHECK_INT(manifest_parse(buf, n, &v, &err), -EINVAL);
	CHECK_STR(err.msg, "unexpected end of input, expected ')'");
	CHECK_INT(err.col, n + 1);
	CHECK(v == NULL);
	CHECK(now() - t0 < 5.0);
	free(buf);
}

static void test_big(void)
{
	struct sbuf b = {0};
	struct manifest_error err;
	struct value *v = NULL, *vec;
	char tmp[64];
	int i, bad = 0;
	double t0 = now();

	/* 100k-item vector */
	sbuf_write(&b, "(v:[", 4);
	for (i = 0; i < 100000; i++) {
		int n = snprintf(tmp, sizeof(tmp), "item%d ", i);

		sbuf_write(&b, tmp, n);
	}
	sbuf_write(&b, "])", 2);
	CHECK_INT(manifest_parse(b.s, b.len, &v, &err), 0);
	vec = tuple_get_cstr(v, "v");
	CHECK_INT(vector_count(vec), 100000);
	for (i = 0; i < 100000; i++) {
		snprintf(tmp, sizeof(tmp), "item%d", i);
		if (!value_is_string(vector_at(vec, i), tmp))
			bad++;
	}
	CHECK_INT(bad, 0);
	CHECK(round_trips(v, false));
	value_free(v);
	/* 10k-key tuple */
	b.len = 0;
	sbuf_write(&b, "(", 1);
	for (i = 0; i < 10000; i++) {
		int n = snprintf(tmp, sizeof(tmp), "file%d:(contents:(host:src/%d)) ", i, i);

		sbuf_write(&b, tmp, n);
	}
	sbuf_write(&b, ")", 1);
	CHECK_INT(manifest_parse(b.s, b.len, &v, &err), 0);
	CHECK_INT(tuple_count(v), 10000);
	for (i = 0; i < 10000; i++) {
		char want[32];

		snprintf(tmp, sizeof(tmp), "file%d/contents/host", i);
		snprintf(want, sizeof(want), "src/%d", i);
		if (!value_is_string(value_lookup(v, tmp), want))
			bad++;
	}
	CHECK_INT(bad, 0);
	CHECK(round_trips(v, false));
	value_free(v);
	/* a duplicate at the end of a big (hash-indexed) tuple is still caught */
	b.s[b.len - 1] = '\0';
	b.len--;
	sbuf_write(&b, "file5000:x)", 11);
	CHECK_INT(manifest_parse(b.s, b.len, &v, &err), -EINVAL);
	CHECK_STR(err.msg, "duplicate key 'file5000'");
	CHECK(v == NULL);
	free(b.s);
	printf("  big: 100k vector + 10k tuple parse/print/reparse in %.2fs\n", now() - t0);
}

static void test_errors(void)
{
	EXPECT_ERROR("", 1, 1, "unexpected end of input, expected '('");
	EXPECT_ERROR("  # only a comment\n", 2, 1, "unexpected end of input, expected '('");
	EXPECT_ERROR("x", 1, 1, "expected '(' at start of manifest");
	EXPECT_ERROR("[a]", 1, 1, "expected '(' at start of manifest");
	EXPECT_ERROR(")", 1, 1, "unexpected ')'");
	EXPECT_ERROR("(a:b", 1, 5, "unexpected end of input, expected ')'");
	EXPECT_ERROR("(a:[b", 1, 6, "unexpected end of input, expected ']'");
	EXPECT_ERROR("(a", 1, 3, "unexpected end of input, expected ':' after name 'a'");
	EXPECT_ERROR("(a:", 1, 4, "unexpected end of input, expected value for 'a'");
	EXPECT_ERROR("(a b)", 1, 4, "expected ':' after name 'a'");
	EXPECT_ERROR("(foo\n  bar:x)", 2, 3, "expected ':' after name 'foo'");
	EXPECT_ERROR("(a\"b\":c)", 1, 3, "expected ':' after name 'a'"); /* '"' ends a name */
	EXPECT_ERROR("(a:)", 1, 4, "expected value for 'a', got ')'");
	EXPECT_ERROR("(a:]", 1, 4, "expected value for 'a', got ']'");
	EXPECT_ERROR("((a:b))", 1, 2, "expected name or ')', got '('");
	EXPECT_ERROR("([a])", 1, 2, "expected name or ')', got '['");
	EXPECT_ERROR("(:b)", 1, 2, "expected name or ')', got ':'");
	EXPECT_ERROR("(a:[b c)", 1, 8, "unexpected ')'");
	EXPECT_ERROR("(a:(b:c]", 1, 8, "unexpected ']'");
	EXPECT_ERROR("(a:b))", 1, 6, "unexpected ')' after the end of the value");
	EXPECT_ERROR("(a:b)\n  x", 2, 3, "unexpected 'x' after the end of the value");
	EXPECT_ERROR("(a:x a:y)", 1, 6, "duplicate key 'a'");
	EXPECT_ERROR("(a:x\n \"a\":y)", 2, 2, "duplicate key '\"a\"'");
	EXPECT_ERROR("(\"a\nb\":1 \"a\\nb\":2)", 2, 6, "duplicate key '\"a\\nb\"'");
	EXPECT_ERROR("(a:\"abc)", 1, 4, "unterminated string");
	EXPECT_ERROR("(a:\"x\ny", 1, 4, "unterminated string");
	EXPECT_ERROR("(a:\"x\\", 1, 4, "unterminated string");
	EXPECT_ERROR("(\"a b", 1, 2, "unterminated string");
	EXPECT_ERROR("(a:\"\\q\")", 1, 5, "bad escape '\\q'");
	EXPECT_ERROR("(a:\"ok\n\\u\")", 2, 1, "bad escape '\\u'");
	EXPECT_ERROR("(a:\"\\x4\")", 1, 5, "bad escape '\\x': expected two hex digits");
	EXPECT_ERROR("(a:\"\\xg0\")", 1, 5, "bad escape '\\x': expected two hex digits");
	EXPECT_ERROR("(a:\"\\\x01\")", 1, 5, "bad escape '\\' before byte 0x01");
	EXPECT_ERROR_N("(a:\0)", 5, 1, 4, "unexpected byte 0x00");
	EXPECT_ERROR_N("\0", 1, 1, 1, "unexpected byte 0x00");
	EXPECT_ERROR("(a:b\x01)", 1, 5, "unexpected byte 0x01");
	EXPECT_ERROR("(a\x7f:b)", 1, 3, "unexpected byte 0x7f");
	EXPECT_ERROR("(a:\"x\x02\")", 1, 6, "unexpected byte 0x02");
	EXPECT_ERROR("(a:b # c\x1b\n)", 1, 9, "unexpected byte 0x1b");
	EXPECT_ERROR("(a:b\x0c)", 1, 5, "unexpected byte 0x0c"); /* form feed is not ws */
	EXPECT_ERROR("(\"\xff\xfe\xfd"
		     "0123456789012345678901234567890123\" x)",
		     1, 42, "expected ':' after name '\"???0123456789012345678901234567...'");
}

static void test_parse_value(void)
{
	struct manifest_error err;
	struct value *v = NULL;

	CHECK_INT(manifest_parse_value("  hello  ", 9, &v, &err), 0);
	CHECK(value_is_string(v, "hello"));
	value_free(v);
	CHECK_INT(manifest_parse_value("\"a b\"", 5, &v, &err), 0);
	CHECK(value_is_string(v, "a b"));
	value_free(v);
	CHECK_INT(manifest_parse_value("[a (b:c) []]", 12, &v, &err), 0);
	CHECK_INT(vector_count(v), 3);
	CHECK(value_is_string(value_lookup(vector_at(v, 1), "b"), "c"));
	value_free(v);
	CHECK_INT(manifest_parse_value("(a:b)", 5, &v, &err), 0);
	CHECK(value_is_string(tuple_get_cstr(v, "a"), "b"));
	value_free(v);
	CHECK_INT(manifest_parse_value("a b", 3, &v, &err), -EINVAL);
	CHECK_STR(err.msg, "unexpected 'b' after the end of the value");
	CHECK_INT(manifest_parse_value("", 0, &v, &err), -EINVAL);
	CHECK_STR(err.msg, "unexpected end of input, expected value");
	CHECK_INT(manifest_parse_value("]", 1, &v, &err), -EINVAL);
	CHECK_STR(err.msg, "unexpected ']'");
	CHECK(v == NULL);
	/* NULL err is allowed */
	CHECK_INT(manifest_parse("(", 1, &v, NULL), -EINVAL);
}

/* ---- random round trips ---- */

static u64 rng_state = 0x9e3779b97f4a7c15ull;

static u32 rnd(u32 n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (u32)(rng_state % n);
}

static void rnd_bytes(char *buf, size_t *len)
{
	static const char alpha[] = "abc/:.-_()[]\"#\\ \t\n\x01\x7f\xc3\xa9";
	size_t n = rnd(8), i;

	for (i = 0; i < n; i++)
		buf[i] = rnd(4) ? alpha[rnd(sizeof(alpha) - 1)] : (char)rnd(256);
	*len = n;
}

static struct value *rnd_value(int depth)
{
	char buf[16];
	size_t len;
	u32 kind = depth > 6 ? rnd(2) : rnd(4);
	struct value *v;
	u32 i, n;

	if (kind == 0) {
		rnd_bytes(buf, &len);
		return value_string(buf, len);
	}
	if (kind == 1)
		return value_integer((s64)((u64)rnd(0xffffffffu) << 32 | rnd(0xffffffffu)));
	n = rnd(6);
	if (kind == 2) {
		v = value_tuple();
		for (i = 0; i < n; i++) {
			rnd_bytes(buf, &len);
			tuple_set(v, sym_intern(buf, len), rnd_value(depth + 1));
		}
	} else {
		v = value_vector();
		for (i = 0; i < n; i++)
			vector_push(v, rnd_value(depth + 1));
	}
	return v;
}

static void test_random_round_trips(void)
{
	int i, bad = 0;

	for (i = 0; i < 3000; i++) {
		struct value *t = value_tuple();

		tuple_set(t, sym("root"), rnd_value(0));
		tuple_set(t, sym("x"), rnd_value(0));
		if (!round_trips(t, false))
			bad++;
		value_free(t);
		if (bad > 3)
			break;
	}
	CHECK_INT(bad, 0);
}

int main(void)
{
	RUN(test_example);
	RUN(test_bare_tokens);
	RUN(test_empty);
	RUN(test_comments_ws);
	RUN(test_quoted);
	RUN(test_print);
	RUN(test_nesting);
	RUN(test_hostile_sizes);
	RUN(test_big);
	RUN(test_errors);
	RUN(test_parse_value);
	RUN(test_random_round_trips);
	sym_table_free();
	return check_done();
}
