/*
 * sys/sys_sendfile.c - sendfile(out_fd, in_fd, offset, count): any
 * readable file to any writable file (sockets included) through a kernel
 * bounce buffer. With an offset the input is read there (pread) and the
 * file position stays; without one, a seekable input is read at its
 * position, which moves by what was written. A short write (non-blocking
 * socket) ends the call.
 * Layer: sys. Callers: the syscall table (sys/syscall_table.c).
 */
#include "fs/vfs.h"
#include "sys/syscalls.h"

#define MAX_RW_COUNT   0x7ffff000ull
#define SENDFILE_CHUNK (64u * 1024)

static bool file_readable(const struct file *f)
{
	return !(f->flags & O_PATH) && (f->flags & O_ACCMODE) != O_WRONLY;
}

static bool file_writable(const struct file *f)
{
	return !(f->flags & O_PATH) && (f->flags & O_ACCMODE) != O_RDONLY;
}

/*
 * Copy up to count bytes from in (at *pos when it is seekable) to out
 * through a kernel bounce buffer. A short write ends the copy; *pos moves
 * only by what was written. Returns the bytes written or -errno (nothing
 * written).
 */
static s64 sendfile_copy(struct file *out, struct file *in, s64 *pos, u64 count)
{
	u64 chunk = MIN(count, (u64)SENDFILE_CHUNK), done = 0;
	u8 *buf = kmalloc(chunk ? chunk : 1);
	s64 err = 0;

	if (!buf)
		return -ENOMEM;
	while (done < count) {
		u64 want = MIN(chunk, count - done), wrote = 0;
		s64 n = pos ? in->ops->pread(in, buf, want, (u64)*pos) : in->ops->read(in, buf, want);

		if (n <= 0) {
			err = n;
			break;
		}
		while (wrote < (u64)n) {
			s64 w = out->ops->write(out, buf + wrote, (u64)n - wrote);

			if (w <= 0) {
				err = w ? w : -EIO;
				break;
			}
			wrote += (u64)w;
		}
		done += wrote;
		if (pos)
			*pos += (s64)wrote;
		if (wrote < (u64)n)
			break; /* unseekable input: the rest of this chunk is lost */
		if ((u64)n < want)
			break;
	}
	kfree(buf);
	return done ? (s64)done : err;
}

long sys_sendfile(SYS_ARGS)
{
	struct file *out = fd_get((int)a0), *in = fd_get((int)a1);
	u64 count = MIN(a3, MAX_RW_COUNT);
	s64 off = 0, *pos = NULL, r;

	if (!out || !in) {
		r = -EBADF;
		goto out;
	}
	if (!file_readable(in) || !file_writable(out)) {
		r = -EBADF;
		goto out;
	}
	if ((out->flags & O_APPEND) || !out->ops->write || (!in->ops->read && !in->ops->pread)) {
		r = -EINVAL;
		goto out;
	}
	if (a2) {
		if (copy_from_user(&off, a2, sizeof(off))) {
			r = -EFAULT;
			goto out;
		}
		if (off < 0) {
			r = -EINVAL;
			goto out;
		}
		if (!in->ops->pread) {
			r = -ESPIPE;
			goto out;
		}
		pos = &off;
	} else if (in->ops->pread) {
		off = (s64)in->pos; /* seekable: read at the file position */
		pos = &off;
	} else if (!in->ops->read) {
		r = -EINVAL;
		goto out;
	}
	if (!count) {
		r = 0;
		goto out;
	}
	r = sendfile_copy(out, in, pos, count);
	if (a2) {
		if (r >= 0 && copy_to_user(a2, &off, sizeof(off)))
			r = -EFAULT;
	} else if (pos) {
		in->pos = (u64)off;
	}
out:
	if (out)
		file_put(out);
	if (in)
		file_put(in);
	return r;
}
