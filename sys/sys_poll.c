/*
 * sys/sys_poll.c - poll, ppoll, select, pselect6: wait until one of a set
 * of fds is ready (fs/poll.h file_poll), a timeout passes (0: just look;
 * none: forever) or a signal arrives (-EINTR; not restarted, like Linux
 * after a handler). ppoll/pselect6 swap in a signal mask for the wait
 * (restored on return, or after the handler when interrupted). Regular
 * files and the console are always ready (no poll op).
 * Layer: sys. Callers: the syscall table.
 */
#include "fs/vfs.h"
#include "fs/poll.h"
#include "kernel/thread.h"
#include "sys/syscalls.h"
#include "sys/sys_poll.h"

#define SIGKILL_BIT (1ull << 8)
#define SIGSTOP_BIT (1ull << 18)

struct pollfd_abi {
	s32 fd;
	s16 events;
	s16 revents;
};
_Static_assert(sizeof(struct pollfd_abi) == 8, "struct pollfd");

struct timespec_abi {
	s64 sec, nsec;
};

int poll_ts_deadline(u64 uts, u64 *deadline, bool *nowait)
{
	u64 ns;
	int err;

	*deadline = 0;
	*nowait = false;
	if (!uts)
		return 0;
	err = user_timespec_ns(uts, UTS_FOREVER_SEC, &ns);
	if (err)
		return err < 0 ? err : 0; /* 1: effectively forever */
	if (!ns)
		*nowait = true;
	else
		*deadline = clock_now_ns() + ns;
	return 0;
}

int poll_set_sigmask(u64 umask, u64 size, u64 *old, bool *set)
{
	u64 m;

	*set = false;
	if (!umask)
		return 0;
	if (size != 8)
		return -EINVAL;
	if (copy_from_user(&m, umask, 8))
		return -EFAULT;
	*old = current()->sigmask;
	current()->sigmask = m & ~(SIGKILL_BIT | SIGSTOP_BIT);
	*set = true;
	return 0;
}

void poll_restore_sigmask(u64 old, bool set, long ret)
{
	struct thread *t = current();

	if (!set)
		return;
	if (ret == -EINTR) {
		/* the handler runs with the wait's mask, then the old one */
		t->saved_sigmask = old;
		t->restore_sigmask = true;
	} else {
		t->sigmask = old;
	}
}

/* ---- poll ---- */

static long do_poll(u64 ufds, u64 nfds, u64 deadline, bool nowait)
{
	struct pollfd_abi *pfd;
	struct poll_table pt;
	size_t bytes = nfds * sizeof(*pfd);
	long n = 0;
	bool last = nowait;

	if (nfds > FD_MAX)
		return -EINVAL;
	pfd = kmalloc(bytes ? bytes : 1);
	if (!pfd)
		return -ENOMEM;
	if (copy_from_user(pfd, ufds, bytes)) {
		kfree(pfd);
		return -EFAULT;
	}
	for (;;) {
		int r;

		poll_table_init(&pt, !last);
		n = 0;
		for (u64 i = 0; i < nfds; i++) {
			struct file *f;
			u32 mask;

			pfd[i].revents = 0;
			if (pfd[i].fd < 0)
				continue;
			f = fd_get(pfd[i].fd);
			if (!f) {
				mask = POLLNVAL;
			} else {
				pt.key = (u16)pfd[i].events | POLLERR | POLLHUP;
				mask = file_poll(f, &pt);
				mask &= pt.key;
				file_put(f);
			}
			pfd[i].revents = (s16)mask;
			if (mask)
				n++;
		}
		if (n || last) {
			poll_table_release(&pt);
			break;
		}
		if (pt.err) {
			poll_table_release(&pt);
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
	if (n >= 0)
		for (u64 i = 0; i < nfds; i++)
			if (copy_to_user(ufds + i * sizeof(*pfd) + 6, &pfd[i].revents, 2)) {
				n = -EFAULT;
				break;
			}
	kfree(pfd);
	return n;
}

long sys_poll(SYS_ARGS)
{
	s32 ms = (s32)a2;
	u64 deadline = 0;

	if (ms > 0)
		deadline = clock_now_ns() + (u64)ms * 1000000ull;
	return do_poll(a0, a1, deadline, ms == 0);
}

long sys_ppoll(SYS_ARGS)
{
	u64 deadline, old = 0;
	bool nowait, set;
	long r;

	r = poll_ts_deadline(a2, &deadline, &nowait);
	if (r)
		return r;
	r = poll_set_sigmask(a3, a4, &old, &set);
	if (r)
		return r;
	r = do_poll(a0, a1, deadline, nowait);
	poll_restore_sigmask(old, set, r);
	return r;
}

/* ---- select ---- */

#define SEL_IN	(POLLIN | POLLRDNORM | POLLRDBAND | POLLHUP | POLLERR)
#define SEL_OUT (POLLOUT | POLLWRNORM | POLLWRBAND | POLLERR)
#define SEL_EX	(POLLPRI)

static long do_select(int nfds, u64 uin, u64 uout, u64 uex, u64 deadline, bool nowait)
{
	u64 *in = NULL, *out = NULL, *ex = NULL, *res;
	size_t words, bytes;
	struct poll_table pt;
	bool last = nowait;
	long n = 0;

	if (nfds < 0 || nfds > FD_MAX)
		return -EINVAL;
	words = ((size_t)nfds + 63) / 64;
	bytes = words * 8;
	in = kzalloc(bytes * 6 + 8);
	if (!in)
		return -ENOMEM;
	out = in + words;
	ex = out + words;
	res = ex + words; /* 3 result sets */
	if ((uin && copy_from_user(in, uin, bytes)) || (uout && copy_from_user(out, uout, bytes)) ||
	    (uex && copy_from_user(ex, uex, bytes))) {
		n = -EFAULT;
		goto out_free;
	}
	for (int fd = 0; fd < nfds; fd++) {
		u64 bit = 1ull << (fd % 64);
		size_t w = (size_t)fd / 64;
		struct file *f;

		if (!((in[w] | out[w] | ex[w]) & bit))
			continue;
		f = fd_get(fd);
		if (!f) {
			n = -EBADF;
			goto out_free;
		}
		file_put(f);
	}
	for (;;) {
		int r;

		poll_table_init(&pt, !last);
		memset(res, 0, bytes * 3);
		n = 0;
		for (int fd = 0; fd < nfds; fd++) {
			u64 bit = 1ull << (fd % 64);
			size_t w = (size_t)fd / 64;
			struct file *f;
			u32 mask;

			if (!((in[w] | out[w] | ex[w]) & bit))
				continue;
			f = fd_get(fd);
			if (!f)
				continue; /* closed by another thread meanwhile */
			pt.key = ((in[w] & bit) ? SEL_IN : 0) | ((out[w] & bit) ? SEL_OUT : 0) |
				 ((ex[w] & bit) ? SEL_EX : 0);
			mask = file_poll(f, &pt);
			file_put(f);
			if ((in[w] & bit) && (mask & SEL_IN)) {
				res[w] |= bit;
				n++;
			}
			if ((out[w] & bit) && (mask & SEL_OUT)) {
				res[words + w] |= bit;
				n++;
			}
			if ((ex[w] & bit) && (mask & SEL_EX)) {
				res[2 * words + w] |= bit;
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
			goto out_free;
		}
		if (r == -ETIMEDOUT)
			last = true;
	}
	if (n >= 0 && ((uin && copy_to_user(uin, res, bytes)) ||
		       (uout && copy_to_user(uout, res + words, bytes)) ||
		       (uex && copy_to_user(uex, res + 2 * words, bytes))))
		n = -EFAULT;
out_free:
	kfree(in);
	return n;
}

/* the time left until deadline, for select's timeval/timespec update */
static u64 time_left(u64 deadline)
{
	u64 now = clock_now_ns();

	return deadline > now ? deadline - now : 0;
}

long sys_select(SYS_ARGS)
{
	struct {
		s64 sec, usec;
	} tv;
	u64 deadline = 0;
	bool nowait = false;
	long r;

	if (a4) {
		if (copy_from_user(&tv, a4, sizeof(tv)))
			return -EFAULT;
		if (tv.sec < 0 || tv.usec < 0 || tv.usec >= 1000000)
			return -EINVAL;
		if (!tv.sec && !tv.usec)
			nowait = true;
		else if ((u64)tv.sec < 100ull * 365 * 86400)
			deadline = clock_now_ns() + (u64)tv.sec * 1000000000ull +
				   (u64)tv.usec * 1000ull;
	}
	r = do_select((int)a0, a1, a2, a3, deadline, nowait);
	if (a4 && deadline && r != -EFAULT) {
		u64 left = time_left(deadline);

		tv.sec = (s64)(left / 1000000000ull);
		tv.usec = (s64)(left % 1000000000ull / 1000);
		if (copy_to_user(a4, &tv, sizeof(tv)))
			return r >= 0 ? r : -EFAULT;
	}
	return r;
}

long sys_pselect6(SYS_ARGS)
{
	struct {
		u64 set, size;
	} sm = { 0, 0 };
	u64 deadline, old = 0;
	bool nowait, set;
	long r;

	r = poll_ts_deadline(a4, &deadline, &nowait);
	if (r)
		return r;
	if (a5 && copy_from_user(&sm, a5, sizeof(sm)))
		return -EFAULT;
	r = poll_set_sigmask(sm.set, sm.size, &old, &set);
	if (r)
		return r;
	r = do_select((int)a0, a1, a2, a3, deadline, nowait);
	poll_restore_sigmask(old, set, r);
	if (a4 && deadline && r != -EFAULT) {
		struct timespec_abi ts;
		u64 left = time_left(deadline);

		ts.sec = (s64)(left / 1000000000ull);
		ts.nsec = (s64)(left % 1000000000ull);
		copy_to_user(a4, &ts, sizeof(ts));
	}
	return r;
}
