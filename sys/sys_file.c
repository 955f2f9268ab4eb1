/*
 * sys/sys_file.c - file I/O system calls: read, write, readv, writev,
 * pread64, pwrite64, lseek, open, openat, close, dup, dup2, dup3, fcntl,
 * ioctl, getdents64. Arguments are checked here (user pointers through
 * sys/uaccess.c, flags against the Linux ABI), then the VFS (fs/vfs.h)
 * does the work on kernel buffers; data moves through bounce buffers.
 * Layer: sys. Callers: the syscall table (sys/syscall_table.c).
 */
#include "fs/vfs.h"
#include "sys/syscalls.h"
#include "sys/sys_file.h"
#include "fs/poll.h"

#define MAX_RW_COUNT 0x7ffff000ull /* Linux caps one transfer at this */
#define BOUNCE_MAX   (128u * 1024)
#define BOUNCE_SMALL 256u /* on the stack */
#define UIO_MAXIOV   1024

#define F_DUPFD		0
#define F_GETFD		1
#define F_SETFD		2
#define F_GETFL		3
#define F_SETFL		4
#define F_GETLK		5
#define F_SETLK		6
#define F_SETLKW	7
#define F_DUPFD_CLOEXEC 1030
#define F_OFD_GETLK	36
#define F_OFD_SETLK	37
#define F_OFD_SETLKW	38
#define F_SETPIPE_SZ	1031
#define F_GETPIPE_SZ	1032
#define FD_CLOEXEC	1
#define F_UNLCK		2
#define O_ASYNC		020000
#define O_DIRECT	040000

#define FIONREAD 0x541b
#define FIONBIO	 0x5421
#define FIONCLEX 0x5450
#define FIOCLEX	 0x5451

int sys_get_path(u64 upath, char **out)
{
	char *p = kmalloc(PATH_MAX_LEN);
	long n;

	*out = NULL;
	if (!p)
		return -ENOMEM;
	n = strncpy_from_user(p, upath, PATH_MAX_LEN);
	if (n < 0) {
		kfree(p);
		return (int)n;
	}
	*out = p;
	return 0;
}

/* ---- read / write ---- */

static bool can_read(const struct file *f)
{
	return !(f->flags & O_PATH) && (f->flags & O_ACCMODE) != O_WRONLY;
}

static bool can_write(const struct file *f)
{
	return !(f->flags & O_PATH) && (f->flags & O_ACCMODE) != O_RDONLY;
}

/* read into user memory through a bounce buffer; pos < 0: the file's
 * own position (read), else pread at pos */
static s64 do_read(struct file *f, u64 ubuf, u64 len, s64 pos)
{
	u8 small[BOUNCE_SMALL]; /* small reads (pipes, eventfds) skip the allocator */
	u64 done = 0, chunk;
	u8 *kbuf;
	s64 n = 0;

	if (!can_read(f))
		return -EBADF;
	if (pos >= 0 && !f->ops->pread)
		return -ESPIPE;
	if (!user_range_ok(ubuf, len))
		return -EFAULT;
	len = MIN(len, MAX_RW_COUNT);
	if (pos < 0 && f->ops->rw_user) { /* sockets: one recvmsg */
		struct file_iov v = { ubuf, len };

		return f->ops->rw_user(f, &v, 1, false);
	}
	if (!len) /* still reports EISDIR for directories */
		return pos >= 0 ? f->ops->pread(f, NULL, 0, (u64)pos) : f->ops->read(f, NULL, 0);
	chunk = MIN(len, (u64)BOUNCE_MAX);
	kbuf = chunk <= sizeof(small) ? small : kmalloc(chunk);
	if (!kbuf)
		return -ENOMEM;
	while (done < len) {
		u64 want = MIN(chunk, len - done);

		n = pos >= 0 ? f->ops->pread(f, kbuf, want, (u64)pos + done)
			     : f->ops->read(f, kbuf, want);
		if (n <= 0)
			break;
		if (copy_to_user(ubuf + done, kbuf, (size_t)n)) {
			n = -EFAULT;
			break;
		}
		done += (u64)n;
		if ((u64)n < want)
			break;
	}
	if (kbuf != small)
		kfree(kbuf);
	return done ? (s64)done : n;
}

static s64 do_write(struct file *f, u64 ubuf, u64 len, s64 pos)
{
	u8 small[BOUNCE_SMALL];
	u64 done = 0, chunk;
	u8 *kbuf;
	s64 n = 0;

	if (!can_write(f))
		return -EBADF;
	if (pos >= 0 && !f->ops->pwrite)
		return -ESPIPE;
	if (!f->ops->write)
		return -EINVAL;
	if (!user_range_ok(ubuf, len))
		return -EFAULT;
	len = MIN(len, MAX_RW_COUNT);
	if (pos < 0 && f->ops->rw_user) { /* sockets: one sendmsg */
		struct file_iov v = { ubuf, len };

		return f->ops->rw_user(f, &v, 1, true);
	}
	if (!len)
		return 0;
	chunk = MIN(len, (u64)BOUNCE_MAX);
	kbuf = chunk <= sizeof(small) ? small : kmalloc(chunk);
	if (!kbuf)
		return -ENOMEM;
	while (done < len) {
		u64 want = MIN(chunk, len - done);

		if (copy_from_user(kbuf, ubuf + done, want)) {
			n = -EFAULT;
			break;
		}
		n = pos >= 0 ? f->ops->pwrite(f, kbuf, want, (u64)pos + done)
			     : f->ops->write(f, kbuf, want);
		if (n <= 0)
			break;
		done += (u64)n;
		if ((u64)n < want)
			break;
	}
	if (kbuf != small)
		kfree(kbuf);
	return done ? (s64)done : n;
}

long sys_read(SYS_ARGS)
{
	struct file *f = fd_get((int)a0);
	s64 r;

	if (!f)
		return -EBADF;
	r = do_read(f, a1, a2, -1);
	file_put(f);
	return r;
}

long sys_write(SYS_ARGS)
{
	struct file *f = fd_get((int)a0);
	s64 r;

	if (!f)
		return -EBADF;
	r = do_write(f, a1, a2, -1);
	file_put(f);
	return r;
}

long sys_pread64(SYS_ARGS)
{
	struct file *f;
	s64 r;

	if ((s64)a3 < 0)
		return -EINVAL;
	f = fd_get((int)a0);
	if (!f)
		return -EBADF;
	r = do_read(f, a1, a2, (s64)a3);
	file_put(f);
	return r;
}

long sys_pwrite64(SYS_ARGS)
{
	struct file *f;
	s64 r;

	if ((s64)a3 < 0)
		return -EINVAL;
	f = fd_get((int)a0);
	if (!f)
		return -EBADF;
	r = do_write(f, a1, a2, (s64)a3);
	file_put(f);
	return r;
}

static long do_rwv(u64 fd, u64 uiov, u64 cnt, bool write)
{
	struct file_iov *iov;
	struct file *f;
	u64 total = 0;
	s64 done = 0, n = 0;

	if (cnt > UIO_MAXIOV)
		return -EINVAL;
	f = fd_get((int)fd);
	if (!f)
		return -EBADF;
	if (write ? !can_write(f) : !can_read(f)) {
		file_put(f);
		return -EBADF;
	}
	if (!cnt) {
		file_put(f);
		return 0;
	}
	iov = kmalloc(cnt * sizeof(*iov));
	if (!iov) {
		file_put(f);
		return -ENOMEM;
	}
	if (copy_from_user(iov, uiov, cnt * sizeof(*iov))) {
		n = -EFAULT;
		goto out;
	}
	for (u64 i = 0; i < cnt; i++) {
		if (iov[i].len > (u64)INT64_MAX - total) {
			n = -EINVAL;
			goto out;
		}
		total += iov[i].len;
		if (!user_range_ok(iov[i].base, iov[i].len)) {
			n = -EFAULT;
			goto out;
		}
	}
	if (f->ops->rw_user) { /* sockets: the whole vector in one call */
		n = f->ops->rw_user(f, iov, (int)cnt, write);
		goto out;
	}
	for (u64 i = 0; i < cnt; i++) {
		if (!iov[i].len)
			continue;
		n = write ? do_write(f, iov[i].base, iov[i].len, -1)
			  : do_read(f, iov[i].base, iov[i].len, -1);
		if (n <= 0)
			break;
		done += n;
		if ((u64)n < iov[i].len)
			break;
	}
out:
	kfree(iov);
	file_put(f);
	return done ? done : n;
}

long sys_readv(SYS_ARGS)
{
	return do_rwv(a0, a1, a2, false);
}

long sys_writev(SYS_ARGS)
{
	return do_rwv(a0, a1, a2, true);
}

long sys_lseek(SYS_ARGS)
{
	struct file *f = fd_get((int)a0);
	s64 r;

	if (!f)
		return -EBADF;
	if (a2 > SEEK_HOLE)
		r = -EINVAL;
	else if (!f->ops->lseek)
		r = -ESPIPE;
	else
		r = f->ops->lseek(f, (s64)a1, (int)a2);
	file_put(f);
	return r;
}

/* ---- open / close / dup ---- */

#define OPEN_VALID_FLAGS                                                                           \
	(O_ACCMODE | O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_APPEND | O_NONBLOCK | O_DSYNC |     \
	 O_ASYNC | O_DIRECT | O_LARGEFILE | O_DIRECTORY | O_NOFOLLOW | O_NOATIME | O_CLOEXEC |     \
	 O_SYNC | O_PATH | O_TMPFILE)

static long do_openat(int dirfd, u64 upath, u64 flags, u64 mode)
{
	struct file *f;
	char *path;
	int err, fd;

	if (flags & ~(u64)OPEN_VALID_FLAGS)
		flags &= (u64)OPEN_VALID_FLAGS; /* Linux ignores unknown open flags */
	if ((flags & O_ACCMODE) == 3 && !(flags & O_PATH))
		return -EINVAL;
	err = sys_get_path(upath, &path);
	if (err)
		return err;
	if (!(flags & O_PATH))
		flags |= O_LARGEFILE; /* always on for 64-bit Linux */
	err = vfs_openat(dirfd, path, (int)flags, (u32)mode & 07777, &f);
	kfree(path);
	if (err)
		return err;
	fd = fd_install(f, flags & O_CLOEXEC, 0);
	if (fd < 0)
		file_put(f);
	return fd;
}

long sys_open(SYS_ARGS)
{
	return do_openat(AT_FDCWD, a0, a1, a2);
}

long sys_openat(SYS_ARGS)
{
	return do_openat((int)a0, a1, a2, a3);
}

long sys_close(SYS_ARGS)
{
	return fd_close((int)a0);
}

long sys_dup(SYS_ARGS)
{
	return fd_dup((int)a0, 0, false, false);
}

long sys_dup2(SYS_ARGS)
{
	if ((int)a0 == (int)a1) {
		struct file *f = fd_get((int)a0);

		if (!f)
			return -EBADF;
		file_put(f);
		return (int)a1;
	}
	return fd_dup((int)a0, (int)a1, false, true);
}

long sys_dup3(SYS_ARGS)
{
	if (a2 & ~(u64)O_CLOEXEC)
		return -EINVAL;
	if ((int)a0 == (int)a1)
		return -EINVAL;
	return fd_dup((int)a0, (int)a1, a2 & O_CLOEXEC, true);
}

/* ---- fcntl / ioctl ---- */

long sys_fcntl(SYS_ARGS)
{
	int fd = (int)a0;
	struct file *f = fd_get(fd);
	long r = 0;

	if (!f)
		return -EBADF;
	switch ((int)a1) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		if ((s64)(int)a2 < 0 || (int)a2 >= FD_MAX)
			r = -EINVAL;
		else
			r = fd_dup(fd, (int)a2, (int)a1 == F_DUPFD_CLOEXEC, false);
		break;
	case F_GETFD:
		r = fd_get_cloexec(fd) > 0 ? FD_CLOEXEC : 0;
		break;
	case F_SETFD:
		r = fd_set_cloexec(fd, a2 & FD_CLOEXEC);
		break;
	case F_GETFL:
		r = f->flags;
		break;
	case F_SETFL: {
		u32 changeable = O_APPEND | O_NONBLOCK | O_ASYNC | O_DIRECT | O_NOATIME;

		if (f->flags & O_PATH) {
			r = -EBADF;
			break;
		}
		f->flags = (f->flags & ~changeable) | ((u32)a2 & changeable);
		break;
	}
	case F_GETLK:
	case F_OFD_GETLK: {
		/* one process: nothing ever conflicts */
		s16 type = F_UNLCK;

		if (f->flags & O_PATH)
			r = -EBADF;
		else
			r = copy_to_user(a2, &type, sizeof(type));
		break;
	}
	case F_SETLK:
	case F_SETLKW:
	case F_OFD_SETLK:
	case F_OFD_SETLKW: {
		u8 flock[32];

		if (f->flags & O_PATH)
			r = -EBADF;
		else
			r = copy_from_user(flock, a2, sizeof(flock));
		break;
	}
	case F_SETPIPE_SZ:
	case F_GETPIPE_SZ:
		r = pipe_fcntl(f, (int)a1, a2); /* fs/pipe.c */
		break;
	default:
		r = -EINVAL;
		break;
	}
	file_put(f);
	return r;
}

long sys_ioctl(SYS_ARGS)
{
	int fd = (int)a0;
	u32 cmd = (u32)a1;
	struct file *f = fd_get(fd);
	long r = 0;

	if (!f)
		return -EBADF;
	switch (cmd) {
	case FIOCLEX:
	case FIONCLEX:
		r = fd_set_cloexec(fd, cmd == FIOCLEX);
		break;
	case FIONBIO: {
		int on;

		r = copy_from_user(&on, a2, sizeof(on));
		if (!r)
			f->flags = on ? f->flags | O_NONBLOCK : f->flags & ~(u32)O_NONBLOCK;
		break;
	}
	case FIONREAD:
		if (f->vn.kind == VN_TFS && vnode_type(&f->vn) == PATH_T_FILE) {
			u64 size = vfs_size(f);
			int avail = (int)MIN(size > f->pos ? size - f->pos : 0, (u64)INT32_MAX);

			r = copy_to_user(a2, &avail, sizeof(avail));
			break;
		}
		r = f->ops->ioctl ? f->ops->ioctl(f, cmd, a2) : -ENOTTY;
		break;
	default:
		/* terminal ioctls (TCGETS, TIOCGWINSZ...) on the console too:
		 * it is not a terminal (fs/special.c) */
		r = (f->flags & O_PATH) ? -EBADF
		    : f->ops->ioctl	? f->ops->ioctl(f, cmd, a2)
					: -ENOTTY;
		break;
	}
	file_put(f);
	return r;
}

/* ---- directories ---- */

long sys_getdents64(SYS_ARGS)
{
	struct file *f = fd_get((int)a0);
	u64 len = MIN(a2, (u64)BOUNCE_MAX);
	u8 *kbuf;
	s64 r;

	if (!f)
		return -EBADF;
	if (f->flags & O_PATH) {
		r = -EBADF;
		goto out;
	}
	if (!f->ops->getdents) {
		r = -ENOTDIR;
		goto out;
	}
	if (!user_range_ok(a1, a2)) {
		r = -EFAULT;
		goto out;
	}
	kbuf = kmalloc(len ? len : 1);
	if (!kbuf) {
		r = -ENOMEM;
		goto out;
	}
	{
		u64 pos = f->pos;

		r = f->ops->getdents(f, kbuf, len);
		if (r > 0 && copy_to_user(a1, kbuf, (size_t)r)) {
			f->pos = pos; /* nothing delivered */
			r = -EFAULT;
		}
	}
	kfree(kbuf);
out:
	file_put(f);
	return r;
}
