/*
 * accel.c - chooses the accelerator for `--accel auto`: KVM only where
 * /dev/kvm is hardware KVM (kvm_intel or kvm_amd), TCG otherwise. Some
 * hosts expose /dev/kvm through kvm_pvm, a shadow-paging hypervisor under
 * which stock QEMU guests die on emulation failures: it is detected and
 * TCG is used instead.
 *
 * Layer: host tool (tools/monos). Called by main.c; the paths are
 * parameters so tests/unit/test_monos_accel.c can point it at fake trees.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "monos.h"

/* a module is loaded if sysfs has its directory or /proc/modules lists it */
static bool module_loaded(const char *sys_module, const char *proc_modules, const char *name)
{
	char path[4096], line[512];
	size_t nlen = strlen(name);
	struct stat st;
	bool found = false;
	FILE *f;

	if (sys_module) {
		snprintf(path, sizeof(path), "%s/%s", sys_module, name);
		if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
			return true;
	}
	if (!proc_modules)
		return false;
	f = fopen(proc_modules, "re");
	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f))
		found = !strncmp(line, name, nlen) && line[nlen] == ' ';
	fclose(f);
	return found;
}

bool accel_kvm_usable(const char *dev_kvm, int *err)
{
	int fd = open(dev_kvm, O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		if (err)
			*err = errno;
		return false;
	}
	close(fd);
	return true;
}

enum accel_kind accel_detect(const char *dev_kvm, const char *sys_module, const char *proc_modules,
			     char *why, size_t why_len)
{
	char dummy[8];
	int err = 0;

	if (!why) {
		why = dummy;
		why_len = sizeof(dummy);
	}
	if (module_loaded(sys_module, proc_modules, "kvm_pvm")) {
		snprintf(why, why_len, "%s is kvm_pvm (not hardware KVM)", dev_kvm);
		return ACCEL_TCG;
	}
	if (!module_loaded(sys_module, proc_modules, "kvm_intel") &&
	    !module_loaded(sys_module, proc_modules, "kvm_amd")) {
		snprintf(why, why_len, "no hardware KVM module (kvm_intel/kvm_amd) loaded");
		return ACCEL_TCG;
	}
	if (!accel_kvm_usable(dev_kvm, &err)) {
		snprintf(why, why_len, "cannot open %s: %s", dev_kvm, strerror(err));
		return ACCEL_TCG;
	}
	snprintf(why, why_len, "%s is hardware KVM", dev_kvm);
	return ACCEL_KVM;
}
