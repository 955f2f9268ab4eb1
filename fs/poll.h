/*
 * fs/poll.h - readiness and waiting on several files at once: the poll
 * event bits (Linux ABI), struct poll_head (a wait queue plus a change
 * counter that a pollable file such as a pipe or an eventfd embeds and
 * wakes on every state change) and struct poll_table (one wait entry per
 * head a waiter is linked into; poll/select/epoll build one per wait and
 * release it on return).
 * Layer: fs. Callers: fs/pipe.c, fs/eventfd.c, sys/sys_poll.c,
 * sys/sys_epoll.c; later sockets (issue 7).
 */
#ifndef FS_POLL_H
#define FS_POLL_H

#include "kernel/kernel.h"
#include "kernel/sched.h"

struct file;

#define POLLIN	   0x0001
#define POLLPRI	   0x0002
#define POLLOUT	   0x0004
#define POLLERR	   0x0008
#define POLLHUP	   0x0010
#define POLLNVAL   0x0020
#define POLLRDNORM 0x0040
#define POLLRDBAND 0x0080
#define POLLWRNORM 0x0100
#define POLLWRBAND 0x0200
#define POLLMSG	   0x0400
#define POLLRDHUP  0x2000

#define PIPE_BUF 4096 /* writes up to this size are atomic */

/* what a pollable file embeds */
struct poll_head {
	struct wait_queue q;  /* blocking readers/writers and poll/select/epoll */
	struct wait_queue xq; /* epoll waiters through EPOLLEXCLUSIVE items */
	u64 gen; /* bumped by poll_head_wake: edge-triggered epoll */
};
void poll_head_init(struct poll_head *h);
/* the state changed: bump gen, wake every waiter on q and one blocked
 * exclusive waiter on xq (interrupt-safe) */
void poll_head_wake(struct poll_head *h);

struct poll_chunk;
struct poll_table {
	bool reg;	   /* link the waiter into each head polled */
	u64 gen;	   /* sum of the gens of the heads polled (epoll ET) */
	int depth;	   /* nesting of epoll inside epoll */
	int err;	   /* -ENOMEM when an entry could not be allocated */
	u32 key;	   /* the events the waiter cares about (~0: all) */
	bool exclusive;	   /* register on the heads' exclusive queues (EPOLLEXCLUSIVE) */
	struct poll_chunk *chunks;
};
void poll_table_init(struct poll_table *pt, bool reg);
/* a file's poll op calls this for each head its readiness depends on;
 * events: what a wake of h can change (heads unrelated to pt->key are
 * skipped, so e.g. a read freeing space does not count as an EPOLLIN
 * edge) */
void poll_wait(struct poll_table *pt, struct poll_head *h, u32 events);
/* block until a head is woken, the deadline (monotonic ns, 0 none) or a
 * signal: 0, -ETIMEDOUT, -EINTR */
int poll_table_block(struct poll_table *pt, u64 deadline_ns);
/* unlink every entry and free them; pt may be reused after init */
void poll_table_release(struct poll_table *pt);

/* the ready mask of f (its poll op; none: readable and writable, like
 * Linux for regular files); pt NULL or pt->reg false: no registration */
u32 file_poll(struct file *f, struct poll_table *pt);

/* fs/pipe.c: fcntl F_GETPIPE_SZ / F_SETPIPE_SZ; -EBADF if f is no pipe */
long pipe_fcntl(struct file *f, int cmd, u64 arg);
bool file_is_pipe(const struct file *f);

#endif
