/*
 * check.h - tiny test harness for host unit tests (tests/unit/test_*.c).
 * Layer: host tests only. Output follows tests/run's suite protocol:
 *   ok NAME                         a test function passed every check
 *   FAIL NAME: file:line: expr      its first failed check (later failures
 *                                   of the same test print as "  also: ...")
 *
 * Usage:
 *   static void test_foo(void) { CHECK(1 + 1 == 2); REQUIRE(p != NULL); ... }
 *   int main(void) { RUN(test_foo); return check_done(); }
 * CHECK(expr) records a failure and goes on; REQUIRE(expr) also returns from
 * the test function. CHECK_INT(a, b) / CHECK_STR(a, b) print both values.
 * A test function with no CHECK at all is reported as FAIL (it asserts
 * nothing). check_done() returns the exit status (1 if anything failed).
 */
#ifndef TESTS_UNIT_CHECK_H
#define TESTS_UNIT_CHECK_H

#include <stdio.h>
#include <string.h>

static const char *check_test_name = "?";
static int check_test_failures, check_test_checks;
static int check_total_failed, check_total_passed;

static inline int check_report(int ok, const char *expr, const char *file, int line,
			       const char *detail)
{
	check_test_checks++;
	if (ok)
		return 1;
	if (check_test_failures++ == 0)
		printf("FAIL %s: %s:%d: %s%s\n", check_test_name, file, line, expr, detail);
	else
		printf("  also: %s:%d: %s%s\n", file, line, expr, detail);
	fflush(stdout);
	return 0;
}

static inline int check_int(long long a, long long b, const char *expr, const char *file, int line)
{
	char detail[96];

	snprintf(detail, sizeof(detail), " (%lld != %lld)", a, b);
	return check_report(a == b, expr, file, line, detail);
}

static inline int check_str(const char *a, const char *b, const char *expr, const char *file,
			    int line)
{
	char detail[256];
	int ok = a && b && !strcmp(a, b);

	snprintf(detail, sizeof(detail), " (\"%.100s\" != \"%.100s\")", a ? a : "(null)",
		 b ? b : "(null)");
	return check_report(ok, expr, file, line, detail);
}

#define CHECK(expr)	check_report(!!(expr), #expr, __FILE__, __LINE__, "")
#define CHECK_INT(a, b) check_int((long long)(a), (long long)(b), #a " == " #b, __FILE__, __LINE__)
#define CHECK_STR(a, b) check_str((a), (b), #a " == " #b, __FILE__, __LINE__)
#define REQUIRE(expr)                                                                              \
	do {                                                                                       \
		if (!CHECK(expr))                                                                  \
			return;                                                                    \
	} while (0)

static inline void check_run(const char *name, void (*fn)(void))
{
	check_test_name = name;
	check_test_failures = 0;
	check_test_checks = 0;
	fn();
	if (!check_test_failures && !check_test_checks) {
		printf("FAIL %s: no checks ran\n", name);
		check_test_failures = 1;
	}
	if (check_test_failures) {
		check_total_failed++;
	} else {
		check_total_passed++;
		printf("ok %s\n", name);
	}
	fflush(stdout);
}

#define RUN(fn) check_run(#fn, fn)

static inline int check_done(void)
{
	return check_total_failed ? 1 : 0;
}

#endif
