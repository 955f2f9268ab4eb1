/*
 * fs/pipe.c - pipes: pipe/pipe2 and their file operations. A pipe is a
 * ring buffer (64 KiB by default, F_SETPIPE_SZ 4 KiB..1 MiB) shared by a
 * read-end and a write-end struct file; readers and writers block on the
 * pipe's poll head (wake-ups on every change), writes of at most PIPE_BUF
 * bytes are atomic, read gives EOF once every writer is gone, write gives
 * EPIPE and SIGPIPE once every reader is gone. FIONREAD and poll too.
 * Layer: fs. Callers: the syscall table (sys_pipe, sys_pipe2),
 * sys/sys_file.c (fcntl F_GETPIPE_SZ/F_SETPIPE_SZ through pipe_fcntl).
 */
#include "fs/vfs.h"
#include "fs/poll.h"
#include "sys/syscalls.h"
#include "sys/signal.h"
#include "kernel/thread.h"

#define PIPE_DEF_SIZE (64u * 1024)
#define PIPE_MAX_SIZE (1024u * 1024) /* /proc/sys/fs/pipe-max-size */
#define F_SETPIPE_SZ  1031
#define F_GETPIPE_SZ  1032
#define FIONREAD      0x541b
#define SIGPIPE	      13

struct pipe {
	u8 *buf;
	u32 size;  /* capacity */
	u32 head;  /* read position */
	u32 count; /* bytes held */
	u32 readers, writers;
	struct poll_head rd; /* data arrived, or the last writer left */
	struct poll_head wr; /* space freed, or the last reader left */
};

static const struct file_ops pipe_ops;

bool file_is_pipe(const struct file *f)
{
	return f->ops == &pipe_ops;
}

static bool pipe_reader(const struct file *f)
{
	return (f->flags & O_ACCMODE) == O_RDONLY;
}

static s64 pipe_read(struct file *f, void *kbuf, u64 len)
{
	struct pipe *p = f->priv;

	if (!len)
		return 0;
	for (;;) {
		if (p->count) {
			u32 n = (u32)MIN(len, (u64)p->count);
			u32 first = MIN(n, p->size - p->head);

			memcpy(kbuf, p->buf + p->head, first);
			memcpy((u8 *)kbuf + first, p->buf, n - first);
			p->head = (p->head + n) % p->size;
			p->count -= n;
			if (!p->count)
				p->head = 0;
			poll_head_wake(&p->wr);
			return n;
		}
		if (!p->writers)
			return 0;
		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		if (waitq_wait(&p->rd.q, 0, true) == -EINTR)
			return -ERESTARTSYS;
	}
}

static s64 pipe_write(struct file *f, const void *kbuf, u64 len)
{
	struct pipe *p = f->priv;
	u64 done = 0;

	while (done < len) {
		u32 space, n, tail, first;

		if (!p->readers) {
			signal_send(current(), SIGPIPE, SI_USER, 0, 0);
			return done ? (s64)done : -EPIPE;
		}
		space = p->size - p->count;
		/* atomic: a write of <= PIPE_BUF bytes goes in whole */
		if (space && (len > PIPE_BUF || space >= len)) {
			n = (u32)MIN(len - done, (u64)space);
			tail = (p->head + p->count) % p->size;
			first = MIN(n, p->size - tail);
			memcpy(p->buf + tail, (const u8 *)kbuf + done, first);
			memcpy(p->buf, (const u8 *)kbuf + done + first, n - first);
			p->count += n;
			done += n;
			poll_head_wake(&p->rd);
			continue;
		}
		if (f->flags & O_NONBLOCK)
			return done ? (s64)done : -EAGAIN;
		if (waitq_wait(&p->wr.q, 0, true) == -EINTR)
			return done ? (s64)done : -ERESTARTSYS;
	}
	return (s64)done;
}

static u32 pipe_poll(struct file *f, struct poll_table *pt)
{
	struct pipe *p = f->priv;
	u32 mask = 0;

	if (pipe_reader(f))
		poll_wait(pt, &p->rd, POLLIN | POLLRDNORM | POLLHUP);
	else
		poll_wait(pt, &p->wr, POLLOUT | POLLWRNORM | POLLERR);
	if (pipe_reader(f)) {
		if (p->count)
			mask |= POLLIN | POLLRDNORM;
		if (!p->writers)
			mask |= POLLHUP;
	} else {
		if (p->size - p->count >= MIN(p->size, (u32)PIPE_BUF))
			mask |= POLLOUT | POLLWRNORM;
		if (!p->readers)
			mask |= POLLERR;
	}
	return mask;
}

static int pipe_ioctl(struct file *f, u32 cmd, u64 uarg)
{
	struct pipe *p = f->priv;
	int n = (int)p->count;

	if (cmd != FIONREAD)
		return -ENOTTY;
	return copy_to_user(uarg, &n, sizeof(n));
}

static int pipe_stat(struct file *f, struct kstat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_dev = 12; /* pipefs-like */
	st->st_ino = ((u64)(uintptr_t)f->priv >> 4) & 0xffffffffu;
	st->st_nlink = 1;
	st->st_mode = S_IFIFO | 0600;
	st->st_blksize = 4096;
	return 0;
}

static void pipe_close(struct file *f)
{
	struct pipe *p = f->priv;

	if (pipe_reader(f)) {
		p->readers--;
		poll_head_wake(&p->wr);
	} else {
		p->writers--;
		poll_head_wake(&p->rd);
	}
	if (p->readers || p->writers)
		return;
	kfree(p->buf);
	kfree(p);
}

static const struct file_ops pipe_ops = {
	.read = pipe_read,
	.write = pipe_write,
	.ioctl = pipe_ioctl,
	.close = pipe_close,
	.poll = pipe_poll,
	.stat = pipe_stat,
};

long pipe_fcntl(struct file *f, int cmd, u64 arg)
{
	struct pipe *p;
	u32 size = 4096;
	u8 *nbuf;

	if (!file_is_pipe(f))
		return -EBADF;
	p = f->priv;
	if (cmd == F_GETPIPE_SZ)
		return p->size;
	if (cmd != F_SETPIPE_SZ)
		return -EINVAL;
	if (arg > PIPE_MAX_SIZE)
		return -EPERM; /* Linux: beyond pipe-max-size needs CAP_SYS_RESOURCE */
	while (size < arg)
		size <<= 1;
	if (size < p->count)
		return -EBUSY;
	if (size == p->size)
		return size;
	nbuf = kmalloc(size);
	if (!nbuf)
		return -ENOMEM;
	for (u32 i = 0; i < p->count; i++)
		nbuf[i] = p->buf[(p->head + i) % p->size];
	kfree(p->buf);
	p->buf = nbuf;
	p->head = 0;
	p->size = size;
	poll_head_wake(&p->wr);
	return size;
}

static long do_pipe2(u64 ufds, u64 flags)
{
	struct file *r = NULL, *w = NULL;
	struct pipe *p;
	int fds[2] = { -1, -1 };
	long err = -ENOMEM;

	if (flags & ~(u64)(O_NONBLOCK | O_CLOEXEC))
		return -EINVAL;
	if (!user_range_ok(ufds, sizeof(fds)))
		return -EFAULT;
	p = kzalloc(sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->buf = kmalloc(PIPE_DEF_SIZE);
	if (!p->buf)
		goto out_free;
	p->size = PIPE_DEF_SIZE;
	poll_head_init(&p->rd);
	poll_head_init(&p->wr);
	r = file_alloc(&pipe_ops, NULL, NULL, O_RDONLY | (u32)(flags & O_NONBLOCK));
	w = file_alloc(&pipe_ops, NULL, NULL, O_WRONLY | (u32)(flags & O_NONBLOCK));
	if (!r || !w)
		goto out_files;
	r->priv = w->priv = p;
	p->readers = p->writers = 1;
	fds[0] = fd_install(r, flags & O_CLOEXEC, 0);
	if (fds[0] < 0) {
		err = fds[0];
		goto out_put;
	}
	fds[1] = fd_install(w, flags & O_CLOEXEC, 0);
	if (fds[1] < 0) {
		err = fds[1];
		fd_close(fds[0]);
		file_put(w);
		return err;
	}
	if (copy_to_user(ufds, fds, sizeof(fds))) {
		fd_close(fds[0]);
		fd_close(fds[1]);
		return -EFAULT;
	}
	return 0;

out_put:
	file_put(r);
	file_put(w);
	return err;
out_files:
	kfree(r);
	kfree(w);
	kfree(p->buf);
out_free:
	kfree(p);
	return err;
}

long sys_pipe(SYS_ARGS)
{
	return do_pipe2(a0, 0);
}

long sys_pipe2(SYS_ARGS)
{
	return do_pipe2(a0, a1);
}
