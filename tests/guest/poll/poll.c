/*
 * tests/guest/poll/poll.c - pipes, eventfd and polling (poll, ppoll,
 * select, pselect6, epoll): pipe round trips across two threads
 * (blocking), O_NONBLOCK EAGAIN, EOF, EPIPE/SIGPIPE, big writes, atomic
 * PIPE_BUF writes, F_GETPIPE_SZ/F_SETPIPE_SZ, FIONREAD, fstat S_IFIFO;
 * eventfd counter and semaphore semantics; readiness and timeouts (the
 * elapsed time within bounds), -EINTR on a signal, edge vs level
 * triggering, EPOLLONESHOT rearm.
 * Layer: guest test program (tests/suites/53-poll), built with musl-gcc
 * and gcc -static -pthread; must pass natively on Linux.
 */
#include "../gtest.h"
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <time.h>

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* ---- pipes ---- */

struct echo_arg {
	int in, out;
	int rounds;
};

/* reads a byte, writes it back + 1, rounds times */
static void *echo_thread(void *p)
{
	struct echo_arg *a = p;

	for (int i = 0; i < a->rounds; i++) {
		unsigned char c;

		if (read(a->in, &c, 1) != 1)
			return (void *)1;
		c++;
		if (write(a->out, &c, 1) != 1)
			return (void *)2;
	}
	return NULL;
}

struct wargs {
	int fd;
	unsigned char *buf;
	size_t len;
	ssize_t ret;
};

static void *big_writer(void *p)
{
	struct wargs *w = p;

	w->ret = write(w->fd, w->buf, w->len);
	return NULL;
}

static void test_pipe_threads(void)
{
	int p1[2], p2[2];
	struct echo_arg a;
	pthread_t t;
	void *res = (void *)-1;
	int bad = 0;
	long t0;

	CHECK_RET("pipe", pipe(p1), 0);
	CHECK_RET("pipe2_cloexec", pipe2(p2, O_CLOEXEC), 0);
	CHECK("pipe2_cloexec_flag", fcntl(p2[0], F_GETFD) == FD_CLOEXEC, "F_GETFD %d",
	      fcntl(p2[0], F_GETFD));
	a.in = p1[0];
	a.out = p2[1];
	a.rounds = 200;
	pthread_create(&t, NULL, echo_thread, &a);
	t0 = now_us();
	for (int i = 0; i < a.rounds; i++) {
		unsigned char c = (unsigned char)i, d = 0;

		if (write(p1[1], &c, 1) != 1 || read(p2[0], &d, 1) != 1 ||
		    d != (unsigned char)(i + 1))
			bad++;
	}
	printf("figure pipe_pingpong_roundtrip_us %.1f\n", (double)(now_us() - t0) / a.rounds);
	pthread_join(t, &res);
	CHECK("pipe_threads_roundtrip", !bad && !res, "%d bad rounds, thread %p", bad, res);

	/* a big write blocks until a reader thread drains it */
	{
		static unsigned char big[1 << 20], got[1 << 20];
		pthread_t w;
		struct wargs wa = { p1[1], big, sizeof(big), 0 };
		size_t total = 0;

		for (size_t i = 0; i < sizeof(big); i++)
			big[i] = (unsigned char)(i * 7 + (i >> 9));
		pthread_create(&w, NULL, big_writer, &wa);
		while (total < sizeof(got)) {
			ssize_t n = read(p1[0], got + total, sizeof(got) - total);

			if (n <= 0)
				break;
			total += (size_t)n;
		}
		pthread_join(w, NULL);
		CHECK("pipe_big_write", wa.ret == (ssize_t)sizeof(big) && total == sizeof(got) &&
					       !memcmp(big, got, sizeof(big)),
		      "write %zd, read %zu", wa.ret, total);
	}
	close(p1[0]);
	close(p1[1]);
	close(p2[0]);
	close(p2[1]);
}

static int sigpipe_seen;
static void on_sigpipe(int s)
{
	(void)s;
	sigpipe_seen++;
}

static void test_pipe_misc(void)
{
	int p[2], n = -1;
	char buf[70000];
	struct stat st;
	ssize_t r;
	long total = 0;

	CHECK_RET("pipe2_nonblock", pipe2(p, O_NONBLOCK), 0);
	CHECK("pipe2_nonblock_flag", fcntl(p[0], F_GETFL) & O_NONBLOCK, "F_GETFL %#x",
	      fcntl(p[0], F_GETFL));
	CHECK_ERR("pipe_read_eagain", read(p[0], buf, 1), EAGAIN);
	CHECK_RET("pipe_getpipe_sz", fcntl(p[0], F_GETPIPE_SZ), 65536);
	CHECK("pipe_fstat_fifo", fstat(p[0], &st) == 0 && S_ISFIFO(st.st_mode), "mode %o",
	      st.st_mode);
	memset(buf, 'x', sizeof(buf));
	while ((r = write(p[1], buf, 4096)) > 0)
		total += r;
	CHECK("pipe_fill_eagain", r == -1 && errno == EAGAIN && total == 65536,
	      "filled %ld, last %zd", total, r);
	CHECK("pipe_fionread", ioctl(p[0], FIONREAD, &n) == 0 && n == 65536, "FIONREAD %d", n);
	{
		struct pollfd pf[2] = { { p[0], POLLIN, 0 }, { p[1], POLLOUT, 0 } };

		CHECK("poll_full_pipe", poll(pf, 2, 0) == 1 && pf[0].revents == POLLIN &&
						!pf[1].revents,
		      "revents %#x %#x", pf[0].revents, pf[1].revents);
	}
	CHECK_ERR("pipe_setsz_busy", fcntl(p[0], F_SETPIPE_SZ, 4096), EBUSY);
	r = read(p[0], buf, sizeof(buf));
	CHECK("pipe_read_all", r == 65536, "read %zd", r);
	CHECK_RET("pipe_setsz", fcntl(p[1], F_SETPIPE_SZ, 5000), 8192);
	CHECK_RET("pipe_setsz_get", fcntl(p[0], F_GETPIPE_SZ), 8192);
	/* atomic: a 4096-byte write into 4095 free bytes is refused whole */
	CHECK_RET("pipe_write_4097", write(p[1], buf, 4097), 4097);
	CHECK_ERR("pipe_atomic_eagain", write(p[1], buf, 4096), EAGAIN);
	r = write(p[1], buf, 8000); /* > PIPE_BUF: partial */
	CHECK("pipe_partial_big", r > 0 && r <= 4095, "wrote %zd", r);
	{
		int e = eventfd(0, 0);

		CHECK_ERR("fcntl_pipe_sz_notpipe", fcntl(e, F_GETPIPE_SZ), EBADF);
		close(e);
	}
	close(p[1]);
	n = (int)read(p[0], buf, sizeof(buf));
	CHECK("pipe_read_rest", n == 4097 + r, "read %d, want %zd", n, 4097 + r);
	CHECK_RET("pipe_eof", read(p[0], buf, 1), 0);
	{
		struct pollfd pf = { p[0], POLLIN, 0 };

		CHECK("poll_hup", poll(&pf, 1, 0) == 1 && (pf.revents & POLLHUP), "revents %#x",
		      pf.revents);
	}
	close(p[0]);

	/* EPIPE and SIGPIPE */
	signal(SIGPIPE, on_sigpipe);
	CHECK_RET("pipe_epipe_setup", pipe(p), 0);
	close(p[0]);
	CHECK_ERR("pipe_epipe", write(p[1], buf, 1), EPIPE);
	CHECK("pipe_sigpipe", sigpipe_seen == 1, "SIGPIPE seen %d times", sigpipe_seen);
	{
		struct pollfd pf = { p[1], POLLOUT, 0 };

		CHECK("poll_err_noreader", poll(&pf, 1, 0) == 1 && (pf.revents & POLLERR),
		      "revents %#x", pf.revents);
	}
	close(p[1]);
	signal(SIGPIPE, SIG_DFL);
}

/* ---- eventfd ---- */

static void test_eventfd(void)
{
	int e = eventfd(3, EFD_NONBLOCK | EFD_CLOEXEC);
	uint64_t v = 0;

	CHECK("eventfd_create", e >= 0 && fcntl(e, F_GETFD) == FD_CLOEXEC, "fd %d", e);
	CHECK("eventfd_read_init", read(e, &v, 8) == 8 && v == 3, "v %llu", (unsigned long long)v);
	CHECK_ERR("eventfd_read_eagain", read(e, &v, 8), EAGAIN);
	v = 5;
	CHECK_RET("eventfd_write", write(e, &v, 8), 8);
	v = 7;
	CHECK_RET("eventfd_write2", write(e, &v, 8), 8);
	CHECK("eventfd_sum", read(e, &v, 8) == 8 && v == 12, "v %llu", (unsigned long long)v);
	CHECK_ERR("eventfd_short_read", read(e, &v, 4), EINVAL);
	v = ~0ull;
	CHECK_ERR("eventfd_write_max", write(e, &v, 8), EINVAL);
	v = 0xfffffffffffffffeull;
	CHECK_RET("eventfd_write_near_max", write(e, &v, 8), 8);
	v = 1;
	CHECK_ERR("eventfd_overflow_eagain", write(e, &v, 8), EAGAIN);
	{
		struct pollfd pf = { e, POLLIN | POLLOUT, 0 };

		CHECK("eventfd_poll_full", poll(&pf, 1, 0) == 1 && pf.revents == POLLIN,
		      "revents %#x", pf.revents);
	}
	close(e);

	e = eventfd(2, EFD_SEMAPHORE | EFD_NONBLOCK);
	CHECK("eventfd_sem_1", read(e, &v, 8) == 8 && v == 1, "v %llu", (unsigned long long)v);
	CHECK("eventfd_sem_2", read(e, &v, 8) == 8 && v == 1, "v %llu", (unsigned long long)v);
	CHECK_ERR("eventfd_sem_empty", read(e, &v, 8), EAGAIN);
	close(e);
	CHECK_ERR("eventfd_bad_flags", eventfd(0, 0x100), EINVAL);
}

/* ---- poll / select timeouts and readiness ---- */

struct delayed {
	int fd;
	int ms;
};

static void *delayed_write(void *p)
{
	struct delayed *d = p;
	struct timespec ts = { d->ms / 1000, (d->ms % 1000) * 1000000L };
	uint64_t one = 1;

	nanosleep(&ts, NULL);
	if (write(d->fd, &one, 8) != 8)
		return (void *)1;
	return NULL;
}

static void test_poll_select(void)
{
	int p[2], e;
	struct pollfd pf[3];
	long t0, dt;
	int r;
	fd_set rs, ws;
	struct timeval tv;
	pthread_t t;
	struct delayed d;

	pipe(p);
	pf[0] = (struct pollfd){ p[0], POLLIN, 0 };
	pf[1] = (struct pollfd){ p[1], POLLOUT, 0 };
	pf[2] = (struct pollfd){ -1, POLLIN, 0 };
	CHECK("poll_pipe_writable", poll(pf, 3, 0) == 1 && !pf[0].revents && pf[1].revents == POLLOUT,
	      "revents %#x %#x", pf[0].revents, pf[1].revents);
	t0 = now_ms();
	r = poll(pf, 1, 150);
	dt = now_ms() - t0;
	CHECK("poll_timeout", r == 0 && dt >= 140 && dt < 2000, "r %d after %ld ms", r, dt);
	t0 = now_ms();
	r = poll(NULL, 0, 60); /* the sleep idiom */
	dt = now_ms() - t0;
	CHECK("poll_no_fds_sleeps", r == 0 && dt >= 50 && dt < 2000, "r %d after %ld ms", r, dt);
	pf[0].fd = 999;
	CHECK("poll_nval", poll(pf, 1, 0) == 1 && pf[0].revents == POLLNVAL, "revents %#x",
	      pf[0].revents);
	{
		int fd = open("/proc/self/exe", O_RDONLY);
		struct pollfd q[2] = { { fd, POLLIN | POLLOUT, 0 }, { 1, POLLOUT, 0 } };

		CHECK("poll_regular_and_stdout", poll(q, 2, 0) == 2 &&
							 q[0].revents == (POLLIN | POLLOUT) &&
							 q[1].revents == POLLOUT,
		      "revents %#x %#x", q[0].revents, q[1].revents);
		close(fd);
	}
	/* blocks until another thread writes */
	e = eventfd(0, 0);
	d = (struct delayed){ e, 100 };
	pthread_create(&t, NULL, delayed_write, &d);
	pf[0] = (struct pollfd){ e, POLLIN, 0 };
	t0 = now_ms();
	r = poll(pf, 1, -1);
	dt = now_ms() - t0;
	pthread_join(t, NULL);
	CHECK("poll_wakeup_thread", r == 1 && pf[0].revents == POLLIN && dt >= 80 && dt < 5000,
	      "r %d revents %#x after %ld ms", r, pf[0].revents, dt);
	{
		uint64_t v;

		read(e, &v, 8);
	}
	/* ppoll with a timespec */
	{
		struct timespec ts = { 0, 100 * 1000000L };

		t0 = now_ms();
		r = ppoll(pf, 1, &ts, NULL);
		dt = now_ms() - t0;
		CHECK("ppoll_timeout", r == 0 && dt >= 90 && dt < 2000, "r %d after %ld ms", r, dt);
	}

	FD_ZERO(&rs);
	FD_ZERO(&ws);
	FD_SET(p[0], &rs);
	FD_SET(p[1], &ws);
	tv = (struct timeval){ 0, 0 };
	r = select(p[1] + 1, &rs, &ws, NULL, &tv);
	CHECK("select_writable", r == 1 && !FD_ISSET(p[0], &rs) && FD_ISSET(p[1], &ws),
	      "r %d", r);
	write(p[1], "a", 1);
	FD_ZERO(&rs);
	FD_SET(p[0], &rs);
	tv = (struct timeval){ 1, 0 };
	r = select(p[0] + 1, &rs, NULL, NULL, &tv);
	CHECK("select_readable", r == 1 && FD_ISSET(p[0], &rs), "r %d", r);
	read(p[0], pf, 1);
	FD_ZERO(&rs);
	FD_SET(p[0], &rs);
	tv = (struct timeval){ 0, 120000 };
	t0 = now_ms();
	r = select(p[0] + 1, &rs, NULL, NULL, &tv);
	dt = now_ms() - t0;
	CHECK("select_timeout", r == 0 && !FD_ISSET(p[0], &rs) && dt >= 110 && dt < 2000,
	      "r %d after %ld ms", r, dt);
	FD_ZERO(&rs);
	r = dup(0);
	close(r);
	FD_SET(r, &rs);
	tv = (struct timeval){ 0, 0 };
	CHECK_ERR("select_ebadf", select(r + 1, &rs, NULL, NULL, &tv), EBADF);
	{
		struct timespec ts = { 0, 50 * 1000000L };
		sigset_t m;

		sigemptyset(&m);
		FD_ZERO(&rs);
		FD_SET(p[0], &rs);
		t0 = now_ms();
		r = pselect(p[0] + 1, &rs, NULL, NULL, &ts, &m);
		dt = now_ms() - t0;
		CHECK("pselect_timeout", r == 0 && dt >= 40 && dt < 2000, "r %d after %ld ms", r,
		      dt);
	}
	close(e);
	close(p[0]);
	close(p[1]);
}

static volatile int alarms;
static int restart_fd;

static void on_alarm(int s)
{
	(void)s;
	alarms++;
}

struct killer {
	pthread_t target;
	int ms;
};

static void *kill_later(void *p)
{
	struct killer *k = p;
	struct timespec ts = { 0, k->ms * 1000000L };

	nanosleep(&ts, NULL);
	pthread_kill(k->target, SIGALRM);
	return NULL;
}

/* signal, then (100 ms later) a byte into restart_fd */
static void *kill_then_write(void *p)
{
	struct timespec ts = { 0, 100 * 1000000L };

	kill_later(p);
	nanosleep(&ts, NULL);
	if (write(restart_fd, "r", 1) != 1)
		return (void *)1;
	return NULL;
}

/* a signal with a handler ends a blocked poll/select/epoll_wait with
 * EINTR (even with SA_RESTART, like Linux) */
static void test_eintr(void)
{
	struct sigaction sa;
	int p[2], r, err, ep;
	struct pollfd pf;
	struct killer k;
	pthread_t t;
	long t0, dt;
	fd_set rs;
	struct epoll_event ev = { .events = EPOLLIN }, out;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGALRM, &sa, NULL);
	pipe(p);
	k = (struct killer){ pthread_self(), 100 };

	pf = (struct pollfd){ p[0], POLLIN, 0 };
	pthread_create(&t, NULL, kill_later, &k);
	t0 = now_ms();
	r = poll(&pf, 1, 5000);
	err = errno;
	dt = now_ms() - t0;
	pthread_join(t, NULL);
	CHECK("poll_eintr", r == -1 && err == EINTR && dt >= 80 && dt < 4000,
	      "r %d errno %d after %ld ms", r, err, dt);

	FD_ZERO(&rs);
	FD_SET(p[0], &rs);
	pthread_create(&t, NULL, kill_later, &k);
	t0 = now_ms();
	r = select(p[0] + 1, &rs, NULL, NULL, NULL);
	err = errno;
	dt = now_ms() - t0;
	pthread_join(t, NULL);
	CHECK("select_eintr", r == -1 && err == EINTR && dt >= 80 && dt < 4000,
	      "r %d errno %d after %ld ms", r, err, dt);

	ep = epoll_create1(0);
	epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev);
	pthread_create(&t, NULL, kill_later, &k);
	t0 = now_ms();
	r = epoll_wait(ep, &out, 1, -1);
	err = errno;
	dt = now_ms() - t0;
	pthread_join(t, NULL);
	CHECK("epoll_wait_eintr", r == -1 && err == EINTR && dt >= 80 && dt < 4000,
	      "r %d errno %d after %ld ms", r, err, dt);

	/* ppoll's mask blocks the signal during the wait: it times out, and
	 * the handler runs after (the old mask back) */
	{
		sigset_t block, cur;
		struct timespec ts = { 0, 200 * 1000000L };

		sigemptyset(&block);
		sigaddset(&block, SIGALRM);
		pthread_create(&t, NULL, kill_later, &k);
		r = ppoll(&pf, 1, &ts, &block);
		pthread_join(t, NULL);
		pthread_sigmask(SIG_BLOCK, NULL, &cur);
		CHECK("ppoll_sigmask_blocks", r == 0 && !sigismember(&cur, SIGALRM),
		      "r %d errno %d", r, errno);
	}
	/* a blocking pipe read is restarted under SA_RESTART */
	{
		char c = 0;
		ssize_t n;

		restart_fd = p[1];
		pthread_create(&t, NULL, kill_then_write, &k);
		n = read(p[0], &c, 1);
		err = errno;
		pthread_join(t, NULL);
		CHECK("pipe_read_restarted", n == 1 && c == 'r' && alarms >= 1,
		      "read %zd errno %d alarms %d", n, err, alarms);
	}
	close(ep);
	close(p[0]);
	close(p[1]);
	signal(SIGALRM, SIG_DFL);
}

/* ---- epoll ---- */

static void test_epoll(void)
{
	int ep = epoll_create1(EPOLL_CLOEXEC), p[2], e;
	struct epoll_event ev, out[4];
	long t0, dt;
	int r;
	char c;

	CHECK("epoll_create1", ep >= 0 && fcntl(ep, F_GETFD) == FD_CLOEXEC, "fd %d", ep);
	pipe(p);
	ev = (struct epoll_event){ .events = EPOLLIN, .data.u64 = 0x1234 };
	CHECK_RET("epoll_ctl_add", epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev), 0);
	CHECK_ERR("epoll_ctl_add_exists", epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev), EEXIST);
	CHECK_ERR("epoll_ctl_self", epoll_ctl(ep, EPOLL_CTL_ADD, ep, &ev), EINVAL);
	CHECK_ERR("epoll_ctl_mod_missing", epoll_ctl(ep, EPOLL_CTL_MOD, p[1], &ev), ENOENT);
	{
		int fd = open("/proc/self/exe", O_RDONLY);

		CHECK_ERR("epoll_ctl_regular_eperm", epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev), EPERM);
		close(fd);
	}
	CHECK_RET("epoll_wait_empty", epoll_wait(ep, out, 4, 0), 0);
	t0 = now_ms();
	r = epoll_wait(ep, out, 4, 120);
	dt = now_ms() - t0;
	CHECK("epoll_wait_timeout", r == 0 && dt >= 110 && dt < 2000, "r %d after %ld ms", r, dt);
	write(p[1], "ab", 2);
	r = epoll_wait(ep, out, 4, -1);
	CHECK("epoll_level", r == 1 && out[0].events == EPOLLIN && out[0].data.u64 == 0x1234,
	      "r %d events %#x", r, out[0].events);
	r = epoll_wait(ep, out, 4, 0);
	CHECK("epoll_level_again", r == 1, "r %d", r);

	/* edge triggered: once per change */
	ev = (struct epoll_event){ .events = EPOLLIN | EPOLLET, .data.u64 = 7 };
	CHECK_RET("epoll_ctl_mod_et", epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev), 0);
	r = epoll_wait(ep, out, 4, 0);
	CHECK("epoll_et_first", r == 1 && out[0].data.u64 == 7, "r %d", r);
	r = epoll_wait(ep, out, 4, 0);
	CHECK("epoll_et_not_again", r == 0, "r %d", r);
	read(p[0], &c, 1); /* one byte still in: reading is no new edge */
	r = epoll_wait(ep, out, 4, 0);
	CHECK("epoll_et_read_no_edge", r == 0, "r %d", r);
	write(p[1], "c", 1);
	r = epoll_wait(ep, out, 4, 0);
	CHECK("epoll_et_new_data", r == 1, "r %d", r);
	r = epoll_wait(ep, out, 4, 0);
	CHECK("epoll_et_quiet", r == 0, "r %d", r);
	{
		char b[8];

		read(p[0], b, sizeof(b));
	}

	/* oneshot: reported once, then disabled until MOD rearms it */
	ev = (struct epoll_event){ .events = EPOLLIN | EPOLLONESHOT, .data.u64 = 9 };
	CHECK_RET("epoll_ctl_mod_oneshot", epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev), 0);
	write(p[1], "d", 1);
	r = epoll_wait(ep, out, 4, 0);
	CHECK("epoll_oneshot_first", r == 1 && out[0].data.u64 == 9, "r %d", r);
	write(p[1], "e", 1);
	r = epoll_wait(ep, out, 4, 0);
	CHECK("epoll_oneshot_disabled", r == 0, "r %d", r);
	CHECK_RET("epoll_oneshot_rearm", epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev), 0);
	r = epoll_wait(ep, out, 4, 0);
	CHECK("epoll_oneshot_rearmed", r == 1, "r %d", r);

	/* an eventfd written by another thread wakes epoll_wait */
	e = eventfd(0, 0);
	ev = (struct epoll_event){ .events = EPOLLIN | EPOLLEXCLUSIVE, .data.u64 = 42 };
	CHECK_RET("epoll_ctl_exclusive", epoll_ctl(ep, EPOLL_CTL_ADD, e, &ev), 0);
	{
		pthread_t t;
		struct delayed d = { e, 100 };

		pthread_create(&t, NULL, delayed_write, &d);
		t0 = now_ms();
		r = epoll_wait(ep, out, 4, 5000);
		dt = now_ms() - t0;
		pthread_join(t, NULL);
		CHECK("epoll_wakeup_thread", r == 1 && out[0].data.u64 == 42 && dt >= 80 &&
						     dt < 4000,
		      "r %d after %ld ms", r, dt);
	}
	CHECK_RET("epoll_ctl_del", epoll_ctl(ep, EPOLL_CTL_DEL, e, NULL), 0);
	CHECK_ERR("epoll_ctl_del_again", epoll_ctl(ep, EPOLL_CTL_DEL, e, NULL), ENOENT);
	/* stdout is writable (a terminal, pipe or the monos console); a
	 * regular file cannot be watched (EPERM, like the rootfs file above) */
	{
		struct stat st;

		fstat(1, &st);
		ev = (struct epoll_event){ .events = EPOLLOUT, .data.u64 = 1 };
		if (S_ISREG(st.st_mode)) {
			CHECK_ERR("epoll_ctl_stdout", epoll_ctl(ep, EPOLL_CTL_ADD, 1, &ev), EPERM);
		} else {
			CHECK_RET("epoll_ctl_stdout", epoll_ctl(ep, EPOLL_CTL_ADD, 1, &ev), 0);
			r = epoll_wait(ep, out, 4, 0);
			CHECK("epoll_stdout_writable", r == 1 && out[0].events == EPOLLOUT, "r %d",
			      r);
			epoll_ctl(ep, EPOLL_CTL_DEL, 1, NULL);
		}
	}
	/* hangup when the writer goes; a closed fd leaves the set */
	ev = (struct epoll_event){ .events = EPOLLIN, .data.u64 = 9 };
	CHECK_RET("epoll_ctl_mod_level", epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev), 0);
	close(p[1]);
	r = epoll_wait(ep, out, 4, 0);
	CHECK("epoll_pipe_hup", r == 1 && out[0].events == (EPOLLIN | EPOLLHUP), "r %d events %#x", r,
	      out[0].events);
	close(p[0]);
	CHECK_RET("epoll_closed_fd_gone", epoll_wait(ep, out, 4, 0), 0);
	{
		sigset_t m;

		sigemptyset(&m);
		t0 = now_ms();
		r = epoll_pwait(ep, out, 4, 50, &m);
		dt = now_ms() - t0;
		CHECK("epoll_pwait_timeout", r == 0 && dt >= 40 && dt < 2000, "r %d after %ld ms",
		      r, dt);
	}
	CHECK_ERR("epoll_wait_einval", epoll_wait(ep, out, 0, 0), EINVAL);
	CHECK_ERR("epoll_wait_not_epoll", epoll_wait(e, out, 1, 0), EINVAL);
	close(e);
	close(ep);
}

int main(int argc, char **argv)
{
	gt_init();
	if (argc > 1 && !strcmp(argv[1], "sigpipe")) {
		/* default action of SIGPIPE: the program ends with 128 + 13 */
		int p[2];

		signal(SIGPIPE, SIG_DFL);
		if (pipe(p))
			return 2;
		close(p[0]);
		write(p[1], "x", 1);
		printf("FAIL sigpipe: still alive (errno %d)\n", errno);
		return 3;
	}
	test_pipe_threads();
	test_pipe_misc();
	test_eventfd();
	test_poll_select();
	test_eintr();
	test_epoll();
	return gt_done();
}
