/*
 * sys/sys_socket.c - the socket system calls: socket, socketpair, bind,
 * listen, accept, accept4, connect, sendto, recvfrom, sendmsg, recvmsg,
 * sendmmsg, recvmmsg, shutdown, getsockname, getpeername, getsockopt,
 * setsockopt (sendfile is in sys/sys_sendfile.c). Every user argument is copied and checked here
 * (sockaddrs into kernel buffers, msghdrs and iovec arrays, ancillary data,
 * option values; EFAULT, EBADF, ENOTSOCK, EINVAL...), then the family's
 * ops (net/socket.h) do the work; SIGPIPE for -EPIPE unless MSG_NOSIGNAL.
 * Layer: sys. Callers: the syscall table (sys/syscall_table.c).
 */
#include "net/socket.h"
#include "sys/syscalls.h"
#include "sys/signal.h"
#include "kernel/time.h"

#define AF_MAX	       46
#define SOCK_MAX       11 /* SOCK_PACKET + 1 */
#define UIO_MAXIOV     1024
#define MAX_RW_COUNT   0x7ffff000ull
#define OPTMEM_MAX     (64u * 1024) /* ancillary data / option value cap */

/* struct msghdr / struct mmsghdr, x86-64 */
struct user_msghdr {
	u64 name;
	u32 namelen;
	u32 pad0;
	u64 iov;
	u64 iovlen;
	u64 control;
	u64 controllen;
	u32 flags;
	u32 pad1;
};
_Static_assert(sizeof(struct user_msghdr) == 56, "struct msghdr (x86-64)");

struct user_mmsghdr {
	struct user_msghdr hdr;
	u32 len;
	u32 pad;
};
_Static_assert(sizeof(struct user_mmsghdr) == 64, "struct mmsghdr (x86-64)");

struct user_timeval {
	s64 sec;
	s64 usec;
};

/* ---- the inet family until net/sock_inet*.c defines it ---- */

__attribute__((weak)) int inet_socket_create(int family, int type, int protocol,
					     struct socket **out)
{
	*out = NULL;
	return -EAFNOSUPPORT;
}

/* ---- argument helpers ---- */

/* the socket behind fd with a file reference in *fp: -EBADF/-ENOTSOCK */
static struct socket *sock_get(int fd, struct file **fp, long *err)
{
	struct file *f = fd_get(fd);
	struct socket *s;

	*fp = NULL;
	if (!f) {
		*err = -EBADF;
		return NULL;
	}
	s = socket_of(f);
	if (!s) {
		file_put(f);
		*err = -ENOTSOCK;
		return NULL;
	}
	*fp = f;
	return s;
}

/* a user sockaddr into kbuf[SOCK_ADDR_MAX] */
static int addr_in(u64 uaddr, u64 len, void *kbuf)
{
	if ((s32)len < 0 || len > SOCK_ADDR_MAX)
		return -EINVAL;
	if (!len)
		return 0;
	return copy_from_user(kbuf, uaddr, (size_t)len);
}

/* read the user's socklen_t at ulenp (the buffer size): -EFAULT/-EINVAL */
static int addrlen_in(u64 ulenp, u32 *len)
{
	s32 v;

	if (copy_from_user(&v, ulenp, sizeof(v)))
		return -EFAULT;
	if (v < 0)
		return -EINVAL;
	*len = (u32)v;
	return 0;
}

/* an address of klen bytes out to a buffer of ulen bytes (truncated),
 * then the full length to *ulenp */
static int addr_out(const void *kaddr, u32 klen, u64 uaddr, u32 ulen, u64 ulenp)
{
	u32 n = MIN(klen, ulen);

	if (n && copy_to_user(uaddr, kaddr, n))
		return -EFAULT;
	return copy_to_user(ulenp, &klen, sizeof(klen));
}

/* ---- socket / socketpair ---- */

static int sock_type_check(u64 type)
{
	if (type & ~(u64)(SOCK_TYPE_MASK | SOCK_NONBLOCK | SOCK_CLOEXEC))
		return -EINVAL;
	return 0;
}

long sys_socket(SYS_ARGS)
{
	int family = (int)a0, type = (int)(a1 & SOCK_TYPE_MASK), protocol = (int)a2;
	struct socket *s = NULL;
	int err;

	if (sock_type_check(a1) || type >= SOCK_MAX)
		return -EINVAL;
	if (family < 0 || family >= AF_MAX)
		return -EAFNOSUPPORT;
	switch (family) {
	case AF_UNIX:
		err = unix_socket_create(type, protocol, &s);
		break;
	case AF_INET:
	case AF_INET6:
		err = inet_socket_create(family, type, protocol, &s);
		break;
	default:
		return -EAFNOSUPPORT;
	}
	if (err)
		return err;
	return socket_install(s, (int)a1);
}

long sys_socketpair(SYS_ARGS)
{
	int family = (int)a0, type = (int)(a1 & SOCK_TYPE_MASK);
	struct socket *pair[2] = { NULL, NULL };
	int fds[2];
	int err;

	if (sock_type_check(a1))
		return -EINVAL;
	if (family == AF_INET || family == AF_INET6)
		return -EOPNOTSUPP;
	if (family != AF_UNIX)
		return -EAFNOSUPPORT;
	if (!user_range_ok(a3, sizeof(fds)) || !a3)
		return -EFAULT;
	err = unix_socketpair(type, (int)a2, pair);
	if (err)
		return err;
	fds[0] = socket_install(pair[0], (int)a1);
	if (fds[0] < 0) { /* pair[0] is released; pair[1] still needs it */
		socket_release(pair[1]);
		return fds[0];
	}
	fds[1] = socket_install(pair[1], (int)a1);
	if (fds[1] < 0) {
		fd_close(fds[0]);
		return fds[1];
	}
	if (copy_to_user(a3, fds, sizeof(fds))) {
		fd_close(fds[0]);
		fd_close(fds[1]);
		return -EFAULT;
	}
	return 0;
}

/* ---- bind / listen / accept / connect ---- */

long sys_bind(SYS_ARGS)
{
	u8 addr[SOCK_ADDR_MAX];
	struct socket *s;
	struct file *f;
	long err;

	s = sock_get((int)a0, &f, &err);
	if (!s)
		return err;
	err = addr_in(a1, a2, addr);
	if (!err)
		err = s->ops->bind ? s->ops->bind(s, addr, (u32)a2) : -EOPNOTSUPP;
	file_put(f);
	return err;
}

long sys_listen(SYS_ARGS)
{
	struct socket *s;
	struct file *f;
	long err;
	int backlog = (int)a1;

	s = sock_get((int)a0, &f, &err);
	if (!s)
		return err;
	if ((unsigned)backlog > SOMAXCONN) /* negative too, as Linux */
		backlog = SOMAXCONN;
	err = s->ops->listen ? s->ops->listen(s, backlog) : -EOPNOTSUPP;
	file_put(f);
	return err;
}

static long do_accept(int fd, u64 uaddr, u64 ulenp, u64 flags)
{
	u8 addr[SOCK_ADDR_MAX];
	struct socket *s, *ns = NULL;
	struct file *f;
	u32 ulen = 0, klen = SOCK_ADDR_MAX;
	long err;
	int nfd;

	if (flags & ~(u64)(SOCK_NONBLOCK | SOCK_CLOEXEC))
		return -EINVAL;
	s = sock_get(fd, &f, &err);
	if (!s)
		return err;
	if (uaddr) {
		err = addrlen_in(ulenp, &ulen);
		if (err)
			goto out;
	}
	if (!s->ops->accept) {
		err = -EOPNOTSUPP;
		goto out;
	}
	memset(addr, 0, sizeof(addr));
	err = s->ops->accept(s, &ns, uaddr ? addr : NULL, uaddr ? &klen : NULL);
	if (err)
		goto out;
	nfd = socket_install(ns, (int)flags);
	if (nfd < 0) {
		err = nfd;
		goto out;
	}
	if (uaddr && addr_out(addr, klen, uaddr, ulen, ulenp)) {
		fd_close(nfd); /* Linux too loses the connection here */
		err = -EFAULT;
		goto out;
	}
	err = nfd;
out:
	file_put(f);
	return err;
}

long sys_accept(SYS_ARGS)
{
	return do_accept((int)a0, a1, a2, 0);
}

long sys_accept4(SYS_ARGS)
{
	return do_accept((int)a0, a1, a2, a3);
}

long sys_connect(SYS_ARGS)
{
	u8 addr[SOCK_ADDR_MAX];
	struct socket *s;
	struct file *f;
	long err;

	s = sock_get((int)a0, &f, &err);
	if (!s)
		return err;
	err = addr_in(a1, a2, addr);
	if (!err)
		err = s->ops->connect ? s->ops->connect(s, addr, (u32)a2) : -EOPNOTSUPP;
	file_put(f);
	return err;
}

/* ---- data transfer ---- */

static s64 sock_send(struct socket *s, struct sock_msg *m, int flags)
{
	s64 r;

	if (!s->ops->sendmsg)
		return -EOPNOTSUPP;
	r = s->ops->sendmsg(s, m, flags);
	if (r == -EPIPE)
		socket_sigpipe(flags);
	return r;
}

static s64 sock_recv(struct socket *s, struct sock_msg *m, int flags)
{
	if (!s->ops->recvmsg)
		return -EOPNOTSUPP;
	return s->ops->recvmsg(s, m, flags);
}

long sys_sendto(SYS_ARGS)
{
	struct sock_iov v = { a1, MIN(a2, MAX_RW_COUNT) };
	struct sock_msg m;
	struct socket *s;
	struct file *f;
	long err;

	s = sock_get((int)a0, &f, &err);
	if (!s)
		return err;
	memset(&m, 0, sizeof(m));
	if (!user_range_ok(a1, v.len)) {
		err = -EFAULT;
		goto out;
	}
	if (a4) {
		err = addr_in(a4, a5, m.addr);
		if (err)
			goto out;
		m.addrlen = (u32)a5;
	}
	m.iov = &v;
	m.iovlen = 1;
	err = sock_send(s, &m, (int)a3);
out:
	file_put(f);
	return err;
}

long sys_recvfrom(SYS_ARGS)
{
	struct sock_iov v = { a1, MIN(a2, MAX_RW_COUNT) };
	struct sock_msg m;
	struct socket *s;
	struct file *f;
	u32 ulen = 0;
	long err;

	s = sock_get((int)a0, &f, &err);
	if (!s)
		return err;
	memset(&m, 0, sizeof(m));
	if (!user_range_ok(a1, v.len)) {
		err = -EFAULT;
		goto out;
	}
	if (a4) {
		err = addrlen_in(a5, &ulen);
		if (err)
			goto out;
	}
	m.iov = &v;
	m.iovlen = 1;
	err = sock_recv(s, &m, (int)a3);
	if (err >= 0 && a4 && addr_out(m.addr, m.addrlen, a4, ulen, a5))
		err = -EFAULT;
out:
	file_put(f);
	return err;
}

/*
 * A user msghdr into m: the iovec array (kernel copy, bases checked, total
 * capped), the name (send: copied in; recv: its buffer size in *ulen) and
 * the control buffer (send: copied in; recv: allocated). *iovp and
 * m->control are the caller's to free.
 */
static int msg_in(const struct user_msghdr *h, struct sock_msg *m, bool send, u32 *ulen)
{
	u64 total = 0;

	memset(m, 0, sizeof(*m));
	*ulen = 0;
	if (h->iovlen > UIO_MAXIOV)
		return -EMSGSIZE;
	if (h->iovlen) {
		m->iov = kmalloc(h->iovlen * sizeof(*m->iov));
		if (!m->iov)
			return -ENOMEM;
		if (copy_from_user(m->iov, h->iov, h->iovlen * sizeof(*m->iov)))
			return -EFAULT;
	}
	m->iovlen = (int)h->iovlen;
	for (int i = 0; i < m->iovlen; i++) {
		if ((s64)m->iov[i].len < 0)
			return -EINVAL;
		if (!user_range_ok(m->iov[i].base, m->iov[i].len))
			return -EFAULT;
		m->iov[i].len = MIN(m->iov[i].len, MAX_RW_COUNT - total);
		total += m->iov[i].len;
	}
	if (h->name) {
		if (send) {
			int err = addr_in(h->name, h->namelen, m->addr);

			if (err)
				return err;
			m->addrlen = h->namelen;
		} else {
			if ((s32)h->namelen < 0)
				return -EINVAL;
			*ulen = h->namelen;
		}
	}
	if (h->controllen) {
		if (h->controllen > OPTMEM_MAX)
			return send ? -ENOBUFS : -EINVAL;
		m->control = kzalloc(h->controllen);
		if (!m->control)
			return -ENOMEM;
		m->controllen = h->controllen;
		if (send && copy_from_user(m->control, h->control, h->controllen))
			return -EFAULT;
	}
	return 0;
}

static void msg_free(struct sock_msg *m)
{
	kfree(m->iov);
	kfree(m->control);
}

static s64 do_sendmsg(struct socket *s, u64 umsg, int flags)
{
	struct user_msghdr h;
	struct sock_msg m;
	u32 ulen;
	s64 r;

	if (copy_from_user(&h, umsg, sizeof(h)))
		return -EFAULT;
	r = msg_in(&h, &m, true, &ulen);
	if (!r)
		r = sock_send(s, &m, flags);
	msg_free(&m);
	return r;
}

/* recv into the user's msghdr at umsg; writes back msg_namelen,
 * msg_controllen and msg_flags */
static s64 do_recvmsg(struct socket *s, u64 umsg, int flags)
{
	struct user_msghdr h;
	struct sock_msg m;
	u32 ulen;
	s64 r;

	if (copy_from_user(&h, umsg, sizeof(h)))
		return -EFAULT;
	r = msg_in(&h, &m, false, &ulen);
	if (r)
		goto out;
	r = sock_recv(s, &m, flags);
	if (r < 0)
		goto out;
	if (h.name) {
		u32 n = MIN(m.addrlen, ulen);

		if (n && copy_to_user(h.name, m.addr, n)) {
			r = -EFAULT;
			goto out;
		}
		h.namelen = m.addrlen;
	} else {
		h.namelen = 0;
	}
	if (m.controllen > h.controllen) /* the family overran its buffer */
		panic("socket: recvmsg control %llu > %llu", (unsigned long long)m.controllen,
		      (unsigned long long)h.controllen);
	if (!m.control)
		m.controllen = 0;
	if (m.controllen && copy_to_user(h.control, m.control, m.controllen)) {
		r = -EFAULT;
		goto out;
	}
	h.controllen = m.controllen;
	h.flags = (u32)m.flags_out;
	if (copy_to_user(umsg + offsetof(struct user_msghdr, namelen), &h.namelen,
			 sizeof(h.namelen)) ||
	    copy_to_user(umsg + offsetof(struct user_msghdr, controllen), &h.controllen,
			 sizeof(h.controllen)) ||
	    copy_to_user(umsg + offsetof(struct user_msghdr, flags), &h.flags, sizeof(h.flags)))
		r = -EFAULT;
out:
	msg_free(&m);
	return r;
}

long sys_sendmsg(SYS_ARGS)
{
	struct socket *s;
	struct file *f;
	long err;

	s = sock_get((int)a0, &f, &err);
	if (!s)
		return err;
	err = do_sendmsg(s, a1, (int)a2);
	file_put(f);
	return err;
}

long sys_recvmsg(SYS_ARGS)
{
	struct socket *s;
	struct file *f;
	long err;

	s = sock_get((int)a0, &f, &err);
	if (!s)
		return err;
	err = do_recvmsg(s, a1, (int)a2);
	file_put(f);
	return err;
}

long sys_sendmmsg(SYS_ARGS)
{
	u64 vlen = MIN(a2 & 0xffffffffu, (u64)UIO_MAXIOV);
	struct socket *s;
	struct file *f;
	long err;
	u64 i;

	s = sock_get((int)a0, &f, &err);
	if (!s)
		return err;
	err = 0;
	for (i = 0; i < vlen; i++) {
		u64 um = a1 + i * sizeof(struct user_mmsghdr);
		s64 r = do_sendmsg(s, um, (int)a3);
		u32 n;

		if (r < 0) {
			err = r;
			break;
		}
		n = (u32)r;
		if (copy_to_user(um + offsetof(struct user_mmsghdr, len), &n, sizeof(n))) {
			err = -EFAULT;
			break;
		}
	}
	file_put(f);
	return i ? (long)i : err;
}

long sys_recvmmsg(SYS_ARGS)
{
	u64 vlen = MIN(a2 & 0xffffffffu, (u64)UIO_MAXIOV);
	int flags = (int)a3;
	u64 deadline = 0;
	struct socket *s;
	struct file *f;
	long err;
	u64 i;

	if (a4) {
		u64 ns;

		/* clamped (an unchecked huge tv_sec wrapped the deadline) */
		err = user_timespec_ns(a4, UTS_MAX_WAIT_SEC, &ns);
		if (err < 0)
			return err;
		deadline = clock_now_ns() + ns;
	}
	s = sock_get((int)a0, &f, &err);
	if (!s)
		return err;
	err = 0;
	for (i = 0; i < vlen; i++) {
		u64 um = a1 + i * sizeof(struct user_mmsghdr);
		s64 r = do_recvmsg(s, um, flags & ~MSG_WAITFORONE);
		u32 n;

		if (r < 0) {
			err = r;
			break;
		}
		n = (u32)r;
		if (copy_to_user(um + offsetof(struct user_mmsghdr, len), &n, sizeof(n))) {
			err = -EFAULT;
			break;
		}
		if (flags & MSG_WAITFORONE)
			flags |= MSG_DONTWAIT;
		/* as Linux: the timeout is only checked between datagrams */
		if (deadline && clock_now_ns() >= deadline) {
			i++;
			break;
		}
	}
	file_put(f);
	if (i && err == -ERESTARTSYS)
		err = 0;
	return i ? (long)i : err;
}

long sys_shutdown(SYS_ARGS)
{
	struct socket *s;
	struct file *f;
	long err;

	s = sock_get((int)a0, &f, &err);
	if (!s)
		return err;
	if (a1 > SHUT_RDWR)
		err = -EINVAL;
	else
		err = s->ops->shutdown ? s->ops->shutdown(s, (int)a1) : -EOPNOTSUPP;
	file_put(f);
	return err;
}

static long do_getname(u64 fd, u64 uaddr, u64 ulenp, bool peer)
{
	u8 addr[SOCK_ADDR_MAX];
	struct socket *s;
	struct file *f;
	u32 ulen, klen = SOCK_ADDR_MAX;
	long err;

	s = sock_get((int)fd, &f, &err);
	if (!s)
		return err;
	/* as Linux: the name first (ENOTCONN), then the user's length */
	memset(addr, 0, sizeof(addr));
	err = s->ops->getname ? s->ops->getname(s, addr, &klen, peer) : -EOPNOTSUPP;
	if (!err)
		err = addrlen_in(ulenp, &ulen);
	if (!err)
		err = addr_out(addr, MIN(klen, (u32)SOCK_ADDR_MAX), uaddr, ulen, ulenp);
	file_put(f);
	return err;
}

long sys_getsockname(SYS_ARGS)
{
	return do_getname(a0, a1, a2, false);
}

long sys_getpeername(SYS_ARGS)
{
	return do_getname(a0, a1, a2, true);
}

/* ---- options ---- */

static bool generic_opt(int level, int name)
{
	return level == SOL_SOCKET && (name == SO_TYPE || name == SO_DOMAIN ||
				       name == SO_PROTOCOL || name == SO_RCVTIMEO ||
				       name == SO_SNDTIMEO);
}

static int generic_setopt(struct socket *s, int name, const void *val, u32 len)
{
	struct user_timeval tv;
	u64 ns;

	if (name != SO_RCVTIMEO && name != SO_SNDTIMEO)
		return -ENOPROTOOPT; /* SO_TYPE and friends are read-only */
	if (len < sizeof(tv))
		return -EINVAL;
	memcpy(&tv, val, sizeof(tv));
	if (tv.usec < 0 || tv.usec >= 1000000)
		return -EDOM;
	if (tv.sec < 0)
		ns = 0; /* Linux: a negative timeout means none */
	else
		ns = (u64)tv.sec * 1000000000ull + (u64)tv.usec * 1000ull;
	if (name == SO_RCVTIMEO)
		s->rcvtimeo_ns = ns;
	else
		s->sndtimeo_ns = ns;
	return 0;
}

static int generic_getopt(struct socket *s, int name, void *val, u32 *len)
{
	int v;

	if (name == SO_RCVTIMEO || name == SO_SNDTIMEO) {
		u64 ns = name == SO_RCVTIMEO ? s->rcvtimeo_ns : s->sndtimeo_ns;
		struct user_timeval tv = { (s64)(ns / 1000000000ull),
					   (s64)(ns % 1000000000ull / 1000) };

		memcpy(val, &tv, sizeof(tv));
		*len = sizeof(tv);
		return 0;
	}
	v = name == SO_TYPE ? s->type : name == SO_DOMAIN ? s->family : s->protocol;
	memcpy(val, &v, sizeof(v));
	*len = sizeof(v);
	return 0;
}

long sys_setsockopt(SYS_ARGS)
{
	int level = (int)a1, name = (int)a2;
	u32 len = (u32)a4;
	struct socket *s;
	struct file *f;
	void *val = NULL;
	long err;

	s = sock_get((int)a0, &f, &err);
	if (!s)
		return err;
	if ((s32)len < 0 || len > OPTMEM_MAX) {
		err = -EINVAL;
		goto out;
	}
	val = kzalloc(len ? len : 1);
	if (!val) {
		err = -ENOMEM;
		goto out;
	}
	if (len && copy_from_user(val, a3, len)) {
		err = -EFAULT;
		goto out;
	}
	if (generic_opt(level, name))
		err = generic_setopt(s, name, val, len);
	else
		err = s->ops->setsockopt ? s->ops->setsockopt(s, level, name, val, len)
					 : -ENOPROTOOPT;
out:
	kfree(val);
	file_put(f);
	return err;
}

long sys_getsockopt(SYS_ARGS)
{
	int level = (int)a1, name = (int)a2;
	struct socket *s;
	struct file *f;
	u32 ulen, klen;
	void *val = NULL;
	long err;

	s = sock_get((int)a0, &f, &err);
	if (!s)
		return err;
	err = addrlen_in(a4, &ulen);
	if (err)
		goto out;
	/* at least 64 bytes so a family can always write its value; Linux
	 * truncates it to the user's length */
	klen = MAX(MIN(ulen, OPTMEM_MAX), 64u);
	val = kzalloc(klen);
	if (!val) {
		err = -ENOMEM;
		goto out;
	}
	if (generic_opt(level, name))
		err = generic_getopt(s, name, val, &klen);
	else
		err = s->ops->getsockopt ? s->ops->getsockopt(s, level, name, val, &klen)
					 : -ENOPROTOOPT;
	if (err)
		goto out;
	klen = MIN(klen, ulen);
	if ((klen && copy_to_user(a3, val, klen)) || copy_to_user(a4, &klen, sizeof(klen)))
		err = -EFAULT;
out:
	kfree(val);
	file_put(f);
	return err;
}
