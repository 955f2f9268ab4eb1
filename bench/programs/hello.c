/*
 * hello.c - the boot benchmark's program: prints "hello" and exits 0. The
 * harness times QEMU start to this line, and to the VM's exit.
 *
 * Layer: benchmark program (bench/run: boot, memory, image size).
 */
#include <stdio.h>

int main(void)
{
	puts("hello");
	return 0;
}
