/*
 * sockinet.h - shared helpers of the AF_INET/AF_INET6 guest test
 * (sockinet.c: TCP checks and main; sockinet_more.c: UDP, options, bad
 * arguments, the NIC mode): loopback addresses, listeners, full reads
 * and writes, the byte pattern, timing.
 * Layer: guest test program (tests/suites/73-inet).
 */
#ifndef SOCKINET_H
#define SOCKINET_H

#include "../gtest.h"
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
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

static inline double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static inline void msleep(int ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	nanosleep(&ts, NULL);
}

static inline unsigned char pat(size_t i)
{
	return (unsigned char)(i * 131 + (i >> 9) * 7 + 3);
}

/* a loopback address of the family, port given */
static inline socklen_t lo_addr(int fam, int port, struct sockaddr_storage *ss)
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

static inline int port_of(int fd)
{
	struct sockaddr_storage ss;
	socklen_t l = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &l))
		return -1;
	return ntohs(((struct sockaddr_in *)&ss)->sin_port); /* same offset in v6 */
}

/* a listener on the loopback of fam, ephemeral port */
static inline int listener(int fam, int backlog)
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

static inline int connect_to(int fam, int port)
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

static inline ssize_t read_full(int fd, void *buf, size_t n)
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

static inline ssize_t write_full(int fd, const void *buf, size_t n)
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

/* sockinet_more.c */
void test_udp(int fam);
void test_options(void);
void test_bad(void);
void test_nic(void);
void test_txflood(long n);
void test_slow_reader(const char *name, int fam, size_t n);
int sockinet_more_failed(void);

#endif
