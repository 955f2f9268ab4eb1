/*
 * test_format.c - host unit test for lib/format.c (fmt_snprintf): every
 * conversion the kernel uses, widths, padding, truncation, return values.
 */
#include "lib/format.h"
#include "tests/unit/check.h"

static char out[128];

#define F(...) fmt_snprintf(out, sizeof(out), __VA_ARGS__)

static void test_integers(void)
{
	F("%d %i %u", -42, 7, 4000000000u);
	CHECK_STR(out, "-42 7 4000000000");
	F("%x %X %lx %llx", 0xbeefu, 0xbeefu, 0x123456789abcUL, 0xffffffffffffffffULL);
	CHECK_STR(out, "beef BEEF 123456789abc ffffffffffffffff");
	F("%ld %lu %zu", -9000000000L, 18446744073709551615UL, (size_t)12);
	CHECK_STR(out, "-9000000000 18446744073709551615 12");
	F("%lld", (long long)-9223372036854775807LL - 1);
	CHECK_STR(out, "-9223372036854775808");
	F("%d", 0);
	CHECK_STR(out, "0");
	F("%hhx %hd", 0x1ff, 70000);
	CHECK_STR(out, "ff 4464");
	F("%o %#o %#x", 8, 8, 255);
	CHECK_STR(out, "10 010 0xff");
}

static void test_widths(void)
{
	F("[%5d][%-5d][%05d]", 42, 42, 42);
	CHECK_STR(out, "[   42][42   ][00042]");
	F("[%08lx][%016llx]", 0xabcUL, 0x1ULL);
	CHECK_STR(out, "[00000abc][0000000000000001]");
	F("[%05d]", -42);
	CHECK_STR(out, "[-0042]");
	F("[%*d][%-*d]", 4, 1, 3, 2);
	CHECK_STR(out, "[   1][2  ]");
	F("[%.3d][%+d][% d]", 5, 5, 5);
	CHECK_STR(out, "[005][+5][ 5]");
	F("[%12.6lu]", 12345UL);
	CHECK_STR(out, "[      012345]");
}

static void test_strings(void)
{
	F("%s|%10s|%-6s|%.2s|%c|%3c|%%", "abc", "right", "left", "truncate", 'x', 'y');
	CHECK_STR(out, "abc|     right|left  |tr|x|  y|%");
	const char *volatile null_str = NULL;

	F("%s", null_str);
	CHECK_STR(out, "(null)");
	F("%.*s", 3, "abcdef");
	CHECK_STR(out, "abc");
}

static void test_pointer(void)
{
	F("%p", (void *)0xffff888000001000UL);
	CHECK_STR(out, "0xffff888000001000");
	F("%p", (void *)0);
	CHECK_STR(out, "0x0");
}

static void test_truncation(void)
{
	char small[6];
	int n;

	memset(small, 'Z', sizeof(small));
	n = fmt_snprintf(small, sizeof(small), "hello world %d", 12);
	CHECK_INT(n, 14);
	CHECK_STR(small, "hello");
	n = fmt_snprintf(small, 1, "abc");
	CHECK_INT(n, 3);
	CHECK_INT(small[0], 0);
	small[0] = 'Q';
	n = fmt_snprintf(small, 0, "abc");
	CHECK_INT(n, 3);
	CHECK_INT(small[0], 'Q');
	n = fmt_snprintf(small, sizeof(small), "%s", "");
	CHECK_INT(n, 0);
	CHECK_STR(small, "");
}

static void test_odd_formats(void)
{
	/* not literals, so the compiler's format check lets them through */
	const char *volatile trailing = "100%";
	const char *volatile unknown = "%q";

	fmt_snprintf(out, sizeof(out), trailing, 0);
	CHECK_STR(out, "100");
	fmt_snprintf(out, sizeof(out), unknown, 0);
	CHECK_STR(out, "%q");
}

int main(void)
{
	RUN(test_integers);
	RUN(test_widths);
	RUN(test_strings);
	RUN(test_pointer);
	RUN(test_truncation);
	RUN(test_odd_formats);
	return check_done();
}
