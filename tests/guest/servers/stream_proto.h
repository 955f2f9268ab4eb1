/*
 * stream_proto.h - the command protocol and byte pattern that the guest
 * stream servers share: tcpstream.c (75-servers, 73-inet, bench/net) and
 * tests/guest/tap/tapsrv.c (76-tap). Header-only (static functions), one
 * include per program. Each TCP connection starts with a command line:
 *   "ECHO\n"        every byte comes back until the client shuts down
 *   "SINK\n"        the client sends the pattern until it shuts down; the
 *                   reply is "got <bytes> ok\n" or "got <bytes> bad <off>\n"
 *   "SOURCE <n>\n"  n pattern bytes, then close
 *   "QUIT\n"        stream_serve returns 1 (the program prints its totals)
 * The pattern is a 65521-byte block (a prime, so it never lines up with
 * buffer sizes) repeated: block[i] = (x >> 24) & 255 with x = x * 1103515245
 * + 12345 from x = 1, i = 0, 1, ... (tests/host/netload.c and
 * tests/host/tapclient.py make the same bytes).
 * Layer: guest test programs (static, musl); no monos code.
 */
#ifndef STREAM_PROTO_H
#define STREAM_PROTO_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define PAT_LEN 65521
#define BUF_LEN (256 * 1024)

static unsigned char pat[PAT_LEN];
static unsigned char buf[BUF_LEN];
static unsigned long long total_in, total_out;

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

static void stream_echo(int fd)
{
	for (;;) {
		ssize_t r = recv(fd, buf, sizeof(buf), 0);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0 || write_all(fd, buf, r) < 0)
			break;
		total_in += r;
		total_out += r;
	}
}

static void stream_sink(int fd)
{
	unsigned long long got = 0;
	long bad = -1;
	char reply[96];

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
}

static void stream_source(int fd, unsigned long long want)
{
	unsigned long long sent = 0;

	while (sent < want) {
		size_t at = sent % PAT_LEN, len = PAT_LEN - at;

		if (len > want - sent)
			len = want - sent;
		if (write_all(fd, pat + at, len) < 0)
			break;
		sent += len;
	}
	total_out += sent;
}

/* serve one TCP connection's command (the caller closes fd); 1 on QUIT */
static int stream_serve(int fd)
{
	char cmd[64];

	if (read_cmd(fd, cmd, sizeof(cmd)) < 0)
		return 0;
	if (!strcmp(cmd, "QUIT"))
		return 1;
	if (!strcmp(cmd, "ECHO"))
		stream_echo(fd);
	else if (!strcmp(cmd, "SINK"))
		stream_sink(fd);
	else if (!strncmp(cmd, "SOURCE ", 7))
		stream_source(fd, strtoull(cmd + 7, NULL, 10));
	else
		write_all(fd, "error unknown command\n", 22);
	return 0;
}

#endif
