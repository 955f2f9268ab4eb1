/*
 * fs/timerfd.c - timerfd_create, timerfd_settime, timerfd_gettime: a file
 * whose read returns the number of timer expirations since the last read
 * (a u64; EAGAIN or blocking while there were none). One-shot and
 * interval timers on CLOCK_MONOTONIC, CLOCK_BOOTTIME (the same clock: a VM
 * here never suspends) and CLOCK_REALTIME (absolute times convert to the
 * monotonic clock through the fixed wall-clock base), TFD_TIMER_ABSTIME,
 * TFD_NONBLOCK/TFD_CLOEXEC; poll/epoll see POLLIN while expirations are
 * unread (one poll head, woken at each expiry).
 * An interval timer is not re-armed by its callback: once it expired, the
 * next read/gettime counts the periods that passed since (like Linux's
 * hrtimer_forward) and re-arms, so an unread timer costs no interrupts.
 * Layer: fs. Callers: the syscall table.
 */
#include "fs/vfs.h"
#include "fs/poll.h"
#include "kernel/time.h"
#include "kernel/timer.h"
#include "sys/syscalls.h"
#include "sys/signal.h"

#define TFD_TIMER_ABSTIME	1
#define TFD_TIMER_CANCEL_ON_SET 2
#define TFD_CLOEXEC		O_CLOEXEC
#define TFD_NONBLOCK		O_NONBLOCK

struct timerfd {
	bool realtime;
	bool active;  /* a value is set (an expired interval timer stays active) */
	bool expired; /* the callback ran and the interval was not forwarded yet */
	u64 next_ns;  /* monotonic time of the next (or just passed) expiry */
	u64 interval_ns;
	u64 ticks; /* expirations not read yet */
	struct ktimer kt;
	struct poll_head rd;
};

static const struct file_ops timerfd_ops;

static void tfd_fire(struct ktimer *kt, u64 now_ns)
{
	struct timerfd *t = kt->arg;

	(void)now_ns;
	t->ticks++;
	if (t->interval_ns)
		t->expired = true; /* forwarded and re-armed by the next read */
	else
		t->active = false;
	poll_head_wake(&t->rd);
}

/* an expired interval timer: count the periods since, re-arm */
static void tfd_forward(struct timerfd *t)
{
	if (!t->expired)
		return;
	t->ticks += ktimer_forward(&t->next_ns, t->interval_ns, clock_now_ns());
	t->expired = false;
	ktimer_arm(&t->kt, t->next_ns);
}

static s64 timerfd_read(struct file *f, void *kbuf, u64 len)
{
	struct timerfd *t = f->priv;
	u64 v;

	if (len < 8)
		return -EINVAL;
	for (;;) {
		tfd_forward(t);
		if (t->ticks)
			break;
		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		if (waitq_wait(&t->rd.q, 0, true) == -EINTR)
			return -ERESTARTSYS;
	}
	v = t->ticks;
	t->ticks = 0;
	memcpy(kbuf, &v, 8);
	return 8;
}

static u32 timerfd_poll(struct file *f, struct poll_table *pt)
{
	struct timerfd *t = f->priv;

	poll_wait(pt, &t->rd, POLLIN | POLLRDNORM);
	return t->ticks ? POLLIN | POLLRDNORM : 0;
}

static void timerfd_close(struct file *f)
{
	struct timerfd *t = f->priv;

	ktimer_cancel(&t->kt);
	kfree(t);
}

static const struct file_ops timerfd_ops = {
    .read = timerfd_read,
    .close = timerfd_close,
    .poll = timerfd_poll,
    .stat = file_anon_stat,
};

long sys_timerfd_create(SYS_ARGS)
{
	int clock = (int)a0;
	struct timerfd *t;
	struct file *f;
	int fd;

	if (clock != CLOCK_REALTIME && clock != CLOCK_MONOTONIC && clock != CLOCK_BOOTTIME &&
	    clock != CLOCK_REALTIME_ALARM && clock != CLOCK_BOOTTIME_ALARM)
		return -EINVAL;
	if (a1 & ~(u64)(TFD_CLOEXEC | TFD_NONBLOCK))
		return -EINVAL;
	t = kzalloc(sizeof(*t));
	if (!t)
		return -ENOMEM;
	t->realtime = clock == CLOCK_REALTIME || clock == CLOCK_REALTIME_ALARM;
	ktimer_init(&t->kt, tfd_fire, t);
	poll_head_init(&t->rd);
	f = file_alloc(&timerfd_ops, NULL, NULL, O_RDWR | (u32)(a1 & TFD_NONBLOCK));
	if (!f) {
		kfree(t);
		return -ENOMEM;
	}
	f->priv = t;
	fd = fd_install(f, a1 & TFD_CLOEXEC, 0);
	if (fd < 0)
		file_put(f);
	return fd;
}

/* the timerfd behind fd, or NULL with *err set (EBADF, EINVAL) */
static struct file *tfd_get(int fd, long *err)
{
	struct file *f = fd_get(fd);

	if (!f) {
		*err = -EBADF;
		return NULL;
	}
	if (f->ops != &timerfd_ops) {
		file_put(f);
		*err = -EINVAL;
		return NULL;
	}
	return f;
}

static void tfd_current(struct timerfd *t, struct ktimer_spec *cur)
{
	u64 now = clock_now_ns();

	tfd_forward(t);
	memset(cur, 0, sizeof(*cur));
	ktimer_ns_ts(t->interval_ns, &cur->interval_sec, &cur->interval_nsec);
	if (t->active)
		ktimer_ns_ts(t->next_ns > now ? t->next_ns - now : 1, &cur->value_sec,
			     &cur->value_nsec);
}

long sys_timerfd_settime(SYS_ARGS)
{
	struct ktimer_spec ns, old;
	struct timerfd *t;
	struct file *f;
	long err = 0;
	u64 value;

	if (a1 & ~(u64)(TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET))
		return -EINVAL;
	if (copy_from_user(&ns, a2, sizeof(ns)))
		return -EFAULT;
	if (ktimer_spec_check(&ns))
		return -EINVAL;
	f = tfd_get((int)a0, &err);
	if (!f)
		return err;
	t = f->priv;
	tfd_current(t, &old);
	ktimer_cancel(&t->kt);
	t->ticks = 0;
	t->expired = false;
	t->active = false;
	t->interval_ns = ktimer_ts_ns(ns.interval_sec, ns.interval_nsec);
	value = ktimer_ts_ns(ns.value_sec, ns.value_nsec);
	if (value) {
		if (!(a1 & TFD_TIMER_ABSTIME))
			t->next_ns = clock_now_ns() + value;
		else if (t->realtime)
			t->next_ns = ktimer_realtime_to_mono(value);
		else
			t->next_ns = value;
		t->active = true;
		ktimer_arm(&t->kt, t->next_ns);
	}
	file_put(f);
	if (a3 && copy_to_user(a3, &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

long sys_timerfd_gettime(SYS_ARGS)
{
	struct ktimer_spec cur;
	struct file *f;
	long err = 0;

	f = tfd_get((int)a0, &err);
	if (!f)
		return err;
	tfd_current(f->priv, &cur);
	file_put(f);
	if (copy_to_user(a1, &cur, sizeof(cur)))
		return -EFAULT;
	return 0;
}
