/*
 * net/netdev.h - the boundary between network drivers and the stack: a
 * driver (drivers/virtio/net.c) fills a struct netdev and registers it;
 * the stack (net/netif_virtio.c) receives frames through netdev_rx and
 * hands frames to ndo_xmit. No lwIP types here: drivers stay stack-free.
 * Everything runs with interrupts off (interrupt handlers, the kernel
 * tick, boot code). Layer: net/drivers boundary.
 */
#ifndef NET_NETDEV_H
#define NET_NETDEV_H

#include "kernel/kernel.h"

#define NETDEV_F_TX_CSUM (1u << 0) /* device completes partial TCP/UDP checksums */
#define NETDEV_F_RX_CSUM (1u << 1) /* device may mark received checksums valid */
#define NETDEV_F_LINK_UP (1u << 2)
#define NETDEV_F_TSO4	 (1u << 3) /* device segments large TCP/IPv4 frames */
#define NETDEV_F_TSO6	 (1u << 4) /* device segments large TCP/IPv6 frames */

/* one piece of a frame (kernel virtual address) */
struct netdev_seg {
	const void *data;
	u32 len;
};

/* checksum the device must complete on transmit: ones'-complement sum of
 * [start, end of frame) stored at start + offset (the field holds the
 * pseudo-header sum already) */
struct netdev_csum {
	u16 start;
	u16 offset;
	/* TSO (NETDEV_F_TSO4/6): gso_size 0, or the device cuts the TCP
	 * payload into gso_size pieces, each with a copy of the first
	 * hdr_len bytes (ethernet + IP + TCP headers) */
	u16 gso_size;
	u16 hdr_len;
	bool gso_v6;
};

struct netdev {
	char name[8]; /* "en1", "en2", ... */
	u8 mac[6];
	u16 mtu;      /* the device's largest */
	u16 link_mtu; /* the stack's: the MTU in use (manifest mtu, <= mtu) */
	u32 features;
	/* queue a frame; the device reads the segments until it calls
	 * netdev_tx_done(nd, cookie). csum NULL: the frame is complete.
	 * 0, or -ENOSPC (ring full: the caller drops the frame) */
	int (*ndo_xmit)(struct netdev *nd, const struct netdev_seg *seg, unsigned n,
			const struct netdev_csum *csum, void *cookie);
	/* process completed RX/TX work without an interrupt */
	void (*ndo_poll)(struct netdev *nd);
	/* counters, kept by the driver */
	u64 rx_frames, rx_multi_buf, rx_dropped, tx_frames, tx_dropped;
	u64 rx_gso, tx_gso; /* large frames received / sent (TSO) */
	void *priv;	  /* the driver's */
	void *stack_priv; /* the stack's (struct netif) */
};

/* drivers: make the device known to the stack (called at probe) */
int netdev_register(struct netdev *nd);
/* drivers: a received frame (without the device header). csum_ok: the
 * device verified the TCP/UDP checksum. The stack copies the data. */
void netdev_rx(struct netdev *nd, const struct netdev_seg *seg, unsigned n, u32 len, bool csum_ok);
/* drivers: the device is done with a frame given to ndo_xmit */
void netdev_tx_done(struct netdev *nd, void *cookie);

#endif
