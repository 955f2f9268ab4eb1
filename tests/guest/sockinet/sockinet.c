/*
 * sockinet.c - AF_INET/AF_INET6 socket checks (tests/suites/73-inet):
 * TCP echo over 127.0.0.1 and ::1 between threads with every byte checked
 * (a multi-megabyte transfer), dual-stack and IPv6-only listeners,
 * blocking and non-blocking connect (EINPROGRESS, SO_ERROR), the listen
 * backlog, MSG_PEEK/DONTWAIT/WAITALL, shutdown, FIONREAD/SIOCOUTQ, an
 * epoll server with 200 connections (level and edge triggered), UDP over
 * both loopbacks, option round trips and bad arguments. Every assertion
 * is Linux's: the suite runs the program natively first.
 * Modes (argv[1]): none = the loopback checks; "nic" = the addresses of a
 * QEMU user-net NIC seen through getsockname of UDP sockets connected
 * outward (no packet is sent anywhere but to the guest itself);
 * "bench" = only the throughput figures; "txflood N" = N UDP datagrams
 * out of the NIC as fast as its transmit ring takes them (sockinet_more.c).
 * Layer: guest test program (static, glibc and musl).
 */
#include "sockinet.h"

/* ---- TCP echo between threads ---- */

struct echo_arg {
	int lfd;
	long echoed;
	char peer[64];
};

static void *echo_server(void *p)
{
	struct echo_arg *a = p;
	struct sockaddr_storage ss;
	socklen_t l = sizeof(ss);
	char buf[65536];
	int c = accept(a->lfd, (struct sockaddr *)&ss, &l);
	ssize_t r;

	if (c < 0)
		return NULL;
	if (ss.ss_family == AF_INET6)
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, a->peer,
			  sizeof(a->peer));
	else
		inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, a->peer,
			  sizeof(a->peer));
	while ((r = read(c, buf, sizeof(buf))) > 0) {
		if (write_full(c, buf, r) < 0)
			break;
		a->echoed += r;
	}
	close(c);
	return NULL;
}

struct writer_arg {
	int fd;
	size_t n;
	size_t chunk;
	int ok;
};

static void *pattern_writer(void *p)
{
	struct writer_arg *w = p;
	unsigned char *buf = malloc(w->chunk);
	size_t off = 0;

	w->ok = 0;
	while (off < w->n) {
		size_t c = w->n - off < w->chunk ? w->n - off : w->chunk;

		for (size_t i = 0; i < c; i++)
			buf[i] = pat(off + i);
		if (write_full(w->fd, buf, c) < 0) {
			free(buf);
			return NULL;
		}
		off += c;
	}
	shutdown(w->fd, SHUT_WR);
	free(buf);
	w->ok = 1;
	return NULL;
}

static void test_echo(const char *name, int fam, size_t n)
{
	struct echo_arg a = {.lfd = listener(fam, 8)};
	struct writer_arg w = {.n = n, .chunk = 7777};
	pthread_t st, wt;
	char cname[64];
	size_t got = 0, bad = (size_t)-1;
	unsigned char buf[40000];
	ssize_t r;
	int c;

	snprintf(cname, sizeof(cname), "%s_listen", name);
	if (!CHECK(cname, a.lfd >= 0, "listener: %s", strerror(errno)))
		return;
	pthread_create(&st, NULL, echo_server, &a);
	c = connect_to(fam, port_of(a.lfd));
	snprintf(cname, sizeof(cname), "%s_connect", name);
	if (!CHECK(cname, c >= 0, "connect: %s", strerror(errno))) {
		close(a.lfd);
		pthread_cancel(st);
		return;
	}
	w.fd = c;
	pthread_create(&wt, NULL, pattern_writer, &w);
	while ((r = read(c, buf, sizeof(buf))) > 0) {
		for (ssize_t i = 0; i < r && bad == (size_t)-1; i++)
			if (buf[i] != pat(got + i))
				bad = got + i;
		got += r;
	}
	pthread_join(wt, NULL);
	pthread_join(st, NULL);
	snprintf(cname, sizeof(cname), "%s_bytes", name);
	CHECK(cname, got == n && bad == (size_t)-1 && w.ok && a.echoed == (long)n,
	      "got %zu of %zu, first bad byte %zd, writer ok %d, echoed %ld", got, n,
	      (ssize_t)bad, w.ok, a.echoed);
	snprintf(cname, sizeof(cname), "%s_peer", name);
	CHECK(cname, !strcmp(a.peer, fam == AF_INET ? "127.0.0.1" : "::1"), "peer %s", a.peer);
	close(c);
	close(a.lfd);
}

/* one-way throughput: a sink thread reads n bytes */
struct sink_arg {
	int lfd;
	long got;
};

static void *sink(void *p)
{
	struct sink_arg *a = p;
	static char buf[262144];
	int c = accept(a->lfd, NULL, NULL);
	ssize_t r;

	while (c >= 0 && (r = read(c, buf, sizeof(buf))) > 0)
		a->got += r;
	if (c >= 0)
		close(c);
	return NULL;
}

static void throughput(const char *name, int fam, size_t n)
{
	struct sink_arg a = {.lfd = listener(fam, 4)};
	static char buf[262144];
	pthread_t t;
	size_t sent = 0;
	double t0;
	int c;

	if (a.lfd < 0)
		return;
	pthread_create(&t, NULL, sink, &a);
	c = connect_to(fam, port_of(a.lfd));
	if (c < 0) {
		pthread_cancel(t);
		return;
	}
	memset(buf, 'x', sizeof(buf));
	t0 = now_s();
	while (sent < n) {
		ssize_t r = write(c, buf, sizeof(buf));

		if (r <= 0)
			break;
		sent += r;
	}
	close(c);
	pthread_join(t, NULL);
	double dt = now_s() - t0;

	CHECK(name, a.got == (long)n, "sink got %ld of %zu", a.got, n);
	printf("figure %s %.1f MB/s (%zu MiB in %.3f s)\n", name, n / dt / 1e6, n >> 20, dt);
	close(a.lfd);
}

/* request/response latency: one byte each way, TCP_NODELAY, as a
 * small HTTP exchange does */
static void *pong(void *p)
{
	int lfd = *(int *)p, one = 1, c = accept(lfd, NULL, NULL);
	char b;

	setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	while (c >= 0 && read(c, &b, 1) == 1)
		write(c, &b, 1);
	close(c);
	return NULL;
}

static void pingpong(const char *name, int fam, int rounds)
{
	int lfd = listener(fam, 4), one = 1, ok = 0, c;
	pthread_t t;
	char b = 'p';

	pthread_create(&t, NULL, pong, &lfd);
	c = connect_to(fam, port_of(lfd));
	setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	double t0 = now_s();

	for (int i = 0; i < rounds && c >= 0; i++)
		if (write(c, &b, 1) == 1 && read(c, &b, 1) == 1)
			ok++;
	double dt = now_s() - t0;

	close(c);
	pthread_join(t, NULL);
	close(lfd);
	CHECK(name, ok == rounds, "%d of %d round trips", ok, rounds);
	printf("figure %s %.1f us\n", name, dt / rounds * 1e6);
}

/* ---- dual stack ---- */

static void test_dual_stack(void)
{
	struct sockaddr_in6 a6 = {.sin6_family = AF_INET6, .sin6_addr = in6addr_any};
	struct sockaddr_storage ss;
	socklen_t l = sizeof(ss);
	int lfd = socket(AF_INET6, SOCK_STREAM, 0), zero = 0, one = 1, v = -1, c, s;
	char txt[64] = "";

	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	CHECK_RET("v6only_set0", setsockopt(lfd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero)), 0);
	CHECK_RET("dual_bind", bind(lfd, (struct sockaddr *)&a6, sizeof(a6)), 0);
	CHECK_RET("dual_listen", listen(lfd, 4), 0);
	c = connect_to(AF_INET, port_of(lfd));
	CHECK("dual_v4_connect", c >= 0, "%s", strerror(errno));
	s = accept(lfd, (struct sockaddr *)&ss, &l);
	if (s >= 0)
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, txt, sizeof(txt));
	CHECK("dual_v4_mapped_peer",
	      s >= 0 && ss.ss_family == AF_INET6 && l == sizeof(struct sockaddr_in6) &&
		  !strcmp(txt, "::ffff:127.0.0.1"),
	      "fd %d family %d len %u addr %s", s, ss.ss_family, l, txt);
	l = sizeof(ss);
	getsockname(s, (struct sockaddr *)&ss, &l);
	inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, txt, sizeof(txt));
	CHECK("dual_v4_mapped_local", !strcmp(txt, "::ffff:127.0.0.1"), "local %s", txt);
	if (s >= 0 && c >= 0) {
		char b[8] = "";

		write(c, "hello", 5);
		CHECK("dual_v4_data", read(s, b, sizeof(b)) == 5 && !memcmp(b, "hello", 5),
		      "read %.5s", b);
	}
	close(c);
	close(s);
	close(lfd);

	lfd = socket(AF_INET6, SOCK_STREAM, 0);
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	CHECK_RET("v6only_set1", setsockopt(lfd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)), 0);
	l = sizeof(v);
	getsockopt(lfd, IPPROTO_IPV6, IPV6_V6ONLY, &v, &l);
	CHECK("v6only_get", v == 1, "got %d", v);
	bind(lfd, (struct sockaddr *)&a6, sizeof(a6));
	listen(lfd, 4);
	c = connect_to(AF_INET, port_of(lfd));
	CHECK_ERR("v6only_v4_refused", c, ECONNREFUSED);
	c = connect_to(AF_INET6, port_of(lfd));
	CHECK("v6only_v6_ok", c >= 0, "%s", strerror(errno));
	close(c);
	close(lfd);
}

/* ---- connect ---- */

static int closed_port(int fam)
{
	int fd = listener(fam, 1), p = port_of(fd);

	close(fd);
	return p;
}

static void test_connect(void)
{
	struct sockaddr_storage ss;
	socklen_t l;
	int lfd = listener(AF_INET, 4), fd, r, err;
	struct pollfd pf;

	/* blocking connect to a port nobody listens on */
	fd = socket(AF_INET, SOCK_STREAM, 0);
	l = lo_addr(AF_INET, closed_port(AF_INET), &ss);
	CHECK_ERR("connect_refused", connect(fd, (struct sockaddr *)&ss, l), ECONNREFUSED);
	close(fd);
	fd = socket(AF_INET6, SOCK_STREAM, 0);
	l = lo_addr(AF_INET6, closed_port(AF_INET6), &ss);
	CHECK_ERR("connect6_refused", connect(fd, (struct sockaddr *)&ss, l), ECONNREFUSED);
	close(fd);

	/* non-blocking connect that works */
	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	l = lo_addr(AF_INET, port_of(lfd), &ss);
	r = connect(fd, (struct sockaddr *)&ss, l);
	CHECK("nb_connect_inprogress", r == 0 || errno == EINPROGRESS, "ret %d %s", r,
	      strerror(errno));
	pf = (struct pollfd){fd, POLLOUT, 0};
	r = poll(&pf, 1, 5000);
	CHECK("nb_connect_pollout", r == 1 && (pf.revents & POLLOUT) && !(pf.revents & POLLERR),
	      "poll %d revents %#x", r, pf.revents);
	l = sizeof(err);
	err = -1;
	getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &l);
	CHECK("nb_connect_so_error_0", err == 0, "SO_ERROR %d", err);
	/* Linux: the first connect after completion reports it (0), then EISCONN */
	r = connect(fd, (struct sockaddr *)&ss, sizeof(struct sockaddr_in));
	CHECK("connect_again_done", r == 0 || errno == EISCONN, "ret %d %s", r, strerror(errno));
	r = connect(fd, (struct sockaddr *)&ss, sizeof(struct sockaddr_in));
	CHECK_ERR("connect_again_eisconn", r, EISCONN);
	close(fd);
	fd = accept(lfd, NULL, NULL);
	close(fd);

	/* non-blocking connect that is refused */
	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	l = lo_addr(AF_INET, closed_port(AF_INET), &ss);
	r = connect(fd, (struct sockaddr *)&ss, l);
	CHECK("nb_refused_inprogress", r == -1 && (errno == EINPROGRESS || errno == ECONNREFUSED),
	      "ret %d %s", r, strerror(errno));
	if (r == -1 && errno == EINPROGRESS) {
		pf = (struct pollfd){fd, POLLOUT, 0};
		r = poll(&pf, 1, 5000);
		CHECK("nb_refused_pollerr", r == 1 && (pf.revents & (POLLERR | POLLHUP)),
		      "poll %d revents %#x", r, pf.revents);
		l = sizeof(err);
		err = -1;
		getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &l);
		CHECK("nb_refused_so_error", err == ECONNREFUSED, "SO_ERROR %d (%s)", err,
		      strerror(err));
		l = sizeof(err);
		getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &l);
		CHECK("so_error_cleared", err == 0, "second SO_ERROR %d", err);
	}
	close(fd);
	close(lfd);
}

/* ---- backlog: backlog + 1 connections complete without accept ---- */

static void test_backlog(void)
{
	int lfd = listener(AF_INET, 2), fds[6], n = 0;
	struct sockaddr_storage ss;
	socklen_t l = lo_addr(AF_INET, port_of(lfd), &ss);

	for (int i = 0; i < 6; i++) {
		fds[i] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
		connect(fds[i], (struct sockaddr *)&ss, l);
	}
	msleep(300);
	for (int i = 0; i < 6; i++) {
		struct pollfd pf = {fds[i], POLLOUT, 0};

		if (poll(&pf, 1, 0) == 1 && (pf.revents & POLLOUT))
			n++;
	}
	CHECK("backlog_2_connects_3", n == 3, "%d of 6 connected", n);
	/* accepting one lets a waiting SYN in (after the client's retry) */
	int a = accept(lfd, NULL, NULL);

	CHECK("backlog_accept", a >= 0, "%s", strerror(errno));
	close(a);
	for (int i = 0; i < 6; i++)
		close(fds[i]);
	close(lfd);
}

/* ---- data flags and shutdown ---- */

static void *slow_writer(void *p)
{
	int fd = *(int *)p;

	for (int i = 0; i < 3; i++) {
		msleep(30);
		write(fd, "abcd", 4);
	}
	return NULL;
}

static void test_flags(int fam)
{
	int lfd = listener(fam, 4), c = connect_to(fam, port_of(lfd));
	int s = accept(lfd, NULL, NULL), v = -1;
	char b[64];
	ssize_t r;
	pthread_t t;
	struct pollfd pf;
	const char *f = fam == AF_INET ? "4" : "6";
	char name[64];

#define N(x) (snprintf(name, sizeof(name), "%s%s", x, f), name)
	if (!CHECK(N("pair"), c >= 0 && s >= 0, "c %d s %d %s", c, s, strerror(errno)))
		return;
	CHECK_ERR(N("dontwait_eagain"), recv(s, b, sizeof(b), MSG_DONTWAIT), EAGAIN);
	write(c, "0123456789", 10);
	pf = (struct pollfd){s, POLLIN, 0};
	poll(&pf, 1, 2000);
	ioctl(s, FIONREAD, &v);
	CHECK(N("fionread"), v == 10, "FIONREAD %d", v);
	r = recv(s, b, 5, MSG_PEEK);
	CHECK(N("peek"), r == 5 && !memcmp(b, "01234", 5), "peek %zd", r);
	r = recv(s, b, sizeof(b), 0);
	CHECK(N("after_peek"), r == 10 && !memcmp(b, "0123456789", 10), "recv %zd %.10s", r, b);
	pthread_create(&t, NULL, slow_writer, &c);
	r = recv(s, b, 12, MSG_WAITALL);
	CHECK(N("waitall"), r == 12 && !memcmp(b, "abcdabcdabcd", 12), "recv %zd", r);
	pthread_join(t, NULL);
	v = -1;
	ioctl(c, SIOCOUTQ, &v);
	CHECK(N("siocoutq"), v >= 0, "SIOCOUTQ %d", v);

	/* half close: the peer sees EOF and POLLRDHUP, can still send */
	CHECK_RET(N("shut_wr"), shutdown(c, SHUT_WR), 0);
	pf = (struct pollfd){s, POLLIN | POLLRDHUP, 0};
	poll(&pf, 1, 2000);
	CHECK(N("rdhup"), pf.revents & POLLRDHUP, "revents %#x", pf.revents);
	CHECK_RET(N("eof"), read(s, b, sizeof(b)), 0);
	CHECK_ERR(N("epipe"), send(c, "x", 1, MSG_NOSIGNAL), EPIPE);
	CHECK_RET(N("reverse_still_open"), write(s, "back", 4), 4);
	r = read(c, b, sizeof(b));
	CHECK(N("reverse_data"), r == 4 && !memcmp(b, "back", 4), "read %zd", r);
	close(s);
	pf = (struct pollfd){c, POLLIN, 0};
	poll(&pf, 1, 2000);
	CHECK_RET(N("eof_after_close"), read(c, b, sizeof(b)), 0);
	close(c);

	/* reset: SO_LINGER 0 close makes the peer's recv fail */
	c = connect_to(fam, port_of(lfd));
	s = accept(lfd, NULL, NULL);
	struct linger lg = {1, 0};

	setsockopt(s, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	close(s);
	pf = (struct pollfd){c, POLLIN, 0};
	poll(&pf, 1, 2000);
	CHECK_ERR(N("econnreset"), recv(c, b, sizeof(b), 0), ECONNRESET);
	close(c);
	close(lfd);
#undef N
}

/* ---- epoll server with many connections ---- */

struct ep_arg {
	int lfd;
	int et;
	int nconn;
	long served;
};

static void *ep_server(void *p)
{
	struct ep_arg *a = p;
	int ep = epoll_create1(0), closed = 0;
	struct epoll_event ev = {.events = EPOLLIN, .data.fd = a->lfd}, evs[64];
	char buf[4096];

	fcntl(a->lfd, F_SETFL, O_NONBLOCK);
	epoll_ctl(ep, EPOLL_CTL_ADD, a->lfd, &ev);
	while (closed < a->nconn) {
		int n = epoll_wait(ep, evs, 64, 10000);

		if (n <= 0)
			break;
		for (int i = 0; i < n; i++) {
			int fd = evs[i].data.fd;

			if (fd == a->lfd) {
				int c;

				while ((c = accept4(a->lfd, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
					ev.events = EPOLLIN | (a->et ? EPOLLET : 0);
					ev.data.fd = c;
					epoll_ctl(ep, EPOLL_CTL_ADD, c, &ev);
				}
				continue;
			}
			for (;;) { /* ET: drain until EAGAIN; LT: one read is enough */
				ssize_t r = read(fd, buf, sizeof(buf));

				if (r > 0) {
					write(fd, buf, r);
					a->served += r;
					if (!a->et)
						break;
					continue;
				}
				if (r == 0) {
					epoll_ctl(ep, EPOLL_CTL_DEL, fd, NULL);
					close(fd);
					closed++;
				}
				break;
			}
		}
	}
	close(ep);
	return NULL;
}

static void test_epoll(int et, int n)
{
	struct ep_arg a = {.lfd = listener(AF_INET, 256), .et = et, .nconn = n};
	struct sockaddr_storage ss;
	socklen_t l = lo_addr(AF_INET, port_of(a.lfd), &ss);
	int *fds = calloc(n, sizeof(int)), ok = 0, connected = 0;
	pthread_t t;
	char msg[100], buf[100];

	pthread_create(&t, NULL, ep_server, &a);
	for (int i = 0; i < n; i++) {
		fds[i] = socket(AF_INET, SOCK_STREAM, 0);
		if (connect(fds[i], (struct sockaddr *)&ss, l) == 0)
			connected++;
	}
	for (int i = 0; i < n; i++) {
		memset(msg, 'a' + i % 26, sizeof(msg));
		msg[0] = (char)i;
		write(fds[i], msg, sizeof(msg));
	}
	for (int i = 0; i < n; i++) {
		memset(msg, 'a' + i % 26, sizeof(msg));
		msg[0] = (char)i;
		if (read_full(fds[i], buf, sizeof(buf)) == sizeof(buf) &&
		    !memcmp(buf, msg, sizeof(msg)))
			ok++;
		close(fds[i]);
	}
	pthread_join(t, NULL);
	CHECK(et ? "epoll_et_200" : "epoll_lt_200", connected == n && ok == n && a.served == n * 100,
	      "connected %d, echoed right %d of %d, served %ld", connected, ok, n, a.served);
	free(fds);
	close(a.lfd);
}

int main(int argc, char **argv)
{
	gt_init();
	signal(SIGPIPE, SIG_IGN);
	if (argc > 1 && !strcmp(argv[1], "nic")) {
		test_nic();
		gt_failed += sockinet_more_failed();
		return gt_done();
	}
	if (argc > 2 && !strcmp(argv[1], "txflood")) {
		test_txflood(atol(argv[2]));
		return gt_done();
	}
	if (argc > 1 && !strcmp(argv[1], "bench")) {
		throughput("tcp4_loopback_throughput", AF_INET, 64 << 20);
		throughput("tcp6_loopback_throughput", AF_INET6, 64 << 20);
		pingpong("tcp4_pingpong_roundtrip", AF_INET, 2000);
		return gt_done();
	}
	test_echo("tcp4_echo", AF_INET, BIG);
	test_echo("tcp6_echo", AF_INET6, BIG);
	test_slow_reader("tcp4_slow_reader_peek", AF_INET, 16 << 20);
	test_slow_reader("tcp6_slow_reader_peek", AF_INET6, 6 << 20);
	test_dual_stack();
	test_connect();
	test_backlog();
	test_flags(AF_INET);
	test_flags(AF_INET6);
	test_epoll(0, 200);
	test_epoll(1, 200);
	test_udp(AF_INET);
	test_udp(AF_INET6);
	test_options();
	test_bad();
	throughput("tcp4_loopback_throughput", AF_INET, 16 << 20);
	pingpong("tcp4_pingpong_roundtrip", AF_INET, 200);
	gt_failed += sockinet_more_failed();
	return gt_done();
}
