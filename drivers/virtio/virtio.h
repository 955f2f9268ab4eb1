/*
 * drivers/virtio/virtio.h - virtio 1.x core: the device abstraction that
 * the PCI and MMIO transports implement, feature/status bits, and the split
 * virtqueue (virtq.c). Layer: drivers. Callers: the transports
 * (virtio_pci.c, virtio_mmio.c) and device drivers (blk.c).
 */
#ifndef DRIVERS_VIRTIO_VIRTIO_H
#define DRIVERS_VIRTIO_VIRTIO_H

#include "kernel/kernel.h"
#include "kernel/sched.h"

/* device status */
#define VIRTIO_STATUS_ACK	  1
#define VIRTIO_STATUS_DRIVER	  2
#define VIRTIO_STATUS_DRIVER_OK	  4
#define VIRTIO_STATUS_FEATURES_OK 8
#define VIRTIO_STATUS_NEEDS_RESET 64
#define VIRTIO_STATUS_FAILED	  128

/* transport feature bits */
#define VIRTIO_F_INDIRECT_DESC	 28
#define VIRTIO_F_EVENT_IDX	 29
#define VIRTIO_F_VERSION_1	 32
#define VIRTIO_F_ACCESS_PLATFORM 33
#define VIRTIO_F_RING_PACKED	 34

#define VIRTIO_ID_NET	1
#define VIRTIO_ID_BLOCK 2
#define VIRTIO_ID_RNG	4

/* ---- split virtqueue (virtio 1.x §2.7) ---- */
#define VIRTQ_DESC_F_NEXT	   1
#define VIRTQ_DESC_F_WRITE	   2
#define VIRTQ_AVAIL_F_NO_INTERRUPT 1
#define VIRTQ_USED_F_NO_NOTIFY	   1
#define VIRTQ_MAX_SIZE		   256

struct virtq_desc {
	u64 addr;
	u32 len;
	u16 flags;
	u16 next;
} PACKED;
_Static_assert(sizeof(struct virtq_desc) == 16, "virtq_desc");

struct virtq_used_elem {
	u32 id;
	u32 len;
} PACKED;
_Static_assert(sizeof(struct virtq_used_elem) == 8, "virtq_used_elem");

/* one scatter-gather element of a chain (physical address) */
struct virtq_sg {
	u64 phys;
	u32 len;
	bool device_writes;
};

struct virtio_dev;
struct virtq;
typedef void (*virtq_done_fn)(struct virtq *vq, void *token, u32 len);

struct virtq {
	struct virtio_dev *vdev;
	u16 index;
	u16 size; /* power of two */
	/* ring memory (one physically contiguous block, legacy-compatible
	 * layout: desc | avail | pad to 4 KiB | used) */
	u64 ring_phys;
	unsigned ring_order;
	volatile struct virtq_desc *desc;
	volatile u16 *avail; /* flags, idx, ring[size], used_event */
	volatile u16 *used;  /* flags, idx, then elems, then avail_event */
	u64 desc_phys, avail_phys, used_phys;
	u16 free_head, num_free;
	u16 avail_idx;	   /* next avail->idx we publish */
	u16 last_used_idx; /* next used entry to consume */
	u16 kicked_idx;	   /* avail idx at the last kick decision (greater: not yet kicked) */
	bool event_idx;
	void **tokens; /* per head descriptor */
	virtq_done_fn done;
	/* transport notification data */
	volatile void *notify_addr;
	u16 notify_value;
	u32 irq_count; /* interrupts seen for this queue */
	u16 irq_delay; /* EVENT_IDX: interrupt after this many more used entries (0: the next) */
};

/* ---- the device, as the transports present it ---- */
struct virtio_transport {
	u64 (*get_features)(struct virtio_dev *vd);
	void (*set_features)(struct virtio_dev *vd, u64 features);
	u8 (*get_status)(struct virtio_dev *vd);
	void (*set_status)(struct virtio_dev *vd, u8 status);
	/* device-specific config space, byte access with generation retry */
	void (*read_config)(struct virtio_dev *vd, u32 off, void *buf, u32 len);
	u16 (*queue_max)(struct virtio_dev *vd, u16 idx); /* 0 = no such queue */
	/* program a prepared virtqueue into the device and enable it */
	int (*queue_enable)(struct virtio_dev *vd, struct virtq *vq);
	void (*notify)(struct virtio_dev *vd, struct virtq *vq);
	/* route interrupts: one vector for config + all queues; the transport
	 * calls virtio_interrupt() */
	int (*setup_irq)(struct virtio_dev *vd);
};

#define VIRTIO_MAX_QUEUES 4

struct virtio_dev {
	const struct virtio_transport *ops;
	const char *name; /* "virtio-pci 00:03.0" / "virtio-mmio@0xfeb00e00" */
	u32 device_id;
	bool legacy;  /* virtio-mmio version 1 */
	u64 features; /* negotiated */
	void *transport_priv;
	void *driver_priv;
	struct virtq *queues[VIRTIO_MAX_QUEUES];
	unsigned nqueues;
	bool irq_ready; /* interrupts routed and seen to arrive */
	u32 irq_count;
	bool in_irq; /* virtio_interrupt running: kicks wait for its end */
	struct wait_queue waitq; /* threads in virtio_wait, woken by the interrupt */
};

/* transports call this when a device is found: starts the driver for it */
int virtio_probe(struct virtio_dev *vd);

/* for drivers: reset + ACK + DRIVER, negotiate (wanted & offered, VERSION_1
 * required unless legacy), FEATURES_OK check. Returns 0 / -errno and
 * leaves the device FAILED on error. */
int virtio_negotiate(struct virtio_dev *vd, u64 wanted);
bool virtio_has(const struct virtio_dev *vd, unsigned bit);
void virtio_driver_ok(struct virtio_dev *vd);
void virtio_fail(struct virtio_dev *vd);
/* called by the transport's interrupt handler (or by polling) */
void virtio_interrupt(struct virtio_dev *vd);

/* virtqueues (virtq.c) */
int virtq_create(struct virtio_dev *vd, u16 index, u16 max_size, virtq_done_fn done,
		 struct virtq **out);
/* add a chain: device-readable elements first, then device-writable.
 * -ENOSPC if not enough free descriptors. */
int virtq_add(struct virtq *vq, const struct virtq_sg *sg, unsigned n, void *token);
void virtq_kick(struct virtq *vq); /* notify if the device wants it */
/* consume used entries, calling vq->done for each; returns the count */
unsigned virtq_process(struct virtq *vq);

/* wait until *flag is set: once the device's interrupts are seen to
 * work the calling thread sleeps on vd->waitq (other threads run; the
 * interrupt's virtio_interrupt wakes it), before that it polls with short
 * interrupt windows; returns -ETIMEDOUT after timeout_ns (device
 * unresponsive). Callers serialise their use of a queue themselves. */
int virtio_wait(struct virtio_dev *vd, volatile bool *flag, u64 timeout_ns);

/* drivers */
int virtio_blk_probe(struct virtio_dev *vd);
int virtio_net_probe(struct virtio_dev *vd); /* net.c */

#endif
