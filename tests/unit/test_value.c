/*
 * test_value.c - unit tests for lib/value.c and lib/symbol.c: constructors,
 * tuples (small and hash-indexed), vectors, copy/equal/merge, path lookup,
 * numbers and flags. Layer: host tests; run by tests/suites/10-unit.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "lib/errno.h"
#include "lib/value.h"
#include "tests/unit/check.h"

static void test_symbols(void)
{
	const struct symbol *a = sym("abc"), *b = sym_intern("abcdef", 3), *c = sym("abd");
	const struct symbol *e = sym(""), *z;
	char nul[3] = {'a', '\0', 'b'};
	u32 before;
	int i;

	REQUIRE(a && b && c && e);
	CHECK(a == b);
	CHECK(a != c);
	CHECK_INT(a->len, 3);
	CHECK_STR(a->name, "abc");
	CHECK_INT(e->len, 0);
	CHECK(sym("") == e);
	z = sym_intern(nul, 3);
	REQUIRE(z);
	CHECK_INT(z->len, 3);
	CHECK(z != sym("a"));
	CHECK(sym_find(nul, 3) == z);
	CHECK(sym_find("never-interned-xyz", 18) == NULL);
	/* many symbols: table grows, all stay findable and distinct */
	before = sym_table_count();
	for (i = 0; i < 5000; i++) {
		char buf[32];

		snprintf(buf, sizeof(buf), "s%d", i);
		if (!CHECK(sym(buf) && sym(buf) == sym_find(buf, strlen(buf))))
			break;
	}
	CHECK_INT(sym_table_count(), before + 5000);
	CHECK(sym("s17") != sym("s71"));
}

static void test_strings(void)
{
	struct value *s = value_cstring("hello"), *b = value_string("a\0b", 3), *e;

	REQUIRE(s && b);
	CHECK_INT(s->type, VALUE_STRING);
	CHECK_INT(s->str.len, 5);
	CHECK_INT(s->str.bytes[5], 0);
	CHECK(value_is_string(s, "hello"));
	CHECK(!value_is_string(s, "hell"));
	CHECK_INT(b->str.len, 3);
	CHECK(!memcmp(b->str.bytes, "a\0b", 3));
	e = value_string(NULL, 0);
	REQUIRE(e);
	CHECK_INT(e->str.len, 0);
	CHECK(value_is_string(e, ""));
	CHECK(!value_equal(s, b));
	value_free(s);
	value_free(b);
	value_free(e);
	value_free(NULL);
}

static void test_tuple_small(void)
{
	struct value *t = value_tuple(), *v;
	const struct tuple_entry *e;

	REQUIRE(t);
	CHECK_INT(tuple_count(t), 0);
	CHECK(tuple_at(t, 0) == NULL);
	CHECK_INT(tuple_set(t, sym("b"), value_cstring("1")), 0);
	CHECK_INT(tuple_set(t, sym("a"), value_cstring("2")), 0);
	CHECK_INT(tuple_set(t, sym("c"), value_cstring("3")), 0);
	CHECK_INT(tuple_count(t), 3);
	/* replacing keeps position */
	CHECK_INT(tuple_set(t, sym("b"), value_cstring("4")), 0);
	CHECK_INT(tuple_count(t), 3);
	e = tuple_at(t, 0);
	REQUIRE(e);
	CHECK(e->key == sym("b"));
	CHECK(value_is_string(e->val, "4"));
	CHECK(tuple_at(t, 1)->key == sym("a"));
	CHECK(tuple_at(t, 2)->key == sym("c"));
	CHECK(value_is_string(tuple_get_cstr(t, "a"), "2"));
	CHECK(tuple_get_cstr(t, "zz-not-a-symbol") == NULL);
	CHECK(tuple_get(t, sym("d")) == NULL);
	/* take / remove keep the order of the rest */
	v = tuple_take(t, sym("a"));
	CHECK(value_is_string(v, "2"));
	value_free(v);
	CHECK(tuple_take(t, sym("a")) == NULL);
	CHECK_INT(tuple_count(t), 2);
	CHECK(tuple_at(t, 0)->key == sym("b"));
	CHECK(tuple_at(t, 1)->key == sym("c"));
	CHECK_INT(tuple_remove(t, sym("b")), 0);
	CHECK_INT(tuple_remove(t, sym("b")), -ENOENT);
	CHECK_INT(tuple_count(t), 1);
	/* ownership on error: these must not leak (checked under ASan/valgrind) */
	CHECK_INT(tuple_set(t, sym("x"), NULL), -ENOMEM);
	CHECK_INT(tuple_set(t, NULL, value_cstring("leak?")), -ENOMEM);
	v = value_vector();
	CHECK_INT(tuple_set(v, sym("x"), value_cstring("y")), -EINVAL);
	CHECK_INT(tuple_count(v), 0);
	value_free(v);
	value_free(t);
}

static void test_tuple_big(void)
{
	struct value *t = value_tuple();
	char buf[32];
	int i, bad = 0;

	REQUIRE(t);
	for (i = 0; i < 10000; i++) {
		snprintf(buf, sizeof(buf), "key%d", i);
		if (tuple_set(t, sym(buf), value_integer(i)))
			bad++;
	}
	CHECK_INT(bad, 0);
	CHECK_INT(tuple_count(t), 10000);
	CHECK(t->tup.index != NULL);
	for (i = 0, bad = 0; i < 10000; i++) {
		s64 n = -1;

		snprintf(buf, sizeof(buf), "key%d", i);
		if (value_to_s64(tuple_get(t, sym(buf)), &n) || n != i)
			bad++;
		if (tuple_at(t, i)->key != sym(buf))
			bad++;
	}
	CHECK_INT(bad, 0);
	/* remove every odd key; evens keep their order and stay findable */
	for (i = 1; i < 10000; i += 2) {
		snprintf(buf, sizeof(buf), "key%d", i);
		if (tuple_remove(t, sym(buf)))
			bad++;
	}
	CHECK_INT(bad, 0);
	CHECK_INT(tuple_count(t), 5000);
	for (i = 0; i < 10000; i++) {
		snprintf(buf, sizeof(buf), "key%d", i);
		if ((tuple_get(t, sym(buf)) != NULL) != (i % 2 == 0))
			bad++;
		if (i % 2 == 0 && tuple_at(t, i / 2)->key != sym(buf))
			bad++;
	}
	CHECK_INT(bad, 0);
	/* replace in an indexed tuple */
	CHECK_INT(tuple_set(t, sym("key42"), value_cstring("x")), 0);
	CHECK(value_is_string(tuple_get(t, sym("key42")), "x"));
	CHECK(tuple_at(t, 21)->key == sym("key42"));
	CHECK_INT(tuple_count(t), 5000);
	value_free(t);
}

static void test_vectors(void)
{
	struct value *v = value_vector();
	int i, bad = 0;

	REQUIRE(v);
	CHECK_INT(vector_count(v), 0);
	CHECK(vector_at(v, 0) == NULL);
	for (i = 0; i < 100000; i++)
		if (vector_push(v, value_integer(i)))
			bad++;
	CHECK_INT(bad, 0);
	CHECK_INT(vector_count(v), 100000);
	for (i = 0; i < 100000; i++)
		if (vector_at(v, i)->integer != i)
			bad++;
	CHECK_INT(bad, 0);
	CHECK(vector_at(v, 100000) == NULL);
	CHECK_INT(vector_push(v, NULL), -ENOMEM);
	CHECK_INT(vector_push(NULL, value_cstring("x")), -EINVAL);
	value_free(v);
}

static void test_numbers(void)
{
	struct value *v;
	s64 n = 0;
	char buf[24];
	static const struct {
		const char *s;
		int err;
		s64 n;
	} cases[] = {
	    {"0", 0, 0},
	    {"12", 0, 12},
	    {"-12", 0, -12},
	    {"007", 0, 7},
	    {"9223372036854775807", 0, INT64_MAX},
	    {"-9223372036854775808", 0, INT64_MIN},
	    {"9223372036854775808", -ERANGE, 0},
	    {"-9223372036854775809", -ERANGE, 0},
	    {"99999999999999999999999", -ERANGE, 0},
	    {"", -EINVAL, 0},
	    {"-", -EINVAL, 0},
	    {"+1", -EINVAL, 0},
	    {"1x", -EINVAL, 0},
	    {" 1", -EINVAL, 0},
	    {"0x10", -EINVAL, 0},
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int err;

		v = value_cstring(cases[i].s);
		n = 12345;
		err = value_to_s64(v, &n);
		if (!CHECK_INT(err, cases[i].err))
			printf("  case \"%s\"\n", cases[i].s);
		if (!cases[i].err)
			CHECK_INT(n, cases[i].n);
		value_free(v);
	}
	v = value_integer(INT64_MIN);
	CHECK_INT(value_to_s64(v, &n), 0);
	CHECK(n == INT64_MIN);
	value_free(v);
	v = value_tuple();
	CHECK_INT(value_to_s64(v, &n), -EINVAL);
	CHECK_INT(value_to_s64(NULL, &n), -EINVAL);
	value_free(v);
	CHECK_INT(value_format_s64(INT64_MIN, buf), 20);
	CHECK_STR(buf, "-9223372036854775808");
	value_format_s64(INT64_MAX, buf);
	CHECK_STR(buf, "9223372036854775807");
	value_format_s64(0, buf);
	CHECK_STR(buf, "0");
}

static struct value *tree(void)
{
	struct value *t = value_tuple(), *c = value_tuple(), *v = value_vector();

	tuple_set(c, sym("contents"), value_cstring("hello"));
	tuple_set(t, sym("file"), c);
	vector_push(v, value_cstring("a"));
	vector_push(v, value_integer(5));
	vector_push(v, value_tuple());
	tuple_set(t, sym("args"), v);
	tuple_set(t, sym("n"), value_integer(-7));
	return t;
}

static void test_equal_copy(void)
{
	struct value *a = tree(), *b = tree(), *c, *x, *y;

	REQUIRE(a && b);
	CHECK(value_equal(a, b));
	c = value_copy(a);
	REQUIRE(c);
	CHECK(c != a);
	CHECK(value_equal(a, c));
	CHECK(tuple_get_cstr(c, "file") != tuple_get_cstr(a, "file"));
	/* a change in the copy does not reach the original */
	tuple_set(tuple_get_cstr(c, "file"), sym("contents"), value_cstring("bye"));
	CHECK(!value_equal(a, c));
	CHECK(value_is_string(value_lookup(a, "file/contents"), "hello"));
	/* tuple order ignored */
	x = value_tuple();
	y = value_tuple();
	tuple_set(x, sym("p"), value_cstring("1"));
	tuple_set(x, sym("q"), value_cstring("2"));
	tuple_set(y, sym("q"), value_cstring("2"));
	tuple_set(y, sym("p"), value_cstring("1"));
	CHECK(value_equal(x, y));
	tuple_set(y, sym("r"), value_cstring("3"));
	CHECK(!value_equal(x, y));
	CHECK(!value_equal(y, x));
	value_free(x);
	value_free(y);
	/* vector order matters */
	x = value_vector();
	y = value_vector();
	vector_push(x, value_cstring("1"));
	vector_push(x, value_cstring("2"));
	vector_push(y, value_cstring("2"));
	vector_push(y, value_cstring("1"));
	CHECK(!value_equal(x, y));
	value_free(x);
	value_free(y);
	/* integer vs decimal string */
	x = value_integer(12);
	y = value_cstring("12");
	CHECK(value_equal(x, y));
	CHECK(value_equal(y, x));
	value_free(y);
	y = value_cstring("012");
	CHECK(!value_equal(x, y));
	value_free(y);
	y = value_integer(12);
	CHECK(value_equal(x, y));
	value_free(y);
	value_free(x);
	x = value_integer(INT64_MIN);
	y = value_cstring("-9223372036854775808");
	CHECK(value_equal(x, y));
	value_free(x);
	value_free(y);
	/* empty tuple vs empty vector vs empty string */
	x = value_tuple();
	y = value_vector();
	CHECK(!value_equal(x, y));
	value_free(y);
	y = value_cstring("");
	CHECK(!value_equal(x, y));
	value_free(x);
	value_free(y);
	value_free(a);
	value_free(b);
	value_free(c);
}

static void test_lookup_flag(void)
{
	struct value *t = tree(), *f = value_tuple();

	REQUIRE(t && f);
	CHECK(value_lookup(t, "") == t);
	CHECK(value_lookup(t, "/") == t);
	CHECK(value_is_string(value_lookup(t, "file/contents"), "hello"));
	CHECK(value_is_string(value_lookup(t, "/file//contents/"), "hello"));
	CHECK(value_lookup(t, "file/contents/more") == NULL);
	CHECK(value_lookup(t, "file/nope-never") == NULL);
	CHECK(value_lookup(t, "args") == tuple_get_cstr(t, "args"));
	CHECK(value_lookup(NULL, "a") == NULL);
	tuple_set(f, sym("t1"), value_cstring("t"));
	tuple_set(f, sym("t2"), value_cstring("true"));
	tuple_set(f, sym("t3"), value_cstring(""));
	tuple_set(f, sym("t4"), value_tuple());
	tuple_set(f, sym("t5"), value_integer(3));
	tuple_set(f, sym("f1"), value_cstring("f"));
	tuple_set(f, sym("f2"), value_cstring("false"));
	tuple_set(f, sym("f3"), value_cstring("0"));
	tuple_set(f, sym("f4"), value_integer(0));
	CHECK(value_flag(f, "t1") && value_flag(f, "t2") && value_flag(f, "t3"));
	CHECK(value_flag(f, "t4") && value_flag(f, "t5"));
	CHECK(!value_flag(f, "f1") && !value_flag(f, "f2") && !value_flag(f, "f3"));
	CHECK(!value_flag(f, "f4"));
	CHECK(!value_flag(f, "absent-flag-never-set"));
	CHECK(!value_flag(NULL, "t1"));
	value_free(t);
	value_free(f);
}

static void test_merge(void)
{
	struct value *dst = tree(), *src = value_tuple(), *file = value_tuple(), *expect;

	REQUIRE(dst && src && file);
	tuple_set(file, sym("mode"), value_cstring("x"));
	tuple_set(src, sym("file"), file);		  /* deep merge */
	tuple_set(src, sym("n"), value_cstring("8"));	  /* replace */
	tuple_set(src, sym("args"), value_tuple());	  /* replace vector by tuple */
	tuple_set(src, sym("new"), value_cstring("yes")); /* add */
	CHECK_INT(tuple_merge(dst, src), 0);
	CHECK_INT(tuple_count(dst), 4);
	CHECK(value_is_string(value_lookup(dst, "file/contents"), "hello"));
	CHECK(value_is_string(value_lookup(dst, "file/mode"), "x"));
	CHECK(value_is_string(tuple_get_cstr(dst, "n"), "8"));
	CHECK_INT(tuple_get_cstr(dst, "args")->type, VALUE_TUPLE);
	CHECK(value_is_string(tuple_get_cstr(dst, "new"), "yes"));
	/* order: existing keys stay, new ones append */
	CHECK(tuple_at(dst, 3)->key == sym("new"));
	expect = value_copy(dst);
	/* merging an empty tuple changes nothing */
	CHECK_INT(tuple_merge(dst, value_tuple()), 0);
	CHECK(value_equal(dst, expect));
	/* non-tuples: -EINVAL and src is consumed */
	CHECK_INT(tuple_merge(dst, value_cstring("x")), -EINVAL);
	CHECK_INT(tuple_merge(NULL, value_tuple()), -EINVAL);
	value_free(expect);
	value_free(dst);
}

/* tuple_take_unordered: random removals from a big tuple, checked
 * against a model (every remaining key found, removed ones gone) */
static void test_tuple_take_unordered(void)
{
	enum { N = 3000 };
	static bool present[N];
	struct value *t = value_tuple();
	char name[16];
	u64 seed = 12345;
	int left = N;

	for (int i = 0; i < N; i++) {
		snprintf(name, sizeof(name), "k%d", i);
		CHECK(tuple_set(t, sym(name), value_integer(i)) == 0);
		present[i] = true;
	}
	for (int round = 0; round < 2500; round++) {
		int i;

		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		i = (int)((seed >> 33) % N);
		snprintf(name, sizeof(name), "k%d", i);
		struct value *v = tuple_take_unordered(t, sym(name));

		if (!CHECK((v != NULL) == present[i]))
			break;
		if (v) {
			CHECK(v->type == VALUE_INTEGER && v->integer == i);
			value_free(v);
			present[i] = false;
			left--;
		}
	}
	CHECK(tuple_count(t) == (u32)left);
	for (int i = 0; i < N; i++) {
		const struct value *v;

		snprintf(name, sizeof(name), "k%d", i);
		v = tuple_get(t, sym(name));
		if (!CHECK((v != NULL) == present[i]))
			break;
		if (v)
			CHECK(v->integer == i);
	}
	/* and inserting after removals still works */
	CHECK(tuple_set(t, sym("fresh"), value_integer(-1)) == 0);
	CHECK(tuple_get(t, sym("fresh")) && tuple_get(t, sym("fresh"))->integer == -1);
	value_free(t);
}

int main(void)
{
	RUN(test_symbols);
	RUN(test_strings);
	RUN(test_tuple_small);
	RUN(test_tuple_big);
	RUN(test_tuple_take_unordered);
	RUN(test_vectors);
	RUN(test_numbers);
	RUN(test_equal_copy);
	RUN(test_lookup_flag);
	RUN(test_merge);
	sym_table_free();
	return check_done();
}
