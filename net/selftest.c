/*
 * net/selftest.c - a tiny TCP responder on lwIP's raw API, started only
 * when the manifest says net_selftest (tests/suites/70-net connects to it
 * through QEMU's hostfwd): on accept it sends "monos selftest <name>
 * <address>\n", then echoes every byte it receives; the peer closes.
 * Proves RX, TX, ARP and TCP end to end without a user-space socket
 * layer. Layer: net. Caller: net/net.c (net_init).
 */
#include "net/net.h"
#include "lwip/tcp.h"
#include "lib/format.h"

static err_t st_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
	if (!p) { /* the peer closed */
		struct netdev *nd = netif_default ? netif_default->state : NULL;

		if (nd)
			klog("net: %s: rx %lu frames (%lu in several buffers, %lu dropped), tx %lu "
			     "(%lu dropped)",
			     nd->name, (unsigned long)nd->rx_frames,
			     (unsigned long)nd->rx_multi_buf, (unsigned long)nd->rx_dropped,
			     (unsigned long)nd->tx_frames, (unsigned long)nd->tx_dropped);
		tcp_arg(pcb, NULL);
		tcp_recv(pcb, NULL);
		if (tcp_close(pcb) != ERR_OK)
			tcp_abort(pcb);
		return ERR_OK;
	}
	/* no room to echo it all: lwIP keeps the data and offers it again
	 * (refused data, retried by its fast timer) */
	if (tcp_sndbuf(pcb) < p->tot_len ||
	    tcp_sndqueuelen(pcb) + pbuf_clen(p) + 8 > TCP_SND_QUEUELEN) {
		tcp_output(pcb);
		return ERR_MEM;
	}
	for (struct pbuf *q = p; q; q = q->next) {
		if (tcp_write(pcb, q->payload, q->len, TCP_WRITE_FLAG_COPY) != ERR_OK) {
			pbuf_free(p);
			tcp_abort(pcb);
			return ERR_ABRT;
		}
	}
	tcp_recved(pcb, p->tot_len);
	pbuf_free(p);
	tcp_output(pcb);
	return ERR_OK;
}

static void st_err(void *arg, err_t err)
{
	klog("net: selftest connection error %d", (int)err);
}

static err_t st_accept(void *arg, struct tcp_pcb *pcb, err_t err)
{
	char banner[96], a[48];
	int n;

	if (err != ERR_OK || !pcb)
		return ERR_VAL;
	tcp_nagle_disable(pcb);
	tcp_recv(pcb, st_recv);
	tcp_err(pcb, st_err);
	ipaddr_ntoa_r(&pcb->local_ip, a, sizeof(a));
	n = snprintf(banner, sizeof(banner), "monos selftest %s %s\n", netif_default ? "en1" : "?",
		     a);
	if (tcp_write(pcb, banner, (u16_t)n, TCP_WRITE_FLAG_COPY) == ERR_OK)
		tcp_output(pcb);
	return ERR_OK;
}

int net_selftest_start(u16 port)
{
	struct tcp_pcb *pcb = tcp_new_ip_type(IPADDR_TYPE_ANY), *lpcb;

	if (!pcb)
		return -ENOMEM;
	if (tcp_bind(pcb, IP_ANY_TYPE, port) != ERR_OK) {
		tcp_close(pcb);
		return -EBUSY;
	}
	lpcb = tcp_listen(pcb);
	if (!lpcb) {
		tcp_close(pcb);
		return -ENOMEM;
	}
	tcp_accept(lpcb, st_accept);
	return 0;
}
