/*
 * fs/vfs.h - the VFS: struct file with an ops table, the fd table of the
 * one process, path resolution. Layer: fs. Callers: sys/sys_file.c,
 * sys/ (ELF loader through kernel.h's vfs_open/vfs_pread), fs/mount.c.
 */
#ifndef FS_VFS_H
#define FS_VFS_H

#include "kernel/kernel.h"

struct file;

struct file_ops {
	s64 (*read)(struct file *f, void *kbuf, u64 len);
	s64 (*write)(struct file *f, const void *kbuf, u64 len);
	s64 (*pread)(struct file *f, void *kbuf, u64 len, u64 off);
	s64 (*pwrite)(struct file *f, const void *kbuf, u64 len, u64 off);
	void (*close)(struct file *f);
};

struct file {
	const struct file_ops *ops;
	u32 refs;
	int flags;
	u64 pos;
	void *priv;
};

#endif
