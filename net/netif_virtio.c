/*
 * net/netif_virtio.c - the lwIP netif over a struct netdev (virtio-net
 * today): link output hands a pbuf chain to the driver in place (zero
 * copy; the pbuf is referenced until the device is done with it, which
 * lwIP's TCP honours before it rewrites a segment), with the TCP/UDP
 * checksum offloaded or completed in software (net/csum.c); received
 * frames are verified (unless the NIC did) and copied into pool pbufs for
 * ethernet_input.
 * TSO (the device offers HOST_TSO4/6): lwIP's IP layer fragments
 * anything longer than the netif's MTU, so on such a netif the MTU lwIP
 * sees is raised to 65535 and the link's own MTU is kept in the netdev:
 * TCP segments up to ~64 KiB leave whole (the device cuts them at the
 * link MSS, net/csum.c fills the header), while anything else longer than
 * the link MTU (a big UDP datagram) is fragmented here before it reaches
 * the link. An established connection's MSS is raised to a whole number
 * of link MSS (up to ~64 KiB) when it is routed through a TSO netif and
 * its peer takes full-sized segments (net_tcp_inpacket, lwIP's
 * LWIP_HOOK_TCP_INPACKET_PCB).
 * Layer: net. Callers: drivers (netdev_rx, netdev_tx_done), lwIP (netif
 * init/output/linkoutput, the TCP input hook), net/net.c (net_netif_add,
 * net_netif_set_mtu).
 */
#include "net/net.h"
#include "net/csum.h"
#include "lwip/etharp.h"
#include "lwip/ethip6.h"
#include "lwip/ip4_frag.h"
#include "lwip/pbuf.h"
#include "lwip/priv/tcp_priv.h"
#include "lwip/prot/ip6.h"
#include "lwip/tcp.h"
#include "netif/ethernet.h"

#define NETIF_MAX_SEGS 64
#define NETIF_TSO_MTU  0xffffu /* the MTU lwIP sees on a TSO netif */
/* a TSO segment: at most this many bytes of IP packet */
#define NETIF_TSO_MAX (0xffffu - 80u)

static err_t vif_linkoutput(struct netif *netif, struct pbuf *p);

static bool vif_is_ours(const struct netif *netif)
{
	return netif && netif->linkoutput == vif_linkoutput;
}
static err_t vif_linkoutput(struct netif *netif, struct pbuf *p)
{
	struct netdev *nd = netif->state;
	struct netdev_seg seg[NETIF_MAX_SEGS];
	struct netdev_csum cs;
	struct pbuf *q, *flat = NULL;
	unsigned n = 0;
	int partial, err;

	for (q = p; q && n < NETIF_MAX_SEGS; q = q->next)
		if (q->len)
			seg[n++] = (struct netdev_seg){q->payload, q->len};
	if (q) { /* too fragmented: one flat copy */
		flat = pbuf_clone(PBUF_RAW, PBUF_RAM, p);
		if (!flat)
			return ERR_MEM;
		p = flat;
		seg[0] = (struct netdev_seg){p->payload, p->len};
		n = 1;
	}
	memset(&cs, 0, sizeof(cs));
	partial = net_csum_tx(seg, n, p->tot_len, nd->features & NETDEV_F_TX_CSUM, &cs);
	if (p->tot_len > 14u + nd->link_mtu &&
	    (!partial || net_tso_fill(seg[0].data, seg[0].len, p->tot_len, nd->link_mtu,
				      nd->features, &cs) < 0)) {
		/* cannot happen: vif_output4/6 fragment what TSO does not take */
		nd->tx_dropped++;
		if (flat)
			pbuf_free(flat);
		return ERR_VAL;
	}
	if (!flat)
		pbuf_ref(p);
	err = nd->ndo_xmit(nd, seg, n, partial ? &cs : NULL, p);
	if (err) {
		pbuf_free(p);
		return ERR_MEM;
	}
	return ERR_OK;
}

void netdev_tx_done(struct netdev *nd, void *cookie)
{
	pbuf_free(cookie);
}

void netdev_rx(struct netdev *nd, const struct netdev_seg *seg, unsigned n, u32 len, bool csum_ok)
{
	struct netif *netif = nd->stack_priv;
	struct pbuf *p;
	u32 off = 0;

	if (!netif || len < 14 || len > 0xffff) {
		nd->rx_dropped++;
		return;
	}
	if (!csum_ok && !net_csum_rx_ok(seg, n, len))
		return; /* bad TCP/UDP checksum: dropped like a NIC would */
	p = pbuf_alloc(PBUF_RAW, (u16)len, PBUF_POOL);
	if (!p)
		return;
	for (unsigned i = 0; i < n; i++) {
		pbuf_take_at(p, seg[i].data, (u16)seg[i].len, (u16)off);
		off += seg[i].len;
	}
	if (netif->input(p, netif) != ERR_OK)
		pbuf_free(p);
}

/* is the IP packet p (IPv4 or IPv6 header first) TCP? */
static bool vif_is_tcp(const struct pbuf *p, bool v6)
{
	const u8 *h = p->payload;

	if (p->len < (v6 ? 40u : 20u))
		return false;
	return v6 ? h[6] == IP_PROTO_TCP : h[9] == IP_PROTO_TCP;
}

/* the checksum of a packet about to be fragmented (net/csum.c) */
static void vif_csum_whole(struct pbuf *p, bool v6)
{
	struct netdev_seg seg[NETIF_MAX_SEGS];
	unsigned n = 0;
	struct pbuf *q;

	for (q = p; q && n < NETIF_MAX_SEGS; q = q->next)
		if (q->len)
			seg[n++] = (struct netdev_seg){q->payload, q->len};
	if (!q)
		net_csum_ip(seg, n, p->tot_len, v6);
}

/* IPv4 output: packets above the link MTU that TSO does not take (only
 * on a TSO netif, whose lwIP MTU is raised) are fragmented at the link
 * MTU by lwIP's own ip4_frag, with the netif's MTU lowered meanwhile */
static err_t vif_output4(struct netif *netif, struct pbuf *p, const ip4_addr_t *dest)
{
	struct netdev *nd = netif->state;
	u16 mtu = netif->mtu;
	err_t err;

	if (p->tot_len <= nd->link_mtu || vif_is_tcp(p, false))
		return etharp_output(netif, p, dest);
	vif_csum_whole(p, false);
	netif->mtu = nd->link_mtu;
	err = ip4_frag(p, netif, dest);
	netif->mtu = mtu;
	return err;
}

/* IPv6 output: the same; lwIP's ip6_frag takes the MTU from its
 * destination cache (the raised one), so the fragments are made here:
 * the 40-byte header (lwIP adds no extension headers to packets this
 * big), a fragment header, 8-byte multiples of the payload */
static err_t vif_output6(struct netif *netif, struct pbuf *p, const ip6_addr_t *dest)
{
	static u32 frag_id;
	struct netdev *nd = netif->state;
	u32 payload, chunk, off;
	u8 hdr[40], proto;
	err_t err = ERR_OK;

	if (p->tot_len <= nd->link_mtu || vif_is_tcp(p, true))
		return ethip6_output(netif, p, dest);
	if (pbuf_copy_partial(p, hdr, 40, 0) != 40)
		return ERR_VAL;
	vif_csum_whole(p, true);
	proto = hdr[6];
	payload = p->tot_len - 40u;
	chunk = (nd->link_mtu - 40u - 8u) & ~7u;
	frag_id++;
	for (off = 0; off < payload && err == ERR_OK; off += chunk) {
		u32 len = MIN(chunk, payload - off);
		struct pbuf *f = pbuf_alloc(PBUF_IP, (u16)(40 + 8 + len), PBUF_RAM);
		u8 *b;

		if (!f)
			return ERR_MEM;
		b = f->payload;
		memcpy(b, hdr, 40);
		b[4] = (u8)((8 + len) >> 8);
		b[5] = (u8)(8 + len);
		b[6] = IP6_NEXTH_FRAGMENT;
		b[40] = proto;
		b[41] = 0;
		b[42] = (u8)(off >> 8);
		b[43] = (u8)((off & 0xf8) | (off + len < payload ? 1 : 0));
		b[44] = (u8)(frag_id >> 24);
		b[45] = (u8)(frag_id >> 16);
		b[46] = (u8)(frag_id >> 8);
		b[47] = (u8)frag_id;
		pbuf_copy_partial(p, b + 48, (u16)len, (u16)(40 + off));
		err = ethip6_output(netif, f, dest);
		pbuf_free(f);
	}
	return err;
}

/* lwIP's LWIP_HOOK_TCP_INPACKET_PCB (net/lwipopts.h): on a segment for an
 * established connection routed through a TSO netif, whose MSS is still
 * one link segment or more (the peer takes full-sized segments), raise
 * the MSS to a whole number of link segments up to ~64 KiB; the device
 * cuts them again (gso_size = the link MSS, net/csum.c). The congestion
 * window grows to at least two such segments (else the first one, bigger
 * than the initial window, would never be sent). Always ERR_OK. */
s8 net_tcp_inpacket(struct tcp_pcb *pcb)
{
	struct netif *netif;
	struct netdev *nd;
	u32 link_mss, segs;
	bool v6;

	if (pcb->state != ESTABLISHED && pcb->state != CLOSE_WAIT)
		return ERR_OK;
	v6 = IP_IS_V6(&pcb->remote_ip);
	if (pcb->netif_idx != NETIF_NO_INDEX)
		netif = netif_get_by_index(pcb->netif_idx);
	else
		netif = ip_route(&pcb->local_ip, &pcb->remote_ip);
	if (!vif_is_ours(netif))
		return ERR_OK;
	nd = netif->state;
	if (!(nd->features & (v6 ? NETDEV_F_TSO6 : NETDEV_F_TSO4)))
		return ERR_OK;
	link_mss = nd->link_mtu - (v6 ? 60u : 40u);
	if (pcb->mss < link_mss || pcb->mss > TCP_MSS)
		return ERR_OK; /* a small peer MSS, or raised already */
	segs = (NETIF_TSO_MAX - (v6 ? 60u : 40u)) / link_mss;
	pcb->mss = (u16)(segs * link_mss);
	if (pcb->cwnd < 2u * pcb->mss)
		pcb->cwnd = 2u * pcb->mss;
	return ERR_OK;
}

void net_netif_set_mtu(struct netif *netif, u16 mtu)
{
	struct netdev *nd = netif->state;

	nd->link_mtu = mtu;
	netif->mtu = (nd->features & NETDEV_F_TSO4) ? NETIF_TSO_MTU : mtu;
	netif->mtu6 = (nd->features & NETDEV_F_TSO6) ? NETIF_TSO_MTU : mtu;
}

static err_t vif_init(struct netif *netif)
{
	struct netdev *nd = netif->state;

	netif->name[0] = 'e';
	netif->name[1] = 'n';
	netif->hwaddr_len = 6;
	memcpy(netif->hwaddr, nd->mac, 6);
	net_netif_set_mtu(netif, nd->mtu);
	netif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET |
		       NETIF_FLAG_IGMP | NETIF_FLAG_MLD6;
	netif->output = vif_output4;
	netif->output_ip6 = vif_output6;
	netif->linkoutput = vif_linkoutput;
	netif->hostname = "monos";
	return ERR_OK;
}

int net_netif_add(struct netdev *nd, struct netif *netif, const ip4_addr_t *ip,
		  const ip4_addr_t *mask, const ip4_addr_t *gw)
{
	if (!netif_add(netif, ip, mask, gw, nd, vif_init, ethernet_input))
		return -ENOMEM;
	nd->stack_priv = netif;
	return 0;
}
