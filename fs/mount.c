/*
 * fs/mount.c - finds the rootfs on the block devices, mounts it read-only
 * with the lib/ TFS core, exposes the root tuple as config, and writes the
 * KLOG area at shutdown (skeleton). Layer: fs. Callers: kernel/init.c
 * (fs_init), kernel/exit.c (fs_shutdown), everyone (config_*).
 */
#include "kernel/kernel.h"
#include "lib/value.h"

int fs_init(void)
{
	return -ENODEV;
}

struct value *config_root(void)
{
	return NULL;
}

bool config_flag(const char *key)
{
	struct value *root = config_root();

	return root ? value_flag(root, key) : false;
}

void fs_shutdown(int exit_code)
{
}
