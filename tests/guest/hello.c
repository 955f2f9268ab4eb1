/*
 * hello.c - guest test: the smallest program, prints "hello" and exits 0.
 * Used by tests/suites/60-guest for boot/exit and for run-time figures.
 *
 * Layer: guest test program.
 */
#include <stdio.h>

int main(void)
{
	puts("hello");
	return 0;
}
