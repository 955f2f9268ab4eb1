/*
 * net/net.h - the network stack's internal interface (net/ only): lwIP
 * headers plus the glue between net.c (configuration, timers), the netif
 * (netif_virtio.c) and the self-test responder (selftest.c). The kernel
 * calls net_init/net_wait_ready through include/kernel/kernel.h.
 * Layer: net.
 */
#ifndef NET_NET_H
#define NET_NET_H

#include "kernel/kernel.h"
#include "net/netdev.h"
#include "lwip/init.h"
#include "lwip/netif.h"
#include "lwip/ip_addr.h"

int net_netif_add(struct netdev *nd, struct netif *netif, const ip4_addr_t *ip,
		  const ip4_addr_t *mask, const ip4_addr_t *gw);
/* the netif's link MTU (manifest mtu); lwIP's view of it is raised on a
 * TSO NIC (net/netif_virtio.c) */
void net_netif_set_mtu(struct netif *netif, u16 mtu);
/* tiny raw-API TCP responder (manifest net_selftest): banner, then echo */
int net_selftest_start(u16 port);
/* a socket needs the stack: lwIP initialised and its timer tick running
 * (without a NIC the tick starts with the first socket) */
void net_stack_use(void);
/* the manifest's dns setting (net/dns.c): 0, or -EINVAL (printed) */
int net_dns_configure(const struct value *root);

#endif
