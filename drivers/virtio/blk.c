/*
 * drivers/virtio/blk.c - the virtio-blk driver (virtio 1.x §5.2): read,
 * write and flush as split-virtqueue requests [header | data segments |
 * status]. A transfer is cut into requests that respect the device's
 * seg_max and size_max, with the data segments built from the physical
 * pages under the caller's buffer (any kernel buffer; no bounce except for
 * a pathological seg_max). Several requests are in flight per batch; the
 * caller sleeps on the device interrupt (polls until interrupts are seen
 * to work) while other threads run, so each transfer and flush holds the
 * disk's sleeping lock (vblk_lock): one request batch (slots, segment
 * list, DMA page) at a time. Registers each disk with drivers/block.c as
 * "vblkN".
 * Layer: drivers. Callers: virtio core (virtio_blk_probe), fs/ through
 * struct blockdev.
 */
#include "drivers/virtio/virtio.h"
#include "lib/format.h"

#define VBLK_F_SIZE_MAX 1
#define VBLK_F_SEG_MAX	2
#define VBLK_F_RO	5
#define VBLK_F_BLK_SIZE 6
#define VBLK_F_FLUSH	9

#define VBLK_T_IN    0
#define VBLK_T_OUT   1
#define VBLK_T_FLUSH 4

#define VBLK_S_OK      0
#define VBLK_S_IOERR   1
#define VBLK_S_UNSUPP  2
#define VBLK_S_PENDING 0xff

#define VBLK_SLOTS	16   /* requests in flight per batch */
#define VBLK_SLOT_SIZE	32   /* header (16) + status (1), in the DMA page */
#define VBLK_BOUNCE_OFF 2048 /* one-sector bounce area in the DMA page */
#define VBLK_SEG_LIMIT	128  /* data segments per request, our side */
#define VBLK_TIMEOUT_NS (30ull * 1000000000ull)

struct vblk_hdr {
	u32 type;
	u32 reserved;
	u64 sector;
} PACKED;
_Static_assert(sizeof(struct vblk_hdr) == 16, "virtio_blk_req header");

struct vblk_req {
	volatile bool done;
	u32 written;
};

struct vblk {
	struct blockdev bd;
	struct virtio_dev *vd;
	struct virtq *vq;
	u64 capacity;
	u32 seg_max, size_max;
	bool dead;
	u8 *dma;
	u64 dma_phys;
	bool busy;                 /* vblk_lock held */
	struct wait_queue lockq;   /* threads waiting for vblk_lock */
	struct vblk_req reqs[VBLK_SLOTS];
	struct virtq_sg sg[VBLK_SEG_LIMIT + 2];
	char name[16];
};

static unsigned vblk_count;

/* one transfer at a time per disk; waiters sleep (device waits block) */
static void vblk_lock(struct vblk *b)
{
	if (!b->lockq.head.next)
		waitq_init(&b->lockq);
	while (b->busy)
		waitq_wait(&b->lockq, 0, false);
	b->busy = true;
}

static void vblk_unlock(struct vblk *b)
{
	b->busy = false;
	waitq_wake(&b->lockq, 1);
}

static void vblk_done(struct virtq *vq, void *token, u32 len)
{
	struct vblk_req *r = token;

	r->written = len;
	r->done = true;
}

static struct vblk_hdr *slot_hdr(struct vblk *b, unsigned slot)
{
	return (struct vblk_hdr *)(b->dma + slot * VBLK_SLOT_SIZE);
}

static volatile u8 *slot_status(struct vblk *b, unsigned slot)
{
	return b->dma + slot * VBLK_SLOT_SIZE + sizeof(struct vblk_hdr);
}

/*
 * Build the data segments of one request from buf (at most len bytes):
 * physically contiguous runs, each <= size_max, at most maxseg of them,
 * total a multiple of 512. Returns the byte count (0: needs a bounce).
 */
static u64 vblk_build_segs(struct vblk *b, u8 *buf, u64 len, bool to_device, unsigned *nseg)
{
	struct virtq_sg *sg = &b->sg[1];
	unsigned n = 0, maxseg = MIN(b->seg_max, VBLK_SEG_LIMIT);
	u64 total = 0, cut;

	while (total < len) {
		u64 va = (u64)(buf + total);
		u64 chunk = MIN(PAGE_SIZE - (va & (PAGE_SIZE - 1)), len - total);
		u64 phys = virt_to_phys(buf + total);

		if (n && sg[n - 1].phys + sg[n - 1].len == phys &&
		    (u64)sg[n - 1].len + chunk <= b->size_max) {
			sg[n - 1].len += (u32)chunk;
		} else {
			if (n == maxseg)
				break;
			if (chunk > b->size_max)
				chunk = b->size_max;
			sg[n].phys = phys;
			sg[n].len = (u32)chunk;
			sg[n].device_writes = !to_device;
			n++;
		}
		total += chunk;
	}
	/* whole sectors only: trim the tail */
	cut = total & 511;
	total -= cut;
	while (cut && n) {
		u64 take = MIN(cut, sg[n - 1].len);

		sg[n - 1].len -= (u32)take;
		cut -= take;
		if (!sg[n - 1].len)
			n--;
	}
	*nseg = n;
	return total;
}

static int vblk_status_err(struct vblk *b, u8 status, u64 sector)
{
	if (status == VBLK_S_OK)
		return 0;
	kprintf("%s: request at sector %llu failed: %s\n", b->name, (unsigned long long)sector,
		status == VBLK_S_UNSUPP ? "unsupported" : "I/O error");
	return status == VBLK_S_UNSUPP ? -EOPNOTSUPP : -EIO;
}

/* wait for slots [0, n) and check their status */
static int vblk_wait_batch(struct vblk *b, unsigned n, const u64 *sectors)
{
	int err = 0, e;

	for (unsigned i = 0; i < n; i++) {
		if (virtio_wait(b->vd, &b->reqs[i].done, VBLK_TIMEOUT_NS)) {
			kprintf("%s: device did not answer a request in 30 s; disabling it\n",
				b->name);
			b->dead = true;
			return -EIO;
		}
		e = vblk_status_err(b, *slot_status(b, i), sectors[i]);
		if (e && !err)
			err = e;
	}
	return err;
}

static int vblk_submit(struct vblk *b, unsigned slot, u32 type, u64 sector, unsigned nseg)
{
	struct vblk_hdr *h = slot_hdr(b, slot);

	h->type = type;
	h->reserved = 0;
	h->sector = sector;
	*slot_status(b, slot) = VBLK_S_PENDING;
	b->reqs[slot].done = false;
	b->sg[0] = (struct virtq_sg){b->dma_phys + slot * VBLK_SLOT_SIZE, sizeof(*h), false};
	b->sg[nseg + 1] =
	    (struct virtq_sg){b->dma_phys + slot * VBLK_SLOT_SIZE + sizeof(*h), 1, true};
	return virtq_add(b->vq, b->sg, nseg + 2, &b->reqs[slot]);
}

/* one sector through the bounce area (for a buffer seg_max cannot cover) */
static int vblk_bounce(struct vblk *b, u8 *buf, u64 sector, bool write)
{
	u64 s = sector;
	int err;

	if (write)
		memcpy(b->dma + VBLK_BOUNCE_OFF, buf, 512);
	b->sg[1] = (struct virtq_sg){b->dma_phys + VBLK_BOUNCE_OFF, 512, !write};
	err = vblk_submit(b, 0, write ? VBLK_T_OUT : VBLK_T_IN, sector, 1);
	if (err)
		return -EIO;
	virtq_kick(b->vq);
	err = vblk_wait_batch(b, 1, &s);
	if (!err && !write)
		memcpy(buf, b->dma + VBLK_BOUNCE_OFF, 512);
	return err;
}

static int vblk_rw_locked(struct vblk *b, u8 *buf, u64 sector, u32 count, bool write)
{
	u64 left = (u64)count * 512;
	u64 sectors[VBLK_SLOTS];
	int err;

	if (b->dead)
		return -EIO;
	if (sector > b->capacity || count > b->capacity - sector) {
		kprintf("%s: access past the end (sector %llu + %u > %llu)\n", b->name,
			(unsigned long long)sector, count, (unsigned long long)b->capacity);
		return -EIO;
	}
	while (left) {
		unsigned n = 0;

		while (left && n < VBLK_SLOTS) {
			unsigned nseg;
			u64 bytes = vblk_build_segs(b, buf, left, write, &nseg);

			if (!bytes) {
				if (n)
					break; /* finish the batch first */
				err = vblk_bounce(b, buf, sector, write);
				if (err)
					return err;
				buf += 512;
				sector++;
				left -= 512;
				continue;
			}
			if (b->vq->num_free < nseg + 2)
				break;
			err = vblk_submit(b, n, write ? VBLK_T_OUT : VBLK_T_IN, sector, nseg);
			if (err)
				break;
			sectors[n++] = sector;
			buf += bytes;
			sector += bytes / 512;
			left -= bytes;
		}
		if (!n) {
			if (!left)
				break;
			kprintf("%s: no free descriptors\n", b->name);
			return -EIO;
		}
		virtq_kick(b->vq);
		err = vblk_wait_batch(b, n, sectors);
		if (err)
			return err;
	}
	return 0;
}

static int vblk_rw(struct blockdev *bd, u8 *buf, u64 sector, u32 count, bool write)
{
	struct vblk *b = bd->priv;
	int err;

	vblk_lock(b);
	err = vblk_rw_locked(b, buf, sector, count, write);
	vblk_unlock(b);
	return err;
}

static int vblk_read(struct blockdev *bd, void *buf, u64 sector, u32 count)
{
	return vblk_rw(bd, buf, sector, count, false);
}

static int vblk_write(struct blockdev *bd, const void *buf, u64 sector, u32 count)
{
	struct vblk *b = bd->priv;

	if (virtio_has(b->vd, VBLK_F_RO))
		return -EROFS;
	/* the device only reads the buffer for a write */
	return vblk_rw(bd, (u8 *)(u64)buf, sector, count, true);
}

static int vblk_flush(struct blockdev *bd)
{
	struct vblk *b = bd->priv;
	u64 s = 0;
	int err;

	if (b->dead)
		return -EIO;
	if (!virtio_has(b->vd, VBLK_F_FLUSH))
		return 0;
	vblk_lock(b);
	if (vblk_submit(b, 0, VBLK_T_FLUSH, 0, 0)) {
		err = -EIO;
	} else {
		virtq_kick(b->vq);
		err = vblk_wait_batch(b, 1, &s);
	}
	vblk_unlock(b);
	return err;
}

int virtio_blk_probe(struct virtio_dev *vd)
{
	struct vblk *b;
	u16 qmax;
	int err;

	err = virtio_negotiate(vd, (1ull << VBLK_F_SIZE_MAX) | (1ull << VBLK_F_SEG_MAX) |
				       (1ull << VBLK_F_RO) | (1ull << VBLK_F_BLK_SIZE) |
				       (1ull << VBLK_F_FLUSH) | (1ull << VIRTIO_F_EVENT_IDX));
	if (err)
		return err;
	b = kzalloc(sizeof(*b));
	if (!b) {
		err = -ENOMEM;
		goto out_fail;
	}
	b->vd = vd;
	vd->driver_priv = b;
	vd->ops->read_config(vd, 0, &b->capacity, 8);
	b->size_max = 0xffffffffu & ~511u;
	if (virtio_has(vd, VBLK_F_SIZE_MAX)) {
		vd->ops->read_config(vd, 8, &b->size_max, 4);
		if (b->size_max < 512) /* nonsense: keep sectors whole */
			b->size_max = 512;
	}
	b->seg_max = VBLK_SEG_LIMIT;
	if (virtio_has(vd, VBLK_F_SEG_MAX)) {
		vd->ops->read_config(vd, 12, &b->seg_max, 4);
		if (b->seg_max == 0)
			b->seg_max = 1;
	}
	b->dma_phys = page_alloc(0);
	if (!b->dma_phys) {
		err = -ENOMEM;
		goto out_free;
	}
	b->dma = phys_to_virt(b->dma_phys);
	if (vd->ops->setup_irq(vd))
		klog("%s: no interrupt route, polling", vd->name);
	qmax = vd->ops->queue_max(vd, 0);
	if (!qmax) {
		kprintf("virtio-blk: %s: no request queue\n", vd->name);
		err = -ENODEV;
		goto out_free_dma;
	}
	err = virtq_create(vd, 0, qmax, vblk_done, &b->vq);
	if (err)
		goto out_free_dma;
	/* header + status take two descriptors */
	if (b->seg_max > (u32)b->vq->size - 2)
		b->seg_max = b->vq->size - 2u;
	virtio_driver_ok(vd);
	snprintf(b->name, sizeof(b->name), "vblk%u", vblk_count++);
	b->bd.name = b->name;
	b->bd.sectors = b->capacity;
	b->bd.read = vblk_read;
	b->bd.write = vblk_write;
	b->bd.flush = vblk_flush;
	b->bd.priv = b;
	klog("%s: %s, %llu sectors, seg_max %u, size_max %u, queue %u%s%s%s", b->name, vd->name,
	     (unsigned long long)b->capacity, b->seg_max, b->size_max, b->vq->size,
	     virtio_has(vd, VIRTIO_F_EVENT_IDX) ? ", event_idx" : "",
	     virtio_has(vd, VBLK_F_FLUSH) ? ", flush" : "",
	     virtio_has(vd, VBLK_F_RO) ? ", ro" : "");
	return blockdev_register(&b->bd);

out_free_dma:
	page_free(b->dma_phys, 0);
out_free:
	kfree(b);
	vd->driver_priv = NULL;
out_fail:
	virtio_fail(vd);
	return err;
}
