/*
 * net/sock_inet.c - the AF_INET/AF_INET6 socket family, common part:
 * socket creation (TCP in sock_inet_tcp.c, UDP in sock_inet_udp.c),
 * sockaddr_in/sockaddr_in6 <-> lwIP addresses (IPv4 on a dual-stack
 * AF_INET6 socket appears as ::ffff:a.b.c.d like on Linux), iovec cursors
 * that copy between user buffers and pbufs, the blocking helper, the
 * loopback flush, and the SOL_SOCKET/IPPROTO_IP/IPPROTO_IPV6 options both
 * protocols share. Runs with interrupts off (see net/socket.h).
 * Layer: net. Callers: net/socket.c (inet_socket_create), the TCP/UDP
 * halves.
 */
#include "net/sock_inet.h"
#include "lwip/ip.h"
#include "lwip/ip4.h"
#include "lwip/ip6.h"
#include "lwip/netif.h"
#include "sys/signal.h"

#define INET_RMEM_DEFAULT 131072
#define INET_WMEM_DEFAULT 16384
#define INET_BUF_MAX	  (4 * 1024 * 1024)

struct sockaddr_in_k {
	u16 family;
	u16 port; /* network order */
	u32 addr; /* network order */
	u8 zero[8];
};
struct sockaddr_in6_k {
	u16 family;
	u16 port;
	u32 flowinfo;
	u8 addr[16];
	u32 scope_id;
};
_Static_assert(sizeof(struct sockaddr_in_k) == 16, "sockaddr_in");
_Static_assert(sizeof(struct sockaddr_in6_k) == 28, "sockaddr_in6");

/* ---- addresses ---- */

int inet_addr_in(const struct inet_sock *is, const void *sa, u32 len, ip_addr_t *ip, u16 *port)
{
	u16 fam;

	if (len < 2)
		return -EINVAL;
	memcpy(&fam, sa, 2);
	if (is->family == AF_INET) {
		struct sockaddr_in_k a;

		if (len < sizeof(a))
			return -EINVAL;
		if (fam != AF_INET)
			return -EAFNOSUPPORT;
		memcpy(&a, sa, sizeof(a));
		ip_addr_set_ip4_u32_val(*ip, a.addr);
		*port = lwip_ntohs(a.port);
		return 0;
	}
	struct sockaddr_in6_k a;
	static const u8 mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

	if (len < 24)
		return -EINVAL;
	if (fam != AF_INET6)
		return -EAFNOSUPPORT;
	memset(&a, 0, sizeof(a));
	memcpy(&a, sa, len < sizeof(a) ? len : sizeof(a));
	*port = lwip_ntohs(a.port);
	if (!memcmp(a.addr, mapped, 12)) {
		u32 v4;

		if (is->opts & INET_O_V6ONLY)
			return -ENETUNREACH;
		memcpy(&v4, a.addr + 12, 4);
		ip_addr_set_ip4_u32_val(*ip, v4);
		return 0;
	}
	memset(ip, 0, sizeof(*ip));
	IP_SET_TYPE_VAL(*ip, IPADDR_TYPE_V6);
	memcpy(ip_2_ip6(ip)->addr, a.addr, 16);
	ip6_addr_clear_zone(ip_2_ip6(ip));
	if (ip6_addr_islinklocal(ip_2_ip6(ip))) {
		if (!a.scope_id || len < sizeof(a))
			return -EINVAL;
		if (!netif_get_by_index((u8)a.scope_id) || a.scope_id > 255)
			return -ENODEV;
		ip6_addr_set_zone(ip_2_ip6(ip), (u8)a.scope_id);
	}
	return 0;
}

void inet_addr_out(const struct inet_sock *is, const ip_addr_t *ip, u16 port, void *sa, u32 *len)
{
	u32 room = *len;

	if (is->family == AF_INET) {
		struct sockaddr_in_k a = {.family = AF_INET, .port = lwip_htons(port)};

		if (ip && IP_IS_V4(ip))
			a.addr = ip4_addr_get_u32(ip_2_ip4(ip));
		memcpy(sa, &a, room < sizeof(a) ? room : sizeof(a));
		*len = sizeof(a);
		return;
	}
	struct sockaddr_in6_k a = {.family = AF_INET6, .port = lwip_htons(port)};

	if (ip && IP_IS_V4(ip) && !(IP_IS_ANY_TYPE_VAL(*ip))) {
		u32 v4 = ip4_addr_get_u32(ip_2_ip4(ip));

		if (v4 || (is->opts & INET_O_V6ONLY) == 0) {
			a.addr[10] = a.addr[11] = 0xff;
			memcpy(a.addr + 12, &v4, 4);
		}
		if (!v4) /* IPv4 any on a v6 socket: :: */
			memset(a.addr, 0, 16);
	} else if (ip && IP_IS_V6(ip)) {
		memcpy(a.addr, ip_2_ip6(ip)->addr, 16);
		if (ip6_addr_islinklocal(ip_2_ip6(ip)) && ip6_addr_has_zone(ip_2_ip6(ip)))
			a.scope_id = ip6_addr_zone(ip_2_ip6(ip));
	}
	memcpy(sa, &a, room < sizeof(a) ? room : sizeof(a));
	*len = sizeof(a);
}

bool inet_source_addr(const ip_addr_t *dst, ip_addr_t *src)
{
	if (IP_IS_V4(dst)) {
		struct netif *n = ip4_route(ip_2_ip4(dst));

		if (!n)
			return false;
		ip_addr_copy_from_ip4(*src, *netif_ip4_addr(n));
		return true;
	}
	struct netif *n = ip6_route(IP6_ADDR_ANY6, ip_2_ip6(dst));
	const ip_addr_t *s;

	if (!n)
		return false;
	s = ip6_select_source_address(n, ip_2_ip6(dst));
	if (!s)
		return false;
	ip_addr_copy(*src, *s);
	return true;
}

void inet_flush(void)
{
	netif_poll_all();
}

/* ---- creation ---- */

struct inet_sock *inet_sock_new(int family, int type)
{
	struct inet_sock *is = kzalloc(sizeof(*is));

	if (!is)
		return NULL;
	is->family = family;
	is->type = type;
	poll_head_init(&is->rd);
	poll_head_init(&is->wr);
	is->rcvbuf = INET_RMEM_DEFAULT;
	is->sndbuf = type == SOCK_STREAM ? INET_WMEM_DEFAULT : 212992;
	is->keep_idle = 7200;
	is->keep_intvl = 75;
	is->keep_cnt = 9;
	is->ttl = 64;
	return is;
}

void inet_sock_free(struct inet_sock *is)
{
	kfree(is);
}

int inet_socket_create(int family, int type, int protocol, struct socket **out)
{
	const struct socket_ops *ops;
	struct inet_sock *is;
	struct socket *s;
	int err;

	if (family != AF_INET && family != AF_INET6)
		return -EAFNOSUPPORT;
	if (type == SOCK_STREAM) {
		if (protocol && protocol != IPPROTO_TCP)
			return -EPROTONOSUPPORT;
		ops = &inet_tcp_ops;
		protocol = IPPROTO_TCP;
	} else if (type == SOCK_DGRAM) {
		if (protocol && protocol != IPPROTO_UDP)
			return -EPROTONOSUPPORT;
		ops = &inet_udp_ops;
		protocol = IPPROTO_UDP;
	} else if (type == SOCK_RAW) {
		return -EPROTONOSUPPORT;
	} else {
		return -ESOCKTNOSUPPORT;
	}
	net_stack_use();
	is = inet_sock_new(family, type);
	if (!is)
		return -ENOMEM;
	err = type == SOCK_STREAM ? inet_tcp_init(is) : inet_udp_init(is);
	if (err)
		goto out_free;
	s = socket_alloc(family, type, protocol, ops);
	if (!s) {
		err = -ENOMEM;
		goto out_release;
	}
	s->priv = is;
	is->sock = s;
	*out = s;
	return 0;

out_release:
	if (type == SOCK_STREAM)
		tcp_abort(is->pcb.tcp);
	else
		udp_remove(is->pcb.udp);
out_free:
	inet_sock_free(is);
	return err;
}

/* ---- options ---- */

int inet_opt_int(const void *val, u32 len, int *out)
{
	if (len < sizeof(int)) {
		if (len == 1) { /* Linux takes a char for some boolean options */
			*out = *(const u8 *)val;
			return 0;
		}
		return -EINVAL;
	}
	memcpy(out, val, sizeof(int));
	return 0;
}

int inet_opt_put_int(void *val, u32 *len, int v)
{
	u32 n = *len < sizeof(int) ? *len : sizeof(int);

	memcpy(val, &v, n);
	*len = n;
	return 0;
}

static void inet_opt_flag(struct inet_sock *is, u32 flag, int v)
{
	if (v)
		is->opts |= flag;
	else
		is->opts &= ~flag;
}

/* push the flags the pcb carries (ip_pcb is the common head of tcp_pcb,
 * tcp_pcb_listen and udp_pcb) */
static void inet_apply(struct inet_sock *is)
{
	struct ip_pcb *p = (struct ip_pcb *)is->pcb.tcp;

	if (!p)
		return;
	p->so_options &= (u8) ~(SOF_REUSEADDR | SOF_KEEPALIVE | SOF_BROADCAST);
	if (is->opts & (INET_O_REUSEADDR | INET_O_REUSEPORT))
		p->so_options |= SOF_REUSEADDR;
	if (is->opts & INET_O_BROADCAST)
		p->so_options |= SOF_BROADCAST;
	if (is->opts & INET_O_KEEPALIVE)
		p->so_options |= SOF_KEEPALIVE;
	p->ttl = (u8)is->ttl;
	p->tos = (u8)is->tos;
}

int inet_common_setsockopt(struct inet_sock *is, int level, int name, const void *val, u32 len,
			   bool *handled)
{
	int v = 0, err;

	*handled = true;
	if (level == SOL_SOCKET) {
		switch (name) {
		case SO_LINGER: {
			int l[2];

			if (len < sizeof(l))
				return -EINVAL;
			memcpy(l, val, sizeof(l));
			inet_opt_flag(is, INET_O_LINGER, l[0]);
			is->linger_secs = l[1] < 0 ? 0 : l[1];
			return 0;
		}
		}
		err = inet_opt_int(val, len, &v);
		if (err)
			return err;
		switch (name) {
		case SO_REUSEADDR:
			inet_opt_flag(is, INET_O_REUSEADDR, v);
			break;
		case SO_REUSEPORT:
			inet_opt_flag(is, INET_O_REUSEPORT, v);
			break;
		case SO_KEEPALIVE:
			inet_opt_flag(is, INET_O_KEEPALIVE, v);
			break;
		case SO_BROADCAST:
			inet_opt_flag(is, INET_O_BROADCAST, v);
			break;
		case SO_RCVBUF:
		case SO_RCVBUFFORCE:
			/* Linux doubles the value (bookkeeping overhead) */
			v = v < 1152 ? 2304 : v > INET_BUF_MAX / 2 ? INET_BUF_MAX : v * 2;
			is->rcvbuf = v;
			return 0;
		case SO_SNDBUF:
		case SO_SNDBUFFORCE:
			v = v < 2304 ? 4608 : v > INET_BUF_MAX / 2 ? INET_BUF_MAX : v * 2;
			is->sndbuf = v;
			return 0;
		case SO_DEBUG:
		case SO_DONTROUTE:
		case SO_OOBINLINE:
		case SO_PRIORITY:
		case SO_RCVLOWAT:
			return 0; /* accepted, no effect */
		case SO_TYPE:
		case SO_ERROR:
		case SO_PROTOCOL:
		case SO_DOMAIN:
		case SO_ACCEPTCONN:
			return -ENOPROTOOPT;
		default:
			return -ENOPROTOOPT;
		}
		inet_apply(is);
		return 0;
	}
	if (level == IPPROTO_IP) {
		err = inet_opt_int(val, len, &v);
		if (err)
			return err;
		switch (name) {
		case IP_TTL:
			if (v == -1)
				v = 64;
			if (v < 1 || v > 255)
				return -EINVAL;
			is->ttl = v;
			break;
		case IP_TOS:
			is->tos = v & 0xff;
			break;
		default:
			return -ENOPROTOOPT;
		}
		inet_apply(is);
		return 0;
	}
	if (level == IPPROTO_IPV6) {
		if (is->family != AF_INET6)
			return -ENOPROTOOPT;
		err = inet_opt_int(val, len, &v);
		if (err)
			return err;
		switch (name) {
		case IPV6_V6ONLY:
			if (is->bound || is->state != INET_NEW)
				return -EINVAL;
			inet_opt_flag(is, INET_O_V6ONLY, v);
			return 0;
		case IPV6_UNICAST_HOPS:
			if (v == -1)
				v = 64;
			if (v < 0 || v > 255)
				return -EINVAL;
			is->ttl = v;
			inet_apply(is);
			return 0;
		case IPV6_TCLASS:
			is->tos = v & 0xff;
			inet_apply(is);
			return 0;
		}
		return -ENOPROTOOPT;
	}
	*handled = false;
	return 0;
}

int inet_common_getsockopt(struct inet_sock *is, int level, int name, void *val, u32 *len,
			   bool *handled)
{
	*handled = true;
	if (level == SOL_SOCKET) {
		switch (name) {
		case SO_REUSEADDR:
			return inet_opt_put_int(val, len, !!(is->opts & INET_O_REUSEADDR));
		case SO_REUSEPORT:
			return inet_opt_put_int(val, len, !!(is->opts & INET_O_REUSEPORT));
		case SO_KEEPALIVE:
			return inet_opt_put_int(val, len, !!(is->opts & INET_O_KEEPALIVE));
		case SO_BROADCAST:
			return inet_opt_put_int(val, len, !!(is->opts & INET_O_BROADCAST));
		case SO_RCVBUF:
			return inet_opt_put_int(val, len, is->rcvbuf);
		case SO_SNDBUF:
			return inet_opt_put_int(val, len, is->sndbuf);
		case SO_TYPE:
			return inet_opt_put_int(val, len, is->type);
		case SO_PROTOCOL:
			return inet_opt_put_int(val, len,
						is->type == SOCK_STREAM ? IPPROTO_TCP : IPPROTO_UDP);
		case SO_DOMAIN:
			return inet_opt_put_int(val, len, is->family);
		case SO_ACCEPTCONN:
			return inet_opt_put_int(val, len, is->state == INET_LISTEN);
		case SO_ERROR: {
			int e = is->err;

			is->err = 0;
			return inet_opt_put_int(val, len, e);
		}
		case SO_LINGER: {
			int l[2] = {!!(is->opts & INET_O_LINGER), is->linger_secs};
			u32 n = *len < sizeof(l) ? *len : sizeof(l);

			memcpy(val, l, n);
			*len = n;
			return 0;
		}
		case SO_DEBUG:
		case SO_DONTROUTE:
		case SO_OOBINLINE:
		case SO_PRIORITY:
			return inet_opt_put_int(val, len, 0);
		case SO_RCVLOWAT:
		case SO_SNDLOWAT:
			return inet_opt_put_int(val, len, 1);
		}
		return -ENOPROTOOPT;
	}
	if (level == IPPROTO_IP) {
		if (name == IP_TTL)
			return inet_opt_put_int(val, len, is->ttl);
		if (name == IP_TOS)
			return inet_opt_put_int(val, len, is->tos);
		return -ENOPROTOOPT;
	}
	if (level == IPPROTO_IPV6) {
		if (is->family != AF_INET6)
			return -ENOPROTOOPT;
		if (name == IPV6_V6ONLY)
			return inet_opt_put_int(val, len, !!(is->opts & INET_O_V6ONLY));
		if (name == IPV6_UNICAST_HOPS)
			return inet_opt_put_int(val, len, is->ttl);
		if (name == IPV6_TCLASS)
			return inet_opt_put_int(val, len, is->tos);
		return -ENOPROTOOPT;
	}
	*handled = false;
	return 0;
}

void inet_sync_opts(struct inet_sock *is)
{
	inet_apply(is);
}

int inet_errno(err_t e)
{
	switch (e) {
	case ERR_OK:
		return 0;
	case ERR_MEM:
	case ERR_BUF:
		return -ENOBUFS;
	case ERR_TIMEOUT:
		return -ETIMEDOUT;
	case ERR_RTE:
		return -ENETUNREACH;
	case ERR_INPROGRESS:
		return -EINPROGRESS;
	case ERR_VAL:
	case ERR_ARG:
		return -EINVAL;
	case ERR_WOULDBLOCK:
		return -EAGAIN;
	case ERR_USE:
		return -EADDRINUSE;
	case ERR_ALREADY:
		return -EALREADY;
	case ERR_ISCONN:
		return -EISCONN;
	case ERR_CONN:
	case ERR_CLSD:
		return -ENOTCONN;
	case ERR_ABRT:
		return -ECONNABORTED;
	case ERR_RST:
		return -ECONNRESET;
	case ERR_IF:
		return -ENETDOWN;
	}
	return -EIO;
}

static bool inet_addr_is_local(const ip_addr_t *ip)
{
	struct netif *n;

	if (ip_addr_isany(ip))
		return true;
	if (IP_IS_V4(ip)) {
		if (ip4_addr_isloopback(ip_2_ip4(ip)))
			return true;
		NETIF_FOREACH(n)
		if (ip4_addr_cmp(ip_2_ip4(ip), netif_ip4_addr(n)))
			return true;
		return false;
	}
	NETIF_FOREACH(n)
	if (netif_get_ip6_addr_match(n, ip_2_ip6(ip)) >= 0)
		return true;
	return false;
}

int inet_bind_addr(struct inet_sock *is, const void *addr, u32 len, ip_addr_t *ip, u16 *port)
{
	int err = inet_addr_in(is, addr, len, ip, port);

	if (err == -ENETUNREACH) /* v4-mapped on an IPv6-only socket */
		return -EINVAL;
	if (err)
		return err;
	if (!inet_addr_is_local(ip))
		return -EADDRNOTAVAIL;
	if (is->family == AF_INET6 && IP_IS_V6(ip) && ip_addr_isany(ip) &&
	    !(is->opts & INET_O_V6ONLY))
		ip_addr_copy(*ip, *IP_ANY_TYPE);
	return 0;
}
