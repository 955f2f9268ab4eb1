/*
 * tcpstream.c - a TCP stream sink and source for throughput tests
 * (tests/suites/75-servers, bench `TCP stream MB/s`), driven by the host's
 * tests/host/netload.c (`netload send` / `netload recv`). Serves one
 * connection at a time, blocking I/O. Each connection starts with one
 * command line:
 *   "SINK\n"        the client sends bytes until it shuts down its side;
 *                   they must be the pattern (below); the reply is
 *                   "got <bytes> ok\n" or "got <bytes> bad <offset>\n"
 *   "SOURCE <n>\n"  the server sends n pattern bytes, then closes
 *   "QUIT\n"        the server prints its totals and exits 0
 * The pattern is a 65521-byte block (a prime, so it never lines up with
 * buffer sizes) repeated: block[i] = (x >> 24) & 255 with x = x * 1103515245
 * + 12345 from x = 1, i = 0, 1, ... Both sides check it with memcmp, which
 * costs little next to the copy itself.
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

#define PAT_LEN 65521
#define BUF_LEN (256 * 1024)

static unsigned char pat[PAT_LEN];
static unsigned char buf[BUF_LEN];

static void die(const char *what)
{
	fprintf(stderr, "tcpstream: %s: %s\n", what, strerror(errno));
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

/* does p[0..n) equal the pattern from stream offset off? -1 if yes, else the
 * offset within p of the first difference's chunk */
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

/* read the command line byte by byte (it is short); 0 or -1 */
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

int main(int argc, char **argv)
{
	struct sockaddr_in a = {.sin_family = AF_INET};
	unsigned long long total_in = 0, total_out = 0;
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
		char cmd[64], reply[96];
		int fd = accept(lfd, NULL, NULL);

		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			die("accept");
		}
		if (read_cmd(fd, cmd, sizeof(cmd)) < 0) {
			close(fd);
			continue;
		}
		if (!strcmp(cmd, "QUIT")) {
			close(fd);
			printf("tcpstream: received %llu bytes, sent %llu bytes\n", total_in,
			       total_out);
			return 0;
		}
		if (!strcmp(cmd, "SINK")) {
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
		close(fd);
	}
}
