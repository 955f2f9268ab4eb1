/*
 * sys/sys_epoll.c - epoll_create/epoll_create1, epoll_ctl, epoll_wait,
 * epoll_pwait, epoll_pwait2. An epoll file holds a list of (fd, file,
 * events, data) items; a wait polls every item's file (fs/poll.h),
 * registering on their poll heads, and blocks until one is woken.
 * Level-triggered items report while ready; edge-triggered (EPOLLET) ones
 * report when their heads' change counters moved since the last report;
 * EPOLLONESHOT items are disabled after one report until EPOLL_CTL_MOD.
 * EPOLLEXCLUSIVE items register the waiter on the files' exclusive wait
 * queues (fs/poll.c): a file's wake-up wakes one such waiter, not all
 * (the thundering-herd fix for many epoll fds on one file, each waited on
 * by its own thread). Items hold no file
 * reference: an item whose fd no longer names its file is dropped (as
 * Linux drops it when the file is closed). Epoll files nest (depth 4).
 * Layer: sys. Callers: the syscall table.
 */
#include "fs/vfs.h"
#include "fs/poll.h"
#include "kernel/thread.h"
#include "sys/syscalls.h"
#include "sys/sys_poll.h"

#define EPOLL_CTL_ADD 1
#define EPOLL_CTL_DEL 2
#define EPOLL_CTL_MOD 3

#define EPOLLEXCLUSIVE (1u << 28)
#define EPOLLWAKEUP    (1u << 29)
#define EPOLLONESHOT   (1u << 30)
#define EPOLLET	       (1u << 31)
#define EPOLL_FLAGS    (EPOLLEXCLUSIVE | EPOLLWAKEUP | EPOLLONESHOT | EPOLLET)

#define EPOLL_MAX_DEPTH 4
#define EP_MAX_EVENTS	(0x7fffffff / 12)

struct epoll_event_abi {
	u32 events;
	u64 data;
} __attribute__((packed));
_Static_assert(sizeof(struct epoll_event_abi) == 12, "struct epoll_event (x86-64)");

struct ep_item {
	struct ep_item *next;
	int fd;
	struct file *file; /* not a reference: checked against fd_get(fd) */
	u32 events;
	u64 data;
	u64 last_gen; /* EPOLLET: the gen last reported */
	bool fired;   /* EPOLLET: reported at least once */
	bool disabled; /* EPOLLONESHOT after a report */
};

struct epoll {
	struct ep_item *items;
};

static const struct file_ops epoll_ops;

/* the item's file if its fd still names it; drops stale items */
static struct file *ep_item_file(struct ep_item *it)
{
	struct file *f = fd_get(it->fd);

	if (f && f != it->file) {
		file_put(f);
		return NULL;
	}
	return f;
}

/* the events of it to report now (0: none); consume: update ET/ONESHOT */
static u32 ep_item_check(struct ep_item *it, struct poll_table *pt, bool consume)
{
	struct file *f;
	u64 gen0 = pt->gen, gen;
	u32 mask, key = pt->key;

	if (it->disabled)
		return 0;
	f = ep_item_file(it);
	if (!f)
		return 0;
	pt->depth++;
	pt->key = (it->events | POLLERR | POLLHUP) & ~EPOLL_FLAGS;
	pt->exclusive = (it->events & EPOLLEXCLUSIVE) != 0;
	mask = file_poll(f, pt) & pt->key;
	pt->exclusive = false;
	pt->key = key;
	pt->depth--;
	file_put(f);
	gen = pt->gen - gen0;
	if (!mask)
		return 0;
	if ((it->events & EPOLLET) && it->fired && it->last_gen == gen)
		return 0;
	if (consume) {
		it->fired = true;
		it->last_gen = gen;
		if (it->events & EPOLLONESHOT)
			it->disabled = true;
	}
	return mask;
}

static void ep_prune(struct epoll *ep)
{
	struct ep_item **pp = &ep->items;

	while (*pp) {
		struct ep_item *it = *pp;
		struct file *f = fd_get(it->fd);

		if (f)
			file_put(f);
		if (f != it->file) {
			*pp = it->next;
			kfree(it);
			continue;
		}
		pp = &it->next;
	}
}

static u32 epoll_poll(struct file *f, struct poll_table *pt)
{
	struct epoll *ep = f->priv;
	struct poll_table local;
	u32 mask = 0;

	if (!pt) {
		poll_table_init(&local, false);
		pt = &local;
	}
	if (pt->depth > EPOLL_MAX_DEPTH)
		return 0;
	for (struct ep_item *it = ep->items; it; it = it->next)
		if (ep_item_check(it, pt, false))
			mask = POLLIN | POLLRDNORM;
	return mask;
}

static void epoll_close(struct file *f)
{
	struct epoll *ep = f->priv;

	while (ep->items) {
		struct ep_item *it = ep->items;

		ep->items = it->next;
		kfree(it);
	}
	kfree(ep);
}

static const struct file_ops epoll_ops = {
	.close = epoll_close,
	.poll = epoll_poll,
	.stat = file_anon_stat,
};

static long do_epoll_create(u64 flags)
{
	struct epoll *ep;
	struct file *f;
	int fd;

	if (flags & ~(u64)O_CLOEXEC)
		return -EINVAL;
	ep = kzalloc(sizeof(*ep));
	if (!ep)
		return -ENOMEM;
	f = file_alloc(&epoll_ops, NULL, NULL, O_RDWR);
	if (!f) {
		kfree(ep);
		return -ENOMEM;
	}
	f->priv = ep;
	fd = fd_install(f, flags & O_CLOEXEC, 0);
	if (fd < 0)
		file_put(f);
	return fd;
}

long sys_epoll_create(SYS_ARGS)
{
	if ((s32)a0 <= 0)
		return -EINVAL;
	return do_epoll_create(0);
}

long sys_epoll_create1(SYS_ARGS)
{
	return do_epoll_create(a0);
}

/* does ep (transitively) watch target? (loops: ELOOP) */
static bool ep_watches(struct epoll *ep, struct file *target, int depth)
{
	if (depth > EPOLL_MAX_DEPTH)
		return true;
	ep_prune(ep); /* no stale file pointer is followed below */
	for (struct ep_item *it = ep->items; it; it = it->next) {
		if (it->file == target)
			return true;
		if (it->file->ops == &epoll_ops && ep_watches(it->file->priv, target, depth + 1))
			return true;
	}
	return false;
}

static long ep_ctl(struct file *epf, int op, int fd, struct file *f, u64 uev)
{
	struct epoll *ep = epf->priv;
	struct epoll_event_abi ev = { 0, 0 };
	struct ep_item *it, **pp;

	if (op != EPOLL_CTL_DEL && copy_from_user(&ev, uev, sizeof(ev)))
		return -EFAULT;
	if (f == epf)
		return -EINVAL;
	/* Linux: regular files and directories cannot be watched */
	if (f->vn.kind == VN_TFS && !f->ops->poll)
		return -EPERM;
	ep_prune(ep);
	for (pp = &ep->items; *pp; pp = &(*pp)->next)
		if ((*pp)->fd == fd)
			break;
	it = *pp;
	switch (op) {
	case EPOLL_CTL_ADD:
		if (it)
			return -EEXIST;
		if ((ev.events & EPOLLEXCLUSIVE) && (ev.events & EPOLLONESHOT))
			return -EINVAL;
		if (f->ops == &epoll_ops &&
		    (ep_watches(f->priv, epf, 0) || (ev.events & EPOLLEXCLUSIVE)))
			return f->ops == &epoll_ops && (ev.events & EPOLLEXCLUSIVE) ? -EINVAL
										   : -ELOOP;
		it = kzalloc(sizeof(*it));
		if (!it)
			return -ENOMEM;
		it->fd = fd;
		it->file = f;
		it->events = ev.events;
		it->data = ev.data;
		*pp = it;
		return 0;
	case EPOLL_CTL_MOD:
		if (!it)
			return -ENOENT;
		if ((ev.events & EPOLLEXCLUSIVE) || (it->events & EPOLLEXCLUSIVE))
			return -EINVAL;
		it->events = ev.events;
		it->data = ev.data;
		it->disabled = false;
		it->fired = false;
		return 0;
	case EPOLL_CTL_DEL:
		if (!it)
			return -ENOENT;
		*pp = it->next;
		kfree(it);
		return 0;
	default:
		return -EINVAL;
	}
}

long sys_epoll_ctl(SYS_ARGS)
{
	struct file *epf = fd_get((int)a0), *f = NULL;
	long r;

	if (!epf)
		return -EBADF;
	f = fd_get((int)a2);
	if (!f)
		r = -EBADF;
	else if (epf->ops != &epoll_ops)
		r = -EINVAL;
	else
		r = ep_ctl(epf, (int)a1, (int)a2, f, a3);
	if (f)
		file_put(f);
	file_put(epf);
	return r;
}

static long do_epoll_wait(int epfd, u64 uev, int max, u64 deadline, bool nowait)
{
	struct file *epf;
	struct epoll *ep;
	struct epoll_event_abi *out;
	struct poll_table pt;
	bool last = nowait;
	long n = 0;

	if (max <= 0 || max > EP_MAX_EVENTS)
		return -EINVAL;
	if (!user_range_ok(uev, (u64)max * sizeof(*out)))
		return -EFAULT;
	epf = fd_get(epfd);
	if (!epf)
		return -EBADF;
	if (epf->ops != &epoll_ops) {
		file_put(epf);
		return -EINVAL;
	}
	ep = epf->priv;
	out = kmalloc((size_t)MIN(max, 1024) * sizeof(*out));
	if (!out) {
		file_put(epf);
		return -ENOMEM;
	}
	if (max > 1024)
		max = 1024;
	for (;;) {
		int r;

		ep_prune(ep);
		poll_table_init(&pt, !last);
		n = 0;
		for (struct ep_item *it = ep->items; it && n < max; it = it->next) {
			u32 m = ep_item_check(it, &pt, true);

			if (m) {
				out[n].events = m;
				out[n].data = it->data;
				n++;
			}
		}
		if (n || last || pt.err) {
			poll_table_release(&pt);
			if (!n && pt.err)
				n = pt.err;
			break;
		}
		r = poll_table_block(&pt, deadline);
		poll_table_release(&pt);
		if (r == -EINTR) {
			n = -EINTR;
			break;
		}
		if (r == -ETIMEDOUT)
			last = true;
	}
	if (n > 0 && copy_to_user(uev, out, (size_t)n * sizeof(*out)))
		n = -EFAULT;
	kfree(out);
	file_put(epf);
	return n;
}

static void ms_deadline(int ms, u64 *deadline, bool *nowait)
{
	*deadline = ms > 0 ? clock_now_ns() + (u64)ms * 1000000ull : 0;
	*nowait = ms == 0;
}

long sys_epoll_wait(SYS_ARGS)
{
	u64 deadline;
	bool nowait;

	ms_deadline((int)a3, &deadline, &nowait);
	return do_epoll_wait((int)a0, a1, (int)a2, deadline, nowait);
}

long sys_epoll_pwait(SYS_ARGS)
{
	u64 deadline, old = 0;
	bool nowait, set;
	long r;

	ms_deadline((int)a3, &deadline, &nowait);
	r = poll_set_sigmask(a4, a5, &old, &set);
	if (r)
		return r;
	r = do_epoll_wait((int)a0, a1, (int)a2, deadline, nowait);
	poll_restore_sigmask(old, set, r);
	return r;
}

long sys_epoll_pwait2(SYS_ARGS)
{
	u64 deadline, old = 0;
	bool nowait, set;
	long r;

	r = poll_ts_deadline(a3, &deadline, &nowait);
	if (r)
		return r;
	r = poll_set_sigmask(a4, a5, &old, &set);
	if (r)
		return r;
	r = do_epoll_wait((int)a0, a1, (int)a2, deadline, nowait);
	poll_restore_sigmask(old, set, r);
	return r;
}
