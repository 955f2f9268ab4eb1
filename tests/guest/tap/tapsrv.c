/*
 * tapsrv.c - the guest side of tests/suites/76-tap (`monos run --net tap`):
 * TCP and UDP servers on one port, IPv4 and IPv6 (two sockets each, the
 * IPv6 ones IPV6_V6ONLY), driven by tests/host/tapclient.py from inside
 * the runner's network namespace. Serves one TCP connection at a time
 * (blocking I/O); each starts with a command line:
 *   "ECHO\n"        every byte comes back until the client shuts down
 *   "SINK\n"        the client sends the pattern until it shuts down; the
 *                   reply is "got <bytes> ok\n" or "got <bytes> bad <off>\n"
 *   "SOURCE <n>\n"  n pattern bytes, then close
 *   "QUIT\n"        print the totals, exit 0
 * UDP: every datagram (up to 64 KiB: large ones arrive and leave as IP
 * fragments) is sent back to its sender.
 * The pattern is tcpstream.c's (tests/guest/servers): a 65521-byte block,
 * block[i] = (x >> 24) & 255 with x = x * 1103515245 + 12345 from x = 1.
 *
 * Usage: tapsrv PORT
 * Layer: guest test program (static, musl); no monos code.
 */
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define PAT_LEN 65521
#define BUF_LEN (256 * 1024)

static unsigned char pat[PAT_LEN];
static unsigned char buf[BUF_LEN];
static unsigned long long total_in, total_out, udp_in;

static void die(const char *what)
{
	fprintf(stderr, "tapsrv: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void pat_init(void)
{
	unsigned int x = 1;

	for (int i = 0; i < PAT_LEN; i++) {
		x = x * 1103515245u + 12345u;
		pat[i] = (x >> 24) & 255;
	}
}

/* -1 if p[0..n) is the pattern from stream offset off, else the offset
 * within p of the first differing chunk */
static long pat_check(const unsigned char *p, size_t n, unsigned long long off)
{
	size_t done = 0;

	while (done < n) {
		size_t at = (off + done) % PAT_LEN, len = PAT_LEN - at;

		if (len > n - done)
			len = n - done;
		if (memcmp(p + done, pat + at, len))
			return (long)done;
		done += len;
	}
	return -1;
}

static int write_all(int fd, const void *p, size_t n)
{
	const char *s = p;

	while (n) {
		ssize_t w = send(fd, s, n, MSG_NOSIGNAL);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		s += w;
		n -= w;
	}
	return 0;
}

static int read_cmd(int fd, char *cmd, size_t max)
{
	size_t n = 0;

	while (n + 1 < max) {
		ssize_t r = recv(fd, cmd + n, 1, 0);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		if (cmd[n] == '\n') {
			cmd[n] = 0;
			return 0;
		}
		n++;
	}
	return -1;
}

static int listener(int family, int type, int port)
{
	struct sockaddr_in6 a6 = {.sin6_family = AF_INET6, .sin6_port = htons(port)};
	struct sockaddr_in a4 = {.sin_family = AF_INET, .sin_port = htons(port)};
	int fd = socket(family, type | SOCK_CLOEXEC, 0), one = 1;

	if (fd < 0)
		die("socket");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (family == AF_INET6 && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)))
		die("IPV6_V6ONLY");
	if (family == AF_INET6 ? bind(fd, (struct sockaddr *)&a6, sizeof(a6))
			       : bind(fd, (struct sockaddr *)&a4, sizeof(a4)))
		die("bind");
	if (type == SOCK_STREAM && listen(fd, 16) < 0)
		die("listen");
	return fd;
}

static void udp_echo(int fd)
{
	struct sockaddr_storage from;
	socklen_t flen = sizeof(from);
	ssize_t r = recvfrom(fd, buf, 65536, MSG_DONTWAIT, (struct sockaddr *)&from, &flen);

	if (r < 0)
		return;
	udp_in += r;
	if (sendto(fd, buf, r, 0, (struct sockaddr *)&from, flen) != r)
		fprintf(stderr, "tapsrv: udp sendto %zd bytes: %s\n", r, strerror(errno));
}

/* one TCP connection; returns 1 on QUIT */
static int serve(int fd)
{
	char cmd[64], reply[96];

	if (read_cmd(fd, cmd, sizeof(cmd)) < 0)
		return 0;
	if (!strcmp(cmd, "QUIT"))
		return 1;
	if (!strcmp(cmd, "ECHO")) {
		for (;;) {
			ssize_t r = recv(fd, buf, sizeof(buf), 0);

			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0 || write_all(fd, buf, r) < 0)
				break;
			total_in += r;
			total_out += r;
		}
	} else if (!strcmp(cmd, "SINK")) {
		unsigned long long got = 0;
		long bad = -1;

		for (;;) {
			ssize_t r = recv(fd, buf, sizeof(buf), 0);

			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0)
				break;
			if (bad < 0) {
				long b = pat_check(buf, r, got);

				if (b >= 0)
					bad = (long)got + b;
			}
			got += r;
		}
		total_in += got;
		if (bad < 0)
			snprintf(reply, sizeof(reply), "got %llu ok\n", got);
		else
			snprintf(reply, sizeof(reply), "got %llu bad %ld\n", got, bad);
		write_all(fd, reply, strlen(reply));
	} else if (!strncmp(cmd, "SOURCE ", 7)) {
		unsigned long long want = strtoull(cmd + 7, NULL, 10), sent = 0;

		while (sent < want) {
			size_t at = sent % PAT_LEN, len = PAT_LEN - at;

			if (len > want - sent)
				len = want - sent;
			if (write_all(fd, pat + at, len) < 0)
				break;
			sent += len;
		}
		total_out += sent;
	} else {
		write_all(fd, "error unknown command\n", 22);
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct pollfd p[4];
	int port;

	if (argc < 2 || (port = atoi(argv[1])) <= 0 || port > 65535) {
		fprintf(stderr, "usage: tapsrv PORT\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	pat_init();
	p[0].fd = listener(AF_INET, SOCK_STREAM, port);
	p[1].fd = listener(AF_INET6, SOCK_STREAM, port);
	p[2].fd = listener(AF_INET, SOCK_DGRAM, port);
	p[3].fd = listener(AF_INET6, SOCK_DGRAM, port);
	for (int i = 0; i < 4; i++)
		p[i].events = POLLIN;
	printf("tapsrv: listening on port %d\n", port);
	for (;;) {
		if (poll(p, 4, -1) < 0) {
			if (errno == EINTR)
				continue;
			die("poll");
		}
		for (int i = 2; i < 4; i++)
			if (p[i].revents & POLLIN)
				udp_echo(p[i].fd);
		for (int i = 0; i < 2; i++) {
			int fd, quit;

			if (!(p[i].revents & POLLIN))
				continue;
			fd = accept(p[i].fd, NULL, NULL);
			if (fd < 0) {
				if (errno == EINTR || errno == ECONNABORTED || errno == EAGAIN)
					continue;
				die("accept");
			}
			quit = serve(fd);
			close(fd);
			if (quit) {
				printf("tapsrv: tcp received %llu bytes, sent %llu bytes; udp %llu "
				       "bytes\n",
				       total_in, total_out, udp_in);
				return 0;
			}
		}
	}
}
