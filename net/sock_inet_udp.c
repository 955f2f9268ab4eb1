/*
 * net/sock_inet_udp.c - UDP sockets (AF_INET/AF_INET6 SOCK_DGRAM) on
 * lwIP's raw API: lwIP's receive callback queues each datagram (pbuf and
 * source) up to SO_RCVBUF bytes and wakes the read head; recvmsg hands
 * out one datagram (MSG_TRUNC when it does not fit, MSG_PEEK leaves it);
 * sendmsg copies the user data into one pbuf and sends it to the given
 * or connected peer. Loopback datagrams are delivered right away
 * (inet_flush). Layer: net. Callers: net/socket.c through inet_udp_ops.
 */
#include "net/sock_inet.h"
#include "lwip/ip.h"
#include "lwip/ip4.h"
#include "sys/signal.h"

#define UDP_MAX_V4 65507
#define UDP_MAX_V6 65527

static struct inet_sock *udp_is(struct socket *s)
{
	return s->priv;
}

static void udp_cb_recv(void *arg, struct udp_pcb *pcb, struct pbuf *p, const ip_addr_t *addr,
			u16_t port)
{
	struct inet_sock *is = arg;
	struct inet_dgram *d;

	if (!is || is->shut_rd || is->dq_bytes + p->tot_len > (u32)is->rcvbuf) {
		pbuf_free(p); /* full: dropped like on Linux */
		return;
	}
	d = kmalloc(sizeof(*d));
	if (!d) {
		pbuf_free(p);
		return;
	}
	d->next = NULL;
	d->p = p;
	ip_addr_copy(d->from, *addr);
	d->port = port;
	if (is->dq_tail)
		is->dq_tail->next = d;
	else
		is->dq_head = d;
	is->dq_tail = d;
	is->dq_bytes += p->tot_len;
	poll_head_wake(&is->rd);
}

int inet_udp_init(struct inet_sock *is)
{
	struct udp_pcb *pcb =
	    udp_new_ip_type(is->family == AF_INET ? IPADDR_TYPE_V4 : IPADDR_TYPE_ANY);

	if (!pcb)
		return -ENOMEM;
	is->pcb.udp = pcb;
	is->state = INET_NEW;
	udp_recv(pcb, udp_cb_recv, is);
	inet_sync_opts(is);
	return 0;
}

static int udp_bind_op(struct socket *s, const void *addr, u32 len)
{
	struct inet_sock *is = udp_is(s);
	ip_addr_t ip;
	u16 port;
	int err;
	err_t e;

	if (is->bound)
		return -EINVAL;
	err = inet_bind_addr(is, addr, len, &ip, &port);
	if (err)
		return err;
	inet_sync_opts(is);
	e = udp_bind(is->pcb.udp, &ip, port);
	if (e != ERR_OK)
		return e == ERR_USE ? -EADDRINUSE : inet_errno(e);
	is->bound = true;
	return 0;
}

static int udp_listen_op(struct socket *s, int backlog)
{
	return -EOPNOTSUPP;
}

static int udp_accept_op(struct socket *s, struct socket **out, void *addr, u32 *addrlen)
{
	return -EOPNOTSUPP;
}

static int udp_connect_op(struct socket *s, const void *addr, u32 len)
{
	struct inet_sock *is = udp_is(s);
	ip_addr_t ip;
	u16 port, fam = 0;
	err_t e;
	int err;

	if (len >= 2)
		memcpy(&fam, addr, 2);
	if (len >= 2 && fam == AF_UNSPEC) { /* dissolve the association */
		if (is->state == INET_CONNECTED)
			udp_disconnect(is->pcb.udp);
		is->state = INET_NEW;
		return 0;
	}
	err = inet_addr_in(is, addr, len, &ip, &port);
	if (err)
		return err;
	if (ip_addr_isany(&ip)) {
		if (IP_IS_V4(&ip))
			ip_addr_set_loopback(0, &ip);
		else
			ip_addr_set_loopback(1, &ip);
	}
	ip_addr_t src;

	/* like Linux: no route or no usable source address (IPv6 still in
	 * duplicate address detection, no DHCP answer yet) fails now */
	if (!inet_source_addr(&ip, &src) || ip_addr_isany(&src))
		return -ENETUNREACH;
	inet_sync_opts(is);
	e = udp_connect(is->pcb.udp, &ip, port);
	if (e != ERR_OK)
		return e == ERR_USE ? -EADDRINUSE : inet_errno(e);
	is->state = INET_CONNECTED;
	is->bound = true;
	ip_addr_copy(is->peer, ip);
	is->peer_port = port;
	return 0;
}

static s64 udp_sendmsg_op(struct socket *s, struct sock_msg *m, int flags)
{
	struct inet_sock *is = udp_is(s);
	u64 total = sock_msg_len(m);
	struct pbuf *p;
	ip_addr_t ip;
	u16 port;
	err_t e;
	int err;

	if (is->err) {
		err = is->err;
		is->err = 0;
		return -err;
	}
	if (is->shut_wr)
		return -EPIPE;
	if (m->addrlen) {
		err = inet_addr_in(is, m->addr, m->addrlen, &ip, &port);
		if (err)
			return err;
		if (!port)
			return -EINVAL;
		if (ip_addr_isany(&ip)) {
			if (IP_IS_V4(&ip))
				ip_addr_set_loopback(0, &ip);
			else
				ip_addr_set_loopback(1, &ip);
		}
	} else if (is->state == INET_CONNECTED) {
		ip_addr_copy(ip, is->peer);
		port = is->peer_port;
	} else {
		return -EDESTADDRREQ;
	}
	if (total > (IP_IS_V4(&ip) ? UDP_MAX_V4 : UDP_MAX_V6))
		return -EMSGSIZE;
	if (IP_IS_V4(&ip) && !(is->opts & INET_O_BROADCAST)) {
		struct netif *n = ip4_route(ip_2_ip4(&ip));

		if (ip4_addr_isbroadcast(ip_2_ip4(&ip), n))
			return -EACCES;
	}
	p = pbuf_alloc(PBUF_TRANSPORT, (u16)total, PBUF_RAM);
	if (!p)
		return -ENOBUFS;
	if (sock_msg_get(m, 0, p->payload, total)) {
		pbuf_free(p);
		return -EFAULT;
	}
	inet_sync_opts(is);
	e = udp_sendto(is->pcb.udp, p, &ip, port);
	pbuf_free(p);
	if (e == ERR_OK)
		is->bound = true;
	inet_flush();
	if (e == ERR_VAL)
		return IP_IS_V4(&ip) && is->family == AF_INET6 && (is->opts & INET_O_V6ONLY)
			   ? -ENETUNREACH
			   : -EINVAL;
	return e == ERR_OK ? (s64)total : inet_errno(e);
}

static s64 udp_recvmsg_op(struct socket *s, struct sock_msg *m, int flags)
{
	struct inet_sock *is = udp_is(s);
	u64 total = sock_msg_len(m), deadline = 0;
	struct inet_dgram *d;
	u64 n, off = 0;
	int r;

	m->controllen = 0;
	if (flags & MSG_OOB)
		return -EOPNOTSUPP;
	while (!is->dq_head) {
		if (is->err) {
			r = is->err;
			is->err = 0;
			return -r;
		}
		if (is->shut_rd)
			return 0;
		if (socket_nonblock(s, flags))
			return -EAGAIN;
		r = inet_wait(s, &is->rd, false, &deadline);
		if (r)
			return r;
	}
	d = is->dq_head;
	n = d->p->tot_len < total ? d->p->tot_len : total;
	for (struct pbuf *q = d->p; q && off < n; q = q->next) {
		u64 c = q->len < n - off ? q->len : n - off;

		if (sock_msg_put(m, off, q->payload, c))
			return -EFAULT;
		off += c;
	}
	m->addrlen = SOCK_ADDR_MAX;
	inet_addr_out(is, &d->from, d->port, m->addr, &m->addrlen);
	m->flags_out = d->p->tot_len > total ? MSG_TRUNC : 0;
	if (flags & MSG_TRUNC)
		n = d->p->tot_len;
	if (!(flags & MSG_PEEK)) {
		is->dq_head = d->next;
		if (!is->dq_head)
			is->dq_tail = NULL;
		is->dq_bytes -= d->p->tot_len;
		pbuf_free(d->p);
		kfree(d);
	}
	return (s64)n;
}

static int udp_shutdown_op(struct socket *s, int how)
{
	struct inet_sock *is = udp_is(s);

	if (how < SHUT_RD || how > SHUT_RDWR)
		return -EINVAL;
	if (is->state != INET_CONNECTED)
		return -ENOTCONN;
	if (how != SHUT_WR)
		is->shut_rd = true;
	if (how != SHUT_RD)
		is->shut_wr = true;
	poll_head_wake(&is->rd);
	poll_head_wake(&is->wr);
	return 0;
}

static int udp_getname_op(struct socket *s, void *addr, u32 *len, bool peer)
{
	struct inet_sock *is = udp_is(s);
	struct udp_pcb *pcb = is->pcb.udp;
	ip_addr_t local;

	if (peer) {
		if (is->state != INET_CONNECTED)
			return -ENOTCONN;
		inet_addr_out(is, &is->peer, is->peer_port, addr, len);
		return 0;
	}
	ip_addr_copy(local, pcb->local_ip);
	/* connected but bound to any: the address the route would use, as
	 * Linux reports it */
	if (is->state == INET_CONNECTED && ip_addr_isany(&local))
		inet_source_addr(&is->peer, &local);
	inet_addr_out(is, &local, pcb->local_port, addr, len);
	return 0;
}

static int udp_setsockopt_op(struct socket *s, int level, int name, const void *val, u32 len)
{
	bool handled;
	int err = inet_common_setsockopt(udp_is(s), level, name, val, len, &handled);

	return handled ? err : -ENOPROTOOPT;
}

static int udp_getsockopt_op(struct socket *s, int level, int name, void *val, u32 *len)
{
	bool handled;
	int err = inet_common_getsockopt(udp_is(s), level, name, val, len, &handled);

	return handled ? err : -ENOPROTOOPT;
}

static u32 udp_poll_op(struct socket *s, struct poll_table *pt)
{
	struct inet_sock *is = udp_is(s);
	u32 mask = POLLOUT | POLLWRNORM;

	poll_wait(pt, &is->rd, POLLIN | POLLRDNORM | POLLERR | POLLHUP | POLLRDHUP);
	poll_wait(pt, &is->wr, POLLOUT | POLLWRNORM | POLLERR);
	if (is->dq_head || is->shut_rd)
		mask |= POLLIN | POLLRDNORM;
	if (is->shut_rd && is->shut_wr)
		mask |= POLLHUP;
	if (is->err)
		mask |= POLLERR;
	return mask;
}

static int udp_ioctl_op(struct socket *s, u32 cmd, u64 uarg)
{
	struct inet_sock *is = udp_is(s);
	int v;

	switch (cmd) {
	case FIONREAD: /* the size of the next datagram, like Linux */
		v = is->dq_head ? is->dq_head->p->tot_len : 0;
		break;
	case SIOCOUTQ:
		v = 0;
		break;
	default:
		return -ENOTTY;
	}
	return copy_to_user(uarg, &v, sizeof(v)) ? -EFAULT : 0;
}

static void udp_release_op(struct socket *s)
{
	struct inet_sock *is = udp_is(s);
	struct inet_dgram *d;

	if (is->pcb.udp)
		udp_remove(is->pcb.udp);
	while ((d = is->dq_head)) {
		is->dq_head = d->next;
		pbuf_free(d->p);
		kfree(d);
	}
	inet_sock_free(is);
	s->priv = NULL;
}

const struct socket_ops inet_udp_ops = {
	.bind = udp_bind_op,
	.listen = udp_listen_op,
	.accept = udp_accept_op,
	.connect = udp_connect_op,
	.sendmsg = udp_sendmsg_op,
	.recvmsg = udp_recvmsg_op,
	.shutdown = udp_shutdown_op,
	.getname = udp_getname_op,
	.setsockopt = udp_setsockopt_op,
	.getsockopt = udp_getsockopt_op,
	.poll = udp_poll_op,
	.ioctl = udp_ioctl_op,
	.release = udp_release_op,
};
