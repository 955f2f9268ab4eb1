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
 * "bench" = only the throughput figures.
 * Layer: guest test program (static, glibc and musl).
 */
#include "../gtest.h"
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>

#ifndef SIOCOUTQ
#define SIOCOUTQ 0x5411 /* linux/sockios.h, absent from musl's headers */
#endif

#define BIG (4 * 1024 * 1024)

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void msleep(int ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	nanosleep(&ts, NULL);
}

static unsigned char pat(size_t i)
{
	return (unsigned char)(i * 131 + (i >> 9) * 7 + 3);
}

/* a loopback address of the family, port given */
static socklen_t lo_addr(int fam, int port, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (fam == AF_INET) {
		struct sockaddr_in *a = (struct sockaddr_in *)ss;

		a->sin_family = AF_INET;
		a->sin_port = htons(port);
		a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		return sizeof(*a);
	}
	struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;

	a->sin6_family = AF_INET6;
	a->sin6_port = htons(port);
	a->sin6_addr = in6addr_loopback;
	return sizeof(*a);
}

static int port_of(int fd)
{
	struct sockaddr_storage ss;
	socklen_t l = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &l))
		return -1;
	return ntohs(((struct sockaddr_in *)&ss)->sin_port); /* same offset in v6 */
}

/* a listener on the loopback of fam, ephemeral port */
static int listener(int fam, int backlog)
{
	struct sockaddr_storage ss;
	socklen_t l = lo_addr(fam, 0, &ss);
	int fd = socket(fam, SOCK_STREAM, 0), one = 1;

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, l) || listen(fd, backlog)) {
		close(fd);
		return -1;
	}
	return fd;
}

static int connect_to(int fam, int port)
{
	struct sockaddr_storage ss;
	socklen_t l = lo_addr(fam, port, &ss);
	int fd = socket(fam, SOCK_STREAM, 0);

	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&ss, l)) {
		close(fd);
		return -1;
	}
	return fd;
}

static ssize_t read_full(int fd, void *buf, size_t n)
{
	size_t got = 0;

	while (got < n) {
		ssize_t r = read(fd, (char *)buf + got, n - got);

		if (r <= 0)
			return got ? (ssize_t)got : r;
		got += r;
	}
	return got;
}

static ssize_t write_full(int fd, const void *buf, size_t n)
{
	size_t put = 0;

	while (put < n) {
		ssize_t r = write(fd, (const char *)buf + put, n - put);

		if (r <= 0)
			return -1;
		put += r;
	}
	return put;
}

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

/* ---- UDP ---- */

static void test_udp(int fam)
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

static void test_options(void)
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

static void test_bad(void)
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

static void test_nic(void)
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

int main(int argc, char **argv)
{
	gt_init();
	signal(SIGPIPE, SIG_IGN);
	if (argc > 1 && !strcmp(argv[1], "nic")) {
		test_nic();
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
	return gt_done();
}
