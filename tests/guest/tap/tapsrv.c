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

#include "../servers/stream_proto.h"

static unsigned long long udp_in;

static void die(const char *what)
{
	fprintf(stderr, "tapsrv: %s: %s\n", what, strerror(errno));
	exit(1);
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
			quit = stream_serve(fd);
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
