/*
 * exit.c - guest test: exit code propagation. `exit CODE` ends with that
 * code through exit() (exit_group); `exit CODE raw` through the exit
 * syscall of the only thread. tests/suites/60-guest checks that monos
 * returns 0, 1, 7 and 255 as given.
 *
 * Layer: guest test program.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int code = argc > 1 ? atoi(argv[1]) : 0;

	if (argc > 2 && !strcmp(argv[2], "raw"))
		syscall(SYS_exit, code);
	exit(code);
}
