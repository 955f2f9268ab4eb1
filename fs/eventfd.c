/*
 * fs/eventfd.c - eventfd2 (and eventfd): a 64-bit counter file. write adds
 * (blocking or EAGAIN while the sum would pass 0xfffffffffffffffe), read
 * returns the counter and zeroes it, or 1 and decrements it with
 * EFD_SEMAPHORE (blocking or EAGAIN while it is 0). Pollable: POLLIN when
 * the counter is non-zero, POLLOUT while 1 more can be added.
 * Layer: fs. Callers: the syscall table (sys_eventfd, sys_eventfd2).
 */
#include "fs/vfs.h"
#include "fs/poll.h"
#include "sys/syscalls.h"
#include "sys/signal.h"

#define EFD_SEMAPHORE 1
#define EFD_MAX	      0xfffffffffffffffeull

struct eventfd {
	u64 count;
	bool semaphore;
	struct poll_head rd; /* the counter went up */
	struct poll_head wr; /* the counter went down */
};

static s64 eventfd_read(struct file *f, void *kbuf, u64 len)
{
	struct eventfd *e = f->priv;
	u64 v;

	if (len < 8)
		return -EINVAL;
	while (!e->count) {
		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		if (waitq_wait(&e->rd.q, 0, true) == -EINTR)
			return -ERESTARTSYS;
	}
	v = e->semaphore ? 1 : e->count;
	e->count -= v;
	memcpy(kbuf, &v, 8);
	poll_head_wake(&e->wr);
	return 8;
}

static s64 eventfd_write(struct file *f, const void *kbuf, u64 len)
{
	struct eventfd *e = f->priv;
	u64 v;

	if (len < 8)
		return -EINVAL;
	memcpy(&v, kbuf, 8);
	if (v == ~0ull)
		return -EINVAL;
	while (EFD_MAX - e->count < v) {
		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		if (waitq_wait(&e->wr.q, 0, true) == -EINTR)
			return -ERESTARTSYS;
	}
	e->count += v;
	if (v)
		poll_head_wake(&e->rd);
	return 8;
}

static u32 eventfd_poll(struct file *f, struct poll_table *pt)
{
	struct eventfd *e = f->priv;
	u32 mask = 0;

	poll_wait(pt, &e->rd, POLLIN | POLLRDNORM);
	poll_wait(pt, &e->wr, POLLOUT | POLLWRNORM);
	if (e->count)
		mask |= POLLIN | POLLRDNORM;
	if (e->count < EFD_MAX)
		mask |= POLLOUT | POLLWRNORM;
	return mask;
}

static void eventfd_close(struct file *f)
{
	kfree(f->priv);
}

static const struct file_ops eventfd_ops = {
	.read = eventfd_read,
	.write = eventfd_write,
	.close = eventfd_close,
	.poll = eventfd_poll,
	.stat = file_anon_stat,
};

static long do_eventfd2(u64 initval, u64 flags)
{
	struct eventfd *e;
	struct file *f;
	int fd;

	if (flags & ~(u64)(EFD_SEMAPHORE | O_NONBLOCK | O_CLOEXEC))
		return -EINVAL;
	e = kzalloc(sizeof(*e));
	if (!e)
		return -ENOMEM;
	e->count = (u32)initval;
	e->semaphore = flags & EFD_SEMAPHORE;
	poll_head_init(&e->rd);
	poll_head_init(&e->wr);
	f = file_alloc(&eventfd_ops, NULL, NULL, O_RDWR | (u32)(flags & O_NONBLOCK));
	if (!f) {
		kfree(e);
		return -ENOMEM;
	}
	f->priv = e;
	fd = fd_install(f, flags & O_CLOEXEC, 0);
	if (fd < 0)
		file_put(f);
	return fd;
}

long sys_eventfd(SYS_ARGS)
{
	return do_eventfd2(a0, 0);
}

long sys_eventfd2(SYS_ARGS)
{
	return do_eventfd2(a0, a1);
}
