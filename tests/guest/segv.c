/*
 * segv.c - guest test: a NULL write ends the program as SIGSEGV would on
 * Linux (status 139 seen by the host); with fault:t monos also prints a
 * fault report. `segv exec` jumps to an unmapped address instead.
 *
 * Layer: guest test program.
 */
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	printf("before fault\n");
	fflush(stdout);
	if (argc > 1 && !strcmp(argv[1], "exec")) {
		void (*fn)(void) = (void (*)(void))0x10;

		fn();
	}
	*(volatile int *)0 = 1;
	printf("after fault (should not print)\n");
	return 0;
}
