/*
 * netload.c - the host-side load client for the guest servers in
 * tests/guest/servers/ (tests/suites/75-servers, bench `make bench-net`).
 * Connects to 127.0.0.1 only (the QEMU hostfwd end, or a server run
 * natively); no other address can be named.
 *
 *   netload req PORT N M [-k K] [-t SECONDS]
 *       N requests over M connections to epollsrv (line protocol), at most K
 *       outstanding per connection (default 1: request/response); the
 *       connections open one after another, each after its first answer
 *       (QEMU's hostfwd listens with a backlog of 1). Every answer must be
 *       "ok " + the request, in order; a missing, wrong or
 *       late answer, or a connection closed early, is an error. Prints
 *       "netload: N requests over M connections: N answered, 0 lost, X req/s"
 *       and "result req R req/s"; exit 0 only when all N were answered.
 *   netload send PORT BYTES [-t SECONDS]   (tcpstream SINK)
 *   netload recv PORT BYTES [-t SECONDS]   (tcpstream SOURCE)
 *       Stream BYTES of the pattern one way, check it (the server checks
 *       what it receives), print "result send|recv MBPS MB/s" (MB = 10^6 B).
 *   netload quit PORT [-t SECONDS]
 *       Send "QUIT\n", print the server's one-line answer (if any).
 *
 * Layer: host test tool (tests/host), built by tests/guest/servers/build.mk
 * into $(BUILD)/host-tests/netload. Exit: 0 ok, 1 a check failed or a
 * timeout, 2 usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define PAT_LEN 65521 /* tcpstream.c's pattern */
#define REQ_MAX 200

static double timeout_s = 60;
static int port;
static unsigned char pat[PAT_LEN];

static void fail(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
static void fail(const char *fmt, ...)
{
	va_list ap;

	fputs("netload: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static void usage(void) __attribute__((noreturn));
static void usage(void)
{
	fputs("usage: netload req PORT N M [-k K] [-t S] | send PORT BYTES [-t S] |\n"
	      "       recv PORT BYTES [-t S] | quit PORT [-t S]   (127.0.0.1 only)\n",
	      stderr);
	exit(2);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static long num_arg(const char *s, long lo, long hi, const char *what)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi) {
		fprintf(stderr, "netload: %s '%s': expected %ld..%ld\n", what, s, lo, hi);
		exit(2);
	}
	return v;
}

static int connect_lo(bool nonblock)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
	int fd, one = 1;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		fail("socket: %s", strerror(errno));
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0)
		fail("connect 127.0.0.1:%d: %s", port, strerror(errno));
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (nonblock && fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0)
		fail("fcntl O_NONBLOCK: %s", strerror(errno));
	return fd;
}

/* blocking socket with the remaining time as its receive/send timeout */
static void set_deadline(int fd, double deadline)
{
	double left = deadline - now();
	struct timeval tv;

	if (left <= 0)
		fail("timed out after %g s", timeout_s);
	tv.tv_sec = (time_t)left;
	tv.tv_usec = (suseconds_t)((left - tv.tv_sec) * 1e6) + 1;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

static void write_all(int fd, const void *p, size_t n, double deadline)
{
	const char *s = p;

	while (n) {
		ssize_t w;

		set_deadline(fd, deadline);
		w = send(fd, s, n, MSG_NOSIGNAL);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				fail("timed out sending after %g s", timeout_s);
			fail("send: %s", strerror(errno));
		}
		s += w;
		n -= w;
	}
}

/* one line (without '\n') into buf; false on EOF before any byte */
static bool read_line(int fd, char *buf, size_t max, double deadline)
{
	size_t n = 0;

	for (;;) {
		ssize_t r;

		set_deadline(fd, deadline);
		r = recv(fd, buf + n, 1, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && errno == EAGAIN)
			fail("timed out waiting for an answer after %g s", timeout_s);
		if (r < 0)
			fail("recv: %s", strerror(errno));
		if (r == 0) {
			buf[n] = 0;
			return n > 0;
		}
		if (buf[n] == '\n' || n + 2 >= max) {
			buf[n + (buf[n] != '\n')] = 0;
			return true;
		}
		n++;
	}
}

/* ---- req: N requests over M connections ---- */
struct lconn {
	int fd, id;
	long to_send, sent, answered; /* requests: assigned, written, checked */
	char out[REQ_MAX * 8];
	size_t nout, out_off;
	char in[4096];
	size_t nin;
};

static size_t req_text(char *buf, int conn, long seq)
{
	/* unique per request; varying length exercises partial lines */
	return (size_t)sprintf(buf, "r %d %ld %.*s\n", conn, seq, (int)(seq % 23),
			       "abcdefghijklmnopqrstuvwxyz");
}

static void lconn_fill(struct lconn *c, long pipeline)
{
	while (c->sent < c->to_send && c->sent - c->answered < pipeline &&
	       c->nout + REQ_MAX < sizeof(c->out)) {
		c->nout += req_text(c->out + c->nout, c->id, c->sent);
		c->sent++;
	}
}

/* 0 ok, -1 would block is fine too; fails on errors */
static void lconn_flush(struct lconn *c)
{
	while (c->out_off < c->nout) {
		ssize_t w = send(c->fd, c->out + c->out_off, c->nout - c->out_off, MSG_NOSIGNAL);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				return;
			fail("connection %d: send: %s (after %ld answers)", c->id, strerror(errno),
			     c->answered);
		}
		c->out_off += w;
	}
	c->out_off = c->nout = 0;
}

/* read answers and check them; returns the number checked */
static long lconn_read(struct lconn *c)
{
	long checked = 0;

	for (;;) {
		ssize_t r = recv(c->fd, c->in + c->nin, sizeof(c->in) - c->nin, 0);
		size_t start = 0;

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && errno == EAGAIN)
			break;
		if (r < 0)
			fail("connection %d: recv: %s (after %ld of %ld answers)", c->id,
			     strerror(errno), c->answered, c->to_send);
		if (r == 0)
			fail("connection %d: closed by the server after %ld of %ld answers", c->id,
			     c->answered, c->to_send);
		c->nin += r;
		for (size_t i = 0; i < c->nin; i++) {
			char want[REQ_MAX + 4];
			size_t wl;

			if (c->in[i] != '\n')
				continue;
			if (c->answered >= c->sent)
				fail("connection %d: an answer nobody asked for: '%.*s'", c->id,
				     (int)(i - start), c->in + start);
			memcpy(want, "ok ", 3);
			wl = 3 + req_text(want + 3, c->id, c->answered);
			if (i + 1 - start != wl || memcmp(c->in + start, want, wl))
				fail("connection %d: answer %ld is '%.*s', want '%.*s'", c->id,
				     c->answered, (int)(i - start), c->in + start, (int)wl - 1,
				     want);
			c->answered++;
			checked++;
			start = i + 1;
		}
		memmove(c->in, c->in + start, c->nin - start);
		c->nin -= start;
		if (c->nin == sizeof(c->in))
			fail("connection %d: an answer longer than %zu bytes", c->id, sizeof(c->in));
	}
	return checked;
}

static int cmd_req(long n, long m, long pipeline)
{
	struct lconn *cs = calloc(m, sizeof(*cs));
	long answered = 0;
	double t0, deadline, dt;
	int ep = epoll_create1(EPOLL_CLOEXEC);

	if (!cs || ep < 0)
		fail("setup: %s", strerror(errno));
	t0 = now();
	deadline = t0 + timeout_s;
	/* connections ramp up one at a time: each does its first request
	 * before the next connects. QEMU's user-net hostfwd socket listens
	 * with a backlog of 1, so connects in a burst overflow it and the
	 * host drops their SYNs (retried after 1, 3, 7 s): the ramp keeps the
	 * test about the server, not about QEMU's accept loop */
	for (long i = 0; i < m; i++) {
		struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT, .data.ptr = &cs[i]};
		char req[REQ_MAX], line[REQ_MAX + 8], want[REQ_MAX + 8];
		size_t rl;

		cs[i].id = (int)i;
		cs[i].to_send = n / m + (i < n % m);
		cs[i].fd = connect_lo(false);
		rl = req_text(req, (int)i, 0);
		write_all(cs[i].fd, req, rl, deadline);
		if (!read_line(cs[i].fd, line, sizeof(line), deadline))
			fail("connection %ld: closed by the server before its first answer", i);
		snprintf(want, sizeof(want), "ok %.*s", (int)rl - 1, req);
		if (strcmp(line, want))
			fail("connection %ld: first answer '%s', want '%s'", i, line, want);
		cs[i].sent = cs[i].answered = 1;
		answered++;
		if (fcntl(cs[i].fd, F_SETFL, fcntl(cs[i].fd, F_GETFL) | O_NONBLOCK) < 0)
			fail("fcntl O_NONBLOCK: %s", strerror(errno));
		if (epoll_ctl(ep, EPOLL_CTL_ADD, cs[i].fd, &ev) < 0)
			fail("epoll_ctl: %s", strerror(errno));
		lconn_fill(&cs[i], pipeline);
		lconn_flush(&cs[i]);
	}
	while (answered < n) {
		struct epoll_event evs[64];
		double left = deadline - now();
		int k;

		if (left <= 0)
			break;
		k = epoll_wait(ep, evs, 64, (int)(left * 1000) + 1);
		if (k < 0 && errno != EINTR)
			fail("epoll_wait: %s", strerror(errno));
		for (int i = 0; i < k; i++) {
			struct lconn *c = evs[i].data.ptr;

			if (evs[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR))
				answered += lconn_read(c);
			lconn_fill(c, pipeline);
			lconn_flush(c);
		}
	}
	dt = now() - t0;
	for (long i = 0; i < m; i++)
		close(cs[i].fd);
	if (answered < n) {
		long conns_short = 0;

		for (long i = 0; i < m; i++)
			conns_short += cs[i].answered < cs[i].to_send;
		fail("timed out after %g s: %ld of %ld requests answered, %ld lost, on %ld of %ld "
		     "connections",
		     timeout_s, answered, n, n - answered, conns_short, m);
	}
	printf("netload: %ld requests over %ld connections: %ld answered, 0 lost, %.0f req/s "
	       "(%.3f s)\n",
	       n, m, answered, n / dt, dt);
	printf("result req %.0f req/s\n", n / dt);
	free(cs);
	return 0;
}

/* ---- send / recv: the tcpstream pattern ---- */
static void pat_init(void)
{
	unsigned int x = 1;

	for (int i = 0; i < PAT_LEN; i++) {
		x = x * 1103515245u + 12345u;
		pat[i] = (x >> 24) & 255;
	}
}

static int cmd_send(long long bytes)
{
	double t0 = now(), deadline = t0 + timeout_s, dt;
	int fd = connect_lo(false);
	long long sent = 0;
	char line[128], want[64];

	write_all(fd, "SINK\n", 5, deadline);
	while (sent < bytes) {
		size_t at = sent % PAT_LEN, len = PAT_LEN - at;

		if ((long long)len > bytes - sent)
			len = bytes - sent;
		write_all(fd, pat + at, len, deadline);
		sent += len;
	}
	shutdown(fd, SHUT_WR);
	if (!read_line(fd, line, sizeof(line), deadline))
		fail("send: the server closed without an answer after %lld bytes", sent);
	dt = now() - t0;
	close(fd);
	snprintf(want, sizeof(want), "got %lld ok", bytes);
	if (strcmp(line, want))
		fail("send: the server answered '%s', want '%s'", line, want);
	printf("netload: sent %lld bytes in %.3f s: %.1f MB/s, server: %s\n", bytes, dt,
	       bytes / dt / 1e6, line);
	printf("result send %.1f MB/s\n", bytes / dt / 1e6);
	return 0;
}

static int cmd_recv(long long bytes)
{
	static unsigned char buf[256 * 1024];
	double t0 = now(), deadline = t0 + timeout_s, dt;
	int fd = connect_lo(false);
	long long got = 0;
	char cmd[64];

	snprintf(cmd, sizeof(cmd), "SOURCE %lld\n", bytes);
	write_all(fd, cmd, strlen(cmd), deadline);
	for (;;) {
		ssize_t r;

		set_deadline(fd, deadline);
		r = recv(fd, buf, sizeof(buf), 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && errno == EAGAIN)
			fail("recv: timed out after %g s with %lld of %lld bytes", timeout_s, got,
			     bytes);
		if (r < 0)
			fail("recv: %s after %lld bytes", strerror(errno), got);
		if (r == 0)
			break;
		for (size_t done = 0; done < (size_t)r;) {
			size_t at = (got + done) % PAT_LEN, len = PAT_LEN - at;

			if (len > r - done)
				len = r - done;
			if (memcmp(buf + done, pat + at, len))
				fail("recv: byte %lld differs from the pattern", got + (long long)done);
			done += len;
		}
		got += r;
	}
	dt = now() - t0;
	close(fd);
	if (got != bytes)
		fail("recv: %lld bytes before the server closed, want %lld", got, bytes);
	printf("netload: received %lld bytes in %.3f s: %.1f MB/s, pattern ok\n", bytes, dt,
	       bytes / dt / 1e6);
	printf("result recv %.1f MB/s\n", bytes / dt / 1e6);
	return 0;
}

static int cmd_quit(void)
{
	double deadline = now() + timeout_s;
	int fd = connect_lo(false);
	char line[256];

	write_all(fd, "QUIT\n", 5, deadline);
	if (read_line(fd, line, sizeof(line), deadline))
		printf("%s\n", line);
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	const char *cmd;
	long k = 1;
	int nargs = 0;
	char *args[4];

	if (argc < 3)
		usage();
	cmd = argv[1];
	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "-k") && i + 1 < argc) {
			k = num_arg(argv[++i], 1, 1000, "-k");
		} else if (!strcmp(argv[i], "-t") && i + 1 < argc) {
			timeout_s = (double)num_arg(argv[++i], 1, 86400, "-t");
		} else if (argv[i][0] == '-' || nargs == 4) {
			usage();
		} else {
			args[nargs++] = argv[i];
		}
	}
	if (nargs < 1)
		usage();
	port = (int)num_arg(args[0], 1, 65535, "port");
	signal(SIGPIPE, SIG_IGN);
	if (!strcmp(cmd, "req") && nargs == 3) {
		long n = num_arg(args[1], 1, 100000000, "N"), m = num_arg(args[2], 1, 10000, "M");

		if (m > n)
			m = n;
		return cmd_req(n, m, k);
	}
	if ((!strcmp(cmd, "send") || !strcmp(cmd, "recv")) && nargs == 2) {
		long long b = num_arg(args[1], 1, 1L << 40, "BYTES");

		pat_init();
		return !strcmp(cmd, "send") ? cmd_send(b) : cmd_recv(b);
	}
	if (!strcmp(cmd, "quit") && nargs == 1)
		return cmd_quit();
	usage();
}
