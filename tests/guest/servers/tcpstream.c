/*
 * tcpstream.c - a TCP stream sink and source for throughput tests
 * (tests/suites/75-servers, bench `TCP stream MB/s`), driven by the host's
 * tests/host/netload.c (`netload send` / `netload recv`). Serves one
 * connection at a time, blocking I/O, with the commands and byte pattern
 * of stream_proto.h (SINK, SOURCE n, ECHO, QUIT: print the totals, exit 0).
 *
 * Usage: tcpstream PORT
 * Layer: guest test program (static, musl); no monos code.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "stream_proto.h"

static void die(const char *what)
{
	fprintf(stderr, "tcpstream: %s: %s\n", what, strerror(errno));
	exit(1);
}

int main(int argc, char **argv)
{
	struct sockaddr_in a = {.sin_family = AF_INET};
	int port, lfd, one = 1;

	if (argc < 2 || (port = atoi(argv[1])) <= 0 || port > 65535) {
		fprintf(stderr, "usage: tcpstream PORT\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	pat_init();
	lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (lfd < 0)
		die("socket");
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	a.sin_port = htons(port);
	if (bind(lfd, (struct sockaddr *)&a, sizeof(a)) < 0)
		die("bind");
	if (listen(lfd, 16) < 0)
		die("listen");
	printf("tcpstream: listening on port %d\n", port);
	for (;;) {
		int fd = accept(lfd, NULL, NULL);

		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			die("accept");
		}
		if (stream_serve(fd)) {
			close(fd);
			printf("tcpstream: received %llu bytes, sent %llu bytes\n", total_in,
			       total_out);
			return 0;
		}
		close(fd);
	}
}
