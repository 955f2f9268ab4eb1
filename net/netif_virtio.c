/*
 * net/netif_virtio.c - the lwIP netif over a struct netdev (virtio-net
 * today): link output hands a pbuf chain to the driver in place (zero
 * copy; the pbuf is referenced until the device is done with it, which
 * lwIP's TCP honours before it rewrites a segment), with the TCP/UDP
 * checksum offloaded or completed in software (net/csum.c); received
 * frames are verified (unless the NIC did) and copied into pool pbufs for
 * ethernet_input. Layer: net. Callers: drivers (netdev_rx,
 * netdev_tx_done), lwIP (netif init/linkoutput), net/net.c (net_netif_add).
 */
#include "net/net.h"
#include "net/csum.h"
#include "lwip/etharp.h"
#include "lwip/ethip6.h"
#include "lwip/pbuf.h"
#include "netif/ethernet.h"

#define NETIF_MAX_SEGS 64

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
	partial = net_csum_tx(seg, n, p->tot_len, nd->features & NETDEV_F_TX_CSUM, &cs);
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

	if (!netif || len < 14 || len > 0xffff)
		return;
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

static err_t vif_init(struct netif *netif)
{
	struct netdev *nd = netif->state;

	netif->name[0] = 'e';
	netif->name[1] = 'n';
	netif->hwaddr_len = 6;
	memcpy(netif->hwaddr, nd->mac, 6);
	netif->mtu = nd->mtu;
	netif->mtu6 = nd->mtu;
	netif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET |
		       NETIF_FLAG_IGMP | NETIF_FLAG_MLD6;
	netif->output = etharp_output;
	netif->output_ip6 = ethip6_output;
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
