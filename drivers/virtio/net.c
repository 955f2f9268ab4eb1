/*
 * drivers/virtio/net.c - the virtio-net driver (virtio 1.x §5.1) over the
 * PCI or MMIO transport: one receive and one transmit queue. RX: the
 * whole receive ring is filled with 2 KiB buffers ahead of time; with
 * VIRTIO_NET_F_MRG_RXBUF a frame may span several of them (num_buffers in
 * the first one's header); each frame goes to the stack (netdev_rx, which
 * copies it) and its buffers are posted again at once. TX: a 12-byte
 * header from a per-slot DMA area, then the frame's segments in place
 * (zero copy: the stack keeps them alive until netdev_tx_done). Checksum
 * offload both ways when offered (CSUM: the device completes partial
 * TCP/UDP checksums; GUEST_CSUM: it marks verified ones DATA_VALID, or
 * host-made ones NEEDS_CSUM). TSO both ways when offered: HOST_TSO4/6
 * (the stack hands TCP segments up to ~64 KiB with gso_size/hdr_len in
 * struct netdev_csum), GUEST_TSO4/6 (large frames over mergeable
 * buffers). EVENT_IDX through the virtqueue core. MAC and MTU from config
 * space. QEMU offers none of the offloads with user networking (no vnet
 * header on that backend; the stack then does checksums in software); its
 * tap backend with vnet_hdr=on (monos run --net tap) offers all of them.
 * Layer: drivers. Callers: virtio core (virtio_net_probe), the stack
 * through struct netdev (net/netdev.h).
 */
#include "drivers/virtio/virtio.h"
#include "net/netdev.h"
#include "lib/format.h"

#define VNET_F_CSUM	  0
#define VNET_F_GUEST_CSUM 1
#define VNET_F_MTU	  3
#define VNET_F_MAC	  5
#define VNET_F_GUEST_TSO4 7
#define VNET_F_GUEST_TSO6 8
#define VNET_F_HOST_TSO4  11
#define VNET_F_HOST_TSO6  12
#define VNET_F_MRG_RXBUF  15
#define VNET_F_STATUS	  16

#define VNET_HDR_F_NEEDS_CSUM 1
#define VNET_HDR_F_DATA_VALID 2
#define VNET_GSO_TCPV4	      1
#define VNET_GSO_TCPV6	      4
#define VNET_S_LINK_UP	      1

#define VNET_RXBUF	 2048u /* bytes per receive buffer (default) */
#define VNET_RX_MAXBUFS	 40    /* buffers per frame: 64 KiB + header */
#define VNET_TX_MAXSEGS	 64
#define VNET_TX_SLOTSIZE 16

struct vnet_hdr {
	u8 flags;
	u8 gso_type;
	u16 hdr_len;
	u16 gso_size;
	u16 csum_start;
	u16 csum_offset;
	u16 num_buffers; /* only with VERSION_1 or MRG_RXBUF */
} PACKED;
_Static_assert(sizeof(struct vnet_hdr) == 12, "virtio_net_hdr");

struct vnet_rxbuf {
	u8 *data;
	u64 phys;
};

struct vnet_txslot {
	void *cookie;
	u16 index;
};

struct vnet {
	struct netdev nd;
	struct virtio_dev *vd;
	struct virtq *rxq, *txq;
	u32 hdr_len; /* 12, or 10 on a legacy device without MRG_RXBUF */
	bool mrg;
	u32 rxbuf; /* bytes per receive buffer */
	/* receive */
	struct vnet_rxbuf *rxbufs;
	u64 rx_phys;
	unsigned rx_order;
	struct vnet_rxbuf *pend[VNET_RX_MAXBUFS];
	struct netdev_seg pend_seg[VNET_RX_MAXBUFS];
	unsigned npend, expect;
	u32 pend_len;
	bool pend_csum_ok;
	/* transmit */
	u8 *tx_hdrs;
	u64 tx_hdrs_phys;
	struct vnet_txslot *slots;
	u16 *slot_free;
	unsigned nslot_free;
	struct virtq_sg sg[VNET_TX_MAXSEGS * 2 + 1];
	/* stall watchdog (vnet_poll): the device's used index at the last
	 * poll and how many polls in a row it has not moved */
	u16 tx_seen, rx_seen;
	u8 tx_still, rx_still;
	u32 rekicks;
};

static unsigned vnet_count;

static void vnet_rx_post(struct vnet *v, struct vnet_rxbuf *rb)
{
	struct virtq_sg sg = {rb->phys, v->rxbuf, true};

	/* cannot fail: each buffer has its descriptor reserved */
	virtq_add(v->rxq, &sg, 1, rb);
}

static void vnet_rx_flush(struct vnet *v, bool deliver)
{
	if (deliver)
		netdev_rx(&v->nd, v->pend_seg, v->npend, v->pend_len, v->pend_csum_ok);
	else
		v->nd.rx_dropped++;
	for (unsigned i = 0; i < v->npend; i++)
		vnet_rx_post(v, v->pend[i]);
	v->npend = 0;
	v->expect = 0;
	v->pend_len = 0;
	/* no kick here: virtq_process kicks once after the batch */
}

static void vnet_rx_done(struct virtq *vq, void *token, u32 len)
{
	struct vnet *v = vq->vdev->driver_priv;
	struct vnet_rxbuf *rb = token;
	u32 off = 0;

	if (len > v->rxbuf)
		len = v->rxbuf;
	if (v->npend == 0) {
		const struct vnet_hdr *h = (const struct vnet_hdr *)rb->data;

		if (len < v->hdr_len) {
			v->pend[v->npend++] = rb;
			vnet_rx_flush(v, false);
			return;
		}
		v->expect = v->mrg ? h->num_buffers : 1;
		/* DATA_VALID: the device checked it; NEEDS_CSUM: the frame
		 * comes from the host's own stack with the sum left partial
		 * (the host's kernel vouches for it, virtio 1.1 §5.1.6.4.1);
		 * large (GUEST_TSO) frames arrive that way */
		v->pend_csum_ok = (v->nd.features & NETDEV_F_RX_CSUM) &&
				  (h->flags & (VNET_HDR_F_DATA_VALID | VNET_HDR_F_NEEDS_CSUM));
		if (h->gso_type)
			v->nd.rx_gso++;
		off = v->hdr_len;
		if (v->expect == 0 || v->expect > VNET_RX_MAXBUFS) {
			klog("%s: frame in %u buffers: dropped", v->nd.name, v->expect);
			v->pend[v->npend++] = rb;
			vnet_rx_flush(v, false);
			return;
		}
	}
	v->pend[v->npend] = rb;
	v->pend_seg[v->npend] = (struct netdev_seg){rb->data + off, len - off};
	v->npend++;
	v->pend_len += len - off;
	if (v->npend == v->expect) {
		v->nd.rx_frames++;
		if (v->npend > 1)
			v->nd.rx_multi_buf++;
		vnet_rx_flush(v, v->pend_len > 0);
	}
}

static void vnet_tx_done(struct virtq *vq, void *token, u32 len)
{
	struct vnet *v = vq->vdev->driver_priv;
	struct vnet_txslot *s = token;
	void *cookie = s->cookie;

	s->cookie = NULL;
	v->slot_free[v->nslot_free++] = s->index;
	netdev_tx_done(&v->nd, cookie);
}

static int vnet_xmit(struct netdev *nd, const struct netdev_seg *seg, unsigned n,
		     const struct netdev_csum *csum, void *cookie)
{
	struct vnet *v = nd->priv;
	struct vnet_hdr *h;
	struct vnet_txslot *s;
	unsigned ns = 1;
	int err;

	if (n > VNET_TX_MAXSEGS)
		return -EINVAL;
	if (!v->nslot_free || v->txq->num_free < v->txq->size / 2)
		virtq_process(v->txq); /* reclaim (TX completions interrupt lazily) */
	if (!v->nslot_free || v->txq->num_free < 2 * n + 1) {
		v->nd.tx_dropped++;
		return -ENOSPC;
	}
	s = &v->slots[v->slot_free[--v->nslot_free]];
	h = (struct vnet_hdr *)(v->tx_hdrs + s->index * VNET_TX_SLOTSIZE);
	memset(h, 0, sizeof(*h));
	if (csum) {
		h->flags = VNET_HDR_F_NEEDS_CSUM;
		h->csum_start = csum->start;
		h->csum_offset = csum->offset;
		if (csum->gso_size) { /* TSO: the device cuts the segment */
			h->gso_type = csum->gso_v6 ? VNET_GSO_TCPV6 : VNET_GSO_TCPV4;
			h->gso_size = csum->gso_size;
			h->hdr_len = csum->hdr_len;
			v->nd.tx_gso++;
		}
	}
	v->sg[0] =
	    (struct virtq_sg){v->tx_hdrs_phys + s->index * VNET_TX_SLOTSIZE, v->hdr_len, false};
	/* each segment as physically contiguous pieces (page by page) */
	for (unsigned i = 0; i < n; i++) {
		const u8 *p = seg[i].data;
		u32 left = seg[i].len;

		while (left) {
			u32 chunk = (u32)MIN((u64)left, PAGE_SIZE - ((u64)p & (PAGE_SIZE - 1)));
			u64 phys = virt_to_phys(p);

			if (v->sg[ns - 1].phys + v->sg[ns - 1].len == phys && ns > 1) {
				v->sg[ns - 1].len += chunk;
			} else {
				if (ns == ARRAY_SIZE(v->sg))
					goto out_toolong;
				v->sg[ns++] = (struct virtq_sg){phys, chunk, false};
			}
			p += chunk;
			left -= chunk;
		}
	}
	if (ns > v->txq->num_free)
		goto out_toolong;
	s->cookie = cookie;
	err = virtq_add(v->txq, v->sg, ns, s);
	if (err) {
		s->cookie = NULL;
		v->slot_free[v->nslot_free++] = s->index;
		return err;
	}
	v->nd.tx_frames++;
	virtq_kick(v->txq);
	return 0;

out_toolong:
	v->slot_free[v->nslot_free++] = s->index;
	v->nd.tx_dropped++;
	return -ENOSPC;
}

/* notify the device again when buffers it owns have made no progress
 * for `polls` polls in a row: a safety net, not the way frames leave.
 * It used to fire in about every second 100 MB stream on one vCPU under
 * QEMU TCG (frames unconsumed, the device's avail_event equal to its used
 * index: it was waiting for a notification the driver had decided not to
 * send). Cause: QEMU 7.2's TCG emits no host barrier for a guest mfence
 * on a 1-vCPU VM, so the kick decision could read a stale avail_event;
 * virtq.c's virtq_mb now adds a real one. "lost notification" below means
 * that state (the device idle at used == avail_event < avail); "device
 * slow" means it holds frames it has not completed (a busy host). TX firings
 * are counted and logged (klog; 73-inet fails on "lost notification"). */
static void vnet_watchdog(struct vnet *v, struct virtq *vq, u16 *seen, u8 *still, u8 polls)
{
	u16 used = vq->used[1];

	if (vq->avail_idx == used || used != *seen) {
		*seen = used;
		*still = 0;
		return;
	}
	if (++*still < polls)
		return;
	*still = 0;
	if (vq == v->txq) {
		u16 event = vq->event_idx ? vq->used[2 + 4 * vq->size] : used;

		if (++v->rekicks <= 16 || !(v->rekicks & 63)) /* bounded log */
			klog("%s: tx queue stalled (avail %u, used %u, avail_event %u: %s), "
			     "notified again (%u so far)",
			     v->nd.name, vq->avail_idx, used, event,
			     event == used ? "lost notification" : "device slow", v->rekicks);
	}
	vq->vdev->ops->notify(vq->vdev, vq);
}

/* the net tick (every 50 ms) */
static void vnet_poll(struct netdev *nd)
{
	struct vnet *v = nd->priv;

	virtq_process(v->rxq);
	virtq_process(v->txq);
	/* TX: frames waiting 100-150 ms; RX: the device holds buffers and
	 * has filled none for ~1 s (an idle link, or a missed wake-up) */
	vnet_watchdog(v, v->txq, &v->tx_seen, &v->tx_still, 2);
	vnet_watchdog(v, v->rxq, &v->rx_seen, &v->rx_still, 20);
}

/* kernel command line monos.vnet_rxbuf=N (256..2048, a power of two):
 * smaller receive buffers, so that frames span several of them (tests the
 * mergeable-buffer path; honoured only with MRG_RXBUF) */
static u32 vnet_rxbuf_size(const struct vnet *v)
{
	static const char key[] = "monos.vnet_rxbuf=";
	const char *c = boot_cmdline();
	u32 n = 0;

	for (; *c; c++) {
		if ((c == boot_cmdline() || c[-1] == ' ') && !strncmp(c, key, sizeof(key) - 1))
			break;
	}
	if (!*c)
		return VNET_RXBUF;
	for (c += sizeof(key) - 1; *c >= '0' && *c <= '9' && n < 100000; c++)
		n = n * 10 + (u32)(*c - '0');
	if (!v->mrg || n < 256 || n > VNET_RXBUF || (n & (n - 1))) {
		kprintf("virtio-net: monos.vnet_rxbuf=%u ignored (256..%u, a power of two, and "
			"mergeable buffers needed)\n",
			n, VNET_RXBUF);
		return VNET_RXBUF;
	}
	/* a 64 KiB GUEST_TSO frame must fit VNET_RX_MAXBUFS buffers */
	if ((virtio_has(v->vd, VNET_F_GUEST_TSO4) || virtio_has(v->vd, VNET_F_GUEST_TSO6)) &&
	    n * VNET_RX_MAXBUFS < 65536 + 12) {
		kprintf("virtio-net: monos.vnet_rxbuf=%u ignored (large receive offload needs "
			"at least %u)\n",
			n, (65536 + 12 + VNET_RX_MAXBUFS - 1) / VNET_RX_MAXBUFS);
		return VNET_RXBUF;
	}
	return n;
}

static int vnet_setup_rx(struct vnet *v)
{
	unsigned n = v->rxq->size;
	u64 bytes = (u64)n * v->rxbuf;

	while ((PAGE_SIZE << v->rx_order) < bytes)
		v->rx_order++;
	v->rx_phys = page_alloc(v->rx_order);
	v->rxbufs = kzalloc(sizeof(*v->rxbufs) * n);
	if (!v->rx_phys || !v->rxbufs)
		return -ENOMEM;
	for (unsigned i = 0; i < n; i++) {
		v->rxbufs[i].phys = v->rx_phys + (u64)i * v->rxbuf;
		v->rxbufs[i].data = phys_to_virt(v->rxbufs[i].phys);
		vnet_rx_post(v, &v->rxbufs[i]);
	}
	return 0;
}

static int vnet_setup_tx(struct vnet *v)
{
	unsigned n = v->txq->size;

	v->tx_hdrs_phys = page_alloc(0); /* 256 slots x 16 bytes */
	v->slots = kzalloc(sizeof(*v->slots) * n);
	v->slot_free = kzalloc(sizeof(*v->slot_free) * n);
	if (!v->tx_hdrs_phys || !v->slots || !v->slot_free)
		return -ENOMEM;
	v->tx_hdrs = phys_to_virt(v->tx_hdrs_phys);
	for (unsigned i = 0; i < n; i++) {
		v->slots[i].index = (u16)i;
		v->slot_free[v->nslot_free++] = (u16)(n - 1 - i);
	}
	return 0;
}

int virtio_net_probe(struct virtio_dev *vd)
{
	struct vnet *v;
	u16 qmax_rx, qmax_tx, status = VNET_S_LINK_UP;
	int err;

	/* TSO both ways when offered (QEMU's tap backend with a vnet
	 * header; user networking offers none of the offloads). Large
	 * received frames need mergeable buffers (ours are 2 KiB): without
	 * MRG_RXBUF negotiate again without GUEST_TSO. */
	u64 want = (1ull << VNET_F_CSUM) | (1ull << VNET_F_GUEST_CSUM) | (1ull << VNET_F_MTU) |
		   (1ull << VNET_F_MAC) | (1ull << VNET_F_MRG_RXBUF) | (1ull << VNET_F_STATUS) |
		   (1ull << VIRTIO_F_EVENT_IDX) | (1ull << VNET_F_HOST_TSO4) |
		   (1ull << VNET_F_HOST_TSO6) | (1ull << VNET_F_GUEST_TSO4) |
		   (1ull << VNET_F_GUEST_TSO6);

	err = virtio_negotiate(vd, want);
	if (!err && !virtio_has(vd, VNET_F_MRG_RXBUF) &&
	    (virtio_has(vd, VNET_F_GUEST_TSO4) || virtio_has(vd, VNET_F_GUEST_TSO6)))
		err = virtio_negotiate(vd, want & ~((1ull << VNET_F_GUEST_TSO4) |
						    (1ull << VNET_F_GUEST_TSO6)));
	if (err)
		return err;
	v = kzalloc(sizeof(*v));
	if (!v) {
		err = -ENOMEM;
		goto out_fail;
	}
	v->vd = vd;
	vd->driver_priv = v;
	v->mrg = virtio_has(vd, VNET_F_MRG_RXBUF);
	v->hdr_len = (!vd->legacy || v->mrg) ? 12 : 10;
	v->rxbuf = vnet_rxbuf_size(v);
	snprintf(v->nd.name, sizeof(v->nd.name), "en%u", ++vnet_count);
	if (virtio_has(vd, VNET_F_MAC)) {
		vd->ops->read_config(vd, 0, v->nd.mac, 6);
	} else {
		u64 r;

		random_bytes(&r, sizeof(r));
		memcpy(v->nd.mac, &r, 6);
		v->nd.mac[0] = (u8)((v->nd.mac[0] & 0xfe) | 0x02); /* local, unicast */
	}
	v->nd.mtu = 1500;
	if (virtio_has(vd, VNET_F_MTU)) {
		u16 mtu;

		vd->ops->read_config(vd, 10, &mtu, 2);
		if (mtu >= 68 && mtu <= 1500)
			v->nd.mtu = mtu;
	}
	if (virtio_has(vd, VNET_F_STATUS))
		vd->ops->read_config(vd, 6, &status, 2);
	if (status & VNET_S_LINK_UP)
		v->nd.features |= NETDEV_F_LINK_UP;
	if (virtio_has(vd, VNET_F_CSUM))
		v->nd.features |= NETDEV_F_TX_CSUM;
	if (virtio_has(vd, VNET_F_GUEST_CSUM))
		v->nd.features |= NETDEV_F_RX_CSUM;
	/* TSO needs the checksum offload too (virtio 1.1 §5.1.3.1) */
	if (virtio_has(vd, VNET_F_CSUM) && virtio_has(vd, VNET_F_HOST_TSO4))
		v->nd.features |= NETDEV_F_TSO4;
	if (virtio_has(vd, VNET_F_CSUM) && virtio_has(vd, VNET_F_HOST_TSO6))
		v->nd.features |= NETDEV_F_TSO6;
	v->nd.ndo_xmit = vnet_xmit;
	v->nd.ndo_poll = vnet_poll;
	v->nd.priv = v;
	if (vd->ops->setup_irq(vd))
		klog("%s: no interrupt route, polling", vd->name);
	qmax_rx = vd->ops->queue_max(vd, 0);
	qmax_tx = vd->ops->queue_max(vd, 1);
	if (!qmax_rx || !qmax_tx) {
		kprintf("virtio-net: %s: missing receive/transmit queue\n", vd->name);
		err = -ENODEV;
		goto out_fail;
	}
	err = virtq_create(vd, 0, qmax_rx, vnet_rx_done, &v->rxq);
	if (!err)
		err = virtq_create(vd, 1, qmax_tx, vnet_tx_done, &v->txq);
	if (!err) /* TX completions only free memory: interrupt per half ring */
		v->txq->irq_delay = (u16)(v->txq->size / 2);
	if (!err)
		err = vnet_setup_rx(v);
	if (!err)
		err = vnet_setup_tx(v);
	if (err) {
		kprintf("virtio-net: %s: setup failed (%s)\n", vd->name, errno_name(err));
		goto out_fail; /* the device is failed: its memory stays */
	}
	virtio_driver_ok(vd);
	virtq_kick(v->rxq);
	klog("%s: %s, mac %02x:%02x:%02x:%02x:%02x:%02x, mtu %u, queues %u/%u, rx buffers %u x %u, "
	     "header %u%s%s%s%s%s%s%s%s%s",
	     v->nd.name, vd->name, v->nd.mac[0], v->nd.mac[1], v->nd.mac[2], v->nd.mac[3],
	     v->nd.mac[4], v->nd.mac[5], v->nd.mtu, v->rxq->size, v->txq->size, v->rxq->size,
	     v->rxbuf, v->hdr_len, v->mrg ? ", mrg_rxbuf" : "",
	     virtio_has(vd, VIRTIO_F_EVENT_IDX) ? ", event_idx" : "",
	     virtio_has(vd, VNET_F_CSUM) ? ", tx_csum" : "",
	     virtio_has(vd, VNET_F_GUEST_CSUM) ? ", rx_csum" : "",
	     (v->nd.features & NETDEV_F_TSO4) ? ", tso4" : "",
	     (v->nd.features & NETDEV_F_TSO6) ? ", tso6" : "",
	     virtio_has(vd, VNET_F_GUEST_TSO4) ? ", rx_tso4" : "",
	     virtio_has(vd, VNET_F_GUEST_TSO6) ? ", rx_tso6" : "",
	     (status & VNET_S_LINK_UP) ? "" : ", link down");
	return netdev_register(&v->nd);

out_fail:
	virtio_fail(vd);
	return err;
}
