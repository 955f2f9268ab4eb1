/*
 * net/sock_unix.c - AF_UNIX sockets (SOCK_STREAM, SOCK_DGRAM,
 * SOCK_SEQPACKET) in memory: creation and socketpair, listen/accept with
 * a backlog, connect (an
 * "embryo" server end is queued on the listener and connected at once, as
 * Linux), shutdown, poll with read/write/space heads, options (SO_ERROR,
 * SO_SNDBUF/RCVBUF, SO_PEERCRED, SO_ACCEPTCONN...), FIONREAD/SIOCOUTQ
 * and release. Names are in net/sock_unix_name.c, data transfer in
 * net/sock_unix_msg.c.
 * Layer: net. Callers: sys/sys_socket.c through net/socket.h.
 */
#include "net/sock_unix.h"
#include "fs/vfs.h"

static const struct socket_ops unix_ops;

struct unix_sock *unix_sk(struct socket *s)
{
	return s->priv;
}

void unix_get(struct unix_sock *u)
{
	u->refs++;
}

void unix_put(struct unix_sock *u)
{
	if (!u || --u->refs)
		return;
	/* a poller may still be linked into a head (a dgram socket whose
	 * peer another thread changed): a wake unlinks every entry */
	unix_wake_all(u);
	unix_purge(u);
	if (u->peer)
		unix_put(u->peer);
	kfree(u->key);
	kfree(u);
}

void unix_wake_all(struct unix_sock *u)
{
	poll_head_wake(&u->rd);
	poll_head_wake(&u->wr);
	poll_head_wake(&u->space);
}

/* ---- the queue ---- */

void unix_queue(struct unix_sock *u, struct unix_skb *skb)
{
	skb->next = NULL;
	if (u->q_tail)
		u->q_tail->next = skb;
	else
		u->q_head = skb;
	u->q_tail = skb;
	u->q_bytes += skb->len;
	u->q_count++;
	poll_head_wake(&u->rd);
}

struct unix_skb *unix_dequeue(struct unix_sock *u)
{
	struct unix_skb *skb = u->q_head;

	if (!skb)
		return NULL;
	u->q_head = skb->next;
	if (!u->q_head)
		u->q_tail = NULL;
	u->q_bytes -= skb->len - skb->off;
	u->q_count--;
	poll_head_wake(&u->space);
	return skb;
}

static void unix_embryo_abort(struct unix_sock *e);

void unix_skb_free(struct unix_skb *skb)
{
	for (int i = 0; i < skb->nfds; i++)
		file_put(skb->fds[i]);
	kfree(skb->fds);
	if (skb->embryo)
		unix_embryo_abort(skb->embryo);
	kfree(skb);
}

void unix_purge(struct unix_sock *u)
{
	struct unix_skb *skb;

	while ((skb = unix_dequeue(u)))
		unix_skb_free(skb);
}

/* ---- creation ---- */

static struct unix_sock *unix_new(int type)
{
	struct unix_sock *u = kzalloc(sizeof(*u));

	if (!u)
		return NULL;
	u->refs = 1;
	u->type = type;
	u->sndbuf = UNIX_BUF_DEF;
	u->rcvbuf = UNIX_BUF_DEF;
	u->addrlen = 2; /* unnamed: just sun_family */
	u->addr[0] = AF_UNIX;
	poll_head_init(&u->rd);
	poll_head_init(&u->wr);
	poll_head_init(&u->space);
	return u;
}

static int unix_check(int type, int protocol)
{
	if (type != SOCK_STREAM && type != SOCK_DGRAM && type != SOCK_SEQPACKET)
		return -ESOCKTNOSUPPORT;
	if (protocol != 0 && protocol != AF_UNIX)
		return -EPROTONOSUPPORT;
	return 0;
}

/* a socket for u (which it takes over) */
static struct socket *unix_wrap(struct unix_sock *u)
{
	struct socket *s = socket_alloc(AF_UNIX, u->type, 0, &unix_ops);

	if (!s)
		return NULL;
	s->priv = u;
	u->sock = s;
	return s;
}

int unix_socket_create(int type, int protocol, struct socket **out)
{
	struct unix_sock *u;
	int err = unix_check(type, protocol);

	*out = NULL;
	if (err)
		return err;
	u = unix_new(type);
	if (!u)
		return -ENOMEM;
	*out = unix_wrap(u);
	if (!*out) {
		unix_put(u);
		return -ENOMEM;
	}
	return 0;
}

int unix_socketpair(int type, int protocol, struct socket *out[2])
{
	struct unix_sock *a, *b;
	int err = unix_check(type, protocol);

	out[0] = out[1] = NULL;
	if (err)
		return err;
	a = unix_new(type);
	b = unix_new(type);
	if (!a || !b)
		goto out_nomem;
	out[0] = unix_wrap(a);
	if (!out[0])
		goto out_nomem;
	out[1] = unix_wrap(b);
	if (!out[1]) {
		socket_release(out[0]);
		out[0] = NULL;
		unix_put(b);
		return -ENOMEM;
	}
	a->peer = b;
	b->peer = a;
	unix_get(a);
	unix_get(b);
	a->state = b->state = UNIX_CONNECTED;
	return 0;

out_nomem:
	kfree(a);
	kfree(b);
	return -ENOMEM;
}

static int unix_getname(struct socket *s, void *addr, u32 *len, bool peer)
{
	struct unix_sock *u = unix_sk(s);

	if (peer) {
		if (u->state != UNIX_CONNECTED || !u->peer)
			return -ENOTCONN;
		u = u->peer;
	}
	memcpy(addr, u->addr, MIN(u->addrlen, *len));
	*len = u->addrlen;
	return 0;
}

/* ---- connections ---- */

static int unix_listen(struct socket *s, int backlog)
{
	struct unix_sock *u = unix_sk(s);

	if (u->type == SOCK_DGRAM)
		return -EOPNOTSUPP;
	if (!u->key || u->state == UNIX_CONNECTED)
		return -EINVAL;
	u->backlog = backlog;
	if (u->state != UNIX_LISTEN) {
		u->state = UNIX_LISTEN;
		poll_head_wake(&u->wr);
	} else {
		poll_head_wake(&u->space); /* a bigger backlog may admit waiters */
	}
	return 0;
}

/* an unaccepted server end goes away: the client sees a reset */
static void unix_embryo_abort(struct unix_sock *e)
{
	struct unix_sock *c = e->peer;

	e->dead = true;
	unix_purge(e);
	if (c) {
		c->shut = UNIX_SHUT_RCV | UNIX_SHUT_SEND;
		c->err = ECONNRESET;
		unix_wake_all(c);
	}
	unix_put(e);
}

static int unix_dgram_connect(struct unix_sock *u, const u8 *addr, u32 len)
{
	struct unix_sock *t;
	int err;

	if (len >= 2 && (addr[0] | addr[1] << 8) == AF_UNSPEC) {
		if (u->peer)
			unix_put(u->peer);
		u->peer = NULL;
		u->state = UNIX_UNCONN;
		poll_head_wake(&u->wr);
		return 0;
	}
	err = unix_find(addr, len, u->type, &t);
	if (err)
		return err;
	if (t->dead) {
		unix_put(t);
		return -ECONNREFUSED;
	}
	if (u->peer)
		unix_put(u->peer);
	u->peer = t;
	u->state = UNIX_CONNECTED;
	poll_head_wake(&u->wr);
	return 0;
}

static int unix_connect(struct socket *s, const void *addr, u32 len)
{
	struct unix_sock *u = unix_sk(s), *l = NULL, *e;
	struct unix_skb *skb;
	u64 deadline = 0;
	int err;

	if (u->type == SOCK_DGRAM)
		return unix_dgram_connect(u, addr, len);
	if (len < 2 || (((const u8 *)addr)[0] | ((const u8 *)addr)[1] << 8) != AF_UNIX)
		return -EINVAL;
	if (u->state == UNIX_CONNECTED)
		return -EISCONN;
	if (u->state == UNIX_LISTEN)
		return -EINVAL;
	for (;;) {
		err = unix_find(addr, len, u->type, &l);
		if (err)
			return err;
		if (l->dead || l->state != UNIX_LISTEN) {
			unix_put(l);
			return -ECONNREFUSED;
		}
		if (l->q_count <= (u32)l->backlog)
			break;
		/* the accept queue is full */
		if (socket_nonblock(s, 0)) {
			unix_put(l);
			return -EAGAIN;
		}
		err = socket_wait(s, &l->space.q, true, &deadline);
		unix_put(l);
		if (err)
			return err;
		if (u->state == UNIX_CONNECTED)
			return -EISCONN; /* another thread connected meanwhile */
	}
	e = unix_new(u->type);
	skb = kzalloc(sizeof(*skb));
	if (!e || !skb) {
		kfree(e);
		kfree(skb);
		unix_put(l);
		return -ENOMEM;
	}
	/* the server end: the listener's name, connected to u */
	memcpy(e->addr, l->addr, l->addrlen);
	e->addrlen = l->addrlen;
	e->sndbuf = l->sndbuf;
	e->rcvbuf = l->rcvbuf;
	e->state = UNIX_CONNECTED;
	e->peer = u;
	unix_get(u);
	u->peer = e;
	unix_get(e);
	u->state = UNIX_CONNECTED;
	skb->embryo = e; /* the queue's reference */
	unix_queue(l, skb);
	unix_put(l);
	poll_head_wake(&u->wr);
	return 0;
}

static int unix_accept(struct socket *s, struct socket **out, void *addr, u32 *addrlen)
{
	struct unix_sock *u = unix_sk(s), *e;
	struct unix_skb *skb;
	struct socket *ns;
	u64 deadline = 0;
	int err;

	*out = NULL;
	if (u->type == SOCK_DGRAM)
		return -EOPNOTSUPP;
	for (;;) {
		if (u->state != UNIX_LISTEN || (u->shut & UNIX_SHUT_RCV))
			return -EINVAL; /* Linux: shutdown ends a blocked accept */
		if (u->q_head)
			break;
		if (socket_nonblock(s, 0))
			return -EAGAIN;
		err = socket_wait(s, &u->rd.q, false, &deadline);
		if (err)
			return err;
	}
	skb = unix_dequeue(u);
	e = skb->embryo;
	skb->embryo = NULL;
	unix_skb_free(skb);
	ns = unix_wrap(e); /* takes the queue's reference */
	if (!ns) {
		unix_embryo_abort(e);
		return -ENOMEM;
	}
	if (addr) { /* the client's name (usually unnamed) */
		struct unix_sock *c = e->peer;

		memcpy(addr, c->addr, MIN(c->addrlen, *addrlen));
		*addrlen = c->addrlen;
	}
	*out = ns;
	return 0;
}

static int unix_shutdown(struct socket *s, int how)
{
	struct unix_sock *u = unix_sk(s), *p = u->peer;
	u8 mine = 0, theirs = 0;

	if (how == SHUT_RD || how == SHUT_RDWR) {
		mine |= UNIX_SHUT_RCV;
		theirs |= UNIX_SHUT_SEND;
	}
	if (how == SHUT_WR || how == SHUT_RDWR) {
		mine |= UNIX_SHUT_SEND;
		theirs |= UNIX_SHUT_RCV;
	}
	u->shut |= mine; /* Linux: fine on an unconnected socket too */
	unix_wake_all(u);
	if (p && u->type != SOCK_DGRAM) {
		p->shut |= theirs;
		unix_wake_all(p);
	}
	return 0;
}

static void unix_release(struct socket *s)
{
	struct unix_sock *u = unix_sk(s), *p;

	if (!u)
		return;
	p = u->peer;
	s->priv = NULL;
	u->sock = NULL;
	u->dead = true;
	unix_name_release(u);
	if (p && u->type != SOCK_DGRAM) {
		p->shut = UNIX_SHUT_RCV | UNIX_SHUT_SEND;
		if (u->q_head) /* unread data is lost: the peer sees a reset */
			p->err = ECONNRESET;
		unix_wake_all(p);
	}
	unix_purge(u); /* files in flight, and a listener's embryos */
	u->shut = UNIX_SHUT_RCV | UNIX_SHUT_SEND;
	unix_wake_all(u);
	/* drop the peer now: two ends pointing at each other would never
	 * reach zero references otherwise */
	u->peer = NULL;
	if (p)
		unix_put(p);
	unix_put(u);
}

/* ---- poll, options, ioctl ---- */

static u32 unix_poll(struct socket *s, struct poll_table *pt)
{
	struct unix_sock *u = unix_sk(s), *p = u->peer;
	u32 mask = 0;
	bool conn_type = u->type != SOCK_DGRAM;

	poll_wait(pt, &u->rd, POLLIN | POLLRDNORM | POLLRDHUP | POLLHUP | POLLERR);
	poll_wait(pt, &u->wr, POLLOUT | POLLWRNORM | POLLHUP | POLLERR);
	if (p && u->state == UNIX_CONNECTED)
		poll_wait(pt, &p->space, POLLOUT | POLLWRNORM);
	if (u->err)
		mask |= POLLERR;
	if (u->shut == (UNIX_SHUT_RCV | UNIX_SHUT_SEND))
		mask |= POLLHUP;
	if (u->shut & UNIX_SHUT_RCV)
		mask |= POLLRDHUP | POLLIN | POLLRDNORM;
	if (u->q_head)
		mask |= POLLIN | POLLRDNORM;
	if (u->state == UNIX_LISTEN)
		return mask;
	if (conn_type && u->state == UNIX_UNCONN)
		mask |= POLLHUP;
	/* writable (also after a shutdown, as Linux: the write then fails):
	 * the peer's queue is at most a quarter full */
	if (!p || p->dead || (u->shut & UNIX_SHUT_SEND) ||
	    (u->type == SOCK_DGRAM ? p->q_count < UNIX_DGRAM_QLEN && p->q_bytes < p->rcvbuf
				   : p->q_bytes * 4 <= u->sndbuf))
		mask |= POLLOUT | POLLWRNORM;
	return mask;
}

static int unix_setsockopt(struct socket *s, int level, int name, const void *val, u32 len)
{
	struct unix_sock *u = unix_sk(s);
	int v;

	if (level != SOL_SOCKET)
		return -EOPNOTSUPP;
	if (len < sizeof(int))
		return -EINVAL;
	memcpy(&v, val, sizeof(v));
	switch (name) {
	case SO_SNDBUF:
	case SO_SNDBUFFORCE:
	case SO_RCVBUF:
	case SO_RCVBUFFORCE: {
		/* Linux doubles the value (bookkeeping overhead) */
		u64 b = (u64)(u32)MAX(v, 0) * 2;

		b = MIN(MAX(b, (u64)UNIX_BUF_MIN), (u64)UNIX_BUF_MAX);
		if (name == SO_SNDBUF || name == SO_SNDBUFFORCE)
			u->sndbuf = (u32)b;
		else
			u->rcvbuf = (u32)b;
		unix_wake_all(u);
		if (u->peer)
			poll_head_wake(&u->peer->space);
		return 0;
	}
	case SO_DEBUG:
	case SO_REUSEADDR:
	case SO_DONTROUTE:
	case SO_BROADCAST:
	case SO_KEEPALIVE:
	case SO_OOBINLINE:
	case SO_REUSEPORT:
	case SO_PASSCRED:
		if (v)
			u->optflags |= 1u << name;
		else
			u->optflags &= ~(1u << name);
		return 0;
	case SO_LINGER:
	case SO_RCVLOWAT:
	case SO_SNDLOWAT:
		return 0; /* accepted, no effect on AF_UNIX here */
	default:
		return -ENOPROTOOPT;
	}
}

static int unix_getsockopt(struct socket *s, int level, int name, void *val, u32 *len)
{
	struct unix_sock *u = unix_sk(s);
	int v;

	if (level != SOL_SOCKET)
		return -EOPNOTSUPP;
	switch (name) {
	case SO_ERROR:
		v = u->err;
		u->err = 0;
		break;
	case SO_SNDBUF:
		v = (int)u->sndbuf;
		break;
	case SO_RCVBUF:
		v = (int)u->rcvbuf;
		break;
	case SO_ACCEPTCONN:
		v = u->state == UNIX_LISTEN;
		break;
	case SO_PEERCRED: {
		/* struct ucred: the one process (pid 1, root) when connected,
		 * else Linux's "nobody" answer */
		s32 cred[3] = { 1, 0, 0 };

		if (!u->peer) {
			cred[0] = 0;
			cred[1] = cred[2] = 65534;
		}
		memcpy(val, cred, sizeof(cred));
		*len = sizeof(cred);
		return 0;
	}
	case SO_DEBUG:
	case SO_REUSEADDR:
	case SO_DONTROUTE:
	case SO_BROADCAST:
	case SO_KEEPALIVE:
	case SO_OOBINLINE:
	case SO_REUSEPORT:
	case SO_PASSCRED:
		v = !!(u->optflags & (1u << name));
		break;
	case SO_LINGER: {
		s32 l[2] = { 0, 0 };

		memcpy(val, l, sizeof(l));
		*len = sizeof(l);
		return 0;
	}
	case SO_RCVLOWAT:
	case SO_SNDLOWAT:
		v = 1;
		break;
	default:
		return -ENOPROTOOPT;
	}
	memcpy(val, &v, sizeof(v));
	*len = sizeof(v);
	return 0;
}

static int unix_ioctl(struct socket *s, u32 cmd, u64 uarg)
{
	struct unix_sock *u = unix_sk(s);
	int n;

	switch (cmd) {
	case FIONREAD:
		if (u->state == UNIX_LISTEN)
			return -EINVAL;
		if (u->type == SOCK_STREAM)
			n = (int)MIN(u->q_bytes, (u64)INT32_MAX);
		else
			n = u->q_head ? (int)u->q_head->len : 0;
		break;
	case SIOCOUTQ:
		n = (u->peer && u->state == UNIX_CONNECTED)
			    ? (int)MIN(u->peer->q_bytes, (u64)INT32_MAX)
			    : 0;
		break;
	default:
		return -ENOTTY;
	}
	return copy_to_user(uarg, &n, sizeof(n));
}

static const struct socket_ops unix_ops = {
	.bind = unix_bind,
	.listen = unix_listen,
	.accept = unix_accept,
	.connect = unix_connect,
	.sendmsg = unix_sendmsg,
	.recvmsg = unix_recvmsg,
	.shutdown = unix_shutdown,
	.getname = unix_getname,
	.setsockopt = unix_setsockopt,
	.getsockopt = unix_getsockopt,
	.poll = unix_poll,
	.ioctl = unix_ioctl,
	.release = unix_release,
};
