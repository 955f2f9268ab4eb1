/*
 * tests/guest/sockunix/sockio.c - readiness and data paths of AF_UNIX
 * sockets: poll/select/epoll (level and edge, EPOLLOUT after a drain,
 * hang-ups), non-blocking EAGAIN, EPIPE/SIGPIPE and MSG_NOSIGNAL,
 * SO_RCVTIMEO, EINTR and SA_RESTART, SCM_RIGHTS and SCM_CREDENTIALS, and
 * sendfile from a file to a socket (content checked; the file is
 * $SOCKUNIX_FILE, default /pattern.bin).
 * Layer: guest test program (tests/suites/72-sockunix), built with
 * musl-gcc and gcc -static -pthread; must pass natively on Linux.
 */
#include "sutil.h"

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

/* a listener is readable while connections wait; a full datagram queue
 * makes a non-blocking send EAGAIN until the receiver reads */
static void test_listener_and_full_dgram(void)
{
	struct sockaddr_un a;
	socklen_t alen = abstract_addr(&a, "monos-sockio-listen");
	int l = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0), c, ep, n, sent = 0, sv[2];
	struct pollfd pf = { l, POLLIN, 0 };
	struct epoll_event ev = { EPOLLIN | EPOLLET, { .u32 = 1 } }, out[2];
	char buf[64] = { 0 };

	bind(l, (struct sockaddr *)&a, alen);
	listen(l, 8);
	CHECK_RET("listener_poll_idle", poll(&pf, 1, 0), 0);
	ep = epoll_create1(0);
	epoll_ctl(ep, EPOLL_CTL_ADD, l, &ev);
	c = socket(AF_UNIX, SOCK_STREAM, 0);
	connect(c, (struct sockaddr *)&a, alen);
	CHECK("listener_poll_pending", poll(&pf, 1, 0) == 1 && pf.revents == POLLIN,
	      "revents %#x", pf.revents);
	CHECK_RET("listener_epoll_et_edge", epoll_wait(ep, out, 2, 0), 1);
	CHECK_RET("listener_epoll_et_once", epoll_wait(ep, out, 2, 0), 0);
	n = accept4(l, NULL, NULL, SOCK_CLOEXEC);
	CHECK("listener_accept_after_poll", n >= 0, "accept %d (%s)", n, strerror(errno));
	CHECK_RET("listener_poll_drained", poll(&pf, 1, 0), 0);
	close(n);
	close(c);
	close(ep);
	close(l);

	socketpair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0, sv);
	while (sent < 100000 && send(sv[0], buf, sizeof(buf), 0) == (ssize_t)sizeof(buf))
		sent++;
	CHECK("dgram_queue_full_eagain", errno == EAGAIN && sent > 10 && sent < 100000,
	      "%d sent, then %s", sent, strerror(errno));
	pf = (struct pollfd){ sv[0], POLLOUT, 0 };
	CHECK_RET("dgram_full_not_writable", poll(&pf, 1, 0), 0);
	for (int i = 0; i < sent; i++)
		if (recv(sv[1], buf, sizeof(buf), 0) != (ssize_t)sizeof(buf))
			break;
	CHECK("dgram_writable_after_drain", poll(&pf, 1, 0) == 1 && pf.revents == POLLOUT,
	      "revents %#x", pf.revents);
	CHECK_RET("dgram_send_after_drain", send(sv[0], buf, sizeof(buf), 0), (long)sizeof(buf));
	close(sv[0]);
	close(sv[1]);
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

int main(void)
{
	gt_init();
	signal(SIGPIPE, SIG_IGN);
	test_poll();
	test_listener_and_full_dgram();
	test_pipe_signals();
	test_scm_rights();
	test_sendfile();
	return gt_done();
}
