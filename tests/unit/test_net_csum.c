/*
 * test_net_csum.c - unit tests for net/csum.c (TCP/UDP checksums the
 * netif completes or verifies because lwIP is built without them): the
 * software completion and the offload preparation (with the device's part
 * emulated: sum from csum_start, store at csum_start + csum_offset) must
 * both give the RFC 1071 checksum computed independently here, over
 * segment lists split at odd offsets; receive verification accepts good
 * frames (also with Ethernet padding, and IPv4 UDP without a checksum) and
 * rejects corrupted ones; fragments and non-IP frames are left alone.
 * TSO: net_tso_fill gives gso_size = link MTU - IP - TCP header (options
 * included) and hdr_len for long TCP frames, refuses UDP, short frames and
 * a family the device cannot segment; net_csum_ip completes the checksum of
 * a bare IP packet (before it is fragmented).
 * Layer: host tests.
 */
#include <stdlib.h>
#include "net/csum.h"
#include "tests/unit/check.h"

static u8 frame[4096];

static void put16(u8 *p, unsigned v)
{
	p[0] = (u8)(v >> 8);
	p[1] = (u8)v;
}

/* RFC 1071 over a contiguous buffer, plus a start sum */
static unsigned ref_sum(const u8 *p, unsigned len, unsigned long sum)
{
	for (unsigned i = 0; i < len; i++)
		sum += (i & 1) ? p[i] : (unsigned)p[i] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (unsigned)sum;
}

/* build an Ethernet + IPv4/IPv6 + TCP/UDP frame; returns its length */
static unsigned build(bool v6, unsigned proto, unsigned payload, unsigned *l4off)
{
	unsigned ip = 14, l4 = v6 ? 54 : 34, hl = proto == 6 ? 20 : 8, l4len = hl + payload;

	memset(frame, 0, sizeof(frame));
	put16(frame + 12, v6 ? 0x86dd : 0x0800);
	if (v6) {
		frame[ip] = 0x60;
		put16(frame + ip + 4, l4len);
		frame[ip + 6] = (u8)proto;
		frame[ip + 7] = 64;
		for (int i = 0; i < 32; i++)
			frame[ip + 8 + i] = (u8)(0xfe + i * 7);
	} else {
		frame[ip] = 0x45;
		put16(frame + ip + 2, 20 + l4len);
		frame[ip + 8] = 64;
		frame[ip + 9] = (u8)proto;
		const u8 addrs[8] = {10, 0, 2, 15, 10, 0, 2, 2};
		memcpy(frame + ip + 12, addrs, 8);
	}
	put16(frame + l4, 7);
	put16(frame + l4 + 2, 40000);
	if (proto == 17)
		put16(frame + l4 + 4, l4len);
	else
		frame[l4 + 12] = 0x50;
	for (unsigned i = 0; i < payload; i++)
		frame[l4 + hl + i] = (u8)(rand() & 0xff);
	*l4off = l4;
	return l4 + l4len;
}

static unsigned reference(bool v6, unsigned proto, unsigned len, unsigned l4)
{
	unsigned long sum = proto + (len - l4);
	unsigned off = proto == 6 ? 16 : 6, s;

	sum += ref_sum(frame + (v6 ? 22 : 26), v6 ? 32 : 8, 0);
	frame[l4 + off] = frame[l4 + off + 1] = 0;
	s = (~ref_sum(frame + l4, len - l4, sum)) & 0xffff;
	if (s == 0 && proto == 17)
		s = 0xffff;
	return s;
}

/* split the frame into odd-sized pieces after the headers */
static unsigned split(struct netdev_seg *seg, unsigned len, unsigned hdr)
{
	static const unsigned cuts[] = {1, 333, 2, 7, 1000};
	unsigned n = 0, off = hdr;

	seg[n++] = (struct netdev_seg){frame, hdr};
	for (unsigned i = 0; off < len; i++) {
		unsigned c = cuts[i % 5];

		if (c > len - off)
			c = len - off;
		seg[n++] = (struct netdev_seg){frame + off, c};
		off += c;
	}
	return n;
}

static void one_case(bool v6, unsigned proto, unsigned payload)
{
	struct netdev_seg seg[64];
	struct netdev_csum cs;
	unsigned l4, len = build(v6, proto, payload, &l4), off = proto == 6 ? 16 : 6;
	unsigned want = reference(v6, proto, len, l4), n;
	u8 saved[4096];

	memcpy(saved, frame, len);
	/* software completion */
	n = split(seg, len, l4 + (proto == 6 ? 20 : 8));
	CHECK_INT(net_csum_tx(seg, n, len, false, &cs), 0);
	CHECK_INT(frame[l4 + off] << 8 | frame[l4 + off + 1], want);
	CHECK(net_csum_rx_ok(seg, n, len));
	/* Ethernet padding after the IP packet is not summed */
	memset(frame + len, 0x5a, 20);
	seg[n - 1].len += 20;
	CHECK(net_csum_rx_ok(seg, n, len + 20));
	seg[n - 1].len -= 20;
	/* one flipped payload bit is caught */
	frame[len - 1] ^= 0x10;
	CHECK(!net_csum_rx_ok(seg, n, len));
	/* offload: the pseudo-header sum in the field, the device does the rest */
	memcpy(frame, saved, len);
	CHECK_INT(net_csum_tx(seg, n, len, true, &cs), 1);
	CHECK_INT(cs.start, l4);
	CHECK_INT(cs.offset, off);
	unsigned dev = (~ref_sum(frame + cs.start, len - cs.start, 0)) & 0xffff;
	if (dev == 0 && proto == 17)
		dev = 0xffff;
	frame[cs.start + cs.offset] = (u8)(dev >> 8);
	frame[cs.start + cs.offset + 1] = (u8)dev;
	CHECK_INT(dev, want);
	CHECK(net_csum_rx_ok(seg, n, len));
}

static void test_tcp4(void)
{
	for (unsigned p = 0; p < 1500; p += 97)
		one_case(false, 6, p);
}

static void test_udp4(void)
{
	for (unsigned p = 0; p < 1500; p += 101)
		one_case(false, 17, p);
}

static void test_tcp6(void)
{
	for (unsigned p = 0; p < 1500; p += 89)
		one_case(true, 6, p);
}

static void test_udp6(void)
{
	for (unsigned p = 1; p < 1500; p += 103)
		one_case(true, 17, p);
}

static void test_udp4_no_checksum(void)
{
	struct netdev_seg seg = {frame, 0};
	unsigned l4, len = build(false, 17, 100, &l4);

	seg.len = len;
	frame[l4 + 6] = frame[l4 + 7] = 0;
	CHECK(net_csum_rx_ok(&seg, 1, len));
	/* but IPv6 UDP must carry one */
	len = build(true, 17, 100, &l4);
	seg.len = len;
	frame[l4 + 6] = frame[l4 + 7] = 0;
	CHECK(!net_csum_rx_ok(&seg, 1, len));
}

static void test_left_alone(void)
{
	struct netdev_seg seg = {frame, 0};
	struct netdev_csum cs;
	unsigned l4, len = build(false, 6, 100, &l4);

	/* an IPv4 fragment: not ours */
	frame[14 + 6] = 0x20; /* MF */
	frame[l4 + 16] = 0xab;
	seg.len = len;
	CHECK_INT(net_csum_tx(&seg, 1, len, false, &cs), 0);
	CHECK_INT(frame[l4 + 16], 0xab);
	CHECK(net_csum_rx_ok(&seg, 1, len));
	/* ARP */
	put16(frame + 12, 0x0806);
	CHECK_INT(net_csum_tx(&seg, 1, 60, true, &cs), 0);
	/* truncated: IP total length beyond the frame */
	len = build(false, 6, 100, &l4);
	seg.len = len - 10;
	CHECK_INT(net_csum_tx(&seg, 1, len - 10, true, &cs), 0);
	/* ICMP (lwIP's own checksum) */
	len = build(false, 6, 100, &l4);
	frame[14 + 9] = 1;
	seg.len = len;
	CHECK_INT(net_csum_tx(&seg, 1, len, true, &cs), 0);
}

static void test_tso(void)
{
	struct netdev_csum cs;
	unsigned l4, len;

	/* IPv4 TCP, 3000 payload bytes on a 1500-byte link: 1460 a piece */
	len = build(false, 6, 3000, &l4);
	memset(&cs, 0, sizeof(cs));
	CHECK_INT(net_tso_fill(frame, len, len, 1500, NETDEV_F_TSO4, &cs), 0);
	CHECK_INT(cs.gso_size, 1460);
	CHECK_INT(cs.hdr_len, 54);
	CHECK(!cs.gso_v6);
	/* TCP options (data offset 8 words = 32 bytes) come off the MSS */
	frame[l4 + 12] = 0x80;
	CHECK_INT(net_tso_fill(frame, len, len, 1500, NETDEV_F_TSO4, &cs), 0);
	CHECK_INT(cs.gso_size, 1448);
	CHECK_INT(cs.hdr_len, 66);
	/* no TSO4 on the device; a frame that fits the link */
	frame[l4 + 12] = 0x50;
	CHECK_INT(net_tso_fill(frame, len, len, 1500, NETDEV_F_TSO6, &cs), -EINVAL);
	CHECK_INT(net_tso_fill(frame, len, len, 9000, NETDEV_F_TSO4, &cs), -EINVAL);
	/* IPv6 TCP */
	len = build(true, 6, 3000, &l4); /* frame[] holds 4096 bytes */
	CHECK_INT(net_tso_fill(frame, len, len, 1500, NETDEV_F_TSO6, &cs), 0);
	CHECK_INT(cs.gso_size, 1440);
	CHECK_INT(cs.hdr_len, 74);
	CHECK(cs.gso_v6);
	/* UDP is never segmented */
	len = build(false, 17, 3000, &l4);
	CHECK_INT(net_tso_fill(frame, len, len, 1500, NETDEV_F_TSO4 | NETDEV_F_TSO6, &cs),
		  -EINVAL);
}

static void test_csum_ip(void)
{
	for (int v6 = 0; v6 < 2; v6++) {
		struct netdev_seg seg[64];
		unsigned l4, len = build(v6, 17, 3000, &l4), off = 6, n;
		unsigned want = reference(v6, 17, len, l4);

		/* the same packet without its ethernet header, split oddly */
		frame[l4 + off] = 0x12;
		n = split(seg, len, l4 + 8);
		seg[0].data = frame + 14;
		seg[0].len -= 14;
		net_csum_ip(seg, n, len - 14, v6);
		CHECK_INT(frame[l4 + off] << 8 | frame[l4 + off + 1], want);
	}
}

int main(void)
{
	srand(7);
	RUN(test_tcp4);
	RUN(test_udp4);
	RUN(test_tcp6);
	RUN(test_udp6);
	RUN(test_udp4_no_checksum);
	RUN(test_left_alone);
	RUN(test_tso);
	RUN(test_csum_ip);
	return check_done();
}
