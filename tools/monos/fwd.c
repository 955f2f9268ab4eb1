/*
 * fwd.c - the runner's `-p [tcp:|udp:]HOST[:GUEST]` port forwards and
 * `--smp N`: parsing and checking the specs (one clear message per bad
 * spec), checking that each host port is free on 127.0.0.1 before QEMU
 * starts, and the QEMU user-networking option text
 * (`user,id=n0,restrict=on,hostfwd=tcp:127.0.0.1:H-:G,...`). Only
 * 127.0.0.1 is ever bound on the host; `restrict=on` keeps the guest from
 * reaching anything but the forwarded ports (and slirp's own DHCP).
 *
 * Layer: host tool (tools/monos). Called by main.c (parsing, port check)
 * and vm.c (the -netdev value).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "monos.h"

/* "123" -> 123 within lo..hi; -1 for anything else (sign, spaces, junk) */
static long parse_num(const char *s, size_t len, long lo, long hi)
{
	long v = 0;

	if (len == 0 || len > 6)
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v < lo || v > hi ? -1 : v;
}

int fwd_parse(const char *spec, struct vm_fwd *f, char *err, size_t err_len)
{
	const char *p = spec, *colon;
	long host, guest;

	f->udp = false;
	if (!strncmp(p, "tcp:", 4)) {
		p += 4;
	} else if (!strncmp(p, "udp:", 4)) {
		f->udp = true;
		p += 4;
	}
	if (!*p) {
		snprintf(err, err_len, "-p %s: expected [tcp:|udp:]HOST[:GUEST], e.g. -p 8080 or -p 8080:80",
			 spec);
		return -1;
	}
	colon = strchr(p, ':');
	host = parse_num(p, colon ? (size_t)(colon - p) : strlen(p), 0, 1000000);
	guest = colon ? parse_num(colon + 1, strlen(colon + 1), 0, 1000000) : host;
	if (host < 0 || guest < 0 || (colon && strchr(colon + 1, ':'))) {
		/* name what went wrong: a protocol, an address, or not a number */
		size_t alpha = strspn(p, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ");

		if (colon && alpha && p + alpha == colon)
			snprintf(err, err_len, "-p %s: unknown protocol '%.*s' (tcp or udp)", spec,
				 (int)alpha, p);
		else if (strchr(p, '.') || strchr(p, '[') ||
			 (colon && strchr(colon + 1, ':')))
			snprintf(err, err_len,
				 "-p %s: expected [tcp:|udp:]HOST[:GUEST] with port numbers "
				 "(forwards always listen on 127.0.0.1; no address can be given)",
				 spec);
		else
			snprintf(err, err_len,
				 "-p %s: expected [tcp:|udp:]HOST[:GUEST] with port numbers 1-65535",
				 spec);
		return -1;
	}
	if (host < 1 || host > 65535 || guest < 1 || guest > 65535) {
		snprintf(err, err_len, "-p %s: port %ld out of range (1-65535)", spec,
			 host < 1 || host > 65535 ? host : guest);
		return -1;
	}
	f->host = (u16)host;
	f->guest = (u16)guest;
	return 0;
}

int fwd_add(struct vm_fwd *list, size_t *n, size_t max, const char *spec, char *err,
	    size_t err_len)
{
	struct vm_fwd f;

	if (fwd_parse(spec, &f, err, err_len) < 0)
		return -1;
	for (size_t i = 0; i < *n; i++) {
		if (list[i].udp == f.udp && list[i].host == f.host) {
			snprintf(err, err_len, "-p %s: host port %s:%u is forwarded twice", spec,
				 f.udp ? "udp" : "tcp", f.host);
			return -1;
		}
		if (list[i].udp == f.udp && list[i].guest == f.guest) {
			snprintf(err, err_len,
				 "-p %s: guest port %s:%u already has a forward (-p %u:%u)", spec,
				 f.udp ? "udp" : "tcp", f.guest, list[i].host, list[i].guest);
			return -1;
		}
	}
	if (*n >= max) {
		snprintf(err, err_len, "-p %s: too many forwards (at most %zu)", spec, max);
		return -1;
	}
	list[(*n)++] = f;
	return 0;
}

int fwd_check_free(const struct vm_fwd *f, char *err, size_t err_len)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(f->host)};
	int s, one = 1, ret = 0;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	s = socket(AF_INET, (f->udp ? SOCK_DGRAM : SOCK_STREAM) | SOCK_CLOEXEC, 0);
	if (s < 0) {
		snprintf(err, err_len, "-p: socket: %s", strerror(errno));
		return -1;
	}
	/* QEMU's slirp listens with SO_REUSEADDR, so a port with connections
	 * in TIME_WAIT is free for it too: check the same way */
	if (!f->udp)
		setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(s, (struct sockaddr *)&a, sizeof(a)) < 0) {
		if (errno == EADDRINUSE)
			snprintf(err, err_len,
				 "-p %s%u:%u: host port 127.0.0.1:%u is in use (pick another HOST port)",
				 f->udp ? "udp:" : "", f->host, f->guest, f->host);
		else
			snprintf(err, err_len, "-p %s%u:%u: cannot bind 127.0.0.1:%u: %s",
				 f->udp ? "udp:" : "", f->host, f->guest, f->host, strerror(errno));
		ret = -1;
	} else if (!f->udp && listen(s, 1) < 0) {
		snprintf(err, err_len, "-p %u:%u: cannot listen on 127.0.0.1:%u: %s", f->host,
			 f->guest, f->host, strerror(errno));
		ret = -1;
	}
	close(s);
	return ret;
}

void fwd_netdev(const struct vm_fwd *list, size_t n, struct strbuf *sb)
{
	sb_puts(sb, "user,id=n0,restrict=on");
	for (size_t i = 0; i < n; i++)
		sb_printf(sb, ",hostfwd=%s:127.0.0.1:%u-:%u", list[i].udp ? "udp" : "tcp",
			  list[i].host, list[i].guest);
}

int smp_parse(const char *s, int *n)
{
	long v = parse_num(s, strlen(s), 1, VM_SMP_MAX);

	if (v < 0)
		return -1;
	*n = (int)v;
	return 0;
}
