/*
 * sys/sys_fswrite.c - system calls that change the filesystem: unlink,
 * unlinkat, rmdir, mkdir, mkdirat, rename, renameat, renameat2, symlink,
 * symlinkat, link/linkat (-EPERM: TFS nodes have one name), truncate,
 * ftruncate, fallocate (0, KEEP_SIZE, PUNCH_HOLE|KEEP_SIZE), fsync, fdatasync, sync, syncfs, utimensat, utimes,
 * utime, futimesat, chmod family and chown family (recorded no-ops: TFS
 * keeps no owners or modes), flock (one process: always granted),
 * statfs/fstatfs, umask. Arguments are checked here; fs/write.c does the
 * work through the shared TFS core.
 * Layer: sys. Callers: the syscall table (sys/syscall_table.c).
 */
#include "fs/vfs.h"
#include "sys/syscalls.h"
#include "sys/sys_file.h"

#define UTIME_NOW  ((1l << 30) - 1l)
#define UTIME_OMIT ((1l << 30) - 2l)

#define FALLOC_FL_KEEP_SIZE  0x01
#define FALLOC_FL_PUNCH_HOLE 0x02

#define LOCK_SH 1
#define LOCK_EX 2
#define LOCK_NB 4
#define LOCK_UN 8

static u32 cur_umask = 022;

/* ---- names ---- */

static long path_call(u64 upath, int (*fn)(int dirfd, const char *path, u64 arg), int dirfd,
		      u64 arg)
{
	char *path;
	int err = sys_get_path(upath, &path);

	if (err)
		return err;
	err = fn(dirfd, path, arg);
	kfree(path);
	return err;
}

static int do_unlink(int dirfd, const char *path, u64 flags)
{
	return vfs_unlinkat(dirfd, path, flags & AT_REMOVEDIR);
}

static int do_mkdir(int dirfd, const char *path, u64 mode)
{
	return vfs_mkdirat(dirfd, path);
}

long sys_unlink(SYS_ARGS)
{
	return path_call(a0, do_unlink, AT_FDCWD, 0);
}

long sys_unlinkat(SYS_ARGS)
{
	if (a2 & ~(u64)AT_REMOVEDIR)
		return -EINVAL;
	return path_call(a1, do_unlink, (int)a0, a2);
}

long sys_rmdir(SYS_ARGS)
{
	return path_call(a0, do_unlink, AT_FDCWD, AT_REMOVEDIR);
}

long sys_mkdir(SYS_ARGS)
{
	return path_call(a0, do_mkdir, AT_FDCWD, a1);
}

long sys_mkdirat(SYS_ARGS)
{
	return path_call(a1, do_mkdir, (int)a0, a2);
}

static long do_rename(int odir, u64 uold, int ndir, u64 unew, u64 flags)
{
	char *o, *n;
	int err = sys_get_path(uold, &o);

	if (err)
		return err;
	err = sys_get_path(unew, &n);
	if (!err) {
		err = vfs_renameat2(odir, o, ndir, n, (unsigned)flags);
		kfree(n);
	}
	kfree(o);
	return err;
}

long sys_rename(SYS_ARGS)
{
	return do_rename(AT_FDCWD, a0, AT_FDCWD, a1, 0);
}

long sys_renameat(SYS_ARGS)
{
	return do_rename((int)a0, a1, (int)a2, a3, 0);
}

long sys_renameat2(SYS_ARGS)
{
	if (a4 >> 32)
		return -EINVAL;
	return do_rename((int)a0, a1, (int)a2, a3, a4);
}

static long do_symlink(u64 utarget, int dirfd, u64 upath)
{
	char *t, *p;
	int err = sys_get_path(utarget, &t);

	if (err)
		return err;
	err = sys_get_path(upath, &p);
	if (!err) {
		err = vfs_symlinkat(t, dirfd, p);
		kfree(p);
	}
	kfree(t);
	return err;
}

long sys_symlink(SYS_ARGS)
{
	return do_symlink(a0, AT_FDCWD, a1);
}

long sys_symlinkat(SYS_ARGS)
{
	return do_symlink(a0, (int)a1, a2);
}

/* hard links: a TFS node lives under one name (the parent map and the
 * unlink accounting rely on it); like a filesystem without links, EPERM
 * once both names check out */
static long do_link(int odir, u64 uold, int ndir, u64 unew, u64 flags)
{
	struct path_result r;
	char *o, *n;
	int err;

	if (flags & ~(u64)(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	err = sys_get_path(uold, &o);
	if (err)
		return err;
	err = sys_get_path(unew, &n);
	if (err)
		goto out_o;
	err = vfs_lookup_at(odir, o, flags & AT_SYMLINK_FOLLOW ? 0 : PATH_NOFOLLOW, &r);
	if (!err && r.type == PATH_T_DIR)
		err = -EPERM;
	if (!err) {
		struct path_result r2;
		int e2 = vfs_lookup_at(ndir, n, PATH_NOFOLLOW, &r2);

		err = e2 == 0 ? -EEXIST : e2 != -ENOENT ? e2 : vfs_write_check(NULL);
		if (!err)
			err = -EPERM;
	}
	kfree(n);
out_o:
	kfree(o);
	return err;
}

long sys_link(SYS_ARGS)
{
	return do_link(AT_FDCWD, a0, AT_FDCWD, a1, 0);
}

long sys_linkat(SYS_ARGS)
{
	return do_link((int)a0, a1, (int)a2, a3, a4);
}

/* ---- sizes ---- */

static int do_truncate_path(int dirfd, const char *path, u64 len)
{
	struct path_result r;
	struct vnode vn;
	int err = vfs_lookup_at(dirfd, path, 0, &r);

	if (err)
		return err;
	vn = vnode_from_path(r.node);
	if (r.type == PATH_T_DIR)
		return -EISDIR;
	if (vn.kind != VN_TFS)
		return vn.kind == VN_DEV ? 0 : -EACCES;
	return vfs_truncate(&vn, len);
}

long sys_truncate(SYS_ARGS)
{
	if ((s64)a1 < 0)
		return -EINVAL;
	return path_call(a0, do_truncate_path, AT_FDCWD, a1);
}

/* an fd open for writing on a rootfs file, or -errno */
static struct file *wfile(u64 fd, int *err)
{
	struct file *f = fd_get((int)fd);

	*err = 0;
	if (!f) {
		*err = -EBADF;
		return NULL;
	}
	if ((f->flags & O_PATH) || (f->flags & O_ACCMODE) == O_RDONLY)
		*err = -EBADF;
	else if (f->vn.kind != VN_TFS || vnode_type(&f->vn) != PATH_T_FILE)
		*err = vnode_type(&f->vn) == PATH_T_DIR ? -EISDIR : -EINVAL;
	if (*err) {
		file_put(f);
		return NULL;
	}
	return f;
}

long sys_ftruncate(SYS_ARGS)
{
	struct file *f;
	int err;

	if ((s64)a1 < 0)
		return -EINVAL;
	f = fd_get((int)a0);
	if (!f)
		return -EBADF;
	file_put(f);
	f = wfile(a0, &err);
	if (!f)
		return -EINVAL; /* not open for writing, or not a regular file */
	err = vfs_truncate(&f->vn, a1);
	file_put(f);
	return err;
}

long sys_fallocate(SYS_ARGS)
{
	struct file *f;
	int err;

	if ((s64)a2 < 0 || (s64)a3 <= 0)
		return -EINVAL;
	if (a1 & ~(u64)(FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE))
		return -EOPNOTSUPP; /* collapse, zero range, insert: not supported */
	if ((a1 & FALLOC_FL_PUNCH_HOLE) && !(a1 & FALLOC_FL_KEEP_SIZE))
		return -EOPNOTSUPP; /* Linux: PUNCH_HOLE needs KEEP_SIZE */
	if ((u64)a2 + (u64)a3 < (u64)a2 || (u64)a2 + (u64)a3 > ((u64)1 << 62))
		return -EFBIG;
	f = wfile(a0, &err);
	if (!f)
		return err == -EINVAL ? -ENODEV : err;
	if (a1 & FALLOC_FL_PUNCH_HOLE)
		err = vfs_punch_hole(f, a2, a3);
	else
		err = vfs_fallocate(f, a2, a3, a1 & FALLOC_FL_KEEP_SIZE);
	file_put(f);
	return err;
}

/* ---- sync ---- */

static long sync_fd(u64 fd)
{
	struct file *f = fd_get((int)fd);
	int err;

	if (!f)
		return -EBADF;
	err = f->vn.kind == VN_TFS ? vfs_sync_file(f) : 0;
	file_put(f);
	return err;
}

long sys_fsync(SYS_ARGS)
{
	return sync_fd(a0);
}

long sys_fdatasync(SYS_ARGS)
{
	return sync_fd(a0);
}

long sys_syncfs(SYS_ARGS)
{
	struct file *f = fd_get((int)a0);
	int err;

	if (!f)
		return -EBADF;
	err = f->vn.kind == VN_TFS ? vfs_sync_file(NULL) : 0; /* the whole filesystem */
	file_put(f);
	return err;
}

long sys_sync(SYS_ARGS)
{
	vfs_sync_file(NULL);
	return 0;
}

/* ---- times ---- */

struct ktimespec {
	s64 sec, nsec;
};

/* times[2] (NULL: both now) on the node at (dirfd, path), or on dirfd
 * itself when path is NULL */
static long set_times(int dirfd, u64 upath, const struct ktimespec *ts, u64 flags)
{
	u64 sec[2], nsec[2];
	bool set[2];
	struct path_result r;
	struct vnode vn;
	u64 now = clock_realtime_ns();
	char *path = NULL;
	int err;

	if (flags & ~(u64)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	for (int i = 0; i < 2; i++) {
		set[i] = true;
		if (!ts || ts[i].nsec == UTIME_NOW) {
			sec[i] = now / 1000000000ull;
			nsec[i] = now % 1000000000ull;
		} else if (ts[i].nsec == UTIME_OMIT) {
			set[i] = false;
		} else if (ts[i].nsec < 0 || ts[i].nsec > 999999999 || ts[i].sec < 0) {
			return -EINVAL;
		} else {
			sec[i] = (u64)ts[i].sec;
			nsec[i] = (u64)ts[i].nsec;
		}
	}
	if (upath) {
		err = sys_get_path(upath, &path);
		if (err)
			return err;
	}
	if (!path || (!path[0] && (flags & AT_EMPTY_PATH))) {
		struct file *f = fd_get(dirfd);

		kfree(path);
		if (!f)
			return dirfd == AT_FDCWD && !path ? -EFAULT : -EBADF;
		vn = f->vn;
		file_put(f);
	} else {
		err =
		    vfs_lookup_at(dirfd, path, flags & AT_SYMLINK_NOFOLLOW ? PATH_NOFOLLOW : 0, &r);
		kfree(path);
		if (err)
			return err;
		vn = vnode_from_path(r.node);
	}
	if (!set[0] && !set[1])
		return 0;
	return vfs_set_times(&vn, sec, nsec, set);
}

long sys_utimensat(SYS_ARGS)
{
	struct ktimespec ts[2];

	if (a2 && copy_from_user(ts, a2, sizeof(ts)))
		return -EFAULT;
	return set_times((int)a0, a1, a2 ? ts : NULL, a3);
}

static long timeval_times(int dirfd, u64 upath, u64 utv)
{
	struct ktimespec ts[2];

	if (utv) {
		if (copy_from_user(ts, utv, sizeof(ts)))
			return -EFAULT;
		for (int i = 0; i < 2; i++) {
			if (ts[i].nsec < 0 || ts[i].nsec >= 1000000)
				return -EINVAL;
			ts[i].nsec *= 1000;
		}
	}
	return set_times(dirfd, upath, utv ? ts : NULL, 0);
}

long sys_utimes(SYS_ARGS)
{
	return timeval_times(AT_FDCWD, a0, a1);
}

long sys_futimesat(SYS_ARGS)
{
	return timeval_times((int)a0, a1, a2);
}

long sys_utime(SYS_ARGS)
{
	struct ktimespec ts[2];
	s64 ut[2];

	if (a1) {
		if (copy_from_user(ut, a1, sizeof(ut)))
			return -EFAULT;
		ts[0] = (struct ktimespec){ut[0], 0};
		ts[1] = (struct ktimespec){ut[1], 0};
	}
	return set_times(AT_FDCWD, a0, a1 ? ts : NULL, 0);
}

/* ---- modes and owners: checked, then nothing to record ---- */

static long exists_at(int dirfd, u64 upath, bool nofollow)
{
	struct path_result r;
	char *path;
	int err = sys_get_path(upath, &path);

	if (err)
		return err;
	err = vfs_lookup_at(dirfd, path, nofollow ? PATH_NOFOLLOW : 0, &r);
	kfree(path);
	if (!err && vnode_from_path(r.node).kind == VN_TFS)
		err = vfs_write_check(NULL);
	return err;
}

static long exists_fd(u64 fd)
{
	struct file *f = fd_get((int)fd);
	int err;

	if (!f)
		return -EBADF;
	err = f->vn.kind == VN_TFS ? vfs_write_check(NULL) : 0;
	file_put(f);
	return err;
}

long sys_chmod(SYS_ARGS)
{
	return exists_at(AT_FDCWD, a0, false);
}

long sys_fchmod(SYS_ARGS)
{
	return exists_fd(a0);
}

long sys_fchmodat(SYS_ARGS)
{
	return exists_at((int)a0, a1, false);
}

long sys_chown(SYS_ARGS)
{
	return exists_at(AT_FDCWD, a0, false);
}

long sys_lchown(SYS_ARGS)
{
	return exists_at(AT_FDCWD, a0, true);
}

long sys_fchown(SYS_ARGS)
{
	return exists_fd(a0);
}

long sys_fchownat(SYS_ARGS)
{
	if (a4 & ~(u64)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	return exists_at((int)a0, a1, a4 & AT_SYMLINK_NOFOLLOW);
}

long sys_umask(SYS_ARGS)
{
	u32 old = cur_umask;

	cur_umask = (u32)a0 & 0777;
	return old;
}

/* ---- locks ---- */

long sys_flock(SYS_ARGS)
{
	struct file *f = fd_get((int)a0);
	u64 op = a1 & ~(u64)LOCK_NB;

	if (!f)
		return -EBADF;
	file_put(f);
	if (op != LOCK_SH && op != LOCK_EX && op != LOCK_UN)
		return -EINVAL;
	return 0; /* one process: no one to conflict with */
}

/* ---- statfs ---- */

struct kstatfs {
	s64 f_type, f_bsize;
	u64 f_blocks, f_bfree, f_bavail, f_files, f_ffree;
	s32 f_fsid[2];
	s64 f_namelen, f_frsize, f_flags, f_spare[4];
};
_Static_assert(sizeof(struct kstatfs) == 120, "struct statfs (x86-64)");

#define ST_RDONLY 1

static long statfs_out(const struct vnode *vn, u64 ubuf)
{
	struct kstatfs s;

	memset(&s, 0, sizeof(s));
	s.f_bsize = s.f_frsize = 4096;
	s.f_namelen = PATH_NAME_MAX;
	if (vn->kind == VN_TFS) {
		s.f_type = 0x54465321; /* "TFS!" */
		s.f_blocks = fs_total_bytes() / 4096;
		s.f_bfree = s.f_bavail = fs_free_bytes() / 4096;
		s.f_files = 1u << 20;
		s.f_ffree = 1u << 20;
		s.f_flags = vfs_readonly ? ST_RDONLY : 0;
	} else {
		s.f_type = vn->kind == VN_DEV_DIR || vn->kind == VN_DEV ? 0x1021994 : 0x9fa0;
	}
	return copy_to_user(ubuf, &s, sizeof(s));
}

long sys_statfs(SYS_ARGS)
{
	struct path_result r;
	struct vnode vn;
	char *path;
	int err = sys_get_path(a0, &path);

	if (err)
		return err;
	err = vfs_lookup_at(AT_FDCWD, path, 0, &r);
	kfree(path);
	if (err)
		return err;
	vn = vnode_from_path(r.node);
	return statfs_out(&vn, a1);
}

long sys_fstatfs(SYS_ARGS)
{
	struct file *f = fd_get((int)a0);
	struct vnode vn;

	if (!f)
		return -EBADF;
	vn = f->vn;
	file_put(f);
	return statfs_out(&vn, a1);
}
