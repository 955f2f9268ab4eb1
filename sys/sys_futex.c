/*
 * sys_futex.c - futex(2) (sys/ layer): WAIT, WAKE, REQUEUE, CMP_REQUEUE,
 * WAKE_OP, WAIT_BITSET and WAKE_BITSET, private and shared (one address
 * space: both are keyed by the user address), relative timeouts (WAIT)
 * and absolute ones (WAIT_BITSET, CLOCK_MONOTONIC or with
 * FUTEX_CLOCK_REALTIME the wall clock). Waiters sit in a hash of
 * doubly-linked lists on their own kernel stacks and block through the
 * scheduler. Errors as Linux: EAGAIN (value changed), ETIMEDOUT, EINTR
 * (signal), EINVAL (misaligned, bad bitset/timeout), EFAULT, ENOSYS (PI
 * operations). Waits and wakes are serialised by the big kernel lock, so
 * a WAIT's read-compare-enqueue cannot miss a WAKE; the updates of a user
 * word (WAKE_OP, robust-list OWNER_DIED) are locked cmpxchg loops
 * (arch_user_cmpxchg32), atomic against user threads on other CPUs. `futex_trace:t` in the manifest prints each
 * operation and its result (waits also when they start, ending in "..."). Also robust-list processing at thread exit.
 * Called through the syscall table and by sys/sys_thread.c.
 */
#include "kernel/kernel.h"
#include "kernel/thread.h"
#include "kernel/sched.h"
#include "sys/syscalls.h"
#include "sys/futex.h"
#include "sys/signal.h"
#include "arch.h"

#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_REQUEUE 3
#define FUTEX_CMP_REQUEUE 4
#define FUTEX_WAKE_OP 5
#define FUTEX_WAIT_BITSET 9
#define FUTEX_WAKE_BITSET 10
#define FUTEX_PRIVATE_FLAG 128
#define FUTEX_CLOCK_REALTIME 256
#define FUTEX_BITSET_ALL 0xffffffffu

#define FUTEX_WAITERS 0x80000000u
#define FUTEX_OWNER_DIED 0x40000000u
#define FUTEX_TID_MASK 0x3fffffffu

#define FUTEX_HASH 64

struct futex_waiter {
	struct futex_waiter *next, *prev;
	u64 uaddr;
	u32 bitset;
	struct thread *t;
	bool queued;
};

static struct futex_waiter futex_hash[FUTEX_HASH]; /* list heads */

static struct futex_waiter *bucket(u64 uaddr)
{
	struct futex_waiter *h = &futex_hash[(uaddr >> 2) % FUTEX_HASH];

	if (!h->next)
		h->next = h->prev = h;
	return h;
}

static void waiter_unlink(struct futex_waiter *w)
{
	w->prev->next = w->next;
	w->next->prev = w->prev;
	w->queued = false;
}

static void waiter_link(struct futex_waiter *h, struct futex_waiter *w)
{
	w->prev = h->prev;
	w->next = h;
	h->prev->next = w;
	h->prev = w;
	w->queued = true;
}

static int futex_wake_bits(u64 uaddr, int n, u32 bitset)
{
	struct futex_waiter *h = bucket(uaddr), *w, *next;
	int woken = 0;

	for (w = h->next; w != h && woken < n; w = next) {
		next = w->next;
		if (w->uaddr != uaddr || !(w->bitset & bitset))
			continue;
		waiter_unlink(w);
		sched_wake(w->t);
		woken++;
	}
	return woken;
}

int futex_wake_addr(u64 uaddr, int n)
{
	return futex_wake_bits(uaddr, n, FUTEX_BITSET_ALL);
}

static int futex_get(u64 uaddr, u32 *val)
{
	return copy_from_user(val, uaddr, sizeof(*val));
}

static int futex_wait(u64 uaddr, u32 val, u64 deadline_ns, u32 bitset)
{
	struct futex_waiter w = { .uaddr = uaddr, .bitset = bitset, .t = current() };
	u32 cur;
	int r;

	if (futex_get(uaddr, &cur))
		return -EFAULT;
	if (cur != val)
		return -EAGAIN;
	waiter_link(bucket(uaddr), &w);
	do {
		r = sched_block(deadline_ns, true);
	} while (r == 0 && w.queued); /* a stray wakeup: keep waiting */
	if (!w.queued)
		return 0; /* woken (even if the timeout raced with it) */
	waiter_unlink(&w);
	return r;
}

/* move up to n waiters of uaddr to uaddr2 (after waking); returns count */
static int futex_requeue(u64 uaddr, u64 uaddr2, int n)
{
	struct futex_waiter *h = bucket(uaddr), *h2 = bucket(uaddr2), *w, *next;
	int moved = 0;

	for (w = h->next; w != h && moved < n; w = next) {
		next = w->next;
		if (w->uaddr != uaddr)
			continue;
		waiter_unlink(w);
		w->uaddr = uaddr2;
		waiter_link(h2, w);
		moved++;
		if (h == h2 && next == h)
			break; /* same bucket: don't walk into the moved ones */
	}
	return moved;
}

static s32 sign_extend12(u32 v)
{
	return (s32)(v << 20) >> 20;
}

static int futex_wake_op(u64 uaddr, u64 uaddr2, int n, int n2, u32 op3)
{
	u32 op = (op3 >> 28) & 7, cmp = (op3 >> 24) & 15;
	s32 oparg = sign_extend12((op3 >> 12) & 0xfff), cmparg = sign_extend12(op3 & 0xfff);
	u32 old, nv;
	bool cond;
	int woken;

	if (op3 & (1u << 31)) { /* FUTEX_OP_OPARG_SHIFT */
		op = (op3 >> 28) & 7;
		if ((u32)oparg > 31)
			return -EINVAL;
		oparg = (s32)(1u << oparg);
	}
	if (uaddr2 & 3)
		return -EINVAL;
	if (op > 4)
		return -ENOSYS;
	if (futex_get(uaddr2, &old))
		return -EFAULT;
	/* read-modify-write atomically: user threads on other CPUs */
	for (;;) {
		u32 seen = old;

		switch (op) {
		case 0: nv = (u32)oparg; break;
		case 1: nv = old + (u32)oparg; break;
		case 2: nv = old | (u32)oparg; break;
		case 3: nv = old & ~(u32)oparg; break;
		default: nv = old ^ (u32)oparg; break;
		}
		if (arch_user_cmpxchg32(uaddr2, &seen, nv))
			return -EFAULT;
		if (seen == old)
			break;
		old = seen;
	}
	switch (cmp) {
	case 0: cond = (s32)old == cmparg; break;
	case 1: cond = (s32)old != cmparg; break;
	case 2: cond = (s32)old < cmparg; break;
	case 3: cond = (s32)old <= cmparg; break;
	case 4: cond = (s32)old > cmparg; break;
	case 5: cond = (s32)old >= cmparg; break;
	default: return -ENOSYS;
	}
	woken = futex_wake_addr(uaddr, n);
	if (cond)
		woken += futex_wake_addr(uaddr2, n2);
	return woken;
}

static int read_timeout(u64 uts, bool absolute, bool realtime, u64 *deadline)
{
	u64 ns;
	int err = user_timespec_ns(uts, UTS_MAX_WAIT_SEC, &ns); /* clamped */

	if (err < 0)
		return err;
	if (!absolute) {
		*deadline = clock_now_ns() + ns;
	} else if (realtime) {
		u64 now_rt = clock_realtime_ns(), now = clock_now_ns();

		*deadline = ns > now_rt ? now + (ns - now_rt) : 1; /* 1: already past */
	} else {
		*deadline = ns ? ns : 1;
	}
	if (!*deadline)
		*deadline = 1;
	return 0;
}

static const char *const futex_op_names[] = {
	[FUTEX_WAIT] = "FUTEX_WAIT",		[FUTEX_WAKE] = "FUTEX_WAKE",
	[2] = "FUTEX_FD",			[FUTEX_REQUEUE] = "FUTEX_REQUEUE",
	[FUTEX_CMP_REQUEUE] = "FUTEX_CMP_REQUEUE", [FUTEX_WAKE_OP] = "FUTEX_WAKE_OP",
	[6] = "FUTEX_LOCK_PI",			[7] = "FUTEX_UNLOCK_PI",
	[8] = "FUTEX_TRYLOCK_PI",		[FUTEX_WAIT_BITSET] = "FUTEX_WAIT_BITSET",
	[FUTEX_WAKE_BITSET] = "FUTEX_WAKE_BITSET",
};

static long futex_do(u64 uaddr, int op, u32 val, u64 a3, u64 uaddr2, u32 val3)
{
	int cmd = op & 127;
	bool realtime = op & FUTEX_CLOCK_REALTIME;
	u64 deadline = 0;
	int err;

	if (op & ~(127 | FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME))
		return -ENOSYS;
	if (realtime && cmd != FUTEX_WAIT && cmd != FUTEX_WAIT_BITSET)
		return -ENOSYS;
	if (uaddr & 3)
		return -EINVAL;
	switch (cmd) {
	case FUTEX_WAIT:
		val3 = FUTEX_BITSET_ALL;
		/* fall through */
	case FUTEX_WAIT_BITSET:
		if (!val3)
			return -EINVAL;
		if (a3) {
			err = read_timeout(a3, cmd == FUTEX_WAIT_BITSET, realtime, &deadline);
			if (err)
				return err;
		}
		err = futex_wait(uaddr, val, deadline, val3);
		/* without a timeout a handled signal restarts it (SA_RESTART) */
		return err == -EINTR && !a3 ? -ERESTARTSYS : err;
	case FUTEX_WAKE:
		val3 = FUTEX_BITSET_ALL;
		/* fall through */
	case FUTEX_WAKE_BITSET:
		if (!val3)
			return -EINVAL;
		return futex_wake_bits(uaddr, (int)MIN(val, 0x7fffffffu), val3);
	case FUTEX_CMP_REQUEUE:
	case FUTEX_REQUEUE: {
		u32 cur;
		int woken, n2 = (int)MIN(a3, 0x7fffffffULL);

		if ((s32)val < 0 || (s64)(s32)a3 < 0)
			return -EINVAL;
		if (uaddr2 & 3)
			return -EINVAL;
		if (cmd == FUTEX_CMP_REQUEUE) {
			if (futex_get(uaddr, &cur))
				return -EFAULT;
			if (cur != val3)
				return -EAGAIN;
		}
		woken = futex_wake_addr(uaddr, (int)val);
		return woken + futex_requeue(uaddr, uaddr2, n2);
	}
	case FUTEX_WAKE_OP:
		return futex_wake_op(uaddr, uaddr2, (int)MIN(val, 0x7fffffffu),
				     (int)MIN(a3, 0x7fffffffULL), val3);
	default:
		return -ENOSYS;
	}
}

long sys_futex(SYS_ARGS)
{
	static int trace = -1;
	int cmd = (int)a1 & 127;
	long r;

	if (trace < 0)
		trace = config_flag("futex_trace");
	if (trace && (cmd == FUTEX_WAIT || cmd == FUTEX_WAIT_BITSET))
		kprintf("futex[%d]: %#lx %s%s%s val %u timeout %#lx val3 %#x ...\n",
			current()->tid, (unsigned long)a0, futex_op_names[cmd],
			a1 & FUTEX_PRIVATE_FLAG ? "_PRIVATE" : "",
			a1 & FUTEX_CLOCK_REALTIME ? "|CLOCK_REALTIME" : "", (u32)a2,
			(unsigned long)a3, (u32)a5);
	r = futex_do(a0, (int)a1, (u32)a2, a3, a4, (u32)a5);
	if (trace)
		kprintf("futex[%d]: %#lx %s%s%s val %u arg %#lx uaddr2 %#lx val3 %#x = %ld%s%s\n",
			current()->tid, (unsigned long)a0,
			cmd < 11 && futex_op_names[cmd] ? futex_op_names[cmd] : "op?",
			a1 & FUTEX_PRIVATE_FLAG ? "_PRIVATE" : "",
			a1 & FUTEX_CLOCK_REALTIME ? "|CLOCK_REALTIME" : "", (u32)a2,
			(unsigned long)a3, (unsigned long)a4, (u32)a5, r, r < 0 ? " " : "",
			r == -ERESTARTSYS ? "ERESTARTSYS" : r < 0 ? errno_name((int)r) : "");
	return r;
}

/* struct robust_list_head: next, futex_offset, list_op_pending */
static void robust_one(u64 uaddr, int tid)
{
	u32 v, nv;

	if ((uaddr & 3) || futex_get(uaddr, &v))
		return;
	for (;;) {
		u32 seen = v;

		if ((v & FUTEX_TID_MASK) != (u32)tid)
			return;
		nv = (v & FUTEX_WAITERS) | FUTEX_OWNER_DIED;
		if (arch_user_cmpxchg32(uaddr, &seen, nv))
			return;
		if (seen == v)
			break;
		v = seen; /* a waiter set FUTEX_WAITERS meanwhile */
	}
	if (v & FUTEX_WAITERS)
		futex_wake_addr(uaddr, 1);
}

void futex_exit_robust(u64 head, int tid)
{
	u64 h[3], entry, pending;
	s64 off;

	if (!head || copy_from_user(h, head, sizeof(h)))
		return;
	entry = h[0];
	off = (s64)h[1];
	pending = h[2];
	for (int limit = 0; entry != head && limit < 2048; limit++) {
		u64 next;

		if (copy_from_user(&next, entry & ~1ULL, sizeof(next)))
			return;
		if ((entry & ~1ULL) != (pending & ~1ULL))
			robust_one((entry & ~1ULL) + (u64)off, tid);
		entry = next;
	}
	if (pending)
		robust_one((pending & ~1ULL) + (u64)off, tid);
}
