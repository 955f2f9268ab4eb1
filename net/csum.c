/*
 * net/csum.c - TCP/UDP checksums for the netif: lwIP neither generates nor
 * checks them (net/lwipopts.h), so on transmit the netif finds the L4
 * header, stores the pseudo-header sum in the checksum field and either
 * lets the NIC complete the sum (virtio NEEDS_CSUM: csum_start/offset) or
 * completes it here; on receive, frames the NIC did not mark valid are
 * verified here. Only unfragmented IPv4 and extension-header-free IPv6
 * TCP/UDP are touched; other frames pass unchanged (lwIP checks ICMP/IP).
 * Layer: net. Callers: net/netif_virtio.c.
 */
#include "net/csum.h"

#define ETH_HLEN 14

static u16 get_be16(const u8 *p)
{
	return (u16)(p[0] << 8 | p[1]);
}

static u32 sum_bytes(u32 sum, const u8 *p, u32 len)
{
	for (u32 i = 0; i + 1 < len; i += 2)
		sum += get_be16(p + i);
	return sum;
}

u16 net_csum_fold(u64 sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (u16)sum;
}

/* the L4 header of an IP packet at f + l3 (type: 0x0800 or 0x86dd) */
static bool l4_find(const u8 *f, u32 avail, u32 frame_len, u32 l3, u16 type, struct net_l4 *l4)
{
	u32 sum = 0;

	if (avail < l3 + 20)
		return false;
	if (type == 0x0800) {
		const u8 *ip = f + l3;
		u32 ihl = (ip[0] & 0xf) * 4u, tot = get_be16(ip + 2);

		if ((ip[0] >> 4) != 4 || ihl < 20 || tot < ihl || l3 + tot > frame_len)
			return false;
		if (get_be16(ip + 6) & 0x3fff) /* MF or a fragment offset */
			return false;
		l4->proto = ip[9];
		l4->start = (u16)(l3 + ihl);
		l4->len = tot - ihl;
		sum = sum_bytes(0, ip + 12, 8);
		l4->ipv4 = true;
	} else if (type == 0x86dd) {
		const u8 *ip = f + l3;

		if (avail < l3 + 40 || (ip[0] >> 4) != 6)
			return false;
		l4->proto = ip[6];
		l4->start = (u16)(l3 + 40);
		l4->len = get_be16(ip + 4);
		if (l3 + 40 + l4->len > frame_len)
			return false;
		sum = sum_bytes(0, ip + 8, 32);
		l4->ipv4 = false;
	} else {
		return false;
	}
	if (l4->proto == 6)
		l4->offset = 16;
	else if (l4->proto == 17)
		l4->offset = 6;
	else
		return false;
	if (l4->len < (l4->proto == 6 ? 20u : 8u) || (u32)l4->start + l4->offset + 2 > avail)
		return false;
	sum += l4->proto + (l4->len >> 16) + (l4->len & 0xffff);
	l4->pseudo = net_csum_fold(sum);
	return true;
}

bool net_l4_find(const u8 *f, u32 avail, u32 frame_len, struct net_l4 *l4)
{
	if (avail < ETH_HLEN)
		return false;
	return l4_find(f, avail, frame_len, ETH_HLEN, get_be16(f + 12), l4);
}

u64 net_csum_segs(const struct netdev_seg *seg, unsigned n, u32 off, u32 len, u64 sum)
{
	bool odd = false; /* the next byte is the low half of a word */

	for (unsigned i = 0; i < n && len; i++) {
		const u8 *p = seg[i].data;
		u32 l = seg[i].len;

		if (off >= l) {
			off -= l;
			continue;
		}
		p += off;
		l -= off;
		off = 0;
		if (l > len)
			l = len;
		len -= l;
		if (odd && l) {
			sum += *p++;
			l--;
			odd = false;
		}
		sum = sum_bytes((u32)0, p, l & ~1u) + sum;
		if (l & 1) {
			sum += (u32)p[l - 1] << 8;
			odd = true;
		}
	}
	return sum;
}

bool net_csum_rx_ok(const struct netdev_seg *seg, unsigned n, u32 frame_len)
{
	struct net_l4 l4;
	u16 s;

	if (!n || !net_l4_find(seg[0].data, seg[0].len, frame_len, &l4))
		return true; /* not ours to check */
	if (l4.proto == 17 && l4.ipv4 &&
	    get_be16((const u8 *)seg[0].data + l4.start + l4.offset) == 0)
		return true; /* IPv4 UDP without a checksum */
	s = net_csum_fold(net_csum_segs(seg, n, l4.start, l4.len, l4.pseudo));
	return s == 0xffff;
}

/* compute the L4 checksum in software into the header's field (the
 * header is the stack's own, writable, in the first segment); UDP's zero
 * is sent as 0xffff */
static void l4_fill(const struct netdev_seg *seg, unsigned n, const struct net_l4 *l4)
{
	u8 *field = (u8 *)(u64)seg[0].data + l4->start + l4->offset;
	u16 s;

	field[0] = field[1] = 0;
	s = (u16)~net_csum_fold(net_csum_segs(seg, n, l4->start, l4->len, l4->pseudo));
	if (s == 0 && l4->proto == 17)
		s = 0xffff;
	field[0] = (u8)(s >> 8);
	field[1] = (u8)s;
}

int net_csum_tx(const struct netdev_seg *seg, unsigned n, u32 frame_len, bool offload,
		struct netdev_csum *out)
{
	struct net_l4 l4;
	u8 *field;

	if (!n || !net_l4_find(seg[0].data, seg[0].len, frame_len, &l4))
		return 0;
	if (offload) {
		/* the header is the stack's own, writable (first segment) */
		field = (u8 *)(u64)seg[0].data + l4.start + l4.offset;
		field[0] = (u8)(l4.pseudo >> 8);
		field[1] = (u8)l4.pseudo;
		out->start = l4.start;
		out->offset = l4.offset;
		return 1;
	}
	l4_fill(seg, n, &l4);
	return 0;
}

void net_csum_ip(const struct netdev_seg *seg, unsigned n, u32 len, bool v6)
{
	struct net_l4 l4;

	if (!n || !l4_find(seg[0].data, seg[0].len, len, 0, v6 ? 0x86dd : 0x0800, &l4))
		return;
	l4_fill(seg, n, &l4);
}

int net_tso_fill(const u8 *f, u32 avail, u32 frame_len, u16 link_mtu, u32 features,
		 struct netdev_csum *cs)
{
	struct net_l4 l4;
	u32 thl, ip_hlen, mss;

	if (!net_l4_find(f, avail, frame_len, &l4) || l4.proto != 6)
		return -EINVAL;
	if (!(features & (l4.ipv4 ? NETDEV_F_TSO4 : NETDEV_F_TSO6)))
		return -EINVAL;
	thl = (u32)(f[l4.start + 12] >> 4) * 4u;
	if (thl < 20 || l4.start + thl > avail || thl > l4.len)
		return -EINVAL;
	/* each piece: the same IP header (options included) and TCP header,
	 * at most link_mtu bytes of IP packet; TCP options are in every
	 * piece, so they come off the MSS */
	ip_hlen = l4.start - ETH_HLEN;
	if (link_mtu <= ip_hlen + thl)
		return -EINVAL;
	mss = link_mtu - ip_hlen - thl;
	if (l4.len - thl <= mss)
		return -EINVAL; /* fits the link: no TSO needed */
	cs->gso_size = (u16)mss;
	cs->hdr_len = (u16)(l4.start + thl);
	cs->gso_v6 = !l4.ipv4;
	return 0;
}
