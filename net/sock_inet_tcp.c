/*
 * net/sock_inet_tcp.c - TCP sockets (AF_INET/AF_INET6 SOCK_STREAM) on
 * lwIP's raw API. lwIP callbacks (NIC interrupt, net tick, or a loopback
 * flush on the syscall side) queue received pbufs, complete connects,
 * queue accepted connections and record errors, waking the socket's read
 * head (data, FIN, error, new connection) or write head (send space,
 * connect done). This file: the callbacks, bind, listen, accept,
 * connect, shutdown, names, poll, ioctl and close; the data path and the
 * IPPROTO_TCP options are in net/sock_inet_tcpio.c. Blocking calls wait
 * on a head and re-check. Loopback frames are delivered right after each
 * output (inet_flush). Layer: net. Callers: net/socket.c (inet_tcp_ops).
 */
#include "net/sock_inet.h"
#include "sys/signal.h"

#define TCP_SOMAXCONN	 4096
#define TCP_WRITABLE_MIN (TCP_SND_BUF / 4)


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
void inet_tcp_apply(struct inet_sock *is)
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
	inet_tcp_apply(is);
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

/* acked data freed send space: wake only when someone found the buffer
 * full (a writer waiting, or a poll that saw no POLLOUT), as Linux's
 * write-space callback does; a wake per ACK would make every ACK an
 * EPOLLOUT edge for edge-triggered pollers */
static err_t tcp_cb_sent(void *arg, struct tcp_pcb *pcb, u16_t len)
{
	struct inet_sock *is = arg;

	if (is && is->wr_full && inet_tcp_writable(is)) {
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
	inet_tcp_apply(c);
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
			return inet_tcp_take_err(is);
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
	inet_tcp_apply(is);
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
	return is->err ? inet_tcp_take_err(is) : -ECONNREFUSED;
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

bool inet_tcp_writable(const struct inet_sock *is)
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
		if (is->shut_wr || inet_tcp_writable(is))
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
	.sendmsg = inet_tcp_sendmsg,
	.recvmsg = inet_tcp_recvmsg,
	.shutdown = tcp_shutdown_op,
	.getname = tcp_getname_op,
	.setsockopt = inet_tcp_setsockopt,
	.getsockopt = inet_tcp_getsockopt,
	.poll = tcp_poll_op,
	.ioctl = tcp_ioctl_op,
	.release = tcp_release_op,
};
