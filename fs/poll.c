/*
 * fs/poll.c - the waiting side of poll/select/epoll: poll heads (a wait
 * queue and a change counter embedded in pollable files), poll tables
 * (a waiter's entries in several heads at once, blocked on with one
 * sched_block) and file_poll (a file's ready mask).
 * Model: the kernel runs with interrupts off, so polling the files with
 * registration and then blocking loses no wakeup: a head's waitq_wake
 * marks the entry woken and wakes the thread; the table is released
 * (remaining entries unlinked) before the syscall returns. Entries made
 * for EPOLLEXCLUSIVE items go on the head's exclusive queue: a wake-up
 * wakes every normal waiter but only one exclusive one.
 * Layer: fs. Callers: fs/pipe.c, fs/eventfd.c, sys/sys_poll.c,
 * sys/sys_epoll.c.
 */
#include "fs/vfs.h"
#include "fs/poll.h"
#include "kernel/thread.h"

#define POLL_CHUNK_ENTRIES 32

struct poll_entry {
	struct wait_entry e;
	struct poll_head *h;
};

struct poll_chunk {
	struct poll_chunk *next;
	unsigned used;
	struct poll_entry ent[POLL_CHUNK_ENTRIES];
};

void poll_head_init(struct poll_head *h)
{
	waitq_init(&h->q);
	waitq_init(&h->xq);
	h->gen = 0;
}

/* EPOLLEXCLUSIVE: wake exclusive entries until one whose thread was
 * really asleep woke (a running thread re-polls anyway), like Linux's
 * exclusive wake-up */
static void poll_wake_one_exclusive(struct wait_queue *q)
{
	if (!q->head.next)
		return;
	while (q->head.next != &q->head) {
		struct wait_entry *e = q->head.next;
		bool asleep = e->t && e->t->state == THREAD_BLOCKED;

		e->prev->next = e->next;
		e->next->prev = e->prev;
		e->woken = true;
		if (e->t)
			sched_wake(e->t);
		if (asleep)
			break;
	}
}

void poll_head_wake(struct poll_head *h)
{
	h->gen++;
	waitq_wake(&h->q, -1);
	poll_wake_one_exclusive(&h->xq);
}

void poll_table_init(struct poll_table *pt, bool reg)
{
	pt->reg = reg;
	pt->gen = 0;
	pt->depth = 0;
	pt->err = 0;
	pt->key = ~0u;
	pt->exclusive = false;
	pt->chunks = NULL;
}

void poll_wait(struct poll_table *pt, struct poll_head *h, u32 events)
{
	struct poll_chunk *c;
	struct poll_entry *pe;
	struct wait_queue *q;

	if (!pt || !(events & pt->key))
		return;
	pt->gen += h->gen;
	if (!pt->reg)
		return;
	c = pt->chunks;
	if (!c || c->used == POLL_CHUNK_ENTRIES) {
		c = kzalloc(sizeof(*c));
		if (!c) {
			pt->err = -ENOMEM;
			return;
		}
		c->next = pt->chunks;
		pt->chunks = c;
	}
	pe = &c->ent[c->used++];
	pe->h = h;
	pe->e.t = current();
	pe->e.woken = false;
	q = pt->exclusive ? &h->xq : &h->q;
	pe->e.prev = q->head.prev;
	pe->e.next = &q->head;
	q->head.prev->next = &pe->e;
	q->head.prev = &pe->e;
}

static bool poll_table_woken(const struct poll_table *pt)
{
	for (const struct poll_chunk *c = pt->chunks; c; c = c->next)
		for (unsigned i = 0; i < c->used; i++)
			if (c->ent[i].e.woken)
				return true;
	return false;
}

int poll_table_block(struct poll_table *pt, u64 deadline_ns)
{
	if (poll_table_woken(pt))
		return 0;
	if (!sched_active() || current()->idle) {
		if (deadline_ns && clock_now_ns() >= deadline_ns)
			return -ETIMEDOUT;
		arch_wait_irq();
		return 0;
	}
	return sched_block(deadline_ns, true);
}

void poll_table_release(struct poll_table *pt)
{
	struct poll_chunk *c = pt->chunks, *next;

	for (; c; c = next) {
		next = c->next;
		for (unsigned i = 0; i < c->used; i++) {
			struct wait_entry *e = &c->ent[i].e;

			if (!e->woken) {
				e->prev->next = e->next;
				e->next->prev = e->prev;
			}
		}
		kfree(c);
	}
	pt->chunks = NULL;
}

u32 file_poll(struct file *f, struct poll_table *pt)
{
	if (f->ops->poll)
		return f->ops->poll(f, pt);
	return POLLIN | POLLRDNORM | POLLOUT | POLLWRNORM;
}
