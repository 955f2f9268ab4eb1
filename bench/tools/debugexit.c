/*
 * debugexit.c - powers the Linux benchmark guest off with a chosen exit
 * status: writes CODE (0..255) as a 32-bit value to QEMU's isa-debug-exit
 * port 0xf4, so QEMU exits with status (CODE << 1) | 1 (busybox has no
 * port I/O applet). Falls back to reboot(POWER_OFF) if the port write did
 * not end the VM (no isa-debug-exit device).
 *
 * Layer: benchmark tool, runs inside the Linux guest only (static, built
 * with musl-gcc by bench/build.mk). Called by the /init script that
 * bench/linux-guest writes into the initramfs: `debugexit CODE`.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/io.h>
#include <sys/reboot.h>
#include <unistd.h>

#define DEBUGEXIT_PORT 0xf4

int main(int argc, char **argv)
{
	char *end;
	long code;

	if (argc != 2) {
		fprintf(stderr, "usage: debugexit CODE (0..255)\n");
		return 2;
	}
	errno = 0;
	code = strtol(argv[1], &end, 10);
	if (errno || *end || end == argv[1] || code < 0 || code > 255) {
		fprintf(stderr, "debugexit: bad exit code '%s' (want 0..255)\n", argv[1]);
		return 2;
	}
	sync();
	if (ioperm(DEBUGEXIT_PORT, 4, 1) < 0) {
		fprintf(stderr, "debugexit: ioperm(0x%x): %s\n", DEBUGEXIT_PORT, strerror(errno));
	} else {
		outl((unsigned int)code, DEBUGEXIT_PORT);
		fprintf(stderr, "debugexit: port 0x%x write did not end the VM\n", DEBUGEXIT_PORT);
	}
	reboot(RB_POWER_OFF);
	fprintf(stderr, "debugexit: reboot(POWER_OFF): %s\n", strerror(errno));
	return 1;
}
