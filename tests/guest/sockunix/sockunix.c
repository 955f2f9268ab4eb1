/*
 * tests/guest/sockunix/sockunix.c - AF_UNIX sockets and the generic socket
 * layer: socketpair stream/dgram/seqpacket (boundaries, truncation,
 * readv/writev, sendmmsg/recvmmsg, MSG_PEEK, zero-length writes),
 * SO_PEERCRED and other options, FIONREAD, a threaded server bound to a
 * path and its clients, backlog and accept4 flags, shutdown ending a
 * blocked accept, abstract names and datagrams, bad arguments (EBADF,
 * ENOTSOCK, EFAULT, EINVAL, EAFNOSUPPORT, EADDRINUSE, ECONNREFUSED...),
 * round-trip and throughput figures; `sockunix sigpipe` dies of SIGPIPE.
 * Readiness, signals, SCM_RIGHTS and sendfile are in sockio.c.
 * Layer: guest test program (tests/suites/72-sockunix), built with
 * musl-gcc and gcc -static -pthread; must pass natively on Linux.
 */
#include "sutil.h"

#define SOCK_PATH "sockunix-test.sock"

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

/* ---- figures: one byte back and forth between two threads, a stream ---- */

/* reads d->cap bytes into d->buf, over and over */
static void *sink_thread(void *p)
{
	struct drain *d = p;
	ssize_t n;

	while (d->got < d->cap && (n = read(d->fd, d->buf, 65536)) > 0)
		d->got += (size_t)n;
	return NULL;
}

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

	/* throughput: 16 MiB in 64 KiB writes, drained by another thread */
	{
		static char chunk[65536], sink[65536];
		struct drain d = { -1, NULL, 16u << 20, 0 };
		double us;

		socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
		memset(chunk, 'u', sizeof(chunk));
		d.fd = sv[1];
		d.buf = sink;
		pthread_create(&t, NULL, sink_thread, &d);
		clock_gettime(CLOCK_MONOTONIC, &t0);
		for (size_t sent = 0; sent < d.cap; sent += sizeof(chunk))
			if (write(sv[0], chunk, sizeof(chunk)) != (ssize_t)sizeof(chunk))
				break;
		pthread_join(t, NULL);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		us = (t1.tv_sec - t0.tv_sec) * 1e6 + (t1.tv_nsec - t0.tv_nsec) / 1e3;
		printf("figure unix_stream_throughput_MB_s %.0f\n", (double)d.got / us);
		CHECK("stream_16mib", d.got == d.cap, "got %zu of %zu", d.got, d.cap);
		close(sv[0]);
		close(sv[1]);
	}
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
	len = (socklen_t)-1; /* Linux looks at the length only after the name */
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
	test_bad_args();
	return gt_done();
}
