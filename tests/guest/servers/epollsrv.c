/*
 * epollsrv.c - a single-threaded, non-blocking epoll TCP server with a line
 * protocol, for tests/suites/75-servers (10,000 requests from the host's
 * load client, tests/host/netload.c, none lost) and for bench. Runs the
 * same natively (the harness is validated on the host) and under monos.
 *
 * Protocol, one line per request (at most 1000 bytes with the '\n'):
 *   anything else   -> "ok " + the same line          (echo, checked by the client)
 *   "STATS"         -> "stats <requests> <connections>"
 *   "QUIT"          -> "bye <requests>", then the server prints its totals
 *                      and exits 0
 * Pipelined requests on one connection are answered in order. A line that
 * is too long closes that connection (counted as "bad").
 *
 * Usage: epollsrv PORT [-6]   (-6: listen on [::] instead of 0.0.0.0)
 * Layer: guest test program (static, musl); no monos code.
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define LINE_MAX_LEN 1000
#define MAX_EVENTS   64

struct conn {
	int fd;
	char in[LINE_MAX_LEN + 1];
	size_t nin;
	char *out; /* pending reply bytes */
	size_t nout, out_off, out_cap;
	bool want_out; /* EPOLLOUT registered */
};

static unsigned long n_requests, n_conns, n_bad;
static int ep;

static void die(const char *what)
{
	fprintf(stderr, "epollsrv: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void conn_close(struct conn *c)
{
	close(c->fd); /* also leaves the epoll set */
	free(c->out);
	free(c);
}

static void out_add(struct conn *c, const char *s, size_t n)
{
	if (c->nout + n > c->out_cap) {
		size_t cap = c->out_cap ? c->out_cap * 2 : 4096;

		while (cap < c->nout + n)
			cap *= 2;
		c->out = realloc(c->out, cap);
		if (!c->out)
			die("realloc");
		c->out_cap = cap;
	}
	memcpy(c->out + c->nout, s, n);
	c->nout += n;
}

/* write what is pending; -1: the connection is gone */
static int conn_flush(struct conn *c)
{
	bool want;

	while (c->out_off < c->nout) {
		ssize_t w = send(c->fd, c->out + c->out_off, c->nout - c->out_off, MSG_NOSIGNAL);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				break;
			return -1;
		}
		c->out_off += w;
	}
	if (c->out_off == c->nout)
		c->out_off = c->nout = 0;
	want = c->nout > 0;
	if (want != c->want_out) {
		struct epoll_event ev = {.events = EPOLLIN | (want ? EPOLLOUT : 0), .data.ptr = c};

		if (epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev) < 0)
			die("epoll_ctl MOD");
		c->want_out = want;
	}
	return 0;
}

/* one complete line (without '\n'); 1 = QUIT seen */
static int handle_line(struct conn *c, const char *line, size_t len)
{
	char buf[128];
	int n;

	n_requests++;
	if (len == 4 && !memcmp(line, "QUIT", 4)) {
		n = snprintf(buf, sizeof(buf), "bye %lu\n", n_requests);
		out_add(c, buf, n);
		return 1;
	}
	if (len == 5 && !memcmp(line, "STATS", 5)) {
		n = snprintf(buf, sizeof(buf), "stats %lu %lu\n", n_requests, n_conns);
		out_add(c, buf, n);
		return 0;
	}
	out_add(c, "ok ", 3);
	out_add(c, line, len);
	out_add(c, "\n", 1);
	return 0;
}

/* readable: 0 keep, -1 close, 1 quit */
static int conn_read(struct conn *c)
{
	int quit = 0;

	for (;;) {
		ssize_t r = recv(c->fd, c->in + c->nin, sizeof(c->in) - 1 - c->nin, 0);
		size_t start = 0;

		if (r < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				break;
			return -1;
		}
		if (r == 0)
			return -1; /* peer closed */
		c->nin += r;
		for (size_t i = 0; i < c->nin; i++) {
			if (c->in[i] != '\n')
				continue;
			if (handle_line(c, c->in + start, i - start))
				quit = 1;
			start = i + 1;
		}
		memmove(c->in, c->in + start, c->nin - start);
		c->nin -= start;
		if (c->nin >= sizeof(c->in) - 1) {
			n_bad++;
			return -1;
		}
		if (quit)
			break;
	}
	if (conn_flush(c) < 0)
		return -1;
	return quit;
}

int main(int argc, char **argv)
{
	struct epoll_event ev, evs[MAX_EVENTS];
	int port, lfd, one = 1;
	bool v6;

	if (argc < 2 || (port = atoi(argv[1])) <= 0 || port > 65535) {
		fprintf(stderr, "usage: epollsrv PORT [-6]\n");
		return 2;
	}
	v6 = argc > 2 && !strcmp(argv[2], "-6");
	setvbuf(stdout, NULL, _IOLBF, 0);
	lfd = socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (lfd < 0)
		die("socket");
	if (setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0)
		die("setsockopt SO_REUSEADDR");
	if (v6) {
		struct sockaddr_in6 a = {.sin6_family = AF_INET6, .sin6_port = htons(port)};

		if (bind(lfd, (struct sockaddr *)&a, sizeof(a)) < 0)
			die("bind");
	} else {
		struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};

		if (bind(lfd, (struct sockaddr *)&a, sizeof(a)) < 0)
			die("bind");
	}
	if (listen(lfd, 512) < 0)
		die("listen");
	ep = epoll_create1(EPOLL_CLOEXEC);
	if (ep < 0)
		die("epoll_create1");
	ev.events = EPOLLIN;
	ev.data.ptr = NULL; /* NULL = the listening socket */
	if (epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev) < 0)
		die("epoll_ctl ADD listen");
	printf("epollsrv: listening on port %d\n", port);

	for (;;) {
		int n = epoll_wait(ep, evs, MAX_EVENTS, -1);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			die("epoll_wait");
		}
		for (int i = 0; i < n; i++) {
			struct conn *c = evs[i].data.ptr;
			int r = 0;

			if (!c) {
				for (;;) {
					int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

					if (fd < 0) {
						if (errno == EAGAIN || errno == EINTR)
							break;
						if (errno == ECONNABORTED)
							continue;
						die("accept4");
					}
					setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
					c = calloc(1, sizeof(*c));
					if (!c)
						die("calloc");
					c->fd = fd;
					ev.events = EPOLLIN;
					ev.data.ptr = c;
					if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0)
						die("epoll_ctl ADD");
					n_conns++;
				}
				continue;
			}
			if (evs[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR))
				r = conn_read(c);
			if (r == 0 && (evs[i].events & EPOLLOUT))
				r = conn_flush(c) < 0 ? -1 : 0;
			if (r == 1) {
				/* QUIT: finish the reply (waiting up to ~10 s), then report */
				for (int tries = 0; c->nout && tries < 10000; tries++) {
					if (conn_flush(c) < 0)
						break;
					if (c->nout)
						usleep(1000);
				}
				conn_close(c);
				printf("epollsrv: served %lu requests on %lu connections, %lu bad\n",
				       n_requests, n_conns, n_bad);
				return 0;
			}
			if (r < 0)
				conn_close(c);
		}
	}
}
