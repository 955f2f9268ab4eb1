/*
 * fs/vfs.c - files, the fd table and path resolution (skeleton).
 * Layer: fs. Callers: sys/sys_file.c, the ELF loader (vfs_open/vfs_pread).
 */
#include "fs/vfs.h"

int vfs_open(const char *path, int flags, u32 mode, struct file **out)
{
	*out = NULL;
	return -ENOENT;
}

s64 vfs_pread(struct file *f, void *kbuf, u64 len, u64 off)
{
	if (!f->ops->pread)
		return -EINVAL;
	return f->ops->pread(f, kbuf, len, off);
}

u64 vfs_size(struct file *f)
{
	return 0;
}

void file_put(struct file *f)
{
	if (!f || --f->refs)
		return;
	if (f->ops->close)
		f->ops->close(f);
	kfree(f);
}
