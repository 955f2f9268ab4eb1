/*
 * net/sock_inet.h - internal interface of the AF_INET/AF_INET6 socket
 * family on lwIP's raw API: struct inet_sock (the family state behind a
 * struct socket), sockaddr <-> lwIP address conversion, the wait and
 * loopback-flush helpers, and what the TCP/UDP files share.
 * Locking: everything here runs with interrupts off (syscall side, lwIP
 * callbacks from the NIC interrupt and the net tick); the syscall side
 * blocks only in socket_wait on the socket's poll heads and re-checks.
 * Layer: net. Callers: net/sock_inet.c, net/sock_inet_tcp.c,
 * net/sock_inet_tcpio.c, net/sock_inet_udp.c.
 */
#ifndef NET_SOCK_INET_H
#define NET_SOCK_INET_H

#include "net/net.h"
#include "net/socket.h"
#include "lwip/tcp.h"
#include "lwip/udp.h"
#include "lwip/pbuf.h"

/* option numbers beyond net/socket.h's (Linux values) */
#define SO_PRIORITY	12
#define TCP_NODELAY	1
#define TCP_MAXSEG	2
#define TCP_CORK	3
#define TCP_KEEPIDLE	4
#define TCP_KEEPINTVL	5
#define TCP_KEEPCNT	6
#define TCP_DEFER_ACCEPT 9
#define TCP_QUICKACK	12
#define TCP_USER_TIMEOUT 18
#define TCP_FASTOPEN	23
#define IP_TOS		1
#define IP_TTL		2
#define IPV6_UNICAST_HOPS 16
#define IPV6_V6ONLY	26
#define IPV6_TCLASS	67


/* socket option flags (inet_sock.opts) */
#define INET_O_REUSEADDR (1u << 0)
#define INET_O_REUSEPORT (1u << 1)
#define INET_O_KEEPALIVE (1u << 2)
#define INET_O_BROADCAST (1u << 3)
#define INET_O_NODELAY	 (1u << 4)
#define INET_O_V6ONLY	 (1u << 5)
#define INET_O_LINGER	 (1u << 6)

/* TCP states as the socket sees them */
enum inet_state {
	INET_NEW,	 /* no connection yet (maybe bound) */
	INET_LISTEN,	 /* listening */
	INET_CONNECTING, /* SYN sent */
	INET_CONNECTED,	 /* established (maybe half closed) */
	INET_CLOSED,	 /* reset, timed out or failed: pcb gone */
};

/* one received datagram (UDP) */
struct inet_dgram {
	struct inet_dgram *next;
	struct pbuf *p;
	ip_addr_t from;
	u16 port;
};

struct inet_sock {
	struct socket *sock; /* NULL while queued on a listener */
	int family;	     /* AF_INET or AF_INET6 */
	int type;	     /* SOCK_STREAM or SOCK_DGRAM */
	union {
		struct tcp_pcb *tcp;
		struct tcp_pcb_listen *lis;
		struct udp_pcb *udp;
	} pcb;
	enum inet_state state;
	int err;  /* pending error (SO_ERROR), positive errno */
	u32 opts; /* INET_O_* */
	struct poll_head rd, wr;
	bool bound;
	bool shut_rd, shut_wr;
	bool rx_fin; /* TCP: the peer sent FIN */
	bool connect_pending; /* EINPROGRESS given, completion not reported */
	bool wr_full;	      /* TCP: a writer or poller found no send space */
	/* TCP: received data not read yet (chain linked by hand) */
	struct pbuf *rx_head, *rx_tail;
	u32 rx_off;   /* bytes of rx_head already read */
	u64 rx_bytes; /* queued bytes */
	u32 rx_unacked; /* read but not yet given back with tcp_recved */
	/* listener: connections ready for accept */
	struct inet_sock *aq_head, *aq_tail, *aq_next;
	int aq_len, backlog;
	struct inet_sock *listener; /* queued connection: its listener */
	/* addresses kept for getsockname/getpeername after the pcb is gone */
	ip_addr_t local, peer;
	u16 local_port, peer_port;
	/* UDP: datagram queue */
	struct inet_dgram *dq_head, *dq_tail;
	u32 dq_bytes;
	/* options kept for getsockopt */
	int rcvbuf, sndbuf;
	int linger_secs;
	u32 keep_idle, keep_intvl, keep_cnt; /* seconds / count */
	int ttl, tos;
};

/* sockaddr conversion; family: the socket's. *v4mapped: the address was
 * ::ffff:a.b.c.d (stored as IPv4). 0 or -errno */
int inet_addr_in(const struct inet_sock *is, const void *sa, u32 len, ip_addr_t *ip, u16 *port);
/* write the address in the socket's family (IPv4 on AF_INET6: mapped);
 * *len in: buffer size, out: full length */
void inet_addr_out(const struct inet_sock *is, const ip_addr_t *ip, u16 port, void *sa,
		   u32 *len);
/* a local address the stack would use to reach dst (for getsockname of a
 * connected UDP socket bound to any); false if no route */
bool inet_source_addr(const ip_addr_t *dst, ip_addr_t *src);

/* wait on head h (socket_wait: SO_RCVTIMEO/SO_SNDTIMEO, signals) */
static inline int inet_wait(struct socket *s, struct poll_head *h, bool send, u64 *deadline)
{
	return socket_wait(s, &h->q, send, deadline);
}
/* deliver frames looped back to the stack itself (127.0.0.1, ::1, own
 * addresses); call after syscall-side lwIP calls */
void inet_flush(void);

struct inet_sock *inet_sock_new(int family, int type);
void inet_sock_free(struct inet_sock *is);
/* push SO_REUSEADDR/KEEPALIVE/BROADCAST, TTL, TOS to the pcb */
void inet_sync_opts(struct inet_sock *is);
/* bind checks shared by TCP and UDP: the address must be local; IPv6 ::
 * on a dual-stack socket becomes lwIP's any-type address */
int inet_bind_addr(struct inet_sock *is, const void *addr, u32 len, ip_addr_t *ip, u16 *port);
/* lwIP err_t -> -errno */
int inet_errno(err_t e);
int inet_common_setsockopt(struct inet_sock *is, int level, int name, const void *val, u32 len,
			   bool *handled);
int inet_common_getsockopt(struct inet_sock *is, int level, int name, void *val, u32 *len,
			   bool *handled);

/* TCP (sock_inet_tcp.c: connections; sock_inet_tcpio.c: data, options) */
static inline struct inet_sock *tcp_is(struct socket *s)
{
	return s->priv;
}
/* free send buffer space (tcp_sndbuf() caps it at 64 KiB - 1) */
#define tcp_space(pcb) ((pcb)->snd_buf)
/* a pending error, reported once */
static inline int inet_tcp_take_err(struct inet_sock *is)
{
	int e = is->err;

	is->err = 0;
	return -e;
}
void inet_tcp_apply(struct inet_sock *is); /* options kept in the pcb */
bool inet_tcp_writable(const struct inet_sock *is);
s64 inet_tcp_sendmsg(struct socket *s, struct sock_msg *m, int flags);
s64 inet_tcp_recvmsg(struct socket *s, struct sock_msg *m, int flags);
int inet_tcp_setsockopt(struct socket *s, int level, int name, const void *val, u32 len);
int inet_tcp_getsockopt(struct socket *s, int level, int name, void *val, u32 *len);

extern const struct socket_ops inet_tcp_ops;
extern const struct socket_ops inet_udp_ops;
int inet_tcp_init(struct inet_sock *is);
int inet_udp_init(struct inet_sock *is);
/* copy an int option value in/out (Linux accepts len >= 4 for sets) */
int inet_opt_int(const void *val, u32 len, int *out);
int inet_opt_put_int(void *val, u32 *len, int v);

#endif
