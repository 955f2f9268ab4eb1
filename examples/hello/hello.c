/*
 * hello.c - the bundled demo of `make run`: an ordinary static Linux
 * program (musl-gcc -static) that monos boots as the only process of a VM.
 * It greets, shows its arguments and a little of what the kernel tells it.
 *
 * Layer: example program (examples/build.mk builds and runs it).
 */
#include <stdio.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct utsname u;
	struct timespec t;

	printf("hello from %s, pid %d\n", argv[0], (int)getpid());
	for (int i = 1; i < argc; i++)
		printf("  argument %d: %s\n", i, argv[i]);
	if (uname(&u) == 0)
		printf("  kernel: %s %s (%s)\n", u.sysname, u.release, u.machine);
	if (clock_gettime(CLOCK_MONOTONIC, &t) == 0)
		printf("  uptime: %ld.%03ld s\n", (long)t.tv_sec, t.tv_nsec / 1000000);
	return 0;
}
