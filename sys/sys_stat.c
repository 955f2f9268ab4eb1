/*
 * sys/sys_stat.c - metadata and naming system calls: fstat, stat, lstat,
 * newfstatat, statx, readlink, readlinkat, access, faccessat, faccessat2,
 * getcwd, chdir, fchdir. Checks arguments (flags, user pointers), resolves
 * paths through the VFS (fs/vfs.h) and copies results out.
 * Layer: sys. Callers: the syscall table (sys/syscall_table.c).
 */
#include "fs/vfs.h"
#include "sys/syscalls.h"
#include "sys/sys_file.h"

#define R_OK 4
#define W_OK 2
#define X_OK 1

#define STATX_BASIC_STATS   0x7ffu
#define STATX__RESERVED	    0x80000000u
#define AT_STATX_FORCE_SYNC 0x2000
#define AT_STATX_DONT_SYNC  0x4000

struct statx_ts {
	s64 tv_sec;
	u32 tv_nsec;
	s32 reserved;
};

struct statx_buf {
	u32 stx_mask;
	u32 stx_blksize;
	u64 stx_attributes;
	u32 stx_nlink;
	u32 stx_uid;
	u32 stx_gid;
	u16 stx_mode;
	u16 spare0;
	u64 stx_ino;
	u64 stx_size;
	u64 stx_blocks;
	u64 stx_attributes_mask;
	struct statx_ts stx_atime, stx_btime, stx_ctime, stx_mtime;
	u32 stx_rdev_major;
	u32 stx_rdev_minor;
	u32 stx_dev_major;
	u32 stx_dev_minor;
	u64 stx_mnt_id;
	u32 stx_dio_mem_align;
	u32 stx_dio_offset_align;
	u64 spare3[12];
};
_Static_assert(sizeof(struct statx_buf) == 256, "struct statx");

/* stat of (dirfd, path) with AT_* flags; path NULL or "" + AT_EMPTY_PATH
 * means dirfd itself */
static int stat_at(int dirfd, u64 upath, unsigned atflags, struct kstat *st)
{
	struct path_result r;
	struct vnode vn;
	char *path = NULL;
	int err;

	if (upath || !(atflags & AT_EMPTY_PATH)) {
		err = sys_get_path(upath, &path);
		if (err)
			return err;
	}
	if ((!path || !path[0]) && (atflags & AT_EMPTY_PATH)) {
		kfree(path);
		if (dirfd == AT_FDCWD) {
			vn = vfs_cwd();
			return vnode_stat(&vn, st);
		}
		struct file *f = fd_get(dirfd);

		if (!f)
			return -EBADF;
		err = vfs_stat_file(f, st);
		file_put(f);
		return err;
	}
	err = vfs_lookup_at(dirfd, path, (atflags & AT_SYMLINK_NOFOLLOW) ? PATH_NOFOLLOW : 0, &r);
	kfree(path);
	if (err)
		return err;
	vn = vnode_from_path(r.node);
	return vnode_stat(&vn, st);
}

static long stat_out(int err, const struct kstat *st, u64 ubuf)
{
	if (err)
		return err;
	return copy_to_user(ubuf, st, sizeof(*st));
}

long sys_fstat(SYS_ARGS)
{
	struct file *f = fd_get((int)a0);
	struct kstat st;
	int err;

	if (!f)
		return -EBADF;
	err = vfs_stat_file(f, &st);
	file_put(f);
	return stat_out(err, &st, a1);
}

long sys_stat(SYS_ARGS)
{
	struct kstat st;

	return stat_out(stat_at(AT_FDCWD, a0, 0, &st), &st, a1);
}

long sys_lstat(SYS_ARGS)
{
	struct kstat st;

	return stat_out(stat_at(AT_FDCWD, a0, AT_SYMLINK_NOFOLLOW, &st), &st, a1);
}

long sys_newfstatat(SYS_ARGS)
{
	struct kstat st;

	if (a3 & ~(u64)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT))
		return -EINVAL;
	return stat_out(stat_at((int)a0, a1, (unsigned)a3, &st), &st, a2);
}

static void statx_ts_set(struct statx_ts *t, u64 sec, u64 nsec)
{
	t->tv_sec = (s64)sec;
	t->tv_nsec = (u32)nsec;
	t->reserved = 0;
}

long sys_statx(SYS_ARGS)
{
	unsigned flags = (unsigned)a2;
	struct statx_buf sx;
	struct kstat st;
	int err;

	if (flags &
	    ~(unsigned)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT | AT_STATX_SYNC_TYPE))
		return -EINVAL;
	if ((flags & AT_STATX_SYNC_TYPE) == AT_STATX_SYNC_TYPE)
		return -EINVAL;
	if ((u32)a3 & STATX__RESERVED)
		return -EINVAL;
	err = stat_at((int)a0, a1, flags, &st);
	if (err)
		return err;
	memset(&sx, 0, sizeof(sx));
	sx.stx_mask = STATX_BASIC_STATS;
	sx.stx_blksize = (u32)st.st_blksize;
	sx.stx_nlink = (u32)st.st_nlink;
	sx.stx_uid = st.st_uid;
	sx.stx_gid = st.st_gid;
	sx.stx_mode = (u16)st.st_mode;
	sx.stx_ino = st.st_ino;
	sx.stx_size = (u64)st.st_size;
	sx.stx_blocks = (u64)st.st_blocks;
	statx_ts_set(&sx.stx_atime, st.st_atime_sec, st.st_atime_nsec);
	statx_ts_set(&sx.stx_mtime, st.st_mtime_sec, st.st_mtime_nsec);
	statx_ts_set(&sx.stx_ctime, st.st_ctime_sec, st.st_ctime_nsec);
	sx.stx_rdev_major = (u32)(st.st_rdev >> 8) & 0xfff;
	sx.stx_rdev_minor = (u32)st.st_rdev & 0xff;
	sx.stx_dev_major = (u32)(st.st_dev >> 8) & 0xfff;
	sx.stx_dev_minor = (u32)st.st_dev & 0xff;
	return copy_to_user(a4, &sx, sizeof(sx));
}

/* ---- readlink ---- */

static long do_readlinkat(int dirfd, u64 upath, u64 ubuf, u64 size)
{
	struct path_result r;
	struct vnode vn;
	char *path, *target;
	s64 n;
	int err;

	if ((s64)size <= 0)
		return -EINVAL;
	err = sys_get_path(upath, &path);
	if (err)
		return err;
	err = vfs_lookup_at(dirfd, path, PATH_NOFOLLOW, &r);
	kfree(path);
	if (err)
		return err;
	if (r.type != PATH_T_SYMLINK)
		return -EINVAL;
	target = kmalloc(PATH_MAX_LEN);
	if (!target)
		return -ENOMEM;
	vn = vnode_from_path(r.node);
	n = vnode_readlink(&vn, target, PATH_MAX_LEN);
	if (n >= 0) {
		n = (s64)MIN((u64)n, size);
		if (copy_to_user(ubuf, target, (size_t)n))
			n = -EFAULT;
	}
	kfree(target);
	return n;
}

long sys_readlink(SYS_ARGS)
{
	return do_readlinkat(AT_FDCWD, a0, a1, a2);
}

long sys_readlinkat(SYS_ARGS)
{
	return do_readlinkat((int)a0, a1, a2, a3);
}

/* ---- access ---- */

static long do_faccessat(int dirfd, u64 upath, u64 mode, u64 flags)
{
	struct path_result r;
	struct vnode vn;
	char *path;
	int err;
	u32 m;

	if (mode & ~(u64)(R_OK | W_OK | X_OK))
		return -EINVAL;
	if (flags & ~(u64)(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	err = sys_get_path(upath, &path);
	if (err)
		return err;
	if (!path[0] && (flags & AT_EMPTY_PATH)) {
		struct file *f;

		kfree(path);
		if (dirfd == AT_FDCWD) {
			vn = vfs_cwd();
		} else {
			f = fd_get(dirfd);
			if (!f)
				return -EBADF;
			vn = f->vn;
			file_put(f);
		}
	} else {
		err = vfs_lookup_at(dirfd, path, (flags & AT_SYMLINK_NOFOLLOW) ? PATH_NOFOLLOW : 0,
				    &r);
		kfree(path);
		if (err)
			return err;
		vn = vnode_from_path(r.node);
	}
	/* the program runs as root: reading always works, executing needs
	 * an x bit (or a directory); writing needs a writable filesystem
	 * (not readonly_rootfs:t) and, for the program, program_overwrite:t */
	m = vnode_mode(&vn);
	if ((mode & X_OK) && (m & S_IFMT) != S_IFDIR && !(m & 0111))
		return -EACCES;
	if ((mode & W_OK) && vn.kind != VN_DEV)
		return vn.kind == VN_TFS ? vfs_write_check(&vn) : -EACCES;
	return 0;
}

long sys_access(SYS_ARGS)
{
	return do_faccessat(AT_FDCWD, a0, a1, 0);
}

long sys_faccessat(SYS_ARGS)
{
	return do_faccessat((int)a0, a1, a2, 0);
}

long sys_faccessat2(SYS_ARGS)
{
	return do_faccessat((int)a0, a1, a2, a3);
}

/* ---- cwd ---- */

long sys_getcwd(SYS_ARGS)
{
	struct vnode cwd = vfs_cwd();
	char *buf = kmalloc(PATH_MAX_LEN);
	s64 n;

	if (!buf)
		return -ENOMEM;
	n = vnode_path(&cwd, NULL, buf, PATH_MAX_LEN);
	if (n >= 0) {
		if ((u64)n + 1 > a1)
			n = -ERANGE;
		else if (copy_to_user(a0, buf, (size_t)n + 1))
			n = -EFAULT;
		else
			n++;
	}
	kfree(buf);
	return n;
}

long sys_chdir(SYS_ARGS)
{
	struct path_result r;
	struct vnode vn;
	char *path;
	int err;

	err = sys_get_path(a0, &path);
	if (err)
		return err;
	err = vfs_lookup_at(AT_FDCWD, path, 0, &r);
	kfree(path);
	if (err)
		return err;
	vn = vnode_from_path(r.node);
	return vfs_set_cwd(&vn);
}

long sys_fchdir(SYS_ARGS)
{
	struct file *f = fd_get((int)a0);
	int err;

	if (!f)
		return -EBADF;
	err = vfs_set_cwd(&f->vn);
	file_put(f);
	return err;
}
