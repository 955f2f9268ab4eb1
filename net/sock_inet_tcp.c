/*
 * net/sock_inet_tcp.c - TCP sockets (AF_INET/AF_INET6 SOCK_STREAM) on
 * lwIP's raw API. lwIP callbacks (NIC interrupt, net tick, or a loopback
 * flush on the syscall side) queue received pbufs, complete connects,
 * queue accepted connections and record errors, waking the socket's read
 * head (data, FIN, error, new connection) or write head (send space,
 * connect done). The syscall side copies user data into lwIP's send
 * buffer (tcp_write), and received pbufs straight to user memory, acking
 * them with tcp_recved as they are read. Blocking calls wait on a head
 * and re-check. Loopback frames are delivered right after each output
 * (inet_flush). Layer: net. Callers: net/socket.c through inet_tcp_ops.
 */
#include "net/sock_inet.h"
#include "sys/signal.h"

#define TCP_SOMAXCONN	 4096
#define TCP_CHUNK_MAX	 0xfff0u /* tcp_write takes a u16 length */
#define TCP_STACK_BUF	 1024
#define TCP_WRITABLE_MIN (TCP_SND_BUF / 4)

/* free send buffer space (tcp_sndbuf() caps it at 64 KiB - 1) */
#define tcp_space(pcb) ((pcb)->snd_buf)

static err_t tcp_cb_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err);

/* a connection inside this machine (127/8, ::1, or to an own address) */
static bool tcp_is_local(const struct tcp_pcb *pcb)
{
	if (IP_IS_V4(&pcb->remote_ip))
		return ip4_addr_isloopback(ip_2_ip4(&pcb->remote_ip)) ||
		       ip_addr_cmp(&pcb->local_ip, &pcb->remote_ip);
	return ip6_addr_isloopback(ip_2_ip6(&pcb->remote_ip)) ||
	       ip_addr_cmp(&pcb->local_ip, &pcb->remote_ip);
}
static err_t tcp_cb_sent(void *arg, struct tcp_pcb *pcb, u16_t len);
static void tcp_cb_err(void *arg, err_t err);

static struct inet_sock *tcp_is(struct socket *s)
{
	return s->priv;
}

static void tcp_hook(struct inet_sock *is, struct tcp_pcb *pcb)
{
	tcp_arg(pcb, is);
	tcp_recv(pcb, tcp_cb_recv);
	tcp_sent(pcb, tcp_cb_sent);
	tcp_err(pcb, tcp_cb_err);
}

static void tcp_unhook(struct tcp_pcb *pcb)
{
	tcp_arg(pcb, NULL);
	tcp_recv(pcb, NULL);
	tcp_sent(pcb, NULL);
	tcp_err(pcb, NULL);
}

/* options kept in the socket that live in a connection pcb */
static void tcp_apply(struct inet_sock *is)
{
	struct tcp_pcb *pcb = is->pcb.tcp;

	inet_sync_opts(is);
	if (!pcb || is->state == INET_LISTEN)
		return;
	if (is->opts & INET_O_NODELAY)
		tcp_nagle_disable(pcb);
	else
		tcp_nagle_enable(pcb);
	pcb->keep_idle = is->keep_idle * 1000;
	pcb->keep_intvl = is->keep_intvl * 1000;
	pcb->keep_cnt = is->keep_cnt;
}

int inet_tcp_init(struct inet_sock *is)
{
	struct tcp_pcb *pcb =
	    tcp_new_ip_type(is->family == AF_INET ? IPADDR_TYPE_V4 : IPADDR_TYPE_ANY);

	if (!pcb)
		return -ENOMEM;
	is->pcb.tcp = pcb;
	is->state = INET_NEW;
	tcp_hook(is, pcb);
	tcp_apply(is);
	return 0;
}

/* ---- lwIP callbacks (interrupts off, never block) ---- */

static err_t tcp_cb_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
	struct inet_sock *is = arg;
	struct pbuf *last;

	if (!is) {
		if (p) {
			tcp_recved(pcb, p->tot_len);
			pbuf_free(p);
		}
		return ERR_OK;
	}
	if (!p) {
		is->rx_fin = true;
		/* both directions done: lwIP finishes (TIME_WAIT) and frees the
		 * pcb later without a callback, so let go of it now */
		if (is->shut_wr || pcb->state == TIME_WAIT || pcb->state == CLOSING) {
			tcp_unhook(pcb);
			is->pcb.tcp = NULL;
		}
		poll_head_wake(&is->rd);
		poll_head_wake(&is->wr); /* POLLHUP once both directions are done */
		return ERR_OK;
	}
	for (last = p; last->next; last = last->next)
		;
	if (is->rx_tail)
		is->rx_tail->next = p;
	else
		is->rx_head = p;
	is->rx_tail = last;
	is->rx_bytes += p->tot_len;
	/* loopback: ack every segment at once (a delayed ACK would stall a
	 * sender waiting for send space until lwIP's fast timer) */
	if (tcp_is_local(pcb))
		tcp_set_flags(pcb, TF_ACK_NOW);
	poll_head_wake(&is->rd);
	return ERR_OK;
}

static bool tcp_writable(const struct inet_sock *is);

/* acked data freed send space: wake only when someone found the buffer
 * full (a writer waiting, or a poll that saw no POLLOUT), as Linux's
 * write-space callback does; a wake per ACK would make every ACK an
 * EPOLLOUT edge for edge-triggered pollers */
static err_t tcp_cb_sent(void *arg, struct tcp_pcb *pcb, u16_t len)
{
	struct inet_sock *is = arg;

	if (is && is->wr_full && tcp_writable(is)) {
		is->wr_full = false;
		poll_head_wake(&is->wr);
	}
	return ERR_OK;
}

/* the pcb is already freed by lwIP */
static void tcp_cb_err(void *arg, err_t err)
{
	struct inet_sock *is = arg;

	if (!is)
		return;
	is->pcb.tcp = NULL;
	if (err == ERR_CLSD) { /* orderly end (our FIN acked after theirs) */
		is->rx_fin = true;
		poll_head_wake(&is->rd);
		poll_head_wake(&is->wr);
		return;
	}
	if (is->state == INET_CONNECTING)
		is->err = err == ERR_RST ? ECONNREFUSED : ETIMEDOUT;
	else if (err == ERR_RST)
		is->err = ECONNRESET;
	else if (err == ERR_ABRT)
		is->err = ETIMEDOUT;
	else
		is->err = -inet_errno(err);
	is->state = INET_CLOSED;
	poll_head_wake(&is->rd);
	poll_head_wake(&is->wr);
}

static err_t tcp_cb_connected(void *arg, struct tcp_pcb *pcb, err_t err)
{
	struct inet_sock *is = arg;

	if (!is)
		return ERR_OK;
	is->state = INET_CONNECTED;
	ip_addr_copy(is->local, pcb->local_ip);
	is->local_port = pcb->local_port;
	poll_head_wake(&is->wr);
	poll_head_wake(&is->rd);
	return ERR_OK;
}

static err_t tcp_cb_accept(void *arg, struct tcp_pcb *npcb, err_t err)
{
	struct inet_sock *lis = arg, *c;

	if (!lis || err != ERR_OK || !npcb)
		return ERR_VAL;
	c = inet_sock_new(lis->family, SOCK_STREAM);
	if (!c) {
		tcp_abort(npcb);
		return ERR_ABRT;
	}
	c->state = INET_CONNECTED;
	c->bound = true;
	c->pcb.tcp = npcb;
	c->opts = lis->opts & ~INET_O_LINGER;
	c->opts |= lis->opts & INET_O_LINGER;
	c->linger_secs = lis->linger_secs;
	c->keep_idle = lis->keep_idle;
	c->keep_intvl = lis->keep_intvl;
	c->keep_cnt = lis->keep_cnt;
	c->rcvbuf = lis->rcvbuf;
	c->sndbuf = lis->sndbuf;
	c->ttl = lis->ttl;
	c->tos = lis->tos;
	ip_addr_copy(c->local, npcb->local_ip);
	c->local_port = npcb->local_port;
	ip_addr_copy(c->peer, npcb->remote_ip);
	c->peer_port = npcb->remote_port;
	c->listener = lis;
	tcp_hook(c, npcb);
	tcp_apply(c);
	tcp_backlog_delayed(npcb); /* counts against the backlog until accept() */
	if (lis->aq_tail)
		lis->aq_tail->aq_next = c;
	else
		lis->aq_head = c;
	lis->aq_tail = c;
	lis->aq_len++;
	poll_head_wake(&lis->rd);
	return ERR_OK;
}

/* ---- helpers ---- */

static void tcp_rx_drop(struct inet_sock *is)
{
	struct pbuf *p = is->rx_head, *n;

	while (p) {
		n = p->next;
		p->next = NULL;
		pbuf_free(p);
		p = n;
	}
	is->rx_head = is->rx_tail = NULL;
	is->rx_off = 0;
	is->rx_bytes = 0;
}

/* close or abort a connection pcb whose socket is going away */
static void tcp_pcb_release(struct inet_sock *is)
{
	struct tcp_pcb *pcb = is->pcb.tcp;

	is->pcb.tcp = NULL;
	if (!pcb)
		return;
	tcp_unhook(pcb);
	if (pcb->state == CLOSED || pcb->state == LISTEN) {
		tcp_close(pcb);
		return;
	}
	/* unread data or SO_LINGER 0: reset, like Linux */
	if (is->rx_bytes || ((is->opts & INET_O_LINGER) && !is->linger_secs) ||
	    is->state == INET_CONNECTING || tcp_close(pcb) != ERR_OK)
		tcp_abort(pcb);
}

static void tcp_free_conn(struct inet_sock *c)
{
	tcp_pcb_release(c);
	tcp_rx_drop(c);
	inet_sock_free(c);
}

/* give read bytes back to the window */
static void tcp_ack_read(struct inet_sock *is, u64 n)
{
	if (!is->pcb.tcp || is->state == INET_LISTEN) {
		return;
	}
	while (n) {
		u16 c = n > 0xffff ? 0xffff : (u16)n;

		tcp_recved(is->pcb.tcp, c);
		n -= c;
	}
}

/* copy up to want queued bytes to the user; peek leaves them queued */
static u64 tcp_rx_copy(struct inet_sock *is, struct sock_msg *m, u64 moff, u64 want, bool peek,
		       int *err)
{
	struct pbuf *p = is->rx_head;
	u32 off = is->rx_off;
	u64 done = 0;

	while (p && done < want) {
		u32 c = p->len - off;

		if (c > want - done)
			c = (u32)(want - done);
		if (c && sock_msg_put(m, moff + done, (u8 *)p->payload + off, c)) {
			*err = -EFAULT;
			break;
		}
		done += c;
		off += c;
		if (off == p->len) {
			struct pbuf *next = p->next;

			if (!peek) {
				p->next = NULL;
				pbuf_free(p);
				is->rx_head = next;
				if (!next)
					is->rx_tail = NULL;
			}
			p = next;
			off = 0;
		}
	}
	if (!peek) {
		is->rx_off = off;
		is->rx_bytes -= done;
		tcp_ack_read(is, done);
	}
	return done;
}

/* a pending error, reported once */
static int tcp_take_err(struct inet_sock *is)
{
	int e = is->err;

	is->err = 0;
	return -e;
}

/* ---- ops ---- */

static int tcp_bind_op(struct socket *s, const void *addr, u32 len)
{
	struct inet_sock *is = tcp_is(s);
	ip_addr_t ip;
	u16 port;
	err_t e;
	int err;

	if (is->bound || is->state != INET_NEW || !is->pcb.tcp)
		return -EINVAL;
	err = inet_bind_addr(is, addr, len, &ip, &port);
	if (err)
		return err;
	inet_sync_opts(is);
	e = tcp_bind(is->pcb.tcp, &ip, port);
	if (e == ERR_BUF)
		return -EADDRINUSE;
	if (e != ERR_OK)
		return inet_errno(e);
	is->bound = true;
	ip_addr_copy(is->local, is->pcb.tcp->local_ip);
	is->local_port = is->pcb.tcp->local_port;
	return 0;
}

static int tcp_listen_op(struct socket *s, int backlog)
{
	struct inet_sock *is = tcp_is(s);
	struct tcp_pcb_listen *lpcb;
	err_t e = ERR_OK;

	if (backlog < 0)
		backlog = 0;
	if (backlog > TCP_SOMAXCONN)
		backlog = TCP_SOMAXCONN;
	if (is->state == INET_LISTEN) {
		is->backlog = backlog;
		return 0;
	}
	if (is->state != INET_NEW || !is->pcb.tcp)
		return -EINVAL;
	inet_sync_opts(is);
	if (!is->bound) {
		e = tcp_bind(is->pcb.tcp, is->family == AF_INET ? IP4_ADDR_ANY : IP_ANY_TYPE, 0);
		if (e != ERR_OK)
			return -EADDRINUSE;
		is->bound = true;
	}
	/* lwIP counts half-open plus queued connections in a u8; Linux lets
	 * backlog + 1 connections wait */
	lpcb = (struct tcp_pcb_listen *)tcp_listen_with_backlog_and_err(
	    is->pcb.tcp, (u8)(backlog + 1 > 255 ? 255 : backlog + 1), &e);
	if (!lpcb)
		return e == ERR_USE ? -EADDRINUSE : inet_errno(e);
	/* the connection pcb was freed by lwIP */
	is->pcb.lis = lpcb;
	is->backlog = backlog;
	is->state = INET_LISTEN;
	ip_addr_copy(is->local, lpcb->local_ip);
	is->local_port = lpcb->local_port;
	tcp_arg((struct tcp_pcb *)lpcb, is);
	tcp_accept((struct tcp_pcb *)lpcb, tcp_cb_accept);
	return 0;
}

static int tcp_accept_op(struct socket *s, struct socket **out, void *addr, u32 *addrlen)
{
	struct inet_sock *is = tcp_is(s), *c;
	u64 deadline = 0;
	struct socket *ns;
	int r;

	for (;;) {
		if (is->state != INET_LISTEN)
			return -EINVAL;
		if (is->aq_head)
			break;
		if (socket_nonblock(s, 0))
			return -EAGAIN;
		r = inet_wait(s, &is->rd, false, &deadline);
		if (r)
			return r;
	}
	c = is->aq_head;
	ns = socket_alloc(s->family, SOCK_STREAM, IPPROTO_TCP, &inet_tcp_ops);
	if (!ns)
		return -ENOMEM;
	is->aq_head = c->aq_next;
	if (!is->aq_head)
		is->aq_tail = NULL;
	is->aq_len--;
	c->aq_next = NULL;
	c->listener = NULL;
	if (c->pcb.tcp)
		tcp_backlog_accepted(c->pcb.tcp);
	ns->priv = c;
	c->sock = ns;
	if (addr && addrlen)
		inet_addr_out(c, &c->peer, c->peer_port, addr, addrlen);
	*out = ns;
	return 0;
}

static int tcp_connect_op(struct socket *s, const void *addr, u32 len)
{
	struct inet_sock *is = tcp_is(s);
	ip_addr_t ip;
	u16 port, fam = 0;
	err_t e;
	int err;

	if (len >= 2)
		memcpy(&fam, addr, 2);
	switch (is->state) {
	case INET_CONNECTED:
		if (is->connect_pending) { /* Linux reports a finished
					    * non-blocking connect once */
			is->connect_pending = false;
			return 0;
		}
		return -EISCONN;
	case INET_LISTEN:
		return -EISCONN;
	case INET_CONNECTING:
		return -EALREADY;
	case INET_CLOSED:
		if (is->err)
			return tcp_take_err(is);
		/* a failed connection: start over with a fresh pcb */
		is->state = INET_NEW;
		is->bound = false;
		is->rx_fin = is->shut_rd = is->shut_wr = false;
		tcp_rx_drop(is);
		if (inet_tcp_init(is))
			return -ENOBUFS;
		break;
	case INET_NEW:
		break;
	}
	if (fam == AF_UNSPEC && len >= 2)
		return 0;
	err = inet_addr_in(is, addr, len, &ip, &port);
	if (err)
		return err;
	if (ip_addr_isany(&ip)) { /* Linux: connecting to any means this host */
		if (IP_IS_V4(&ip))
			ip_addr_set_loopback(0, &ip);
		else
			ip_addr_set_loopback(1, &ip);
	}
	if (!port)
		return -ECONNREFUSED;
	tcp_apply(is);
	e = tcp_connect(is->pcb.tcp, &ip, port, tcp_cb_connected);
	if (e == ERR_USE || e == ERR_BUF)
		return -EADDRNOTAVAIL;
	if (e != ERR_OK)
		return inet_errno(e);
	is->state = INET_CONNECTING;
	is->bound = true;
	ip_addr_copy(is->peer, ip);
	is->peer_port = port;
	ip_addr_copy(is->local, is->pcb.tcp->local_ip);
	is->local_port = is->pcb.tcp->local_port;
	inet_flush(); /* loopback: the handshake runs now */
	if (socket_nonblock(s, 0)) {
		is->connect_pending = true;
		return -EINPROGRESS;
	}
	u64 deadline = 0;

	while (is->state == INET_CONNECTING) {
		int r = inet_wait(s, &is->wr, true, &deadline);

		if (r == -EAGAIN) {
			is->connect_pending = true;
			return -EINPROGRESS;
		}
		if (r)
			return r;
	}
	if (is->state == INET_CONNECTED)
		return 0;
	return is->err ? tcp_take_err(is) : -ECONNREFUSED;
}

/* wait for an outgoing connection to finish (send/recv while connecting) */
static int tcp_wait_connected(struct socket *s, struct inet_sock *is, int flags, bool send,
			      u64 *deadline)
{
	while (is->state == INET_CONNECTING) {
		int r;

		if (socket_nonblock(s, flags))
			return -EAGAIN;
		r = inet_wait(s, &is->wr, send, deadline);
		if (r)
			return r;
	}
	return 0;
}

static s64 tcp_sendmsg_op(struct socket *s, struct sock_msg *m, int flags)
{
	struct inet_sock *is = tcp_is(s);
	u64 total = sock_msg_len(m), done = 0;
	u64 deadline = 0;
	u8 stackbuf[TCP_STACK_BUF];
	u8 *buf = stackbuf;
	u32 bufsize = sizeof(stackbuf);
	s64 ret;
	int r;

	r = tcp_wait_connected(s, is, flags, true, &deadline);
	if (r)
		return r;
	if (is->err)
		return tcp_take_err(is);
	if (is->state != INET_CONNECTED || is->shut_wr || !is->pcb.tcp)
		return -EPIPE;
	if (!total)
		return 0;
	if (total > sizeof(stackbuf)) {
		bufsize = total > TCP_CHUNK_MAX ? TCP_CHUNK_MAX : (u32)total;
		buf = kmalloc(bufsize);
		if (!buf)
			return -ENOBUFS;
	}
	while (done < total) {
		struct tcp_pcb *pcb = is->pcb.tcp;
		u32 room, c;

		if (is->err || !pcb || is->shut_wr) {
			ret = done ? (s64)done : is->err ? tcp_take_err(is) : -EPIPE;
			goto out;
		}
		room = tcp_sndbuf(pcb);
		if (tcp_sndqueuelen(pcb) + 4 >= TCP_SND_QUEUELEN)
			room = 0;
		if (!room) {
			tcp_output(pcb);
			inet_flush();
			if (is->pcb.tcp && tcp_sndbuf(is->pcb.tcp) &&
			    tcp_sndqueuelen(is->pcb.tcp) + 4 < TCP_SND_QUEUELEN)
				continue; /* loopback acks freed space */
			is->wr_full = true;
			if (socket_nonblock(s, flags)) {
				ret = done ? (s64)done : -EAGAIN;
				goto out;
			}
			r = inet_wait(s, &is->wr, true, &deadline);
			if (r) {
				ret = done ? (s64)done : r;
				goto out;
			}
			continue;
		}
		c = room < bufsize ? room : bufsize;
		if (c > total - done)
			c = (u32)(total - done);
		if (sock_msg_get(m, done, buf, c)) {
			ret = done ? (s64)done : -EFAULT;
			goto out;
		}
		err_t e = tcp_write(pcb, buf, (u16)c,
				    TCP_WRITE_FLAG_COPY |
					(done + c < total || (flags & MSG_MORE) ? TCP_WRITE_FLAG_MORE
										 : 0));
		if (e == ERR_MEM) { /* queue full after all: wait for acks */
			tcp_output(pcb);
			inet_flush();
			is->wr_full = true;
			if (socket_nonblock(s, flags)) {
				ret = done ? (s64)done : -EAGAIN;
				goto out;
			}
			r = inet_wait(s, &is->wr, true, &deadline);
			if (r) {
				ret = done ? (s64)done : r;
				goto out;
			}
			continue;
		}
		if (e != ERR_OK) {
			ret = done ? (s64)done : inet_errno(e);
			goto out;
		}
		done += c;
	}
	ret = (s64)done;
out:
	if (is->pcb.tcp && !(flags & MSG_MORE))
		tcp_output(is->pcb.tcp);
	inet_flush();
	if (buf != stackbuf)
		kfree(buf);
	return ret;
}

static s64 tcp_recvmsg_op(struct socket *s, struct sock_msg *m, int flags)
{
	struct inet_sock *is = tcp_is(s);
	u64 total = sock_msg_len(m), done = 0, target;
	u64 deadline = 0;
	bool peek = flags & MSG_PEEK;
	int err = 0, r;

	m->addrlen = 0;
	m->controllen = 0;
	if (flags & MSG_OOB)
		return -EINVAL;
	if (is->state == INET_NEW || is->state == INET_LISTEN)
		return -ENOTCONN;
	r = tcp_wait_connected(s, is, flags, false, &deadline);
	if (r)
		return r;
	target = (flags & MSG_WAITALL) && !peek ? total : 1;
	while (done < total) {
		if (is->rx_bytes) {
			done += tcp_rx_copy(is, m, done, total - done, peek, &err);
			if (err || peek || done >= target)
				break;
			continue;
		}
		if (done >= target)
			break;
		if (is->err) {
			if (done)
				break;
			return tcp_take_err(is);
		}
		if (is->rx_fin || is->shut_rd || is->state != INET_CONNECTED)
			break;
		if (socket_nonblock(s, flags)) {
			if (!done)
				return -EAGAIN;
			break;
		}
		inet_flush();
		r = inet_wait(s, &is->rd, false, &deadline);
		if (r) {
			if (!done)
				return r;
			break;
		}
	}
	inet_flush(); /* window updates to a looped-back sender */
	if (err && !done)
		return err;
	return (s64)done;
}

static int tcp_shutdown_op(struct socket *s, int how)
{
	struct inet_sock *is = tcp_is(s);

	if (how < SHUT_RD || how > SHUT_RDWR)
		return -EINVAL;
	if (is->state == INET_LISTEN)
		return 0;
	if (is->state != INET_CONNECTED && is->state != INET_CONNECTING)
		return -ENOTCONN;
	if (how != SHUT_WR) {
		is->shut_rd = true;
		poll_head_wake(&is->rd);
	}
	if (how != SHUT_RD && !is->shut_wr) {
		is->shut_wr = true;
		if (is->pcb.tcp && is->state == INET_CONNECTED)
			tcp_shutdown(is->pcb.tcp, 0, 1);
		inet_flush();
		poll_head_wake(&is->wr);
		poll_head_wake(&is->rd);
	}
	return 0;
}

static int tcp_getname_op(struct socket *s, void *addr, u32 *len, bool peer)
{
	struct inet_sock *is = tcp_is(s);

	if (peer) {
		if (is->state != INET_CONNECTED)
			return -ENOTCONN;
		inet_addr_out(is, &is->peer, is->peer_port, addr, len);
		return 0;
	}
	if (is->pcb.tcp) { /* tcp_pcb and tcp_pcb_listen start alike */
		ip_addr_copy(is->local, is->pcb.tcp->local_ip);
		is->local_port = is->pcb.tcp->local_port;
	}
	inet_addr_out(is, &is->local, is->local_port, addr, len);
	return 0;
}

static int tcp_setsockopt_op(struct socket *s, int level, int name, const void *val, u32 len)
{
	struct inet_sock *is = tcp_is(s);
	bool handled;
	int v, err = inet_common_setsockopt(is, level, name, val, len, &handled);

	if (handled) {
		if (!err)
			tcp_apply(is);
		return err;
	}
	if (level != IPPROTO_TCP)
		return -ENOPROTOOPT;
	err = inet_opt_int(val, len, &v);
	if (err)
		return err;
	switch (name) {
	case TCP_NODELAY:
		if (v)
			is->opts |= INET_O_NODELAY;
		else
			is->opts &= ~INET_O_NODELAY;
		break;
	case TCP_KEEPIDLE:
		if (v < 1 || v > 32767)
			return -EINVAL;
		is->keep_idle = (u32)v;
		break;
	case TCP_KEEPINTVL:
		if (v < 1 || v > 32767)
			return -EINVAL;
		is->keep_intvl = (u32)v;
		break;
	case TCP_KEEPCNT:
		if (v < 1 || v > 127)
			return -EINVAL;
		is->keep_cnt = (u32)v;
		break;
	case TCP_MAXSEG:
	case TCP_CORK:
	case TCP_DEFER_ACCEPT:
	case TCP_QUICKACK:
	case TCP_USER_TIMEOUT:
	case TCP_FASTOPEN:
		return 0; /* accepted; lwIP has no such knob */
	default:
		return -ENOPROTOOPT;
	}
	tcp_apply(is);
	return 0;
}

static int tcp_getsockopt_op(struct socket *s, int level, int name, void *val, u32 *len)
{
	struct inet_sock *is = tcp_is(s);
	bool handled;
	int err = inet_common_getsockopt(is, level, name, val, len, &handled);

	if (handled)
		return err;
	if (level != IPPROTO_TCP)
		return -ENOPROTOOPT;
	switch (name) {
	case TCP_NODELAY:
		return inet_opt_put_int(val, len, !!(is->opts & INET_O_NODELAY));
	case TCP_KEEPIDLE:
		return inet_opt_put_int(val, len, (int)is->keep_idle);
	case TCP_KEEPINTVL:
		return inet_opt_put_int(val, len, (int)is->keep_intvl);
	case TCP_KEEPCNT:
		return inet_opt_put_int(val, len, (int)is->keep_cnt);
	case TCP_MAXSEG:
		return inet_opt_put_int(val, len,
					is->pcb.tcp && is->state == INET_CONNECTED
					    ? tcp_mss(is->pcb.tcp)
					    : 536);
	case TCP_CORK:
	case TCP_DEFER_ACCEPT:
	case TCP_QUICKACK:
	case TCP_USER_TIMEOUT:
	case TCP_FASTOPEN:
		return inet_opt_put_int(val, len, 0);
	}
	return -ENOPROTOOPT;
}

static bool tcp_writable(const struct inet_sock *is)
{
	const struct tcp_pcb *pcb = is->pcb.tcp;

	return pcb && tcp_space(pcb) >= TCP_WRITABLE_MIN &&
	       tcp_sndqueuelen(pcb) < TCP_SNDQUEUELOWAT;
}

static u32 tcp_poll_op(struct socket *s, struct poll_table *pt)
{
	struct inet_sock *is = tcp_is(s);
	u32 mask = 0;

	poll_wait(pt, &is->rd, POLLIN | POLLRDNORM | POLLRDHUP | POLLHUP | POLLERR);
	poll_wait(pt, &is->wr, POLLOUT | POLLWRNORM | POLLHUP | POLLERR);
	switch (is->state) {
	case INET_LISTEN:
		if (is->aq_head)
			mask |= POLLIN | POLLRDNORM;
		break;
	case INET_NEW:
		mask |= POLLOUT | POLLWRNORM | POLLHUP;
		break;
	case INET_CONNECTING:
		break;
	case INET_CONNECTED:
		if (is->rx_bytes || is->rx_fin || is->shut_rd)
			mask |= POLLIN | POLLRDNORM;
		if (is->rx_fin)
			mask |= POLLRDHUP;
		if (is->rx_fin && is->shut_wr)
			mask |= POLLHUP;
		if (is->shut_wr || tcp_writable(is))
			mask |= POLLOUT | POLLWRNORM;
		else
			is->wr_full = true; /* the next ACK that frees enough wakes */
		break;
	case INET_CLOSED:
		mask |= POLLIN | POLLRDNORM | POLLRDHUP | POLLHUP | POLLOUT | POLLWRNORM;
		break;
	}
	if (is->err)
		mask |= POLLERR;
	return mask;
}

static int tcp_ioctl_op(struct socket *s, u32 cmd, u64 uarg)
{
	struct inet_sock *is = tcp_is(s);
	int v;

	switch (cmd) {
	case FIONREAD:
		if (is->state == INET_LISTEN)
			return -EINVAL;
		v = is->rx_bytes > 0x7fffffff ? 0x7fffffff : (int)is->rx_bytes;
		break;
	case SIOCOUTQ:
		if (is->state == INET_LISTEN)
			return -EINVAL;
		v = is->pcb.tcp && is->state == INET_CONNECTED
			? (int)(TCP_SND_BUF - tcp_space(is->pcb.tcp))
			: 0;
		break;
	default:
		return -ENOTTY;
	}
	return copy_to_user(uarg, &v, sizeof(v)) ? -EFAULT : 0;
}

static void tcp_release_op(struct socket *s)
{
	struct inet_sock *is = tcp_is(s), *c;

	if (is->state == INET_LISTEN) {
		struct tcp_pcb *lpcb = (struct tcp_pcb *)is->pcb.lis;

		is->pcb.lis = NULL;
		if (lpcb) {
			tcp_arg(lpcb, NULL);
			tcp_accept(lpcb, NULL);
			tcp_close(lpcb);
		}
		while ((c = is->aq_head)) { /* never accepted: reset them */
			is->aq_head = c->aq_next;
			if (c->pcb.tcp) {
				tcp_unhook(c->pcb.tcp);
				tcp_abort(c->pcb.tcp);
				c->pcb.tcp = NULL;
			}
			tcp_rx_drop(c);
			inet_sock_free(c);
		}
		inet_flush();
		inet_sock_free(is);
		s->priv = NULL;
		return;
	}
	tcp_free_conn(is);
	inet_flush();
	s->priv = NULL;
}

const struct socket_ops inet_tcp_ops = {
	.bind = tcp_bind_op,
	.listen = tcp_listen_op,
	.accept = tcp_accept_op,
	.connect = tcp_connect_op,
	.sendmsg = tcp_sendmsg_op,
	.recvmsg = tcp_recvmsg_op,
	.shutdown = tcp_shutdown_op,
	.getname = tcp_getname_op,
	.setsockopt = tcp_setsockopt_op,
	.getsockopt = tcp_getsockopt_op,
	.poll = tcp_poll_op,
	.ioctl = tcp_ioctl_op,
	.release = tcp_release_op,
};
