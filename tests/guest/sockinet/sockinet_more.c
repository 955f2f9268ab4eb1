/*
 * sockinet_more.c - the AF_INET/AF_INET6 guest test, second half: UDP
 * over 127.0.0.1 and ::1, option round trips, bad arguments, and the
 * "nic" mode (the DHCP, link-local and SLAAC addresses seen through
 * getsockname of UDP sockets connected outward; nothing is sent), and a
 * slow TCP reader (odd-sized chunks, MSG_PEEK, MSG_WAITALL, pauses that
 * close the window) checking every byte of a large loopback transfer.
 * Layer: guest test program (tests/suites/73-inet). Caller: sockinet.c.
 */
#include "sockinet.h"

/* ---- UDP ---- */

void test_udp(int fam)
{
	struct sockaddr_storage ss, from;
	socklen_t l = lo_addr(fam, 0, &ss), fl = sizeof(from);
	int a = socket(fam, SOCK_DGRAM, 0), b = socket(fam, SOCK_DGRAM, 0), v = -1;
	char buf[2000], name[64];
	const char *f = fam == AF_INET ? "4" : "6";
	ssize_t r;

#define N(x) (snprintf(name, sizeof(name), "%s%s", x, f), name)
	CHECK_RET(N("udp_bind"), bind(a, (struct sockaddr *)&ss, l), 0);
	l = lo_addr(fam, port_of(a), &ss);
	CHECK_RET(N("udp_sendto"), sendto(b, "datagram-1", 10, 0, (struct sockaddr *)&ss, l), 10);
	CHECK_RET(N("udp_sendto2"), sendto(b, "dg2", 3, 0, (struct sockaddr *)&ss, l), 3);
	struct pollfd pf = {a, POLLIN, 0};

	CHECK(N("udp_pollin"), poll(&pf, 1, 2000) == 1 && (pf.revents & POLLIN), "revents %#x",
	      pf.revents);
	ioctl(a, FIONREAD, &v);
	CHECK(N("udp_fionread"), v == 10, "FIONREAD %d", v);
	r = recv(a, buf, 4, MSG_PEEK | MSG_TRUNC);
	CHECK(N("udp_peek_trunc"), r == 10 && !memcmp(buf, "data", 4), "ret %zd", r);
	r = recvfrom(a, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl);
	CHECK(N("udp_recvfrom"),
	      r == 10 && !memcmp(buf, "datagram-1", 10) && from.ss_family == fam &&
		  ((struct sockaddr_in *)&from)->sin_port == htons(port_of(b)),
	      "ret %zd family %d port %d (b %d)", r, from.ss_family,
	      ntohs(((struct sockaddr_in *)&from)->sin_port), port_of(b));
	struct iovec iov = {buf, 2};
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};

	r = recvmsg(a, &mh, 0);
	CHECK(N("udp_msg_trunc"), r == 2 && (mh.msg_flags & MSG_TRUNC), "ret %zd flags %#x", r,
	      mh.msg_flags);
	CHECK_ERR(N("udp_empty_eagain"), recv(a, buf, sizeof(buf), MSG_DONTWAIT), EAGAIN);
	/* connected pair */
	CHECK_RET(N("udp_connect"), connect(b, (struct sockaddr *)&ss, l), 0);
	CHECK_RET(N("udp_send_connected"), send(b, "c", 1, 0), 1);
	r = recv(a, buf, sizeof(buf), 0);
	CHECK(N("udp_recv_connected"), r == 1 && buf[0] == 'c', "ret %zd", r);
	memset(buf, 0x5a, 1500);
	l = sizeof(from);
	getsockname(b, (struct sockaddr *)&from, &l);
	CHECK_RET(N("udp_reply"), sendto(a, buf, 1500, 0, (struct sockaddr *)&from, l), 1500);
	r = recv(b, buf, sizeof(buf), 0);
	CHECK(N("udp_reply_recv"), r == 1500 && buf[1499] == 0x5a, "ret %zd", r);
	l = sizeof(from);
	CHECK_RET(N("udp_getpeername"), getpeername(b, (struct sockaddr *)&from, &l), 0);
	l = sizeof(from);
	CHECK_ERR(N("udp_getpeername_unconnected"), getpeername(a, (struct sockaddr *)&from, &l),
		  ENOTCONN);
	CHECK_ERR(N("udp_send_no_dest"), send(a, "x", 1, 0), EDESTADDRREQ);
	CHECK_ERR(N("udp_listen"), listen(a, 1), EOPNOTSUPP);
	static char huge[70000];

	CHECK_ERR(N("udp_emsgsize"), sendto(b, huge, sizeof(huge), 0, (struct sockaddr *)&ss,
					    sizeof(ss) < l ? sizeof(ss) : l),
		  EMSGSIZE);
	close(a);
	close(b);
#undef N
}

/* ---- options ---- */

static int get_int(int fd, int lvl, int opt)
{
	int v = -12345;
	socklen_t l = sizeof(v);

	if (getsockopt(fd, lvl, opt, &v, &l))
		return -999;
	return v;
}

void test_options(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0), u = socket(AF_INET6, SOCK_DGRAM, 0);
	int one = 1, zero = 0, v;
	struct linger lg = {1, 7}, lg2;
	socklen_t l;

#define RT(name, lvl, opt, val, want)                                                              \
	do {                                                                                       \
		int x = (val);                                                                     \
		setsockopt(fd, lvl, opt, &x, sizeof(x));                                           \
		v = get_int(fd, lvl, opt);                                                         \
		CHECK(name, (want), "got %d", v);                                                  \
	} while (0)
	CHECK("opt_type", get_int(fd, SOL_SOCKET, SO_TYPE) == SOCK_STREAM, "SO_TYPE");
	CHECK("opt_type_udp", get_int(u, SOL_SOCKET, SO_TYPE) == SOCK_DGRAM, "SO_TYPE");
	CHECK("opt_reuseaddr_default", get_int(fd, SOL_SOCKET, SO_REUSEADDR) == 0, "default");
	RT("opt_reuseaddr", SOL_SOCKET, SO_REUSEADDR, 1, v == 1);
	RT("opt_reuseport", SOL_SOCKET, SO_REUSEPORT, 1, v == 1);
	RT("opt_keepalive", SOL_SOCKET, SO_KEEPALIVE, 1, v == 1);
	RT("opt_keepalive_off", SOL_SOCKET, SO_KEEPALIVE, 0, v == 0);
	RT("opt_rcvbuf", SOL_SOCKET, SO_RCVBUF, 65536, v >= 65536);
	RT("opt_sndbuf", SOL_SOCKET, SO_SNDBUF, 65536, v >= 65536);
	RT("opt_nodelay", IPPROTO_TCP, TCP_NODELAY, 1, v == 1);
	RT("opt_keepidle", IPPROTO_TCP, TCP_KEEPIDLE, 30, v == 30);
	RT("opt_keepintvl", IPPROTO_TCP, TCP_KEEPINTVL, 5, v == 5);
	RT("opt_keepcnt", IPPROTO_TCP, TCP_KEEPCNT, 4, v == 4);
	CHECK("opt_error", get_int(fd, SOL_SOCKET, SO_ERROR) == 0, "SO_ERROR");
	CHECK("opt_acceptconn", get_int(fd, SOL_SOCKET, SO_ACCEPTCONN) == 0, "SO_ACCEPTCONN");
	setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	l = sizeof(lg2);
	getsockopt(fd, SOL_SOCKET, SO_LINGER, &lg2, &l);
	CHECK("opt_linger", l == sizeof(lg2) && lg2.l_onoff && lg2.l_linger == 7, "%d/%d len %u",
	      lg2.l_onoff, lg2.l_linger, l);
	CHECK_ERR("opt_keepidle_bad", setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &zero, sizeof(zero)),
		  EINVAL);
	CHECK_ERR("opt_unknown", setsockopt(fd, SOL_SOCKET, 9999, &one, sizeof(one)), ENOPROTOOPT);
	CHECK_ERR("opt_short", setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, 2), EINVAL);
	CHECK_ERR("opt_v6only_on_v4", setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)),
		  ENOPROTOOPT);
	CHECK_ERR("opt_efault", setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, GT_BAD, sizeof(int)),
		  EFAULT);
	CHECK("opt_broadcast_default", get_int(u, SOL_SOCKET, SO_BROADCAST) == 0, "default");
	setsockopt(u, SOL_SOCKET, SO_BROADCAST, &one, sizeof(one));
	CHECK("opt_broadcast", get_int(u, SOL_SOCKET, SO_BROADCAST) == 1, "SO_BROADCAST");
	CHECK("opt_v6only_default", get_int(u, IPPROTO_IPV6, IPV6_V6ONLY) == 0, "default");
	setsockopt(u, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	CHECK("opt_v6only_udp", get_int(u, IPPROTO_IPV6, IPV6_V6ONLY) == 1, "IPV6_V6ONLY");
	close(fd);
	close(u);
#undef RT
}

/* ---- bad arguments ---- */

void test_bad(void)
{
	struct sockaddr_storage ss;
	socklen_t l = lo_addr(AF_INET, 0, &ss);
	int p[2], fd, lfd, fd2;
	struct sockaddr_in6 a6 = {.sin6_family = AF_INET6, .sin6_addr = in6addr_loopback};

	pipe(p);
	CHECK_ERR("bad_ebadf_bind", bind(999, (struct sockaddr *)&ss, l), EBADF);
	CHECK_ERR("bad_ebadf_connect", connect(999, (struct sockaddr *)&ss, l), EBADF);
	CHECK_ERR("bad_enotsock_bind", bind(p[0], (struct sockaddr *)&ss, l), ENOTSOCK);
	CHECK_ERR("bad_enotsock_listen", listen(p[0], 1), ENOTSOCK);
	CHECK_ERR("bad_enotsock_getsockopt", getsockopt(p[0], SOL_SOCKET, SO_TYPE, &fd, &l),
		  ENOTSOCK);
	close(p[0]);
	close(p[1]);
	CHECK_ERR("bad_family", socket(12345, SOCK_STREAM, 0), EAFNOSUPPORT);
	CHECK_ERR("bad_protocol", socket(AF_INET, SOCK_STREAM, IPPROTO_UDP), EPROTONOSUPPORT);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	CHECK_ERR("bad_efault_bind", bind(fd, GT_BAD, sizeof(struct sockaddr_in)), EFAULT);
	CHECK_ERR("bad_efault_connect", connect(fd, GT_BAD, sizeof(struct sockaddr_in)), EFAULT);
	CHECK_ERR("bad_short_addr", bind(fd, (struct sockaddr *)&ss, 8), EINVAL);
	CHECK_ERR("bad_v6_on_v4", bind(fd, (struct sockaddr *)&a6, sizeof(a6)), EAFNOSUPPORT);
	CHECK_ERR("bad_connect_v6_on_v4", connect(fd, (struct sockaddr *)&a6, sizeof(a6)),
		  EAFNOSUPPORT);
	char b[4];

	CHECK_ERR("bad_recv_enotconn", recv(fd, b, sizeof(b), 0), ENOTCONN);
	l = sizeof(ss);
	CHECK_ERR("bad_getpeername_enotconn", getpeername(fd, (struct sockaddr *)&ss, &l),
		  ENOTCONN);
	CHECK_ERR("bad_send_unconnected_epipe", send(fd, b, 1, MSG_NOSIGNAL), EPIPE);
	CHECK_ERR("bad_accept_not_listening", accept(fd, NULL, NULL), EINVAL);
	/* a non-local address */
	struct sockaddr_in far = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(0xc0000201)};

	CHECK_ERR("bad_bind_nonlocal", bind(fd, (struct sockaddr *)&far, sizeof(far)),
		  EADDRNOTAVAIL);
	close(fd);
	/* address in use */
	lfd = listener(AF_INET, 1);
	fd2 = socket(AF_INET, SOCK_STREAM, 0);
	l = lo_addr(AF_INET, port_of(lfd), &ss);
	CHECK_ERR("bad_eaddrinuse", bind(fd2, (struct sockaddr *)&ss, l), EADDRINUSE);
	close(fd2);
	fd2 = socket(AF_INET, SOCK_DGRAM, 0);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	l = lo_addr(AF_INET, 0, &ss);
	bind(fd, (struct sockaddr *)&ss, l);
	l = lo_addr(AF_INET, port_of(fd), &ss);
	CHECK_ERR("bad_eaddrinuse_udp", bind(fd2, (struct sockaddr *)&ss, l), EADDRINUSE);
	CHECK_ERR("bad_bind_twice", bind(fd, (struct sockaddr *)&ss, l), EINVAL);
	close(fd);
	close(fd2);
	CHECK_ERR("bad_listen_twice_bind_port", ({
			  int f = socket(AF_INET, SOCK_STREAM, 0), one = 1;
			  setsockopt(f, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
			  l = lo_addr(AF_INET, port_of(lfd), &ss);
			  int r = bind(f, (struct sockaddr *)&ss, l);
			  if (!r)
				  r = listen(f, 1);
			  int e = errno;
			  close(f);
			  errno = e;
			  r;
		  }),
		  EADDRINUSE);
	close(lfd);
}

/* ---- NIC addresses (under monos with a user-net NIC) ---- */

static int name_after_connect(int fam, const char *dst, int scope, char *out, size_t outlen)
{
	struct sockaddr_storage ss = {0}, me;
	socklen_t l = sizeof(me);
	int fd = socket(fam, SOCK_DGRAM, 0), r;

	if (fam == AF_INET) {
		struct sockaddr_in *a = (struct sockaddr_in *)&ss;

		a->sin_family = AF_INET;
		a->sin_port = htons(53);
		inet_pton(AF_INET, dst, &a->sin_addr);
	} else {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;

		a->sin6_family = AF_INET6;
		a->sin6_port = htons(53);
		a->sin6_scope_id = scope;
		inet_pton(AF_INET6, dst, &a->sin6_addr);
	}
	r = connect(fd, (struct sockaddr *)&ss, fam == AF_INET ? sizeof(struct sockaddr_in)
							  : sizeof(struct sockaddr_in6));
	if (!r)
		r = getsockname(fd, (struct sockaddr *)&me, &l);
	if (!r)
		inet_ntop(fam,
			  fam == AF_INET ? (void *)&((struct sockaddr_in *)&me)->sin_addr
					 : (void *)&((struct sockaddr_in6 *)&me)->sin6_addr,
			  out, outlen);
	close(fd);
	return r;
}

void test_nic(void)
{
	char a4[64] = "", ll[64] = "", sl[64] = "";
	int r = -1;

	/* DHCP finishes within milliseconds; IPv6 link-local after DAD
	 * (~1-2 s), SLAAC after the router advertisement */
	for (int i = 0; i < 100 && r; i++) {
		r = name_after_connect(AF_INET, "10.0.2.2", 0, a4, sizeof(a4));
		if (!r && !strcmp(a4, "0.0.0.0"))
			r = -1;
		if (r)
			msleep(100);
	}
	CHECK("nic_ipv4_getsockname", !r && !strncmp(a4, "10.0.2.", 7), "ret %d addr %s", r, a4);
	printf("nic ipv4 %s\n", a4);
	r = -1;
	for (int i = 0; i < 100 && r; i++) {
		r = name_after_connect(AF_INET6, "fe80::2", 2, ll, sizeof(ll));
		if (r)
			msleep(100);
	}
	CHECK("nic_ipv6_linklocal", !r && !strncmp(ll, "fe80::", 6), "ret %d (%s) addr %s", r,
	      r ? strerror(errno) : "", ll);
	printf("nic ipv6 link-local %s\n", ll);
	r = -1;
	for (int i = 0; i < 100 && (r || strncmp(sl, "fec0::", 6)); i++) {
		/* until the router advertisement: the link-local source */
		r = name_after_connect(AF_INET6, "fec0::2", 0, sl, sizeof(sl));
		if (r || strncmp(sl, "fec0::", 6))
			msleep(100);
	}
	CHECK("nic_ipv6_slaac", !r && !strncmp(sl, "fec0::", 6), "ret %d (%s) addr %s", r,
	      r ? strerror(errno) : "", sl);
	printf("nic ipv6 slaac %s\n", sl);

	/* TCP to the guest's own DHCP address */
	int lfd = socket(AF_INET, SOCK_STREAM, 0), c = -1, s = -1;
	struct sockaddr_in me = {.sin_family = AF_INET};

	inet_pton(AF_INET, a4, &me.sin_addr);
	bind(lfd, (struct sockaddr *)&me, sizeof(me));
	listen(lfd, 4);
	me.sin_port = htons(port_of(lfd));
	c = socket(AF_INET, SOCK_STREAM, 0);
	r = connect(c, (struct sockaddr *)&me, sizeof(me));
	if (!r)
		s = accept(lfd, NULL, NULL);
	char b[8] = "";

	if (s >= 0) {
		write(c, "own", 3);
		read(s, b, sizeof(b));
	}
	CHECK("nic_tcp_to_own_address", !r && s >= 0 && !memcmp(b, "own", 3), "connect %d %s",
	      r, strerror(errno));
	close(s);
	close(c);
	close(lfd);
}

/* gtest.h's counters are per file: main adds this file's failures */
int sockinet_more_failed(void)
{
	return gt_failed;
}

/* ---- a slow reader in odd-sized chunks with MSG_PEEK and MSG_WAITALL ----
 * The receive window closes while the reader sleeps and must reopen as it
 * reads (a missing window update stalls the writer for good: the reader's
 * SO_RCVTIMEO turns that into a failure); every byte is checked. */
struct slow_arg {
	int fd;
	size_t n;
	int err;
};

static void *slow_writer(void *p)
{
	struct slow_arg *a = p;
	size_t cap = 96 * 1024 + 13, off = 0;
	unsigned char *buf = malloc(cap);

	while (buf && off < a->n) {
		size_t c = a->n - off < cap ? a->n - off : cap;

		for (size_t j = 0; j < c; j++)
			buf[j] = pat(off + j);
		if (write_full(a->fd, buf, c) < 0) {
			a->err = errno;
			break;
		}
		off += c;
	}
	if (!buf)
		a->err = ENOMEM;
	shutdown(a->fd, SHUT_WR);
	free(buf);
	return NULL;
}

void test_slow_reader(const char *name, int fam, size_t n)
{
	static const size_t sizes[] = {1, 7, 333, 1460, 4097, 16001, 65537, 3, 200003};
	struct slow_arg a = {-1, n, 0};
	struct timeval tv = {20, 0};
	size_t got = 0, bad_at = (size_t)-1, peeks = 0, waitall_short = 0;
	int lfd = listener(fam, 1), cfd = -1, stalled = 0;
	unsigned char *buf = malloc(200003), *pbuf = malloc(200003);
	pthread_t th;

	if (lfd >= 0)
		cfd = connect_to(fam, port_of(lfd));
	if (cfd >= 0)
		a.fd = accept(lfd, NULL, NULL);
	if (!buf || !pbuf || a.fd < 0) {
		CHECK(name, 0, "setup: listener %d, client %d, accepted %d: %s", lfd, cfd, a.fd,
		      strerror(errno));
		goto out;
	}
	setsockopt(cfd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	pthread_create(&th, NULL, slow_writer, &a);
	for (unsigned i = 0;; i++) {
		size_t want = sizes[i % (sizeof(sizes) / sizeof(sizes[0]))];
		int flags = i % 7 == 3 ? MSG_WAITALL : 0;
		ssize_t r;

		if (i % 5 == 0) { /* peek, then the read must return the same bytes */
			r = recv(cfd, pbuf, want, MSG_PEEK);
			if (r > 0) {
				peeks++;
				for (ssize_t k = 0; k < r && bad_at == (size_t)-1; k++)
					if (pbuf[k] != pat(got + k))
						bad_at = got + k;
			}
		}
		r = recv(cfd, buf, want, flags);
		if (r == 0)
			break;
		if (r < 0) {
			stalled = errno;
			break;
		}
		if (flags && (size_t)r != want && got + r != n)
			waitall_short++;
		for (ssize_t k = 0; k < r && bad_at == (size_t)-1; k++)
			if (buf[k] != pat(got + k))
				bad_at = got + k;
		got += r;
		if (i % 97 == 0)
			msleep(i % 3 ? 2 : 30); /* let the sender fill the window */
	}
	pthread_join(th, NULL);
	CHECK(name, got == n && bad_at == (size_t)-1 && !stalled && !a.err && !waitall_short,
	      "got %zu of %zu bytes, first wrong byte at %zd, recv error '%s', writer error '%s', "
	      "%zu short MSG_WAITALL reads, %zu peeks",
	      got, n, bad_at == (size_t)-1 ? (ssize_t)-1 : (ssize_t)bad_at,
	      stalled ? strerror(stalled) : "none", a.err ? strerror(a.err) : "none", waitall_short,
	      peeks);
out:
	free(buf);
	free(pbuf);
	if (a.fd >= 0)
		close(a.fd);
	if (cfd >= 0)
		close(cfd);
	if (lfd >= 0)
		close(lfd);
}

/*
 * "txflood N": N UDP datagrams (60..1472 bytes) to 10.0.2.2:9 as fast as
 * the transmit ring takes them (QEMU's slirp drops them under restrict=on,
 * but the NIC consumes every frame). The transmit ring fills and drains
 * thousands of times, each drain a chance for a lost notification (the
 * device idle with frames made available); the suite fails the run when
 * the kernel log shows the net tick's watchdog re-notifying ("tx queue
 * stalled"), and this checks that every datagram was taken and that the
 * run did not crawl.
 */
void test_txflood(long n)
{
	static char buf[1472];
	char a4[64] = "";
	int r = -1, fd;
	long sent = 0, full = 0, bad = 0;
	double t0, dt;
	struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(9)};

	for (int i = 0; i < 100 && r; i++) { /* wait for the DHCP address */
		r = name_after_connect(AF_INET, "10.0.2.2", 0, a4, sizeof(a4));
		if (!r && !strcmp(a4, "0.0.0.0"))
			r = -1;
		if (r)
			msleep(100);
	}
	CHECK("txflood_ipv4", !r, "no address: ret %d addr %s", r, a4);
	if (r)
		return;
	inet_pton(AF_INET, "10.0.2.2", &to.sin_addr);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&to, sizeof(to))) {
		CHECK("txflood_socket", 0, "socket/connect: %s", strerror(errno));
		return;
	}
	memset(buf, 0x5a, sizeof(buf));
	t0 = now_s();
	while (sent < n && now_s() - t0 < 120) {
		size_t len = 60 + (size_t)(sent * 397) % (sizeof(buf) - 60);
		ssize_t w = send(fd, buf, len, 0);

		if (w == (ssize_t)len) {
			sent++;
		} else if (w < 0 && (errno == ENOBUFS || errno == EAGAIN || errno == ENOMEM)) {
			full++; /* ring full: the device has not caught up yet */
			sched_yield();
		} else {
			bad++;
			if (bad > 10)
				break;
		}
	}
	dt = now_s() - t0;
	CHECK("txflood_all_sent", sent == n && !bad, "%ld of %ld datagrams sent, %ld errors (last %s)",
	      sent, n, bad, strerror(errno));
	printf("figure txflood: %ld datagrams in %.2f s (%.0f/s), ring full %ld times\n", sent, dt,
	       dt > 0 ? sent / dt : 0.0, full);
	close(fd);
}
