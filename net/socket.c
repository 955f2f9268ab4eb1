/*
 * net/socket.c - the generic socket layer: struct socket allocation, the
 * socket file (read/write/readv/writev onto the family's recvmsg/sendmsg,
 * poll onto its poll op, fstat as S_IFSOCK, ioctl onto its ioctl, the last
 * close onto its release), the sock_msg data helpers that copy between
 * kernel buffers and a message's iovec (user or kernel bases), blocking
 * with SO_RCVTIMEO/SO_SNDTIMEO, and SIGPIPE.
 * Layer: net. Callers: sys/sys_socket.c (the socket syscalls, sendfile),
 * sys/sys_file.c (through file_ops), net/sock_*.c (the families).
 */
#include "net/socket.h"
#include "sys/signal.h"
#include "kernel/thread.h"
#include "kernel/time.h"

#define SIGPIPE	     13
#define MAX_RW_COUNT 0x7ffff000ull

static const struct file_ops socket_file_ops;

/* ---- sock_msg data movement ---- */

u64 sock_msg_len(const struct sock_msg *m)
{
	u64 total = 0;

	for (int i = 0; i < m->iovlen; i++)
		total += m->iov[i].len;
	return total;
}

/* walk the iov from byte off, calling the copy for each piece */
static int sock_msg_copy(const struct sock_msg *m, u64 off, u8 *kbuf, u64 len, bool to_msg)
{
	for (int i = 0; i < m->iovlen && len; i++) {
		u64 seg = m->iov[i].len, n;
		u64 base = m->iov[i].base;

		if (off >= seg) {
			off -= seg;
			continue;
		}
		n = MIN(seg - off, len);
		if (m->kernel) {
			if (to_msg)
				memcpy((void *)(uintptr_t)(base + off), kbuf, n);
			else
				memcpy(kbuf, (const void *)(uintptr_t)(base + off), n);
		} else {
			int err = to_msg ? copy_to_user(base + off, kbuf, n)
					 : copy_from_user(kbuf, base + off, n);

			if (err)
				return err;
		}
		kbuf += n;
		len -= n;
		off = 0;
	}
	return len ? -EFAULT : 0;
}

int sock_msg_put(struct sock_msg *m, u64 off, const void *src, u64 len)
{
	return sock_msg_copy(m, off, (u8 *)(uintptr_t)src, len, true);
}

int sock_msg_get(const struct sock_msg *m, u64 off, void *dst, u64 len)
{
	return sock_msg_copy(m, off, dst, len, false);
}

/* ---- blocking and signals ---- */

bool socket_nonblock(const struct socket *s, int flags)
{
	return (flags & MSG_DONTWAIT) || (s->file && (s->file->flags & O_NONBLOCK));
}

int socket_wait(struct socket *s, struct wait_queue *q, bool send, u64 *deadline)
{
	u64 timeo = send ? s->sndtimeo_ns : s->rcvtimeo_ns;
	int r;

	if (timeo && !*deadline)
		*deadline = clock_now_ns() + timeo;
	r = waitq_wait(q, timeo ? *deadline : 0, true);
	if (r == -ETIMEDOUT)
		return -EAGAIN;
	if (r == -EINTR)
		return timeo ? -EINTR : -ERESTARTSYS;
	return 0;
}

void socket_sigpipe(int flags)
{
	if (!(flags & MSG_NOSIGNAL))
		signal_send(current(), SIGPIPE, SI_USER, 0, 0);
}

/* ---- struct socket and its file ---- */

struct socket *socket_alloc(int family, int type, int protocol, const struct socket_ops *ops)
{
	struct socket *s = kzalloc(sizeof(*s));

	if (!s)
		return NULL;
	s->ops = ops;
	s->family = family;
	s->type = type;
	s->protocol = protocol;
	return s;
}

void socket_release(struct socket *s)
{
	if (s->ops && s->ops->release)
		s->ops->release(s);
	kfree(s);
}

int socket_install(struct socket *s, int flags)
{
	struct file *f;
	int fd;

	f = file_alloc(&socket_file_ops, NULL, NULL, O_RDWR | (u32)(flags & SOCK_NONBLOCK));
	if (!f) {
		socket_release(s);
		return -ENOMEM;
	}
	f->priv = s;
	s->file = f;
	fd = fd_install(f, flags & SOCK_CLOEXEC, 0);
	if (fd < 0)
		file_put(f); /* close -> release */
	return fd;
}

struct socket *socket_of(struct file *f)
{
	if (!f || f->ops != &socket_file_ops)
		return NULL;
	return f->priv;
}

/* one sendmsg/recvmsg for read/write/readv/writev (and sendfile through
 * the kernel-buffer read/write ops) */
static s64 socket_file_io(struct socket *s, struct sock_msg *m, bool write)
{
	s64 r;

	if (write) {
		if (!s->ops->sendmsg)
			return -EOPNOTSUPP;
		r = s->ops->sendmsg(s, m, 0);
		if (r == -EPIPE)
			socket_sigpipe(0);
		return r;
	}
	if (!s->ops->recvmsg)
		return -EOPNOTSUPP;
	return s->ops->recvmsg(s, m, 0);
}

static s64 socket_rw_user(struct file *f, const struct file_iov *iov, int cnt, bool write)
{
	struct sock_iov small[8], *v = small; /* read/write: no allocation */
	struct sock_msg m;
	u64 total = 0;
	s64 r;

	if (cnt > (int)ARRAY_SIZE(small)) {
		v = kmalloc((size_t)cnt * sizeof(*v));
		if (!v)
			return -ENOMEM;
	}
	for (int i = 0; i < cnt; i++) {
		u64 len = MIN(iov[i].len, MAX_RW_COUNT - total);

		v[i].base = iov[i].base;
		v[i].len = len;
		total += len;
	}
	memset(&m, 0, sizeof(m));
	m.iov = v;
	m.iovlen = cnt;
	r = socket_file_io(f->priv, &m, write);
	if (v != small)
		kfree(v);
	return r;
}

static s64 socket_read(struct file *f, void *kbuf, u64 len)
{
	struct sock_iov v = { (u64)(uintptr_t)kbuf, len };
	struct sock_msg m;

	memset(&m, 0, sizeof(m));
	m.iov = &v;
	m.iovlen = 1;
	m.kernel = true;
	return socket_file_io(f->priv, &m, false);
}

static s64 socket_write(struct file *f, const void *kbuf, u64 len)
{
	struct sock_iov v = { (u64)(uintptr_t)kbuf, len };
	struct sock_msg m;

	memset(&m, 0, sizeof(m));
	m.iov = &v;
	m.iovlen = 1;
	m.kernel = true;
	return socket_file_io(f->priv, &m, true);
}

static u32 socket_poll(struct file *f, struct poll_table *pt)
{
	struct socket *s = f->priv;

	if (!s->ops->poll)
		return POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM;
	return s->ops->poll(s, pt);
}

static int socket_ioctl(struct file *f, u32 cmd, u64 uarg)
{
	struct socket *s = f->priv;

	/* FIONBIO/FIOCLEX are answered by sys_ioctl for every file */
	if (!s->ops->ioctl)
		return -ENOTTY;
	return s->ops->ioctl(s, cmd, uarg);
}

static int socket_stat(struct file *f, struct kstat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_dev = 8; /* sockfs-like */
	st->st_ino = ((u64)(uintptr_t)f->priv >> 4) & 0xffffffffu;
	st->st_nlink = 1;
	st->st_mode = S_IFSOCK | 0777;
	st->st_blksize = 4096;
	return 0;
}

static void socket_close(struct file *f)
{
	struct socket *s = f->priv;

	if (!s)
		return;
	s->file = NULL;
	socket_release(s);
}

static const struct file_ops socket_file_ops = {
	.read = socket_read,
	.write = socket_write,
	.ioctl = socket_ioctl,
	.close = socket_close,
	.poll = socket_poll,
	.stat = socket_stat,
	.rw_user = socket_rw_user,
};
