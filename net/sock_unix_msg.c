/*
 * net/sock_unix_msg.c - AF_UNIX data transfer: sendmsg and recvmsg for
 * stream (a byte stream cut into queue entries of at most 64 KiB, bounded
 * by the sender's SO_SNDBUF), seqpacket and datagram sockets (one queue
 * entry per message, truncation with MSG_TRUNC), MSG_PEEK / MSG_WAITALL /
 * MSG_DONTWAIT, EOF and EPIPE after shutdown or close, SCM_RIGHTS
 * (file references travel in the queue entry and become new fds in the
 * receiver) and SCM_CREDENTIALS for receivers with SO_PASSCRED.
 * Layer: net. Callers: net/sock_unix.c (its socket ops).
 */
#include "net/sock_unix.h"
#include "fs/vfs.h"

/* struct cmsghdr, x86-64 */
struct cmsg_hdr {
	u64 len;
	s32 level;
	s32 type;
};
_Static_assert(sizeof(struct cmsg_hdr) == 16, "struct cmsghdr (x86-64)");

#define CMSG_ALIGN(n)  (((n) + 7) & ~(u64)7)
#define CRED_CMSG_LEN (sizeof(struct cmsg_hdr) + 12) /* + struct ucred */

/* ---- SCM_RIGHTS ---- */

/* the files named by the control data (references), or -errno */
static int scm_parse(const struct sock_msg *m, struct file ***fdsp, int *nfdsp)
{
	const u8 *c = m->control;
	struct file **fds = NULL;
	int nfds = 0, err = 0;
	u64 off = 0;

	*fdsp = NULL;
	*nfdsp = 0;
	while (c && off + sizeof(struct cmsg_hdr) <= m->controllen) {
		struct cmsg_hdr h;

		memcpy(&h, c + off, sizeof(h));
		if (h.len < sizeof(h) || h.len > m->controllen - off) {
			err = -EINVAL;
			goto out_err;
		}
		if (h.level != SOL_SOCKET ||
		    (h.type != SCM_RIGHTS && h.type != SCM_CREDENTIALS)) {
			err = -EINVAL;
			goto out_err;
		}
		if (h.type == SCM_RIGHTS) {
			int n = (int)((h.len - sizeof(h)) / sizeof(s32));

			if (fds || n > SCM_MAX_FD) {
				err = -EINVAL;
				goto out_err;
			}
			if (n) {
				fds = kzalloc((size_t)n * sizeof(*fds));
				if (!fds) {
					err = -ENOMEM;
					goto out_err;
				}
			}
			for (int i = 0; i < n; i++) {
				s32 fd;

				memcpy(&fd, c + off + sizeof(h) + (u64)i * sizeof(s32),
				       sizeof(fd));
				fds[i] = fd_get(fd);
				if (!fds[i]) {
					err = -EBADF;
					goto out_err;
				}
				nfds = i + 1;
			}
		}
		/* SCM_CREDENTIALS: one process, nothing to check or carry */
		off += CMSG_ALIGN(h.len);
	}
	*fdsp = fds;
	*nfdsp = nfds;
	return 0;

out_err:
	for (int i = 0; i < nfds; i++)
		file_put(fds[i]);
	kfree(fds);
	return err;
}

/* install a queue entry's files as fds in the receiver's control buffer
 * (the entry gives them up); the ones that do not fit are closed */
static void scm_deliver(struct sock_msg *m, u64 cap, struct unix_skb *skb, int flags)
{
	struct cmsg_hdr h = { 0, SOL_SOCKET, SCM_RIGHTS };
	u8 *c = m->control;
	int room = 0, k = 0;

	if (c && cap >= sizeof(h) + sizeof(s32))
		room = (int)((cap - sizeof(h)) / sizeof(s32));
	for (int i = 0; i < skb->nfds; i++) {
		int fd = -1;

		if (i < room)
			fd = fd_install(skb->fds[i], flags & MSG_CMSG_CLOEXEC, 0);
		if (fd < 0) {
			file_put(skb->fds[i]);
			m->flags_out |= MSG_CTRUNC;
			continue;
		}
		memcpy(c + sizeof(h) + (u64)k * sizeof(s32), &fd, sizeof(s32));
		k++;
	}
	kfree(skb->fds);
	skb->fds = NULL;
	skb->nfds = 0;
	if (k) {
		h.len = sizeof(h) + (u64)k * sizeof(s32);
		memcpy(c, &h, sizeof(h));
		m->controllen = MIN(CMSG_ALIGN(h.len), cap);
	}
}

/* ---- send ---- */

static struct unix_skb *skb_new(u32 len)
{
	return kzalloc(sizeof(struct unix_skb) + len);
}

static s64 stream_send(struct socket *s, struct unix_sock *u, struct sock_msg *m, int flags,
		       struct file **fds, int nfds)
{
	u64 total = sock_msg_len(m), done = 0, deadline = 0;
	int err;

	for (;;) {
		struct unix_sock *p = u->peer;
		struct unix_skb *skb;
		u64 space, n;

		if ((u->shut & UNIX_SHUT_SEND) || !p || p->dead || (p->shut & UNIX_SHUT_RCV)) {
			err = -EPIPE;
			goto out_err;
		}
		if (done == total) /* as Linux, nothing (no files) for 0 bytes */
			break;
		space = u->sndbuf > p->q_bytes ? u->sndbuf - p->q_bytes : 0;
		if (!space) {
			if (socket_nonblock(s, flags)) {
				err = -EAGAIN;
				goto out_err;
			}
			err = socket_wait(s, &p->space.q, true, &deadline);
			if (err)
				goto out_err;
			continue;
		}
		n = MIN(MIN(total - done, space), (u64)UNIX_SKB_MAX);
		skb = skb_new((u32)n);
		if (!skb) {
			err = -ENOMEM;
			goto out_err;
		}
		skb->len = (u32)n;
		if (sock_msg_get(m, done, skb->data, n)) {
			kfree(skb);
			err = -EFAULT;
			goto out_err;
		}
		if (fds) { /* the files ride with the first bytes */
			skb->fds = fds;
			skb->nfds = nfds;
			fds = NULL;
			nfds = 0;
		}
		unix_queue(p, skb);
		done += n;
	}
	err = 0;
out_err:
	for (int i = 0; i < nfds; i++)
		file_put(fds[i]);
	kfree(fds);
	return done ? (s64)done : err;
}

/* one message to a seqpacket peer or a datagram target */
static s64 msg_send(struct socket *s, struct unix_sock *u, struct sock_msg *m, int flags,
		    struct file **fds, int nfds)
{
	u64 total = sock_msg_len(m), deadline = 0;
	struct unix_sock *t = NULL;
	struct unix_skb *skb;
	s64 err;

	if (total > u->sndbuf - 32)
		return -EMSGSIZE;
	if (u->type == SOCK_SEQPACKET) {
		if (m->addrlen)
			return u->state == UNIX_CONNECTED ? -EISCONN : -EOPNOTSUPP;
		if (u->state != UNIX_CONNECTED)
			return -ENOTCONN;
	}
	for (;;) {
		if (u->type == SOCK_SEQPACKET) {
			t = u->peer;
			if ((u->shut & UNIX_SHUT_SEND) || t->dead || (t->shut & UNIX_SHUT_RCV))
				return -EPIPE;
			unix_get(t);
		} else if (m->addrlen) {
			err = unix_find(m->addr, m->addrlen, SOCK_DGRAM, &t);
			if (err)
				return err;
		} else {
			if (!u->peer)
				return -ENOTCONN;
			t = u->peer;
			unix_get(t);
		}
		if (u->type == SOCK_DGRAM) {
			err = 0;
			if (u->shut & UNIX_SHUT_SEND)
				err = -EPIPE;
			else if (t->dead) {
				err = -ECONNREFUSED;
				if (t == u->peer) { /* Linux disconnects */
					u->peer = NULL;
					u->state = UNIX_UNCONN;
					unix_put(t);
				}
			} else if (t->peer && t->peer != u)
				err = -EPERM; /* t only listens to its own peer */
			else if (t->shut & UNIX_SHUT_RCV)
				err = -EPIPE;
			if (err) {
				unix_put(t);
				return err;
			}
		}
		if (!t->q_head || (t->q_count < UNIX_DGRAM_QLEN &&
				   t->q_bytes + total <= (u->type == SOCK_SEQPACKET ? u->sndbuf
										: t->rcvbuf)))
			break;
		if (socket_nonblock(s, flags)) {
			unix_put(t);
			return -EAGAIN;
		}
		err = socket_wait(s, &t->space.q, true, &deadline);
		unix_put(t);
		if (err)
			return err;
	}
	skb = skb_new((u32)total);
	if (!skb) {
		unix_put(t);
		return -ENOMEM;
	}
	skb->len = (u32)total;
	if (sock_msg_get(m, 0, skb->data, total)) {
		kfree(skb);
		unix_put(t);
		return -EFAULT;
	}
	if (u->key) { /* unnamed senders have no address (namelen 0) */
		memcpy(skb->addr, u->addr, u->addrlen);
		skb->addrlen = u->addrlen;
	}
	skb->fds = fds;
	skb->nfds = nfds;
	unix_queue(t, skb);
	unix_put(t);
	return (s64)total;
}

s64 unix_sendmsg(struct socket *s, struct sock_msg *m, int flags)
{
	struct unix_sock *u = unix_sk(s);
	struct file **fds;
	int nfds, err;
	s64 r;

	if (flags & MSG_OOB)
		return -EOPNOTSUPP;
	if (u->type == SOCK_STREAM) {
		if (m->addrlen)
			return u->state == UNIX_CONNECTED ? -EISCONN : -EOPNOTSUPP;
		if (u->state != UNIX_CONNECTED)
			return -ENOTCONN;
	}
	err = scm_parse(m, &fds, &nfds);
	if (err)
		return err;
	if (u->type == SOCK_STREAM)
		return stream_send(s, u, m, flags, fds, nfds);
	r = msg_send(s, u, m, flags, fds, nfds);
	if (r < 0) {
		for (int i = 0; i < nfds; i++)
			file_put(fds[i]);
		kfree(fds);
	}
	return r;
}

/* ---- receive ---- */

/* nothing to read yet: 1 = EOF (return what we have), 0 = try again
 * after a wait, <0 = error */
static int recv_wait(struct socket *s, struct unix_sock *u, int flags, u64 *deadline)
{
	if (u->err) {
		int e = u->err;

		u->err = 0;
		return -e;
	}
	if (u->shut & UNIX_SHUT_RCV)
		return 1;
	if (socket_nonblock(s, flags))
		return -EAGAIN;
	return socket_wait(s, &u->rd.q, false, deadline);
}

static s64 stream_recv(struct socket *s, struct unix_sock *u, struct sock_msg *m, int flags,
		       u64 cap)
{
	u64 len = sock_msg_len(m), copied = 0, deadline = 0;
	u64 target = (flags & MSG_WAITALL) ? len : 1;
	bool peek = flags & MSG_PEEK;

	if (u->state != UNIX_CONNECTED)
		return -EINVAL;
	if (!len)
		return 0;
	for (;;) {
		struct unix_skb *skb = u->q_head;
		u64 skip = peek ? copied : 0, n;
		int r;

		/* under MSG_PEEK, skip what this call already copied */
		while (skb && skip >= skb->len - skb->off) {
			skip -= skb->len - skb->off;
			skb = skb->next;
		}
		if (!skb) {
			if (copied >= target)
				break;
			r = recv_wait(s, u, flags, &deadline);
			if (r == 1)
				break;
			if (r < 0)
				return copied ? (s64)copied : r;
			continue;
		}
		if (copied && skb->nfds)
			break; /* files belong to the bytes they came with */
		n = MIN(skb->len - skb->off - skip, len - copied);
		if (sock_msg_put(m, copied, skb->data + skb->off + skip, n))
			return copied ? (s64)copied : -EFAULT;
		copied += n;
		if (!m->addrlen && u->peer && u->peer->key) {
			memcpy(m->addr, u->peer->addr, u->peer->addrlen);
			m->addrlen = u->peer->addrlen;
		}
		if (!peek) {
			bool had_fds = skb->nfds;

			if (had_fds)
				scm_deliver(m, cap, skb, flags);
			skb->off += (u32)n;
			u->q_bytes -= n;
			if (skb->off == skb->len)
				unix_skb_free(unix_dequeue(u));
			else
				poll_head_wake(&u->space);
			if (had_fds)
				break; /* as Linux: files end the read */
		}
		if (copied == len)
			break;
	}
	return (s64)copied;
}

static s64 msg_recv(struct socket *s, struct unix_sock *u, struct sock_msg *m, int flags,
		    u64 cap)
{
	u64 len = sock_msg_len(m), n, deadline = 0;
	struct unix_skb *skb;
	u32 full;

	if (u->type == SOCK_SEQPACKET && u->state != UNIX_CONNECTED)
		return u->state == UNIX_LISTEN ? -EINVAL : -ENOTCONN;
	while (!u->q_head) {
		int r = recv_wait(s, u, flags, &deadline);

		if (r == 1)
			return 0;
		if (r < 0)
			return r;
	}
	skb = u->q_head;
	n = MIN(len, (u64)skb->len);
	if (sock_msg_put(m, 0, skb->data, n))
		return -EFAULT;
	if (n < skb->len)
		m->flags_out |= MSG_TRUNC;
	memcpy(m->addr, skb->addr, skb->addrlen);
	m->addrlen = skb->addrlen;
	full = skb->len;
	if (!(flags & MSG_PEEK)) {
		if (skb->nfds)
			scm_deliver(m, cap, skb, flags);
		unix_skb_free(unix_dequeue(u));
	}
	return (flags & MSG_TRUNC) ? (s64)full : (s64)n;
}

s64 unix_recvmsg(struct socket *s, struct sock_msg *m, int flags)
{
	struct unix_sock *u = unix_sk(s);
	u64 cap = m->controllen; /* the control buffer's size */
	bool creds = u->optflags & (1u << SO_PASSCRED);
	/* SO_PASSCRED: SCM_CREDENTIALS comes first, files after it */
	u64 base = creds && m->control && cap >= CRED_CMSG_LEN ? CMSG_ALIGN(CRED_CMSG_LEN) : 0;
	s64 r;

	if (flags & MSG_OOB)
		return -EOPNOTSUPP;
	if (u->state == UNIX_LISTEN)
		return -EINVAL;
	base = MIN(base, cap);
	m->controllen = 0; /* what was written */
	m->control = (u8 *)m->control + base;
	if (u->type == SOCK_STREAM)
		r = stream_recv(s, u, m, flags, cap - base);
	else
		r = msg_recv(s, u, m, flags, cap - base);
	m->control = (u8 *)m->control - base;
	if (r > 0 && creds) {
		if (base) {
			/* struct ucred: the one process (pid 1, root) */
			struct cmsg_hdr h = { CRED_CMSG_LEN, SOL_SOCKET, SCM_CREDENTIALS };
			s32 cred[3] = { 1, 0, 0 };

			memcpy(m->control, &h, sizeof(h));
			memcpy((u8 *)m->control + sizeof(h), cred, sizeof(cred));
			m->controllen = m->controllen ? base + m->controllen : base;
		} else {
			m->flags_out |= MSG_CTRUNC;
		}
	}
	return r;
}
