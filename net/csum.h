/*
 * net/csum.h - TCP/UDP checksum completion and verification for frames
 * (net/csum.c). Layer: net. Callers: net/netif_virtio.c.
 */
#ifndef NET_CSUM_H
#define NET_CSUM_H

#include "net/netdev.h"

struct net_l4 {
	u8 proto; /* 6 TCP, 17 UDP */
	bool ipv4;
	u16 start;  /* L4 header offset in the frame */
	u16 offset; /* checksum field offset within it */
	u32 len;    /* L4 length (header + payload) */
	u16 pseudo; /* folded pseudo-header sum (not inverted) */
};

/* find an unfragmented TCP/UDP header in frame f (avail contiguous bytes
 * of frame_len); false for anything else */
bool net_l4_find(const u8 *f, u32 avail, u32 frame_len, struct net_l4 *l4);
u16 net_csum_fold(u64 sum);
/* add the big-endian 16-bit words of [off, off+len) of the segment list */
u64 net_csum_segs(const struct netdev_seg *seg, unsigned n, u32 off, u32 len, u64 sum);
/* receive: true if the frame is not TCP/UDP or its checksum is right */
bool net_csum_rx_ok(const struct netdev_seg *seg, unsigned n, u32 frame_len);
/* transmit: prepare the checksum of a TCP/UDP frame. offload: write the
 * pseudo-header sum, fill *out and return 1 (the device completes it);
 * else compute it here and return 0. Other frames: 0, untouched. */
int net_csum_tx(const struct netdev_seg *seg, unsigned n, u32 frame_len, bool offload,
		struct netdev_csum *out);
/* transmit: complete the TCP/UDP checksum of an IP packet (no ethernet
 * header) in software, before it is cut into IP fragments (the netif no
 * longer finds the L4 header in those) */
void net_csum_ip(const struct netdev_seg *seg, unsigned n, u32 len, bool v6);
/* transmit: frame f (avail contiguous bytes of frame_len) is a TCP segment
 * longer than the link MTU: fill the TSO part of *cs (gso_size = what fits
 * the link after the IP and TCP headers, hdr_len, gso_v6); 0, or -EINVAL
 * when it is not TCP, the device has no TSO for it, or it fits the link */
int net_tso_fill(const u8 *f, u32 avail, u32 frame_len, u16 link_mtu, u32 features,
		 struct netdev_csum *cs);

#endif
