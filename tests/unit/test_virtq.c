/*
 * test_virtq.c - unit tests for drivers/virtio/virtq.c, the split
 * virtqueue, against a simulated device written from the virtio 1.x spec
 * (§2.7): it takes chains from the avail ring, checks every descriptor
 * (addresses, lengths, WRITE and NEXT flags), completes them in a
 * scrambled order through the used ring, and follows the EVENT_IDX rules
 * (avail_event / used_event). Checked: chains round-trip with their
 * tokens, the free list never leaks or double-allocates descriptors
 * (a full queue, then 200,000 random operations across 16-bit index
 * wraparound), -ENOSPC when full, notification suppression with and
 * without EVENT_IDX, and a bad id from the device is ignored.
 * The kernel services virtq.c uses are stubbed here. Layer: host tests;
 * run by tests/suites/10-unit.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/virtio/virtio.h"
#include "tests/unit/check.h"

/* ---- kernel stubs ---- */
u64 page_alloc(unsigned order)
{
	void *p = aligned_alloc(PAGE_SIZE, PAGE_SIZE << order);

	if (!p)
		return 0;
	memset(p, 0, PAGE_SIZE << order);
	return (u64)p - DIRECT_MAP_BASE; /* phys_to_virt adds it back */
}
void page_free(u64 phys, unsigned order)
{
	free(phys_to_virt(phys));
}
void *kzalloc(size_t size)
{
	return calloc(1, size);
}
void kfree(void *p)
{
	free(p);
}
static int klog_lines;
void klog(const char *fmt, ...)
{
	klog_lines++;
}
void kprintf(const char *fmt, ...)
{
}
u64 clock_now_ns(void)
{
	return 0;
}
void arch_wait_irq(void)
{
}
bool kernel_exiting;
void waitq_init(struct wait_queue *q)
{
	q->head.next = q->head.prev = &q->head;
}
int waitq_wait(struct wait_queue *q, u64 deadline_ns, bool interruptible)
{
	return 0;
}
int waitq_wake(struct wait_queue *q, int n)
{
	return 0;
}
int virtio_blk_probe(struct virtio_dev *vd)
{
	return -ENODEV;
}
int virtio_net_probe(struct virtio_dev *vd); /* other drivers virtio_probe names */
int virtio_net_probe(struct virtio_dev *vd)
{
	return -ENODEV;
}

/* ---- the simulated device ---- */
static int notifies;
static struct virtq *q;

static int t_queue_enable(struct virtio_dev *vd, struct virtq *vq)
{
	return 0;
}
static void t_notify(struct virtio_dev *vd, struct virtq *vq)
{
	notifies++;
}
static const struct virtio_transport t_ops = {
    .queue_enable = t_queue_enable,
    .notify = t_notify,
};

struct dev_state {
	u16 avail_seen; /* next avail entry the device reads */
	u16 used_idx;
	u16 pending[VIRTQ_MAX_SIZE];
	unsigned npending;
};
static struct dev_state dev;

/* a chain as the driver built it: n sg entries, token, expected layout */
struct chain {
	struct virtq_sg sg[8];
	unsigned n;
	bool live;
	u32 done_len;
	bool completed;
};
static struct chain chains[4096];

static u16 *avail_ring(void)
{
	return (u16 *)q->avail + 2;
}

static void device_take(void)
{
	u16 idx = q->avail[1];

	while (dev.avail_seen != idx) {
		u16 head = avail_ring()[dev.avail_seen & (q->size - 1)];

		dev.pending[dev.npending++] = head;
		dev.avail_seen++;
	}
	/* EVENT_IDX: ask to be notified at the next new entry */
	q->used[2 + 4 * q->size] = dev.avail_seen;
}

/* walk a chain, check it against what the driver added, complete it */
static int device_complete(unsigned k, struct chain **out)
{
	u16 head = dev.pending[k], d = head;
	volatile struct virtq_used_elem *elems =
	    (volatile struct virtq_used_elem *)((volatile u8 *)q->used + 4);
	struct chain *c = (struct chain *)q->tokens[head];
	unsigned i = 0;

	if (!c || !c->live)
		return -1;
	for (;;) {
		volatile struct virtq_desc *x = &q->desc[d];

		if (i >= c->n || x->addr != c->sg[i].phys || x->len != c->sg[i].len ||
		    !!(x->flags & VIRTQ_DESC_F_WRITE) != c->sg[i].device_writes)
			return -2;
		i++;
		if (!(x->flags & VIRTQ_DESC_F_NEXT))
			break;
		d = x->next;
	}
	if (i != c->n)
		return -3;
	elems[dev.used_idx & (q->size - 1)].id = head;
	elems[dev.used_idx & (q->size - 1)].len = c->sg[c->n - 1].len;
	dev.used_idx++;
	q->used[1] = dev.used_idx;
	dev.pending[k] = dev.pending[--dev.npending];
	*out = c;
	return 0;
}

static void on_done(struct virtq *vq, void *token, u32 len)
{
	struct chain *c = token;

	c->done_len = len;
	c->completed = true;
	c->live = false;
}

static struct virtio_dev vd;

static void setup(bool event_idx, u16 size)
{
	memset(&vd, 0, sizeof(vd));
	memset(&dev, 0, sizeof(dev));
	memset(chains, 0, sizeof(chains));
	vd.ops = &t_ops;
	vd.name = "test";
	vd.features = event_idx ? 1ull << VIRTIO_F_EVENT_IDX : 0;
	q = NULL;
	notifies = 0;
	if (virtq_create(&vd, 0, size, on_done, &q))
		q = NULL;
}

static void teardown(void)
{
	if (q) {
		page_free(q->ring_phys, q->ring_order);
		free(q->tokens);
		free(q);
	}
}

static unsigned rnd_state = 12345;
static unsigned rnd(unsigned n)
{
	rnd_state = rnd_state * 1103515245 + 12345;
	return (rnd_state >> 16) % n;
}

static int add_chain(unsigned ci, unsigned n)
{
	struct chain *c = &chains[ci];

	c->n = n;
	for (unsigned i = 0; i < n; i++) {
		c->sg[i].phys = 0x100000ull * (ci + 1) + 0x1000 * i;
		c->sg[i].len = 16 + i + ci;
		c->sg[i].device_writes = i == n - 1 || (i > 0 && rnd(2));
	}
	c->completed = false;
	if (virtq_add(q, c->sg, n, c))
		return -1;
	c->live = true;
	return 0;
}

static void test_layout_and_full_queue(void)
{
	unsigned added = 0;

	setup(false, 300); /* rounds down to a power of two */
	REQUIRE(q != NULL);
	CHECK_INT(q->size, 256);
	CHECK_INT(q->num_free, 256);
	CHECK_INT(q->avail_phys - q->desc_phys, 16 * 256);
	CHECK_INT((q->used_phys - q->desc_phys) % PAGE_SIZE, 0); /* legacy layout */
	/* 85 chains of 3 fill 255 descriptors; one more of 3 does not fit */
	for (unsigned i = 0; i < 85; i++)
		added += add_chain(i, 3) == 0;
	CHECK_INT(added, 85);
	CHECK_INT(q->num_free, 1);
	CHECK(add_chain(85, 3) != 0);
	CHECK(add_chain(86, 1) == 0);
	CHECK_INT(q->num_free, 0);
	virtq_kick(q);
	CHECK_INT(notifies, 1);
	device_take();
	CHECK_INT(dev.npending, 86);
	/* complete all, in scrambled order */
	while (dev.npending) {
		struct chain *c;

		REQUIRE(device_complete(rnd(dev.npending), &c) == 0);
	}
	CHECK_INT(virtq_process(q), 86);
	CHECK_INT(q->num_free, 256);
	for (unsigned i = 0; i < 87; i++)
		if (i != 85)
			CHECK(chains[i].completed &&
			      chains[i].done_len == chains[i].sg[chains[i].n - 1].len);
	teardown();
}

static void test_random_churn(void)
{
	unsigned live = 0, ops = 0, bad = 0;

	setup(true, 64);
	REQUIRE(q != NULL);
	/* enough operations to wrap the 16-bit ring indices three times */
	for (ops = 0; ops < 200000; ops++) {
		unsigned what = rnd(3);

		if (what == 0 && live < 4096 / 2) {
			unsigned ci, n = 1 + rnd(4);

			for (ci = rnd(4096); chains[ci].live; ci = (ci + 1) % 4096)
				;
			if (add_chain(ci, n) == 0)
				live++;
			else
				CHECK(q->num_free < n);
		} else if (what == 1) {
			virtq_kick(q);
			device_take();
		} else if (dev.npending) {
			struct chain *c;

			if (device_complete(rnd(dev.npending), &c)) {
				bad++;
				break;
			}
			if (rnd(2)) {
				unsigned got = virtq_process(q);

				live -= got;
			}
		}
	}
	CHECK_INT(bad, 0);
	/* drain */
	virtq_kick(q);
	device_take();
	while (dev.npending) {
		struct chain *c;

		REQUIRE(device_complete(0, &c) == 0);
	}
	live -= virtq_process(q);
	CHECK_INT(live, 0);
	CHECK_INT(q->num_free, q->size);
	CHECK((u16)(q->avail_idx) == dev.avail_seen);
	CHECK(q->avail_idx != 0 || ops > 65536); /* indices wrapped */
	teardown();
}

static void test_notify_suppression(void)
{
	/* without EVENT_IDX: the device's NO_NOTIFY flag */
	setup(false, 16);
	REQUIRE(q != NULL);
	add_chain(0, 1);
	virtq_kick(q);
	CHECK_INT(notifies, 1);
	q->used[0] = VIRTQ_USED_F_NO_NOTIFY;
	add_chain(1, 1);
	virtq_kick(q);
	CHECK_INT(notifies, 1);
	teardown();

	/* with EVENT_IDX: notify only when new entries cross avail_event */
	setup(true, 16);
	REQUIRE(q != NULL);
	add_chain(0, 1);
	virtq_kick(q); /* avail_event 0: entry 0 is new -> notify */
	CHECK_INT(notifies, 1);
	q->used[2 + 4 * q->size] = 5; /* device: wake me at entry 5 */
	add_chain(1, 1);
	virtq_kick(q); /* entries 1: not past 5 */
	CHECK_INT(notifies, 1);
	for (unsigned i = 2; i < 7; i++)
		add_chain(i, 1);
	virtq_kick(q); /* entries 2..6 include 5 */
	CHECK_INT(notifies, 2);
	/* the driver asks for an interrupt at its next used entry */
	device_take();
	{
		struct chain *c;

		REQUIRE(device_complete(0, &c) == 0);
	}
	CHECK_INT(virtq_process(q), 1);
	CHECK_INT(q->avail[2 + q->size], q->last_used_idx);
	teardown();
}

static void test_bad_id_ignored(void)
{
	volatile struct virtq_used_elem *elems;

	setup(false, 16);
	REQUIRE(q != NULL);
	add_chain(0, 2);
	elems = (volatile struct virtq_used_elem *)((volatile u8 *)q->used + 4);
	elems[0].id = 999; /* out of range */
	elems[1].id = 5;   /* in range, never handed out */
	q->used[1] = 2;
	klog_lines = 0;
	CHECK_INT(virtq_process(q), 0);
	CHECK_INT(klog_lines, 2);
	CHECK_INT(q->num_free, 14); /* the real chain is still out */
	teardown();
}

int main(void)
{
	RUN(test_layout_and_full_queue);
	RUN(test_random_churn);
	RUN(test_notify_suppression);
	RUN(test_bad_id_ignored);
	return check_done();
}
