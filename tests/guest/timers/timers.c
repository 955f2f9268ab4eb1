/*
 * tests/guest/timers/timers.c - timerfd (one-shot, interval, absolute
 * MONOTONIC/REALTIME/BOOTTIME, expiration counts checked against
 * clock_gettime, EAGAIN, bad arguments), timerfd + eventfd + pipe in one
 * epoll set (level- and edge-triggered, EPOLLONESHOT), EPOLLEXCLUSIVE with
 * several waiting threads, select/poll/ppoll timeouts measured against
 * the clock, setitimer (ITIMER_REAL SIGALRM count, ITIMER_PROF/VIRTUAL on
 * CPU time), alarm, pause interrupted by a signal.
 * Prints "figure" lines with the measured timer lateness.
 * Layer: guest test program (tests/suites/54-timers), built with musl-gcc
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
#include <sys/select.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <time.h>

/* lateness tolerated on a loaded TCG host (the figures show the real one) */
#define SLACK_MS 250

static long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void msleep(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static long worst_late_us; /* the largest lateness seen by the timing checks */

static void note_late(long late_us)
{
	if (late_us > worst_late_us)
		worst_late_us = late_us;
}

static int arm(int fd, int flags, long value_ns, long interval_ns)
{
	struct itimerspec its = { { interval_ns / 1000000000, interval_ns % 1000000000 },
				  { value_ns / 1000000000, value_ns % 1000000000 } };

	return timerfd_settime(fd, flags, &its, NULL);
}

/* ---- timerfd ---- */

static void test_timerfd_oneshot(void)
{
	int fd = timerfd_create(CLOCK_MONOTONIC, 0);
	uint64_t n = 0;
	struct itimerspec cur;
	long t0, dt, lat_sum = 0, lat_max = 0;
	int good = 1;

	CHECK("tfd-create", fd >= 0, "timerfd_create: %s", strerror(errno));
	for (int i = 0; i < 5; i++) {
		t0 = now_us();
		CHECK_RET("tfd-oneshot-arm", arm(fd, 0, 30000000, 0), 0);
		if (read(fd, &n, 8) != 8 || n != 1)
			good = 0;
		dt = now_us() - t0;
		if (dt < 30000 || dt > 30000 + SLACK_MS * 1000)
			good = 0;
		lat_sum += dt - 30000;
		if (dt - 30000 > lat_max)
			lat_max = dt - 30000;
		note_late(dt - 30000);
	}
	CHECK("tfd-oneshot-30ms-x5", good, "count %llu, last elapsed %ld us",
	      (unsigned long long)n, dt);
	printf("figure timerfd one-shot 30 ms: lateness avg %ld us, max %ld us\n", lat_sum / 5,
	       lat_max);
	CHECK_RET("tfd-gettime-disarmed", timerfd_gettime(fd, &cur), 0);
	CHECK("tfd-gettime-zero-after-expiry", !cur.it_value.tv_sec && !cur.it_value.tv_nsec,
	      "it_value %ld.%09ld", (long)cur.it_value.tv_sec, cur.it_value.tv_nsec);
	/* an armed timer reports what is left and its interval */
	arm(fd, 0, 2000000000, 500000000);
	timerfd_gettime(fd, &cur);
	CHECK("tfd-gettime-armed",
	      cur.it_value.tv_sec <= 2 && (cur.it_value.tv_sec >= 1 || cur.it_value.tv_nsec > 0) &&
		  cur.it_interval.tv_sec == 0 && cur.it_interval.tv_nsec == 500000000,
	      "value %ld.%09ld interval %ld.%09ld", (long)cur.it_value.tv_sec,
	      cur.it_value.tv_nsec, (long)cur.it_interval.tv_sec, cur.it_interval.tv_nsec);
	/* re-arming returns the old value; disarming with zero */
	{
		struct itimerspec z = { { 0, 0 }, { 0, 0 } }, old;

		CHECK_RET("tfd-disarm", timerfd_settime(fd, 0, &z, &old), 0);
		CHECK("tfd-settime-old-value", old.it_interval.tv_nsec == 500000000 &&
		      old.it_value.tv_sec <= 2, "old interval %ld", old.it_interval.tv_nsec);
	}
	close(fd);
}

static void test_timerfd_interval(void)
{
	int fd = timerfd_create(CLOCK_MONOTONIC, 0);
	uint64_t n = 0, total = 0;
	long t0, dt, expect;

	t0 = now_us();
	arm(fd, 0, 20000000, 20000000);
	msleep(110);
	CHECK_RET("tfd-interval-read", read(fd, &n, 8), 8);
	dt = now_us() - t0;
	expect = dt / 20000; /* expiries at 20, 40, ... ms up to now */
	CHECK("tfd-interval-count-matches-clock", (long)n >= expect - 1 && (long)n <= expect,
	      "read %llu expirations after %ld us (expected %ld)", (unsigned long long)n, dt,
	      expect);
	total = n;
	/* blocking reads then return about one expiry each */
	for (int i = 0; i < 5; i++) {
		if (read(fd, &n, 8) != 8)
			break;
		total += n;
	}
	dt = now_us() - t0;
	expect = dt / 20000;
	CHECK("tfd-interval-total-matches-clock", (long)total >= expect - 1 && (long)total <= expect,
	      "%llu expirations in %ld us (expected %ld)", (unsigned long long)total, dt, expect);
	note_late(dt - expect * 20000);
	close(fd);

	/* a 1 ms interval over 100 ms: the count follows the clock, no interrupt storm */
	fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
	t0 = now_us();
	arm(fd, 0, 1000000, 1000000);
	msleep(100);
	n = 0;
	read(fd, &n, 8);
	dt = now_us() - t0;
	CHECK("tfd-interval-1ms-count", (long)n >= dt / 1000 - 2 && (long)n <= dt / 1000,
	      "%llu expirations in %ld us", (unsigned long long)n, dt);
	close(fd);
}

static void test_timerfd_abs_and_errors(void)
{
	int fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	struct timespec ts;
	uint64_t n;
	long t0, dt;
	int ok;

	CHECK("tfd-cloexec", (fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0, "F_GETFD %d",
	      fcntl(fd, F_GETFD));
	CHECK_ERR("tfd-nonblock-eagain", read(fd, &n, 8), EAGAIN);
	CHECK_ERR("tfd-short-read-einval", read(fd, &n, 4), EINVAL);
	close(fd);

	static const struct {
		clockid_t clk;
		const char *name;
	} clocks[] = { { CLOCK_MONOTONIC, "tfd-abstime-monotonic" },
		       { CLOCK_REALTIME, "tfd-abstime-realtime" },
		       { CLOCK_BOOTTIME, "tfd-abstime-boottime" } };
	for (unsigned i = 0; i < 3; i++) {
		struct itimerspec its = { { 0, 0 }, { 0, 0 } };

		fd = timerfd_create(clocks[i].clk, 0);
		t0 = now_us(); /* before reading the base: the deadline is >= t0 + 40 ms */
		clock_gettime(clocks[i].clk, &ts);
		ts.tv_nsec += 40000000;
		if (ts.tv_nsec >= 1000000000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000;
		}
		its.it_value = ts;
		ok = timerfd_settime(fd, TFD_TIMER_ABSTIME, &its, NULL) == 0 && read(fd, &n, 8) == 8;
		dt = now_us() - t0;
		CHECK(clocks[i].name, ok && n == 1 && dt >= 39000 && dt < 40000 + SLACK_MS * 1000,
		      "ok %d count %llu after %ld us", ok, (unsigned long long)n, dt);
		close(fd);
	}
	/* an absolute time in the past expires at once */
	fd = timerfd_create(CLOCK_REALTIME, 0);
	{
		struct itimerspec its = { { 0, 0 }, { 1, 0 } };

		t0 = now_us();
		ok = timerfd_settime(fd, TFD_TIMER_ABSTIME, &its, NULL) == 0 && read(fd, &n, 8) == 8;
		CHECK("tfd-abstime-past-fires", ok && n == 1 && now_us() - t0 < 200000, "ok %d", ok);
	}
	close(fd);

	CHECK_ERR("tfd-bad-clock", timerfd_create(CLOCK_PROCESS_CPUTIME_ID, 0), EINVAL);
	CHECK_ERR("tfd-bad-flags", timerfd_create(CLOCK_MONOTONIC, 0x1), EINVAL);
	fd = timerfd_create(CLOCK_MONOTONIC, 0);
	{
		struct itimerspec bad = { { 0, 0 }, { 0, 1000000000 } };
		struct itimerspec neg = { { 0, 0 }, { -1, 0 } };
		int efd = eventfd(0, 0);

		CHECK_ERR("tfd-settime-nsec-range", timerfd_settime(fd, 0, &bad, NULL), EINVAL);
		CHECK_ERR("tfd-settime-negative", timerfd_settime(fd, 0, &neg, NULL), EINVAL);
		CHECK_ERR("tfd-settime-bad-flags", timerfd_settime(fd, 8, &neg, NULL), EINVAL);
		CHECK_ERR("tfd-settime-not-timerfd", timerfd_settime(efd, 0, &bad, NULL), EINVAL);
		struct itimerspec good = { { 0, 0 }, { 1, 0 } };

		CHECK_ERR("tfd-settime-ebadf", timerfd_settime(999, 0, &good, NULL), EBADF);
		CHECK_ERR("tfd-settime-efault", timerfd_settime(fd, 0, GT_BAD, NULL), EFAULT);
		close(efd);
	}
	close(fd);
}

/* ---- epoll with a timerfd, an eventfd and a pipe ---- */

static int ep_wait(int ep, struct epoll_event *ev, int max, int ms, uint64_t *mask)
{
	int n = epoll_wait(ep, ev, max, ms);

	*mask = 0;
	for (int i = 0; i < n; i++)
		*mask |= ev[i].data.u64;
	return n;
}

static void test_epoll_mix(int et)
{
	int tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK), efd = eventfd(0, EFD_NONBLOCK);
	int p[2], ep = epoll_create1(0);
	struct epoll_event ev[8];
	uint64_t m, n;
	char name[64], c;
	long t0, dt;
	uint32_t flag = et ? EPOLLET : 0;
	const char *mode = et ? "et" : "lt";

	pipe2(p, O_NONBLOCK);
	struct epoll_event a = { EPOLLIN | flag, { .u64 = 1 } }, b = { EPOLLIN | flag, { .u64 = 2 } },
			   d = { EPOLLIN | flag, { .u64 = 4 } };
	epoll_ctl(ep, EPOLL_CTL_ADD, tfd, &a);
	epoll_ctl(ep, EPOLL_CTL_ADD, efd, &b);
	epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &d);

	arm(tfd, 0, 60000000, 0);
	n = 1;
	write(efd, &n, 8);
	write(p[1], "x", 1);
	snprintf(name, sizeof(name), "epoll-%s-eventfd-pipe-ready", mode);
	n = ep_wait(ep, ev, 8, 1000, &m);
	CHECK(name, (long)n == 2 && m == 6, "mask %#llx",
	      (unsigned long long)m);
	/* level-triggered: reported again; edge-triggered: not without a change */
	snprintf(name, sizeof(name), "epoll-%s-second-wait", mode);
	n = ep_wait(ep, ev, 8, 0, &m);
	CHECK(name, et ? n == 0 : (n == 2 && m == 6), "%llu events, mask %#llx",
	      (unsigned long long)n, (unsigned long long)m);
	read(efd, &n, 8);
	read(p[0], &c, 1);
	t0 = now_us();
	snprintf(name, sizeof(name), "epoll-%s-timerfd-fires", mode);
	n = ep_wait(ep, ev, 8, 2000, &m);
	dt = now_us() - t0;
	CHECK(name, n == 1 && m == 1 && dt < 60000 + SLACK_MS * 1000, "%llu events mask %#llx after %ld us",
	      (unsigned long long)n, (unsigned long long)m, dt);
	snprintf(name, sizeof(name), "epoll-%s-timerfd-unread", mode);
	n = ep_wait(ep, ev, 8, 0, &m);
	CHECK(name, et ? n == 0 : (n == 1 && m == 1), "%llu events", (unsigned long long)n);
	CHECK_RET("epoll-timerfd-read", read(tfd, &n, 8), 8);
	snprintf(name, sizeof(name), "epoll-%s-quiet-after-reads", mode);
	n = ep_wait(ep, ev, 8, 30, &m);
	CHECK(name, (long)n == 0, "mask %#llx", (unsigned long long)m);

	if (et) {
		/* an unread interval timer makes no new edges; after a read it does */
		arm(tfd, 0, 20000000, 20000000);
		n = ep_wait(ep, ev, 8, 1000, &m);
		CHECK("epoll-et-interval-first-edge", (long)n == 1 && m == 1,
		      "mask %#llx", (unsigned long long)m);
		n = ep_wait(ep, ev, 8, 80, &m);
		CHECK("epoll-et-interval-no-edge-unread", (long)n == 0,
		      "mask %#llx", (unsigned long long)m);
		n = 0;
		read(tfd, &n, 8);
		CHECK("epoll-et-interval-count", n >= 4, "%llu expirations after ~100 ms",
		      (unsigned long long)n);
		n = ep_wait(ep, ev, 8, 1000, &m);
		CHECK("epoll-et-interval-next-edge", (long)n == 1 && m == 1,
		      "mask %#llx", (unsigned long long)m);
		arm(tfd, 0, 0, 0);
	}
	close(tfd);
	close(efd);
	close(p[0]);
	close(p[1]);
	close(ep);
}

static void test_epoll_oneshot_timerfd(void)
{
	int tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK), ep = epoll_create1(0);
	struct epoll_event e = { EPOLLIN | EPOLLONESHOT, { .u64 = 7 } }, ev[2];
	uint64_t n;

	epoll_ctl(ep, EPOLL_CTL_ADD, tfd, &e);
	arm(tfd, 0, 10000000, 10000000);
	CHECK("epoll-oneshot-timerfd-first", epoll_wait(ep, ev, 2, 1000) == 1 && ev[0].data.u64 == 7,
	      "no event");
	read(tfd, &n, 8);
	CHECK("epoll-oneshot-timerfd-disabled", epoll_wait(ep, ev, 2, 50) == 0, "reported again");
	epoll_ctl(ep, EPOLL_CTL_MOD, tfd, &e);
	CHECK("epoll-oneshot-timerfd-rearmed", epoll_wait(ep, ev, 2, 1000) == 1, "no event after MOD");
	close(tfd);
	close(ep);
}

/* ---- EPOLLEXCLUSIVE: one wake-up per event among several waiters ---- */

#define XWAITERS 4
static int x_efd;
static volatile int x_woken;
static volatile int x_go;

static void *x_waiter(void *arg)
{
	int excl = (int)(long)arg;
	int ep = epoll_create1(0);
	struct epoll_event e = { EPOLLIN | (excl ? EPOLLEXCLUSIVE : 0), { .u64 = 1 } }, out;

	epoll_ctl(ep, EPOLL_CTL_ADD, x_efd, &e);
	__atomic_add_fetch(&x_go, 1, __ATOMIC_SEQ_CST);
	/* the counter is never read: a woken waiter sees it ready and leaves */
	if (epoll_wait(ep, &out, 1, 5000) == 1)
		__atomic_add_fetch(&x_woken, 1, __ATOMIC_SEQ_CST);
	close(ep);
	return NULL;
}

static void test_epoll_exclusive(int excl)
{
	pthread_t th[XWAITERS];
	uint64_t one = 1;
	int after_first, ok = 1;

	x_efd = eventfd(0, EFD_NONBLOCK);
	x_woken = 0;
	x_go = 0;
	for (int i = 0; i < XWAITERS; i++)
		pthread_create(&th[i], NULL, x_waiter, (void *)(long)excl);
	while (__atomic_load_n(&x_go, __ATOMIC_SEQ_CST) < XWAITERS)
		msleep(5);
	msleep(100); /* every waiter is inside epoll_wait */
	write(x_efd, &one, 8);
	msleep(150);
	after_first = __atomic_load_n(&x_woken, __ATOMIC_SEQ_CST);
	if (excl) {
		CHECK("epoll-exclusive-one-of-4-wakes", after_first == 1, "%d waiters woke",
		      after_first);
		/* each further event wakes one more */
		for (int i = 2; i <= XWAITERS; i++) {
			write(x_efd, &one, 8);
			for (int w = 0; w < 100 && __atomic_load_n(&x_woken, __ATOMIC_SEQ_CST) < i; w++)
				msleep(5);
			msleep(30);
			if (__atomic_load_n(&x_woken, __ATOMIC_SEQ_CST) != i)
				ok = 0;
		}
		CHECK("epoll-exclusive-one-per-event", ok, "%d woke after %d events", x_woken,
		      XWAITERS);
	} else {
		CHECK("epoll-nonexclusive-all-4-wake", after_first == XWAITERS, "%d waiters woke",
		      after_first);
	}
	for (int i = 0; i < XWAITERS; i++)
		pthread_join(th[i], NULL);
	close(x_efd);
}

/* ---- select/poll timeouts against the clock ---- */

static void test_wait_timeouts(void)
{
	struct timeval tv = { 0, 50000 };
	struct timespec ts = { 0, 40000000 };
	long t0, dt;
	int r;

	t0 = now_us();
	r = select(0, NULL, NULL, NULL, &tv);
	dt = now_us() - t0;
	CHECK("select-50ms-timeout", r == 0 && dt >= 50000 && dt < 50000 + SLACK_MS * 1000,
	      "r %d after %ld us", r, dt);
	note_late(dt - 50000);
#ifdef __GLIBC__ /* musl's select does not write the time left back */
	CHECK("select-timeval-updated", tv.tv_sec == 0 && tv.tv_usec == 0, "left %ld.%06ld",
	      (long)tv.tv_sec, (long)tv.tv_usec);
#endif
	t0 = now_us();
	r = poll(NULL, 0, 50);
	dt = now_us() - t0;
	CHECK("poll-50ms-timeout", r == 0 && dt >= 50000 && dt < 50000 + SLACK_MS * 1000,
	      "r %d after %ld us", r, dt);
	note_late(dt - 50000);
	t0 = now_us();
	r = ppoll(NULL, 0, &ts, NULL);
	dt = now_us() - t0;
	CHECK("ppoll-40ms-timeout", r == 0 && dt >= 40000 && dt < 40000 + SLACK_MS * 1000,
	      "r %d after %ld us", r, dt);
	{
		int tfd = timerfd_create(CLOCK_MONOTONIC, 0);
		fd_set rd;

		/* select wakes for a timerfd expiry before its own timeout */
		FD_ZERO(&rd);
		FD_SET(tfd, &rd);
		tv = (struct timeval){ 2, 0 };
		t0 = now_us(); /* before arming: the timer runs from there */
		arm(tfd, 0, 30000000, 0);
		r = select(tfd + 1, &rd, NULL, NULL, &tv);
		dt = now_us() - t0;
		CHECK("select-timerfd-readable", r == 1 && FD_ISSET(tfd, &rd) && dt >= 30000 &&
		      dt < 30000 + SLACK_MS * 1000, "r %d after %ld us", r, dt);
		close(tfd);
	}
}

/* ---- itimers, alarm, pause ---- */

static volatile int alrm_count, vt_count, prof_count, usr1_count;

static void on_sig(int sig)
{
	if (sig == SIGALRM)
		alrm_count++;
	else if (sig == SIGVTALRM)
		vt_count++;
	else if (sig == SIGPROF)
		prof_count++;
	else if (sig == SIGUSR1)
		usr1_count++;
}

static void test_itimer_real(void)
{
	struct itimerval it = { { 0, 20000 }, { 0, 20000 } }, cur, zero = { { 0, 0 }, { 0, 0 } };
	long t0, dt;

	alrm_count = 0;
	t0 = now_us();
	CHECK_RET("setitimer-real", setitimer(ITIMER_REAL, &it, NULL), 0);
	getitimer(ITIMER_REAL, &cur);
	CHECK("getitimer-real", cur.it_interval.tv_usec == 20000 && cur.it_value.tv_sec == 0 &&
	      cur.it_value.tv_usec > 0 && cur.it_value.tv_usec <= 20000,
	      "interval %ld value %ld", (long)cur.it_interval.tv_usec, (long)cur.it_value.tv_usec);
	while (alrm_count < 10 && now_us() - t0 < 5000000)
		pause();
	dt = now_us() - t0;
	setitimer(ITIMER_REAL, &zero, NULL);
	CHECK("setitimer-10-sigalrm-in-time", alrm_count == 10 && dt >= 199000 &&
	      dt < 200000 + SLACK_MS * 1000, "%d signals after %ld us", alrm_count, dt);
	printf("figure setitimer 20 ms x10: %ld us (lateness %ld us)\n", dt, dt - 200000);
	msleep(60);
	CHECK("setitimer-disarmed-quiet", alrm_count == 10, "%d signals", alrm_count);
	getitimer(ITIMER_REAL, &cur);
	CHECK("getitimer-disarmed", !cur.it_value.tv_sec && !cur.it_value.tv_usec &&
	      !cur.it_interval.tv_usec, "value %ld", (long)cur.it_value.tv_usec);
	it.it_value.tv_usec = 1000000;
	CHECK_ERR("setitimer-usec-range", setitimer(ITIMER_REAL, &it, NULL), EINVAL);
	CHECK_ERR("setitimer-bad-which", setitimer(7, &zero, NULL), EINVAL);
	CHECK_ERR("getitimer-bad-which", getitimer(-1, &cur), EINVAL);
}

static long cpu_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void test_itimer_cpu(int which, volatile int *count, const char *name)
{
	struct itimerval it = { { 0, 0 }, { 0, 50000 } };
	long c0 = cpu_us(), t0 = now_us(), used;
	volatile double x = 1;

	*count = 0;
	setitimer(which, &it, NULL);
	while (!*count && now_us() - t0 < 3000000)
		x = x * 1.0000001 + 1e-9; /* burn CPU */
	used = cpu_us() - c0;
	/* Linux samples CPU time at ticks: allow early expiry by a few ticks */
	CHECK(name, *count == 1 && used >= 30000 && used < 50000 + SLACK_MS * 1000,
	      "%d signals, %ld us of CPU", *count, used);
}

static void *usr1_later(void *arg)
{
	msleep((long)arg);
	kill(getpid(), SIGUSR1);
	return NULL;
}

static void test_alarm_pause(void)
{
	pthread_t th;
	long t0, dt;
	int r, e;
	unsigned left;

	/* the raw call once (glibc's alarm is a setitimer) */
	CHECK_RET("alarm-none-before", syscall(SYS_alarm, 5), 0);
	left = alarm(3);
	CHECK("alarm-returns-left", left == 5 || left == 4, "left %u", left);
	left = alarm(0);
	CHECK("alarm-cancel-returns-left", left == 3 || left == 2, "left %u", left);
	alrm_count = 0;
	t0 = now_us();
	alarm(1);
	r = pause();
	e = errno;
	dt = now_us() - t0;
	CHECK("alarm-1s-pause-eintr", r == -1 && e == EINTR && alrm_count == 1 && dt >= 999000 &&
	      dt < 1000000 + SLACK_MS * 1000, "r %d %s, %d signals, %ld us", r, strerror(e),
	      alrm_count, dt);
	note_late(dt - 1000000);
	usr1_count = 0;
	t0 = now_us();
	pthread_create(&th, NULL, usr1_later, (void *)50L);
	r = syscall(SYS_pause); /* musl's pause() is a ppoll */
	e = errno;
	dt = now_us() - t0;
	pthread_join(th, NULL);
	CHECK("pause-interrupted-by-sigusr1", r == -1 && e == EINTR && usr1_count == 1 &&
	      dt >= 49000, "r %d %s, %d signals, %ld us", r, strerror(e), usr1_count, dt);
}

/* ---- disk I/O does not hold the CPU: a thread sleeping 1 ms at a time
 * keeps waking while another thread is inside one long read() ---- */

static volatile int io_stop;
static volatile long io_ticks;

static void *io_ticker(void *arg)
{
	while (!io_stop) {
		msleep(1);
		io_ticks++;
	}
	return NULL;
}

static int test_io_concurrency(const char *path)
{
	pthread_t th;
	size_t len = 32u << 20;
	char *buf = malloc(len);
	long t0, dt, k0, k1;
	ssize_t got;
	int fd = open(path, O_RDONLY);

	if (fd < 0 || !buf) {
		CHECK("io-open", 0, "%s: %s", path, strerror(errno));
		return gt_done();
	}
	pthread_create(&th, NULL, io_ticker, NULL);
	msleep(20);
	k0 = io_ticks;
	t0 = now_us();
	got = read(fd, buf, len); /* one syscall: many device requests */
	dt = now_us() - t0;
	k1 = io_ticks;
	io_stop = 1;
	pthread_join(th, NULL);
	CHECK("io-big-read", got > 0, "read: %s", strerror(errno));
	printf("figure one read() of %zd bytes: %ld us; the 1 ms sleeper woke %ld times meanwhile\n",
	       got, dt, k1 - k0);
	if (!gt_env("MONOS"))
		gt_skip("io-other-thread-runs", "natively the file comes from the host's page cache");
	else if (dt < 20000)
		gt_skip("io-other-thread-runs", "the read took under 20 ms: too short to judge");
	else
		CHECK("io-other-thread-runs", k1 - k0 >= 2, "%ld wake-ups during a %ld us read",
		      k1 - k0, dt);
	close(fd);
	free(buf);
	return gt_done();
}

int main(int argc, char **argv)
{
	struct sigaction sa;

	gt_init();
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sig;
	sigaction(SIGALRM, &sa, NULL);
	sigaction(SIGVTALRM, &sa, NULL);
	sigaction(SIGPROF, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);

	if (argc > 2 && !strcmp(argv[1], "io"))
		return test_io_concurrency(argv[2]);
	if (argc > 1 && !strcmp(argv[1], "quick")) /* the idle check's baseline */
		return 0;
	if (argc > 1 && !strcmp(argv[1], "idle")) { /* a 2 s interval timerfd wait */
		int fd = timerfd_create(CLOCK_MONOTONIC, 0);
		uint64_t n;

		arm(fd, 0, 500000000, 500000000);
		for (int i = 0; i < 4; i++)
			read(fd, &n, 8);
		return 0;
	}
	test_timerfd_oneshot();
	test_timerfd_interval();
	test_timerfd_abs_and_errors();
	test_epoll_mix(0);
	test_epoll_mix(1);
	test_epoll_oneshot_timerfd();
	test_epoll_exclusive(1);
	test_epoll_exclusive(0);
	test_wait_timeouts();
	test_itimer_real();
	test_itimer_cpu(ITIMER_PROF, &prof_count, "itimer-prof-50ms-cpu");
	test_itimer_cpu(ITIMER_VIRTUAL, &vt_count, "itimer-virtual-50ms-cpu");
	test_alarm_pause();
	printf("figure worst timer lateness seen: %ld us\n", worst_late_us);
	return gt_done();
}
