/*
 * exit.c - ending the VM (kernel layer): kernel_exit flushes the
 * filesystems and writes the KLOG (fs_shutdown), prints the invisible exit
 * marker ESC ]999;monos-exit=N BEL that the runner reads, then writes the
 * code to isa-debug-exit (QEMU exits with (code << 1) | 1); without that
 * device, ACPI S5 power-off, and as a last resort a halt. Called by
 * exit_group, fatal user faults and init failures.
 */
#include "kernel/kernel.h"
#include "lib/format.h"
#include "lib/value.h"
#include "arch.h"

/* manifest expected_exit_code: one code or a vector of codes that count
 * as success (reported as 0) */
static bool exit_code_expected(int code)
{
	struct value *root = config_root();
	struct value *v = root ? tuple_get_cstr(root, "expected_exit_code") : NULL;
	s64 n;

	if (!v)
		return false;
	if (v->type == VALUE_VECTOR) {
		for (u32 i = 0; i < vector_count(v); i++)
			if (!value_to_s64(vector_at(v, i), &n) && n == code)
				return true;
		return false;
	}
	return !value_to_s64(v, &n) && n == code;
}

bool kernel_exiting;

void kernel_exit(int code)
{
	char marker[48];
	int n;

	kernel_exiting = true;
	code &= 0xff;
	if (code && exit_code_expected(code)) {
		klog("exit: code %d is an expected_exit_code: reporting 0", code);
		code = 0;
	}
	fs_shutdown(code);
	n = fmt_snprintf(marker, sizeof(marker), "\x1b]999;monos-exit=%d\x07", code);
	console_write(marker, (size_t)n);
	outl(0xf4, (u32)code);
	arch_acpi_poweroff();
	arch_halt_forever();
}
