/*
 * gtest.h - the tiny assertion kit of the guest test programs
 * (the tests/guest programs). Each check prints one line in the suite protocol:
 *   ok CASE                 the check passed
 *   FAIL CASE: details      it failed (what was expected, what came back)
 *   skip CASE: reason       not applicable in this environment
 * and gt_done() returns the exit status: 0 only if every check passed.
 *
 * Layer: guest test programs (static Linux ELF, built with musl-gcc -static
 * and gcc -static); run natively on Linux (which proves the assertions) and
 * under monos by tests/suites/60-guest.
 */
#ifndef TESTS_GUEST_GTEST_H
#define TESTS_GUEST_GTEST_H

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static int gt_failed, gt_passed;
static char gt_outbuf[4096];

/* line-buffered stdout in a static buffer: no malloc behind printf, and
 * every line is out even if the program dies */
static inline void gt_init(void)
{
	setvbuf(stdout, gt_outbuf, _IOLBF, sizeof(gt_outbuf));
}

static inline int gt_check(const char *name, int ok, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static inline int gt_check(const char *name, int ok, const char *fmt, ...)
{
	va_list ap;

	if (ok) {
		printf("ok %s\n", name);
		gt_passed++;
		return 1;
	}
	printf("FAIL %s: ", name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	gt_failed++;
	return 0;
}

/* CHECK(name, cond, "fmt", args): fmt describes what came back */
#define CHECK(name, cond, ...) gt_check(name, !!(cond), __VA_ARGS__)

/* a call that must fail with errno e (ret is its return value) */
#define CHECK_ERR(name, ret, e)                                                                    \
	do {                                                                                       \
		long gt_r = (long)(ret);                                                           \
		int gt_e = errno;                                                                  \
		gt_check(name, gt_r == -1 && gt_e == (e), "expected -1/%s, got %ld/%s", #e, gt_r,  \
			 gt_r == -1 ? strerror(gt_e) : "no error");                                \
	} while (0)

/* a call that must succeed with ret == want */
#define CHECK_RET(name, ret, want)                                                                 \
	do {                                                                                       \
		long gt_r = (long)(ret), gt_w = (long)(want);                                      \
		int gt_e = errno;                                                                  \
		gt_check(name, gt_r == gt_w, "expected %ld, got %ld (%s)", gt_w, gt_r,             \
			 gt_r == -1 ? strerror(gt_e) : "no error");                                \
	} while (0)

static inline void gt_skip(const char *name, const char *why)
{
	printf("skip %s: %s\n", name, why);
}

static inline int gt_done(void)
{
	fflush(stdout);
	return gt_failed ? 1 : 0;
}

/* addresses no user program can use: a kernel-half address and a
 * non-canonical one (the EFAULT checks pass these and (void *)1) */
static inline void *gt_ptr(unsigned long v)
{
	__asm__("" : "+r"(v)); /* hide the value from the compiler's checks */
	return (void *)v;
}
#define GT_BAD		 gt_ptr(1)
#define GT_KERNEL_ADDR	 gt_ptr(0xffffffff80000000ul)
#define GT_NONCANON_ADDR gt_ptr(0x8000000000000000ul)

/* environment flags set by the suite for runs under monos */
static inline int gt_env(const char *name)
{
	const char *v = getenv(name);

	return v && *v && strcmp(v, "0");
}

#endif
