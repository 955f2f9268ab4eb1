/*
 * tests/guest/sockunix/sockunix.c - AF_UNIX sockets and the generic socket
 * layer: socketpair stream/dgram/seqpacket (boundaries, truncation,
 * readv/writev, sendmmsg/recvmmsg, MSG_PEEK/MSG_WAITALL), a threaded
 * server bound to a path and its clients, abstract names, poll/select/
 * epoll (level and edge), non-blocking EAGAIN, EPIPE/SIGPIPE and
 * MSG_NOSIGNAL, EOF, SCM_RIGHTS, SO_PEERCRED and other options, FIONREAD,
 * SO_RCVTIMEO, EINTR/SA_RESTART, sendfile from a file to a socket (content
 * checked; the file is $SOCKUNIX_FILE, default /pattern.bin) and bad
 * arguments (EBADF, ENOTSOCK, EFAULT, EINVAL, EAFNOSUPPORT, EADDRINUSE,
 * ECONNREFUSED...); `sockunix sigpipe` dies of SIGPIPE.
 * Layer: guest test program (tests/suites/72-sockunix), built with
 * musl-gcc and gcc -static -pthread; must pass natively on Linux.
 */
#include "../gtest.h"
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <time.h>

#define SOCK_PATH "sockunix-test.sock"

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

static socklen_t path_addr(struct sockaddr_un *a, const char *path)
{
	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	strcpy(a->sun_path, path);
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(path) + 1);
}

/* abstract name: a NUL then the bytes, length exact */
static socklen_t abstract_addr(struct sockaddr_un *a, const char *name)
{
	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	memcpy(a->sun_path + 1, name, strlen(name));
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + strlen(name));
}

/* ---- socketpairs ---- */

static void test_pairs(void)
{
	int sv[2], n = -1, v = 0;
	char buf[64];
	struct stat st;
	socklen_t len = sizeof(v);

	CHECK_RET("pair_stream", socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	CHECK("pair_fstat_sock", fstat(sv[0], &st) == 0 && S_ISSOCK(st.st_mode), "mode %o",
	      st.st_mode);
	CHECK_RET("pair_stream_write", write(sv[0], "hello", 5), 5);
	CHECK_RET("pair_stream_write2", send(sv[0], " world", 6, 0), 6);
	CHECK("pair_stream_fionread", ioctl(sv[1], FIONREAD, &n) == 0 && n == 11, "FIONREAD %d",
	      n);
	memset(buf, 0, sizeof(buf));
	CHECK_RET("pair_stream_peek", recv(sv[1], buf, 5, MSG_PEEK), 5);
	CHECK("pair_stream_read", read(sv[1], buf, sizeof(buf)) == 11 &&
					  !memcmp(buf, "hello world", 11),
	      "got '%.11s'", buf);
	CHECK("so_type_stream", getsockopt(sv[0], SOL_SOCKET, SO_TYPE, &v, &len) == 0 &&
					v == SOCK_STREAM && len == sizeof(int),
	      "type %d len %u", v, len);
	len = sizeof(v);
	CHECK("so_domain", getsockopt(sv[0], SOL_SOCKET, SO_DOMAIN, &v, &len) == 0 && v == AF_UNIX,
	      "domain %d", v);
	len = sizeof(v);
	CHECK("so_error_zero", getsockopt(sv[0], SOL_SOCKET, SO_ERROR, &v, &len) == 0 && v == 0,
	      "so_error %d", v);
	v = 65536;
	setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &v, sizeof(v));
	len = sizeof(v);
	CHECK("so_sndbuf_doubled", getsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &v, &len) == 0 &&
					   v == 131072,
	      "sndbuf %d", v);
	{
		struct ucred cr;

		len = sizeof(cr);
		CHECK("so_peercred", getsockopt(sv[0], SOL_SOCKET, SO_PEERCRED, &cr, &len) == 0 &&
					     len == sizeof(cr) && cr.pid == getpid() &&
					     cr.uid == getuid(),
		      "pid %d uid %u (want %d %u)", cr.pid, cr.uid, getpid(), getuid());
	}
	/* writev/readv: one stream, pieces in order */
	{
		struct iovec w[2] = { { "abc", 3 }, { "defg", 4 } };
		char r1[2], r2[10] = { 0 };
		struct iovec r[2] = { { r1, 2 }, { r2, sizeof(r2) } };

		CHECK_RET("pair_writev", writev(sv[0], w, 2), 7);
		CHECK("pair_readv", readv(sv[1], r, 2) == 7 && !memcmp(r1, "ab", 2) &&
					    !memcmp(r2, "cdefg", 5),
		      "got %.2s|%.5s", r1, r2);
	}
	/* a zero-length stream write sends nothing */
	CHECK_RET("pair_stream_write0", write(sv[0], buf, 0), 0);
	CHECK_RET("pair_stream_after_write0", write(sv[0], "q", 1), 1);
	CHECK("pair_stream_read_after0", read(sv[1], buf, sizeof(buf)) == 1 && buf[0] == 'q',
	      "got %c", buf[0]);
	close(sv[0]);
	CHECK_RET("pair_stream_eof", read(sv[1], buf, sizeof(buf)), 0);
	close(sv[1]);

	CHECK_RET("pair_dgram", socketpair(AF_UNIX, SOCK_DGRAM, 0, sv), 0);
	send(sv[0], "one", 3, 0);
	send(sv[0], "two!", 4, 0);
	send(sv[0], "three", 5, 0);
	CHECK("pair_dgram_fionread", ioctl(sv[1], FIONREAD, &n) == 0 && n == 3, "FIONREAD %d", n);
	CHECK_RET("pair_dgram_boundary1", recv(sv[1], buf, sizeof(buf), 0), 3);
	CHECK_RET("pair_dgram_boundary2", read(sv[1], buf, sizeof(buf)), 4);
	{
		struct msghdr mh;
		struct iovec io = { buf, 2 };

		memset(&mh, 0, sizeof(mh));
		mh.msg_iov = &io;
		mh.msg_iovlen = 1;
		CHECK("pair_dgram_trunc", recvmsg(sv[1], &mh, 0) == 2 && (mh.msg_flags & MSG_TRUNC),
		      "flags %#x", mh.msg_flags);
	}
	CHECK_ERR("pair_dgram_empty_eagain", recv(sv[1], buf, sizeof(buf), MSG_DONTWAIT), EAGAIN);
	/* MSG_TRUNC as input: the real length */
	send(sv[0], "0123456789", 10, 0);
	CHECK_RET("pair_dgram_msg_trunc_len", recv(sv[1], buf, 4, MSG_TRUNC), 10);
	/* writev is one datagram, readv scatters it */
	{
		struct iovec w[2] = { { "ab", 2 }, { "cdef", 4 } };
		char r1[3] = { 0 }, r2[8] = { 0 };
		struct iovec r[2] = { { r1, 3 }, { r2, 8 } };

		writev(sv[0], w, 2);
		CHECK("pair_dgram_readv", readv(sv[1], r, 2) == 6 && !memcmp(r1, "abc", 3) &&
						  !memcmp(r2, "def", 3),
		      "got %.3s|%.3s", r1, r2);
	}
	/* sendmmsg / recvmmsg */
	{
		char d[3][8] = { "m1", "mm2", "mmm3" }, g[3][8];
		struct mmsghdr ms[3], mr[3];
		struct iovec is[3], ir[3];

		memset(ms, 0, sizeof(ms));
		memset(mr, 0, sizeof(mr));
		for (int i = 0; i < 3; i++) {
			is[i].iov_base = d[i];
			is[i].iov_len = strlen(d[i]);
			ms[i].msg_hdr.msg_iov = &is[i];
			ms[i].msg_hdr.msg_iovlen = 1;
			ir[i].iov_base = g[i];
			ir[i].iov_len = sizeof(g[i]);
			mr[i].msg_hdr.msg_iov = &ir[i];
			mr[i].msg_hdr.msg_iovlen = 1;
		}
		CHECK_RET("sendmmsg", sendmmsg(sv[0], ms, 3, 0), 3);
		CHECK("recvmmsg", recvmmsg(sv[1], mr, 3, MSG_DONTWAIT, NULL) == 3 &&
					  mr[0].msg_len == 2 && mr[1].msg_len == 3 &&
					  mr[2].msg_len == 4 && !memcmp(g[2], "mmm3", 4),
		      "lens %u %u %u", mr[0].msg_len, mr[1].msg_len, mr[2].msg_len);
	}
	close(sv[0]);
	close(sv[1]);

	CHECK_RET("pair_seqpacket", socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
	send(sv[0], "abc", 3, 0);
	send(sv[0], "defgh", 5, 0);
	CHECK_RET("seqpacket_boundary", recv(sv[1], buf, sizeof(buf), 0), 3);
	CHECK_RET("seqpacket_boundary2", recv(sv[1], buf, sizeof(buf), 0), 5);
	close(sv[0]);
	CHECK_RET("seqpacket_eof", recv(sv[1], buf, sizeof(buf), 0), 0);
	close(sv[1]);
}

/* ---- round-trip figure: one byte back and forth between two threads ---- */

static void *pong_thread(void *p)
{
	int fd = *(int *)p;
	unsigned char c;

	while (read(fd, &c, 1) == 1) {
		c++;
		if (write(fd, &c, 1) != 1)
			break;
	}
	return NULL;
}

static void test_pingpong(void)
{
	struct timespec t0, t1;
	int sv[2], bad = 0, rounds = 200;
	pthread_t t;

	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	pthread_create(&t, NULL, pong_thread, &sv[1]);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 0; i < rounds; i++) {
		unsigned char c = (unsigned char)i, d = 0;

		if (write(sv[0], &c, 1) != 1 || read(sv[0], &d, 1) != 1 ||
		    d != (unsigned char)(i + 1))
			bad++;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("figure unix_stream_pingpong_roundtrip_us %.1f\n",
	       ((t1.tv_sec - t0.tv_sec) * 1e6 + (t1.tv_nsec - t0.tv_nsec) / 1e3) / rounds);
	close(sv[0]); /* the thread reads EOF and ends */
	pthread_join(t, NULL);
	close(sv[1]);
	CHECK("pingpong_threads", !bad, "%d bad rounds", bad);
}

/* ---- a threaded server on a path ---- */

struct srv {
	int fd;
	int clients;
	int served;
	socklen_t acc_len;
};

/* upper-cases every message until EOF, for each client */
static void *server_thread(void *p)
{
	struct srv *s = p;

	for (int c = 0; c < s->clients; c++) {
		struct sockaddr_un peer;
		socklen_t plen = sizeof(peer);
		int fd = accept(s->fd, (struct sockaddr *)&peer, &plen);
		char buf[256];
		ssize_t n;

		if (fd < 0)
			return (void *)1;
		s->acc_len = plen;
		while ((n = read(fd, buf, sizeof(buf))) > 0) {
			for (ssize_t i = 0; i < n; i++)
				if (buf[i] >= 'a' && buf[i] <= 'z')
					buf[i] -= 32;
			if (write(fd, buf, (size_t)n) != n)
				break;
		}
		close(fd);
		s->served++;
	}
	return NULL;
}

static void test_server(void)
{
	struct sockaddr_un a, b;
	socklen_t alen = path_addr(&a, SOCK_PATH), blen;
	struct srv s = { -1, 3, 0, 0 };
	pthread_t t;
	void *res = (void *)-1;
	int ok = 0;

	unlink(SOCK_PATH);
	s.fd = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK_RET("server_bind", bind(s.fd, (struct sockaddr *)&a, alen), 0);
	blen = sizeof(b);
	CHECK("server_getsockname", getsockname(s.fd, (struct sockaddr *)&b, &blen) == 0 &&
					    blen == alen && !strcmp(b.sun_path, SOCK_PATH),
	      "len %u path '%s'", blen, b.sun_path);
	{
		int d = socket(AF_UNIX, SOCK_STREAM, 0);

		CHECK_ERR("bind_path_eaddrinuse", bind(d, (struct sockaddr *)&a, alen),
			  EADDRINUSE);
		CHECK_ERR("connect_not_listening_refused",
			  connect(d, (struct sockaddr *)&a, alen), ECONNREFUSED);
		close(d);
	}
	CHECK_RET("server_listen", listen(s.fd, 8), 0);
	{
		int v = 0;
		socklen_t l = sizeof(v);

		CHECK("so_acceptconn", getsockopt(s.fd, SOL_SOCKET, SO_ACCEPTCONN, &v, &l) == 0 && v == 1,
		      "acceptconn %d", v);
	}
	pthread_create(&t, NULL, server_thread, &s);
	for (int c = 0; c < s.clients; c++) {
		int fd = socket(AF_UNIX, SOCK_STREAM, 0);
		char buf[64] = { 0 };
		char msg[32];
		ssize_t n;

		snprintf(msg, sizeof(msg), "hello client %d", c);
		if (connect(fd, (struct sockaddr *)&a, alen)) {
			printf("# connect %d: %s\n", c, strerror(errno));
			close(fd);
			continue;
		}
		if (c == 0) {
			blen = sizeof(b);
			CHECK("client_getpeername",
			      getpeername(fd, (struct sockaddr *)&b, &blen) == 0 &&
				      !strcmp(b.sun_path, SOCK_PATH),
			      "peer '%s'", b.sun_path);
		}
		write(fd, msg, strlen(msg));
		n = read(fd, buf, sizeof(buf));
		shutdown(fd, SHUT_WR);
		if (n == (ssize_t)strlen(msg) && !strncmp(buf, "HELLO CLIENT", 12) &&
		    read(fd, buf, sizeof(buf)) == 0)
			ok++;
		else
			printf("# client %d got %zd '%s'\n", c, n, buf);
		close(fd);
	}
	pthread_join(t, &res);
	CHECK("server_threaded_clients", ok == 3 && s.served == 3 && !res,
	      "%d ok, %d served, thread %p", ok, s.served, res);
	CHECK("accept_unnamed_peer_len", s.acc_len == sizeof(sa_family_t), "addrlen %u",
	      s.acc_len);

	/* backlog: a full queue makes a non-blocking connect EAGAIN */
	{
		int c[3], nb;

		listen(s.fd, 1);
		for (int i = 0; i < 3; i++)
			c[i] = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
		CHECK_RET("backlog_connect1", connect(c[0], (struct sockaddr *)&a, alen), 0);
		CHECK_RET("backlog_connect2", connect(c[1], (struct sockaddr *)&a, alen), 0);
		CHECK_ERR("backlog_full_eagain", connect(c[2], (struct sockaddr *)&a, alen),
			  EAGAIN);
		nb = accept4(s.fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		CHECK("accept4_flags", nb >= 0 && (fcntl(nb, F_GETFL) & O_NONBLOCK) &&
					       fcntl(nb, F_GETFD) == FD_CLOEXEC,
		      "fd %d fl %#x fd %d", nb, fcntl(nb, F_GETFL), fcntl(nb, F_GETFD));
		CHECK_RET("backlog_connect_after_accept",
			  connect(c[2], (struct sockaddr *)&a, alen), 0);
		close(nb);
		/* the listener goes away with queued connections: reset */
		close(s.fd);
		{
			char ch;
			ssize_t r;

			/* c[0]'s server end was accepted and closed: EOF */
			CHECK_RET("accepted_closed_eof", read(c[0], &ch, 1), 0);
			errno = 0;
			r = read(c[1], &ch, 1);
			CHECK("listener_closed_reset", r == -1 && errno == ECONNRESET,
			      "read %zd (%s)", r, strerror(errno));
		}
		for (int i = 0; i < 3; i++)
			close(c[i]);
	}
	{
		int d = socket(AF_UNIX, SOCK_STREAM, 0);

		/* the name stays on Linux (a file); either way nobody listens */
		int r = connect(d, (struct sockaddr *)&a, alen);

		CHECK("connect_closed_listener", r == -1 && (errno == ECONNREFUSED),
		      "connect %d (%s)", r, strerror(errno));
		close(d);
	}
	unlink(SOCK_PATH);
}

struct acc {
	int fd;
	int ret, err;
};

static void *blocked_accept(void *p)
{
	struct acc *a = p;

	a->ret = accept(a->fd, NULL, NULL);
	a->err = errno;
	return NULL;
}

/* shutdown of a listener ends an accept blocked in another thread */
static void test_accept_shutdown(void)
{
	struct sockaddr_un a;
	socklen_t alen = abstract_addr(&a, "monos-sockunix-acc");
	struct acc ac = { socket(AF_UNIX, SOCK_STREAM, 0), 0, 0 };
	pthread_t t;

	bind(ac.fd, (struct sockaddr *)&a, alen);
	listen(ac.fd, 4);
	pthread_create(&t, NULL, blocked_accept, &ac);
	sleep_ms(50);
	shutdown(ac.fd, SHUT_RDWR);
	pthread_join(t, NULL);
	CHECK("accept_ended_by_shutdown", ac.ret == -1 && ac.err == EINVAL, "accept %d (%s)",
	      ac.ret, strerror(ac.err));
	close(ac.fd);
}

static void test_abstract_dgram(void)
{
	struct sockaddr_un a, from;
	socklen_t alen = abstract_addr(&a, "monos-sockunix-abs"), flen;
	int s = socket(AF_UNIX, SOCK_DGRAM, 0), c = socket(AF_UNIX, SOCK_DGRAM, 0), d;
	char buf[32];

	CHECK_RET("abstract_bind", bind(s, (struct sockaddr *)&a, alen), 0);
	d = socket(AF_UNIX, SOCK_DGRAM, 0);
	CHECK_ERR("abstract_eaddrinuse", bind(d, (struct sockaddr *)&a, alen), EADDRINUSE);
	close(d);
	CHECK_RET("dgram_sendto", sendto(c, "ping", 4, 0, (struct sockaddr *)&a, alen), 4);
	flen = sizeof(from);
	CHECK("dgram_recvfrom_unnamed", recvfrom(s, buf, sizeof(buf), 0,
						 (struct sockaddr *)&from, &flen) == 4 &&
						(flen == 0 || flen == sizeof(sa_family_t)),
	      "flen %u", flen);
	{
		struct sockaddr_un ca;
		socklen_t calen = abstract_addr(&ca, "monos-sockunix-cli");

		bind(c, (struct sockaddr *)&ca, calen);
		sendto(c, "pong", 4, 0, (struct sockaddr *)&a, alen);
		flen = sizeof(from);
		CHECK("dgram_recvfrom_named", recvfrom(s, buf, sizeof(buf), 0,
						       (struct sockaddr *)&from, &flen) == 4 &&
						      flen == calen &&
						      !memcmp(from.sun_path + 1, "monos-sockunix-cli", 18),
		      "flen %u", flen);
	}
	CHECK_RET("dgram_connect", connect(c, (struct sockaddr *)&a, alen), 0);
	CHECK_RET("dgram_send_connected", send(c, "x", 1, 0), 1);
	CHECK_RET("dgram_recv_connected", recv(s, buf, sizeof(buf), 0), 1);
	close(s);
	CHECK_ERR("dgram_peer_closed_refused", send(c, "x", 1, 0), ECONNREFUSED);
	close(c);
	{
		struct sockaddr_un n;
		socklen_t nlen = abstract_addr(&n, "monos-nobody-here");

		c = socket(AF_UNIX, SOCK_STREAM, 0);
		CHECK_ERR("abstract_connect_refused", connect(c, (struct sockaddr *)&n, nlen),
			  ECONNREFUSED);
		close(c);
		c = socket(AF_UNIX, SOCK_DGRAM, 0);
		CHECK_ERR("dgram_sendto_nobody_refused",
			  sendto(c, "x", 1, 0, (struct sockaddr *)&n, nlen), ECONNREFUSED);
		CHECK_ERR("dgram_send_unconnected", send(c, "x", 1, 0), ENOTCONN);
		nlen = sizeof(sa_family_t);
		CHECK_RET("autobind", bind(c, (struct sockaddr *)&n, nlen), 0);
		nlen = sizeof(n);
		CHECK("autobind_name", getsockname(c, (struct sockaddr *)&n, &nlen) == 0 &&
					       nlen == 8 && n.sun_path[0] == 0,
		      "len %u", nlen);
		close(c);
	}
}

/* ---- readiness ---- */

static void *late_writer(void *p)
{
	sleep_ms(50);
	write(*(int *)p, "z", 1);
	return NULL;
}

static void test_poll(void)
{
	int sv[2], ep, n;
	struct pollfd pf[2];
	struct epoll_event ev, out[4];
	char buf[8];
	pthread_t t;
	long t0;

	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	pf[0] = (struct pollfd){ sv[0], POLLIN | POLLOUT, 0 };
	CHECK("poll_writable_only", poll(pf, 1, 0) == 1 && pf[0].revents == POLLOUT,
	      "revents %#x", pf[0].revents);
	write(sv[1], "a", 1);
	CHECK("poll_readable", poll(pf, 1, 0) == 1 && pf[0].revents == (POLLIN | POLLOUT),
	      "revents %#x", pf[0].revents);
	read(sv[0], buf, 1);
	/* a blocking poll woken by another thread's write */
	pthread_create(&t, NULL, late_writer, &sv[1]);
	pf[0] = (struct pollfd){ sv[0], POLLIN, 0 };
	t0 = now_ms();
	n = poll(pf, 1, 5000);
	CHECK("poll_wakes_on_write", n == 1 && pf[0].revents == POLLIN && now_ms() - t0 < 4000,
	      "n %d revents %#x after %ld ms", n, pf[0].revents, now_ms() - t0);
	pthread_join(t, NULL);
	read(sv[0], buf, 1);
	{
		fd_set r, w;
		struct timeval tv = { 0, 0 };

		FD_ZERO(&r);
		FD_ZERO(&w);
		FD_SET(sv[0], &r);
		FD_SET(sv[0], &w);
		n = select(sv[0] + 1, &r, &w, NULL, &tv);
		CHECK("select_writable", n == 1 && !FD_ISSET(sv[0], &r) && FD_ISSET(sv[0], &w),
		      "n %d", n);
		write(sv[1], "b", 1);
		FD_SET(sv[0], &r);
		FD_ZERO(&w);
		tv = (struct timeval){ 1, 0 };
		n = select(sv[0] + 1, &r, NULL, NULL, &tv);
		CHECK("select_readable", n == 1 && FD_ISSET(sv[0], &r), "n %d", n);
		read(sv[0], buf, 1);
	}

	/* epoll level-triggered: reported until drained */
	ep = epoll_create1(EPOLL_CLOEXEC);
	ev.events = EPOLLIN;
	ev.data.u32 = 7;
	epoll_ctl(ep, EPOLL_CTL_ADD, sv[0], &ev);
	CHECK_RET("epoll_lt_empty", epoll_wait(ep, out, 4, 0), 0);
	write(sv[1], "cd", 2);
	CHECK("epoll_lt_ready", epoll_wait(ep, out, 4, 0) == 1 && out[0].data.u32 == 7 &&
					out[0].events == EPOLLIN,
	      "events %#x", out[0].events);
	CHECK_RET("epoll_lt_again", epoll_wait(ep, out, 4, 0), 1);
	read(sv[0], buf, 2);
	CHECK_RET("epoll_lt_drained", epoll_wait(ep, out, 4, 0), 0);

	/* edge-triggered: one report per arrival */
	ev.events = EPOLLIN | EPOLLET;
	epoll_ctl(ep, EPOLL_CTL_MOD, sv[0], &ev);
	write(sv[1], "e", 1);
	CHECK_RET("epoll_et_edge", epoll_wait(ep, out, 4, 0), 1);
	CHECK_RET("epoll_et_no_second", epoll_wait(ep, out, 4, 0), 0);
	write(sv[1], "f", 1);
	CHECK_RET("epoll_et_new_edge", epoll_wait(ep, out, 4, 0), 1);
	pthread_create(&t, NULL, late_writer, &sv[1]);
	n = epoll_wait(ep, out, 4, 5000);
	CHECK("epoll_et_blocking_wake", n == 1 && (out[0].events & EPOLLIN), "n %d", n);
	pthread_join(t, NULL);
	read(sv[0], buf, sizeof(buf));

	/* EPOLLOUT edge after the peer drains a full buffer */
	{
		static char big[65536];
		int x[2], fills = 0;

		socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, x);
		ev.events = EPOLLOUT | EPOLLET;
		ev.data.u32 = 9;
		epoll_ctl(ep, EPOLL_CTL_ADD, x[0], &ev);
		CHECK_RET("epoll_et_out_initial", epoll_wait(ep, out, 4, 0), 1);
		while (write(x[0], big, sizeof(big)) > 0)
			fills++;
		CHECK("nonblock_fill_eagain", errno == EAGAIN && fills > 0, "errno %s fills %d",
		      strerror(errno), fills);
		CHECK_RET("epoll_et_out_full", epoll_wait(ep, out, 4, 0), 0);
		pf[0] = (struct pollfd){ x[0], POLLOUT, 0 };
		CHECK_RET("poll_full_not_writable", poll(pf, 1, 0), 0);
		while (read(x[1], big, sizeof(big)) > 0)
			;
		n = epoll_wait(ep, out, 4, 1000);
		CHECK("epoll_et_out_after_drain", n == 1 && out[0].data.u32 == 9 &&
							  (out[0].events & EPOLLOUT),
		      "n %d", n);
		CHECK_ERR("nonblock_read_eagain", read(x[1], big, 1), EAGAIN);
		close(x[0]);
		close(x[1]);
	}

	/* hang-ups */
	shutdown(sv[1], SHUT_WR);
	pf[0] = (struct pollfd){ sv[0], POLLIN | POLLRDHUP, 0 };
	CHECK("poll_rdhup_after_shut_wr", poll(pf, 1, 0) == 1 &&
						  (pf[0].revents & (POLLIN | POLLRDHUP)) ==
							  (POLLIN | POLLRDHUP) &&
						  !(pf[0].revents & POLLHUP),
	      "revents %#x", pf[0].revents);
	CHECK_RET("read_eof_after_shut_wr", read(sv[0], buf, 1), 0);
	close(sv[1]);
	pf[0] = (struct pollfd){ sv[0], POLLIN, 0 };
	CHECK("poll_hup_after_close", poll(pf, 1, 0) == 1 && (pf[0].revents & POLLHUP),
	      "revents %#x", pf[0].revents);
	close(sv[0]);
	close(ep);
}

/* ---- EPIPE / SIGPIPE, signals, timeouts ---- */

static volatile int sigpipes, sigusr;
static void on_sigpipe(int s)
{
	(void)s;
	sigpipes++;
}
static void on_usr1(int s)
{
	(void)s;
	sigusr++;
}

struct kick {
	pthread_t target;
	int fd;
};

static void *kicker(void *p)
{
	struct kick *k = p;

	sleep_ms(80);
	pthread_kill(k->target, SIGUSR1);
	if (k->fd >= 0) {
		sleep_ms(80);
		write(k->fd, "r", 1);
	}
	return NULL;
}

static void test_pipe_signals(void)
{
	int sv[2];
	char buf[8];
	struct sigaction sa;
	long t0;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigpipe;
	sigaction(SIGPIPE, &sa, NULL);
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	close(sv[1]);
	CHECK_ERR("epipe_write", write(sv[0], "x", 1), EPIPE);
	CHECK("sigpipe_sent", sigpipes == 1, "%d SIGPIPEs", sigpipes);
	CHECK_ERR("epipe_nosignal", send(sv[0], "x", 1, MSG_NOSIGNAL), EPIPE);
	CHECK("no_sigpipe_with_nosignal", sigpipes == 1, "%d SIGPIPEs", sigpipes);
	CHECK_ERR("epipe_send", send(sv[0], "x", 1, 0), EPIPE);
	CHECK("sigpipe_send", sigpipes == 2, "%d SIGPIPEs", sigpipes);
	close(sv[0]);
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	shutdown(sv[0], SHUT_WR);
	CHECK_ERR("epipe_after_shut_wr", send(sv[0], "x", 1, MSG_NOSIGNAL), EPIPE);
	close(sv[0]);
	close(sv[1]);

	/* SO_RCVTIMEO */
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	{
		struct timeval tv = { 0, 100000 };

		setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		t0 = now_ms();
		CHECK_ERR("rcvtimeo_eagain", read(sv[0], buf, 1), EAGAIN);
		CHECK("rcvtimeo_elapsed", now_ms() - t0 >= 90 && now_ms() - t0 < 3000,
		      "%ld ms", now_ms() - t0);
		tv = (struct timeval){ 0, 0 };
		setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		tv.tv_usec = 2000000;
		CHECK_ERR("rcvtimeo_bad_usec",
			  setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)), EDOM);
	}
	/* a signal without SA_RESTART interrupts a blocking read: EINTR */
	{
		struct kick k = { pthread_self(), -1 };
		pthread_t t;
		ssize_t r;

		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_usr1;
		sigaction(SIGUSR1, &sa, NULL);
		pthread_create(&t, NULL, kicker, &k);
		r = read(sv[0], buf, 1);
		CHECK("recv_eintr", r == -1 && errno == EINTR && sigusr == 1, "read %zd (%s) sig %d",
		      r, strerror(errno), sigusr);
		pthread_join(t, NULL);
		/* with SA_RESTART the read goes on and gets the byte */
		sa.sa_flags = SA_RESTART;
		sigaction(SIGUSR1, &sa, NULL);
		k.fd = sv[1];
		pthread_create(&t, NULL, kicker, &k);
		r = read(sv[0], buf, 1);
		CHECK("recv_sa_restart", r == 1 && buf[0] == 'r' && sigusr == 2,
		      "read %zd (%s) sig %d", r, strerror(errno), sigusr);
		pthread_join(t, NULL);
	}
	close(sv[0]);
	close(sv[1]);
}

/* ---- SCM_RIGHTS ---- */

static void test_scm_rights(void)
{
	int sv[2], p[2], got = -1;
	char data = 'D', buf[16] = { 0 };
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE(sizeof(int))];
	} cm;
	struct msghdr mh;
	struct iovec io = { &data, 1 };
	struct cmsghdr *c;

	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	pipe(p);
	memset(&mh, 0, sizeof(mh));
	memset(&cm, 0, sizeof(cm));
	mh.msg_iov = &io;
	mh.msg_iovlen = 1;
	mh.msg_control = cm.b;
	mh.msg_controllen = sizeof(cm.b);
	c = CMSG_FIRSTHDR(&mh);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &p[0], sizeof(int));
	CHECK_RET("scm_rights_send", sendmsg(sv[0], &mh, 0), 1);
	close(p[0]); /* the one in flight keeps the pipe open */
	memset(&cm, 0, sizeof(cm));
	mh.msg_controllen = sizeof(cm.b);
	data = 0;
	CHECK_RET("scm_rights_recv", recvmsg(sv[1], &mh, MSG_CMSG_CLOEXEC), 1);
	c = CMSG_FIRSTHDR(&mh);
	if (c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS &&
	    c->cmsg_len == CMSG_LEN(sizeof(int)))
		memcpy(&got, CMSG_DATA(c), sizeof(int));
	CHECK("scm_rights_fd", got >= 0 && data == 'D' && !(mh.msg_flags & MSG_CTRUNC),
	      "fd %d data %c flags %#x", got, data, mh.msg_flags);
	write(p[1], "via-fd", 6);
	CHECK("scm_rights_fd_works", got >= 0 && read(got, buf, sizeof(buf)) == 6 &&
					     !memcmp(buf, "via-fd", 6) &&
					     fcntl(got, F_GETFD) == FD_CLOEXEC,
	      "read '%s'", buf);
	/* no room for the control data: MSG_CTRUNC, the file is dropped */
	memset(&mh, 0, sizeof(mh));
	mh.msg_iov = &io;
	mh.msg_iovlen = 1;
	mh.msg_control = cm.b;
	mh.msg_controllen = sizeof(cm.b);
	c = CMSG_FIRSTHDR(&mh);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &p[1], sizeof(int));
	sendmsg(sv[0], &mh, 0);
	mh.msg_control = NULL;
	mh.msg_controllen = 0;
	CHECK("scm_rights_ctrunc", recvmsg(sv[1], &mh, 0) == 1 && (mh.msg_flags & MSG_CTRUNC),
	      "flags %#x", mh.msg_flags);
	/* SO_PASSCRED: the receiver gets SCM_CREDENTIALS */
	{
		int on = 1;
		union {
			struct cmsghdr h;
			char b[CMSG_SPACE(sizeof(struct ucred))];
		} cc;
		struct ucred cr = { 0, 99, 99 };

		setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &on, sizeof(on));
		send(sv[0], "c", 1, 0);
		memset(&mh, 0, sizeof(mh));
		memset(&cc, 0, sizeof(cc));
		mh.msg_iov = &io;
		mh.msg_iovlen = 1;
		mh.msg_control = cc.b;
		mh.msg_controllen = sizeof(cc.b);
		c = NULL;
		if (recvmsg(sv[1], &mh, 0) == 1)
			c = CMSG_FIRSTHDR(&mh);
		if (c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS)
			memcpy(&cr, CMSG_DATA(c), sizeof(cr));
		CHECK("scm_credentials", cr.pid == getpid() && cr.uid == getuid() &&
						 cr.gid == getgid(),
		      "pid %d uid %u gid %u", cr.pid, cr.uid, cr.gid);
		on = 0;
		setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &on, sizeof(on));
		memset(&mh, 0, sizeof(mh));
		mh.msg_iov = &io;
		mh.msg_iovlen = 1;
		mh.msg_control = cm.b;
		mh.msg_controllen = sizeof(cm.b);
		c = CMSG_FIRSTHDR(&mh);
	}
	/* a bad fd in SCM_RIGHTS */
	mh.msg_control = cm.b;
	mh.msg_controllen = sizeof(cm.b);
	c = CMSG_FIRSTHDR(&mh);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	{
		int bad = 999;

		memcpy(CMSG_DATA(c), &bad, sizeof(int));
	}
	CHECK_ERR("scm_rights_ebadf", sendmsg(sv[0], &mh, 0), EBADF);
	close(got);
	close(p[1]);
	close(sv[0]);
	close(sv[1]);
}

/* ---- sendfile ---- */

struct drain {
	int fd;
	char *buf;
	size_t cap, got;
};

static void *drainer(void *p)
{
	struct drain *d = p;
	ssize_t n;

	while (d->got < d->cap && (n = read(d->fd, d->buf + d->got, d->cap - d->got)) > 0)
		d->got += (size_t)n;
	return NULL;
}

static void test_sendfile(void)
{
	const char *path = getenv("SOCKUNIX_FILE") ? getenv("SOCKUNIX_FILE") : "/pattern.bin";
	int fd = open(path, O_RDONLY), sv[2];
	static char want[200000], got[200000];
	struct drain d = { -1, got, 0, 0 };
	ssize_t size, n;
	off_t off;
	pthread_t t;

	if (fd < 0) {
		gt_skip("sendfile", "no test file");
		return;
	}
	size = read(fd, want, sizeof(want));
	lseek(fd, 0, SEEK_SET);
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	d.fd = sv[1];
	d.cap = (size_t)size;
	pthread_create(&t, NULL, drainer, &d);
	n = sendfile(sv[0], fd, NULL, (size_t)size + 1000);
	pthread_join(t, NULL);
	CHECK("sendfile_to_socket", n == size && d.got == (size_t)size &&
					    !memcmp(want, got, (size_t)size),
	      "sent %zd of %zd, got %zu", n, size, d.got);
	CHECK_RET("sendfile_moves_pos", lseek(fd, 0, SEEK_CUR), size);
	/* with an offset: the file position stays, *offset moves */
	lseek(fd, 5, SEEK_SET);
	off = 1000;
	n = sendfile(sv[0], fd, &off, 300);
	memset(got, 0, 300);
	{
		ssize_t r = recv(sv[1], got, 300, MSG_WAITALL);

		CHECK("sendfile_offset", n == 300 && off == 1300 && r == 300 &&
						 !memcmp(got, want + 1000, 300) &&
						 lseek(fd, 0, SEEK_CUR) == 5,
		      "n %zd off %ld r %zd pos %ld", n, (long)off, r, (long)lseek(fd, 0, SEEK_CUR));
	}
	off = size - 10;
	CHECK("sendfile_at_eof_short", sendfile(sv[0], fd, &off, 100) == 10 && off == size,
	      "off %ld", (long)off);
	recv(sv[1], got, 10, MSG_WAITALL);
	CHECK_ERR("sendfile_ebadf", sendfile(sv[0], 999, NULL, 10), EBADF);
	off = -1;
	CHECK_ERR("sendfile_neg_offset", sendfile(sv[0], fd, &off, 10), EINVAL);
	CHECK_ERR("sendfile_efault_offset", sendfile(sv[0], fd, GT_BAD, 10), EFAULT);
	close(sv[1]);
	CHECK_ERR("sendfile_epipe", sendfile(sv[0], fd, NULL, 10), EPIPE);
	close(sv[0]);
	close(fd);
}

/* ---- bad arguments ---- */

static void test_bad_args(void)
{
	struct sockaddr_un a;
	socklen_t alen = path_addr(&a, "x");
	int s = socket(AF_UNIX, SOCK_STREAM, 0), p[2], v = 0;
	socklen_t len;
	char buf[8];

	pipe(p);
	CHECK_ERR("socket_bad_family", socket(12345, SOCK_STREAM, 0), EAFNOSUPPORT);
	CHECK_ERR("socket_bad_type", socket(AF_UNIX, 99, 0), EINVAL);
	CHECK_ERR("socket_bad_protocol", socket(AF_UNIX, SOCK_STREAM, 7), EPROTONOSUPPORT);
	CHECK_ERR("socket_rdm_unix", socket(AF_UNIX, SOCK_RDM, 0), ESOCKTNOSUPPORT);
	{
		int q[2]; /* Linux writes fd numbers here even when it fails */

		CHECK_ERR("socketpair_inet", socketpair(AF_INET, SOCK_STREAM, 0, q), EOPNOTSUPP);
	}
	CHECK_ERR("socketpair_efault", socketpair(AF_UNIX, SOCK_STREAM, 0, GT_BAD), EFAULT);
	CHECK_ERR("bind_ebadf", bind(999, (struct sockaddr *)&a, alen), EBADF);
	CHECK_ERR("bind_enotsock", bind(p[0], (struct sockaddr *)&a, alen), ENOTSOCK);
	CHECK_ERR("bind_efault", bind(s, GT_BAD, alen), EFAULT);
	CHECK_ERR("bind_short_len", bind(s, (struct sockaddr *)&a, 1), EINVAL);
	CHECK_ERR("bind_huge_len", bind(s, (struct sockaddr *)&a, 4096), EINVAL);
	CHECK_ERR("connect_enotsock", connect(p[0], (struct sockaddr *)&a, alen), ENOTSOCK);
	CHECK_ERR("connect_missing_path", connect(s, (struct sockaddr *)&a, alen), ENOENT);
	CHECK_ERR("listen_unbound", listen(s, 1), EINVAL);
	CHECK_ERR("accept_not_listening", accept(s, NULL, NULL), EINVAL);
	CHECK_ERR("accept4_bad_flags", accept4(s, NULL, NULL, 0x1), EINVAL);
	CHECK_ERR("send_unconnected", send(s, "x", 1, MSG_NOSIGNAL), ENOTCONN);
	CHECK_ERR("recv_unconnected", recv(s, buf, 1, 0), EINVAL);
	CHECK_ERR("getpeername_unconnected", getpeername(s, (struct sockaddr *)&a, &len), ENOTCONN);
	CHECK_ERR("getsockname_efault_len", getsockname(s, (struct sockaddr *)&a, GT_BAD), EFAULT);
	len = (socklen_t)-1;
	CHECK_ERR("getsockopt_neg_len", getsockopt(s, SOL_SOCKET, SO_TYPE, &v, &len), EINVAL);
	len = sizeof(v);
	CHECK_ERR("getsockopt_unknown", getsockopt(s, SOL_SOCKET, 9999, &v, &len), ENOPROTOOPT);
	CHECK_ERR("setsockopt_efault", setsockopt(s, SOL_SOCKET, SO_SNDBUF, GT_BAD, 4), EFAULT);
	CHECK_ERR("shutdown_bad_how", shutdown(s, 7), EINVAL);
	CHECK_ERR("sendto_ebadf", sendto(999, "x", 1, 0, NULL, 0), EBADF);
	CHECK_ERR("recvfrom_enotsock", recvfrom(p[0], buf, 1, 0, NULL, NULL), ENOTSOCK);
	{
		int d = socket(AF_UNIX, SOCK_DGRAM, 0);
		struct msghdr mh;

		CHECK_ERR("listen_dgram", listen(d, 1), EOPNOTSUPP);
		memset(&mh, 0, sizeof(mh));
		mh.msg_iov = GT_BAD;
		mh.msg_iovlen = 1;
		CHECK_ERR("sendmsg_bad_iov", sendmsg(d, &mh, 0), EFAULT);
		/* raw syscalls: musl's wrapper copies the msghdr itself */
		CHECK_ERR("sendmsg_bad_msghdr", syscall(SYS_sendmsg, d, GT_BAD, 0), EFAULT);
		mh.msg_iovlen = 5000;
		CHECK_ERR("sendmsg_too_many_iov", syscall(SYS_sendmsg, d, &mh, 0), EMSGSIZE);
		CHECK_ERR("send_oob_dgram", send(d, "x", 1, MSG_OOB), EOPNOTSUPP);
		close(d);
	}
	{
		int sv[2];

		socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
		CHECK_ERR("recv_efault", recv(sv[0], GT_KERNEL_ADDR, 4, MSG_DONTWAIT), EFAULT);
		CHECK_ERR("send_efault", send(sv[0], GT_BAD, 4, 0), EFAULT);
		CHECK_ERR("setsockopt_tcp_level_unix",
			  setsockopt(sv[0], IPPROTO_TCP, 1, &v, sizeof(v)), EOPNOTSUPP);
		close(sv[0]);
		close(sv[1]);
	}
	close(s);
	close(p[0]);
	close(p[1]);
}

int main(int argc, char **argv)
{
	gt_init();
	if (argc > 1 && !strcmp(argv[1], "sigpipe")) {
		/* SIGPIPE at its default action: the write ends the program */
		int sv[2];

		socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
		close(sv[1]);
		write(sv[0], "x", 1);
		printf("still alive after EPIPE\n");
		return 3;
	}
	signal(SIGPIPE, SIG_IGN);
	test_pairs();
	test_pingpong();
	test_server();
	test_accept_shutdown();
	test_abstract_dgram();
	test_poll();
	test_pipe_signals();
	test_scm_rights();
	test_sendfile();
	test_bad_args();
	return gt_done();
}
