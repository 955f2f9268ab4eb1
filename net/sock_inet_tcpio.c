/*
 * net/sock_inet_tcpio.c - TCP sockets, the data path and options:
 * sendmsg copies the user's bytes into lwIP's send buffer (tcp_write,
 * waiting for space), recvmsg copies queued pbufs straight to the user
 * and gives the window back (tcp_recved) as it reads; MSG_PEEK,
 * MSG_DONTWAIT, MSG_WAITALL, MSG_MORE; IPPROTO_TCP options. The
 * connection side (callbacks, connect, listen, accept, poll, close) is
 * net/sock_inet_tcp.c. Interrupts off; blocks only in socket_wait.
 * Layer: net. Callers: net/socket.c through inet_tcp_ops.
 */
#include "net/sock_inet.h"
#include "sys/signal.h"

#define TCP_CHUNK_MAX 0xfff0u /* tcp_write takes a u16 length */
#define TCP_STACK_BUF 1024

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

/* after a read that emptied the queue: announce the reopened window now
 * when the peer was last told less than half of it. tcp_recved sends an
 * update only once the right edge moved by TCP_WND_UPDATE_THRESHOLD
 * (64000 bytes); without window scaling (QEMU's slirp) the window is
 * 65535, so the update waited until the sender had all but filled it
 * (and lost margin to one MSS). 100 MB host->guest streams: 15-43 MB/s
 * before, 34-59 after (host load differed; not a controlled A/B). */
static void tcp_window_update(struct inet_sock *is)
{
	struct tcp_pcb *pcb = is->pcb.tcp;

	if (!pcb || is->state != INET_CONNECTED || is->rx_bytes)
		return;
	if (pcb->rcv_ann_right_edge - pcb->rcv_nxt < pcb->rcv_wnd / 2 &&
	    pcb->rcv_ann_wnd == pcb->rcv_wnd) {
		tcp_set_flags(pcb, TF_ACK_NOW);
		tcp_output(pcb);
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

s64 inet_tcp_sendmsg(struct socket *s, struct sock_msg *m, int flags)
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
		return inet_tcp_take_err(is);
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
			ret = done ? (s64)done : is->err ? inet_tcp_take_err(is) : -EPIPE;
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

s64 inet_tcp_recvmsg(struct socket *s, struct sock_msg *m, int flags)
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
			return inet_tcp_take_err(is);
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
	if (done && !peek)
		tcp_window_update(is);
	inet_flush(); /* window updates to a looped-back sender */
	if (err && !done)
		return err;
	return (s64)done;
}

int inet_tcp_setsockopt(struct socket *s, int level, int name, const void *val, u32 len)
{
	struct inet_sock *is = tcp_is(s);
	bool handled;
	int v, err = inet_common_setsockopt(is, level, name, val, len, &handled);

	if (handled) {
		if (!err)
			inet_tcp_apply(is);
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
	inet_tcp_apply(is);
	return 0;
}

int inet_tcp_getsockopt(struct socket *s, int level, int name, void *val, u32 *len)
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
