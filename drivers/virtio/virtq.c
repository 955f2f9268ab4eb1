/*
 * drivers/virtio/virtq.c - the split virtqueue (virtio 1.x §2.7) and the
 * transport-independent device core: feature negotiation, status, the
 * interrupt entry, waiting for completions, and driver dispatch.
 * Waiting (virtio_wait): once a device's interrupts are seen to arrive, the
 * waiting thread sleeps on the device's wait queue (kernel/sched.h) and
 * the interrupt path (virtio_interrupt, after the done callbacks) wakes
 * it, so other threads run during device I/O; a periodic re-check
 * (VIRTIO_RECHECK_NS) covers a lost interrupt. Until interrupts are seen
 * (broken routing) it polls with short interrupt windows, so a bad route
 * degrades to polling, never a hang. While the kernel is exiting
 * (kernel_exiting: fs_shutdown's flushes) the waiter keeps the CPU.
 * Descriptors come from a free list threaded through desc[].next; chains
 * are returned to it when the device reports them used. EVENT_IDX is used
 * when negotiated (used_event/avail_event), the flag words otherwise; a
 * queue's irq_delay asks for the interrupt only that many entries later
 * (virtio-net TX), and buffers a done callback gives back (virtio-net RX)
 * are kicked once per virtq_process batch. The ring's full barriers are
 * virtq_mb (a real host barrier under QEMU TCG too, see there).
 * Layer: drivers. Callers: transports (virtio_pci.c, virtio_mmio.c) and
 * device drivers (blk.c).
 */
#include "drivers/virtio/virtio.h"

#define VIRTIO_RECHECK_NS 20000000ull /* 20 ms: look at the rings even without an interrupt */

/*
 * The full barrier of the ring protocol: the driver's "publish avail idx,
 * then read avail_event" (virtq_kick) and "publish used_event, then
 * re-read used idx" (virtq_process) pair with the device's mirror-image
 * store-barrier-load; without a real barrier on both sides each side can
 * read the other's old value (x86 lets a load pass an earlier store) and
 * both conclude "no notification needed": a kick or an interrupt is lost.
 * mfence is that barrier on hardware and under KVM. QEMU TCG before 8.1
 * (Debian 12 ships 7.2) emits no host barrier for a guest mfence when the
 * VM has one vCPU (tcg_gen_mb elided unless CF_PARALLEL; fixed upstream by
 * "tcg: Do not elide memory barriers for !CF_PARALLEL in system mode",
 * June 2023), although the device model runs in another host thread.
 * rdtsc is a helper call there that takes a spin lock (an atomic xchg:
 * a full host barrier); elsewhere it costs a few dozen cycles. Seen as
 * 100 ms TX stalls (the net tick's watchdog) in ~1 of 2 100 MB streams
 * on 1 vCPU and none on 2 vCPUs (where TCG emits the barrier).
 */
static inline void virtq_mb(void)
{
	u32 lo, hi;

	mb();
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi)::"memory");
}

/* ---- ring memory ---- */

static u64 virtq_used_offset(u16 n)
{
	return ALIGN_UP(16ul * n + 6 + 2ul * n, PAGE_SIZE);
}

static u64 virtq_ring_bytes(u16 n)
{
	return virtq_used_offset(n) + 6 + 8ul * n;
}

int virtq_create(struct virtio_dev *vd, u16 index, u16 max_size, virtq_done_fn done,
		 struct virtq **out)
{
	struct virtq *vq;
	u16 n = 1;
	u64 bytes;
	unsigned order = 0;
	int err;

	if (max_size == 0 || vd->nqueues >= VIRTIO_MAX_QUEUES)
		return -EINVAL;
	while ((u32)n * 2 <= max_size && n * 2 <= VIRTQ_MAX_SIZE)
		n *= 2;
	bytes = virtq_ring_bytes(n);
	while ((PAGE_SIZE << order) < bytes)
		order++;
	vq = kzalloc(sizeof(*vq));
	if (!vq)
		return -ENOMEM;
	vq->tokens = kzalloc(sizeof(void *) * n);
	if (!vq->tokens) {
		err = -ENOMEM;
		goto out_free_vq;
	}
	vq->ring_phys = page_alloc(order);
	if (!vq->ring_phys) {
		err = -ENOMEM;
		goto out_free_tokens;
	}
	vq->ring_order = order;
	vq->vdev = vd;
	vq->index = index;
	vq->size = n;
	vq->done = done;
	vq->event_idx = virtio_has(vd, VIRTIO_F_EVENT_IDX);
	vq->desc_phys = vq->ring_phys;
	vq->avail_phys = vq->ring_phys + 16ul * n;
	vq->used_phys = vq->ring_phys + virtq_used_offset(n);
	vq->desc = phys_to_virt(vq->desc_phys);
	vq->avail = phys_to_virt(vq->avail_phys);
	vq->used = phys_to_virt(vq->used_phys);
	memset(phys_to_virt(vq->ring_phys), 0, PAGE_SIZE << order);
	for (u16 i = 0; i < n; i++)
		vq->desc[i].next = (u16)(i + 1 < n ? i + 1 : 0);
	vq->free_head = 0;
	vq->num_free = n;
	err = vd->ops->queue_enable(vd, vq);
	if (err)
		goto out_free_ring;
	vd->queues[vd->nqueues++] = vq;
	*out = vq;
	return 0;

out_free_ring:
	page_free(vq->ring_phys, order);
out_free_tokens:
	kfree(vq->tokens);
out_free_vq:
	kfree(vq);
	return err;
}

/* ---- adding and completing chains ---- */

int virtq_add(struct virtq *vq, const struct virtq_sg *sg, unsigned n, void *token)
{
	u16 head = vq->free_head, idx = head, last = head;

	if (n == 0 || n > vq->num_free || !token)
		return -ENOSPC;
	for (unsigned i = 0; i < n; i++) {
		volatile struct virtq_desc *d = &vq->desc[idx];

		d->addr = sg[i].phys;
		d->len = sg[i].len;
		d->flags = (u16)((sg[i].device_writes ? VIRTQ_DESC_F_WRITE : 0) |
				 (i + 1 < n ? VIRTQ_DESC_F_NEXT : 0));
		last = idx;
		idx = d->next; /* the free list and the chain share next */
	}
	vq->free_head = vq->desc[last].next;
	vq->num_free = (u16)(vq->num_free - n);
	vq->tokens[head] = token;
	vq->avail[2 + (vq->avail_idx & (vq->size - 1))] = head;
	barrier(); /* ring entry before idx (x86 keeps store order) */
	vq->avail_idx++;
	vq->avail[1] = vq->avail_idx;
	return 0;
}

void virtq_kick(struct virtq *vq)
{
	u16 new_idx, old_idx;
	bool need;

	/* inside the interrupt (frames received, the stack answering with
	 * ACKs, RX buffers reposted): one notification per queue when it
	 * ends. Under TCG a notification waits for QEMU's big lock, held
	 * while slirp works: a kick per ACK was a third of the vCPU's time
	 * in a host->guest stream */
	if (vq->vdev->in_irq)
		return; /* avail_idx != kicked_idx: virtio_interrupt kicks at its end */
	new_idx = vq->avail_idx;
	old_idx = vq->kicked_idx;

	virtq_mb(); /* publish avail->idx before reading the device's event/flags */
	if (vq->event_idx) {
		u16 event = vq->used[2 + 4 * vq->size];

		need = (u16)(new_idx - event - 1) < (u16)(new_idx - old_idx);
	} else {
		need = !(vq->used[0] & VIRTQ_USED_F_NO_NOTIFY);
	}
	vq->kicked_idx = new_idx;
	if (need)
		vq->vdev->ops->notify(vq->vdev, vq);
}

static void virtq_free_chain(struct virtq *vq, u16 head)
{
	u16 idx = head, count = 1;

	while ((vq->desc[idx].flags & VIRTQ_DESC_F_NEXT) && count < vq->size) {
		idx = vq->desc[idx].next;
		count++;
	}
	vq->desc[idx].next = vq->free_head;
	vq->free_head = head;
	vq->num_free = (u16)(vq->num_free + count);
}

unsigned virtq_process(struct virtq *vq)
{
	volatile struct virtq_used_elem *elems =
	    (volatile struct virtq_used_elem *)((volatile u8 *)vq->used + 4);
	unsigned count = 0;

	for (;;) {
		u16 used_idx = vq->used[1];

		barrier(); /* idx before the entries (x86 keeps load order) */
		while (vq->last_used_idx != used_idx) {
			volatile struct virtq_used_elem *e =
			    &elems[vq->last_used_idx & (vq->size - 1)];
			u32 id = e->id, len = e->len;
			void *token;

			vq->last_used_idx++;
			if (id >= vq->size || !vq->tokens[id]) {
				klog("virtio: %s: queue %u: device returned bad id %u",
				     vq->vdev->name, vq->index, id);
				continue;
			}
			token = vq->tokens[id];
			vq->tokens[id] = NULL;
			virtq_free_chain(vq, (u16)id);
			count++;
			if (vq->done)
				vq->done(vq, token, len);
		}
		if (!vq->event_idx)
			break;
		/* ask for an interrupt at the next entry, then re-check so an
		 * entry that landed meanwhile is not left waiting */
		vq->avail[2 + vq->size] = (u16)(vq->last_used_idx + vq->irq_delay);
		virtq_mb();
		if (vq->used[1] == vq->last_used_idx)
			break;
	}
	/* buffers the done callbacks gave back (virtio-net RX): one
	 * notification decision per batch instead of one per buffer */
	if (vq->avail_idx != vq->kicked_idx)
		virtq_kick(vq);
	return count;
}

/* ---- device core ---- */

bool virtio_has(const struct virtio_dev *vd, unsigned bit)
{
	return (vd->features >> bit) & 1;
}

void virtio_fail(struct virtio_dev *vd)
{
	vd->ops->set_status(vd, vd->ops->get_status(vd) | VIRTIO_STATUS_FAILED);
}

int virtio_negotiate(struct virtio_dev *vd, u64 wanted)
{
	u8 status = VIRTIO_STATUS_ACK | VIRTIO_STATUS_DRIVER;
	u64 offered, use;

	vd->ops->set_status(vd, 0);
	for (unsigned i = 0; i < 1000000 && vd->ops->get_status(vd) != 0; i++)
		__asm__ volatile("pause");
	vd->ops->set_status(vd, VIRTIO_STATUS_ACK);
	vd->ops->set_status(vd, status);
	offered = vd->ops->get_features(vd);
	if (!vd->legacy && !(offered & (1ull << VIRTIO_F_VERSION_1))) {
		kprintf("virtio: %s: device does not offer VIRTIO_F_VERSION_1 "
			"(legacy-only devices are not supported)\n",
			vd->name);
		goto out_fail;
	}
	use = wanted & offered;
	if (!vd->legacy)
		use |= 1ull << VIRTIO_F_VERSION_1;
	/* no IOMMU here: physical addresses are bus addresses either way */
	use |= offered & (1ull << VIRTIO_F_ACCESS_PLATFORM);
	vd->ops->set_features(vd, use);
	vd->features = use;
	if (!vd->legacy) {
		status |= VIRTIO_STATUS_FEATURES_OK;
		vd->ops->set_status(vd, status);
		if (!(vd->ops->get_status(vd) & VIRTIO_STATUS_FEATURES_OK)) {
			kprintf("virtio: %s: device refused features %#llx\n", vd->name,
				(unsigned long long)use);
			goto out_fail;
		}
	}
	return 0;

out_fail:
	virtio_fail(vd);
	return -ENODEV;
}

void virtio_driver_ok(struct virtio_dev *vd)
{
	vd->ops->set_status(vd, vd->ops->get_status(vd) | VIRTIO_STATUS_DRIVER_OK);
}

void virtio_interrupt(struct virtio_dev *vd)
{
	vd->irq_count++;
	vd->in_irq = true;
	for (unsigned i = 0; i < vd->nqueues; i++) {
		vd->queues[i]->irq_count++;
		virtq_process(vd->queues[i]);
	}
	vd->in_irq = false;
	for (unsigned i = 0; i < vd->nqueues; i++)
		if (vd->queues[i]->avail_idx != vd->queues[i]->kicked_idx)
			virtq_kick(vd->queues[i]); /* what was kicked during it */
	waitq_wake(&vd->waitq, -1); /* no-op until a waiter initialised it */
}

/* open a short interrupt window without sleeping (restores IF after).
 * The jump matters under TCG, which only takes interrupts between
 * translation blocks. */
static void virtio_irq_window(void)
{
	__asm__ volatile("pushfq; sti; nop; jmp 1f; 1: nop; popfq" ::: "memory", "cc");
}

/* sleep until the interrupt path wakes vd->waitq (or the re-check time) */
static void virtio_sleep(struct virtio_dev *vd, u64 start, u64 timeout_ns)
{
	u64 until = clock_now_ns() + VIRTIO_RECHECK_NS;

	if (timeout_ns && start + timeout_ns < until)
		until = start + timeout_ns;
	if (!vd->waitq.head.next)
		waitq_init(&vd->waitq);
	if (kernel_exiting) {
		arch_wait_irq(); /* keep the CPU: nothing else may run now */
		return;
	}
	/* interrupts are off: the completion cannot slip in between the
	 * caller's flag check and the sleep; before the scheduler runs (and
	 * in the idle thread) waitq_wait halts until any interrupt */
	waitq_wait(&vd->waitq, until, false);
}

int virtio_wait(struct virtio_dev *vd, volatile bool *flag, u64 timeout_ns)
{
	u64 start = clock_now_ns();

	while (!*flag) {
		/* sleep only once interrupts from this device are known to
		 * arrive; poll (with interrupt windows) until then */
		if (vd->irq_ready)
			virtio_sleep(vd, start, timeout_ns);
		else
			virtio_irq_window();
		if (!vd->irq_ready && vd->irq_count) {
			vd->irq_ready = true;
			klog("virtio: %s: interrupts working", vd->name);
		}
		for (unsigned i = 0; i < vd->nqueues; i++)
			virtq_process(vd->queues[i]);
		if (!*flag && timeout_ns && clock_now_ns() - start > timeout_ns)
			return -ETIMEDOUT;
	}
	return 0;
}

int virtio_probe(struct virtio_dev *vd)
{
	switch (vd->device_id) {
	case VIRTIO_ID_BLOCK:
		return virtio_blk_probe(vd);
	case VIRTIO_ID_NET:
		return virtio_net_probe(vd);
	default:
		klog("virtio: %s: device type %u: no driver", vd->name, vd->device_id);
		return -ENODEV;
	}
}
