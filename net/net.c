/*
 * net/net.c - network bring-up and the lwIP system glue: the netdevs the
 * drivers registered become lwIP netifs configured from the manifest
 * (root-level ipaddr/netmask/gateway/ip6addr/mtu apply to en1; a tuple
 * en1:(...), en2:(...) per interface overrides them); DHCP unless ipaddr
 * is set, IPv6 link-local always, SLAAC, static ip6addr. Addresses are
 * printed as kernel log lines when they become usable. lwIP's timers run
 * from a 50 ms kernel tick (interrupts off, like every other lwIP entry:
 * driver interrupts and boot code). net_wait_ready() holds the program
 * back until an IPv4 address is bound (exec_wait_for_ip4_secs). Without a
 * NIC nothing is started (no tick, no wait). Layer: net. Callers:
 * kernel/init.c (net_init, net_wait_ready), drivers (netdev_register),
 * lwIP (sys_now, diagnostics, randomness).
 */
#include "net/net.h"
#include "lib/value.h"
#include "lib/format.h"
#include "lwip/timeouts.h"
#include "lwip/priv/tcp_priv.h"
#include "lwip/sys.h"
#include "lwip/dhcp.h"
#include "lwip/nd6.h"
#include "lwip/ip6_addr.h"
#include "kernel/time.h"
#include "arch.h"

#define NET_MAX_IFS	  8
#define NET_TICK_NS	  (50ull * 1000000)
#define NET_SELFTEST_PORT 7

struct net_if {
	struct netdev *nd;
	struct netif netif;
	bool dhcp;
	u32 printed_ip4; /* last address printed (network order) */
	u8 printed_ip6;	 /* bitmap of address slots printed as valid */
};

static struct netdev *netdevs[NET_MAX_IFS];
static unsigned nnetdevs;
static struct net_if ifs[NET_MAX_IFS];
static unsigned nifs;
static bool net_up;
static bool net_lwip_up;
static netif_ext_callback_t net_ext_cb;

/* ---- lwIP system glue ---- */

u32_t sys_now(void)
{
	return (u32_t)(clock_now_ns() / 1000000);
}

uint32_t net_rand32(void)
{
	u32 r;

	random_bytes(&r, sizeof(r));
	return r;
}

void net_lwip_diag(const char *fmt, ...)
{
	char buf[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	klog("lwip: %s", buf);
}

void net_lwip_assert(const char *msg, const char *file, int line)
{
	panic("lwip: assertion \"%s\" failed at %s:%d", msg, file, line);
}

/* ---- drivers ---- */

int netdev_register(struct netdev *nd)
{
	if (nnetdevs == NET_MAX_IFS) {
		kprintf("net: %s: more than %u interfaces, ignored\n", nd->name, NET_MAX_IFS);
		return -ENOSPC;
	}
	netdevs[nnetdevs++] = nd;
	return 0;
}

/* ---- address reporting ---- */

static struct net_if *net_if_of(struct netif *netif)
{
	for (unsigned i = 0; i < nifs; i++)
		if (&ifs[i].netif == netif)
			return &ifs[i];
	return NULL;
}

static unsigned mask_bits(u32 mask_net)
{
	u32 m = lwip_ntohl(mask_net);
	unsigned n = 0;

	while (m & 0x80000000u) {
		n++;
		m <<= 1;
	}
	return n;
}

static void net_report(struct netif *netif, netif_nsc_reason_t reason,
		       const netif_ext_callback_args_t *args)
{
	struct net_if *nif = net_if_of(netif);
	char a[48], g[16];

	if (!nif)
		return;
	if (reason & (LWIP_NSC_IPV4_SETTINGS_CHANGED | LWIP_NSC_IPV4_ADDRESS_CHANGED |
		      LWIP_NSC_IPV4_GATEWAY_CHANGED | LWIP_NSC_IPV4_NETMASK_CHANGED)) {
		u32 ip = ip4_addr_get_u32(netif_ip4_addr(netif));

		if (ip && ip != nif->printed_ip4) {
			nif->printed_ip4 = ip;
			ip4addr_ntoa_r(netif_ip4_addr(netif), a, sizeof(a));
			ip4addr_ntoa_r(netif_ip4_gw(netif), g, sizeof(g));
			klog("%s: %s/%u gw %s%s", nif->nd->name, a,
			     mask_bits(ip4_addr_get_u32(netif_ip4_netmask(netif))), g,
			     nif->dhcp ? " (dhcp)" : " (static)");
		}
	}
	if (reason & LWIP_NSC_IPV6_ADDR_STATE_CHANGED) {
		s8 i = args->ipv6_addr_state_changed.addr_index;
		u8 state = netif_ip6_addr_state(netif, i);

		if (i < 0 || i >= 8)
			return;
		if (ip6_addr_isvalid(state) && !(nif->printed_ip6 & (1u << i))) {
			const ip6_addr_t *ad = netif_ip6_addr(netif, i);

			nif->printed_ip6 |= (u8)(1u << i);
			ip6addr_ntoa_r(ad, a, sizeof(a));
			for (char *c = a; *c; c++) /* lwIP prints upper case */
				if (*c >= 'A' && *c <= 'F')
					*c = (char)(*c - 'A' + 'a');
			klog("%s: %s/64%s", nif->nd->name, a,
			     ip6_addr_islinklocal(ad) ? " (link-local)"
			     : netif_ip6_addr_valid_life(netif, i) != IP6_ADDR_LIFE_STATIC
				 ? " (slaac)"
				 : " (static)");
		} else if (!ip6_addr_isvalid(state)) {
			nif->printed_ip6 &= (u8) ~(1u << i);
		}
	}
}

/* ---- timers ---- */

static bool net_tick_on;

static void net_tick(void)
{
	for (unsigned i = 0; i < nifs; i++)
		ifs[i].nd->ndo_poll(ifs[i].nd); /* in case interrupts are lost */
	sys_check_timeouts();
	/* segments whose output failed (full TX ring: lwIP keeps them
	 * unsent with TF_NAGLEMEMERR and nothing else retries them) */
	tcp_txnow();
	netif_poll_all(); /* frames looped back by timer output */
}

static void net_tick_start(void)
{
	if (net_tick_on)
		return;
	net_tick_on = true;
	clock_tick_register(net_tick, NET_TICK_NS);
}

void net_stack_use(void)
{
	if (!net_lwip_up) {
		lwip_init();
		net_lwip_up = true;
	}
	net_tick_start();
}

/* ---- configuration ---- */

/* a setting of the interface tuple, else of the root (en1 only) */
static const struct value *net_setting(const struct value *root, const struct value *iface,
				       bool first, const char *key)
{
	const struct value *v = iface ? tuple_get_cstr(iface, key) : NULL;

	if (!v && first && root)
		v = tuple_get_cstr(root, key);
	return v;
}

static int net_ip4_setting(const struct net_if *nif, const struct value *v, const char *key,
			   ip4_addr_t *out)
{
	if (!v)
		return 0;
	if (v->type != VALUE_STRING || !ip4addr_aton((const char *)v->str.bytes, out)) {
		kprintf("net: %s: %s: not an IPv4 address\n", nif->nd->name, key);
		return -EINVAL;
	}
	return 1;
}

static int net_if_configure(struct net_if *nif, const struct value *root, bool first)
{
	const struct value *iface = root ? tuple_get_cstr(root, nif->nd->name) : NULL;
	const struct value *v;
	ip4_addr_t ip, mask, gw;
	int have_ip, have_mask, have_gw, have_ip6 = 0;
	ip6_addr_t a6;
	s8 idx;
	s64 mtu;

	if (iface && iface->type != VALUE_TUPLE) {
		kprintf("net: %s: the setting must be a tuple like (ipaddr:...)\n", nif->nd->name);
		return -EINVAL;
	}
	ip4_addr_set_zero(&ip);
	ip4_addr_set_zero(&mask);
	ip4_addr_set_zero(&gw);
	have_ip = net_ip4_setting(nif, net_setting(root, iface, first, "ipaddr"), "ipaddr", &ip);
	have_mask =
	    net_ip4_setting(nif, net_setting(root, iface, first, "netmask"), "netmask", &mask);
	have_gw = net_ip4_setting(nif, net_setting(root, iface, first, "gateway"), "gateway", &gw);
	if (have_ip < 0 || have_mask < 0 || have_gw < 0)
		return -EINVAL;
	if (have_ip && !have_mask)
		IP4_ADDR(&mask, 255, 255, 255, 0);
	if (have_ip && !have_gw) /* the network's first host */
		ip4_addr_set_u32(&gw,
				 (ip4_addr_get_u32(&ip) & ip4_addr_get_u32(&mask)) | lwip_htonl(1));
	v = net_setting(root, iface, first, "mtu");
	if (v) {
		if (value_to_s64(v, &mtu) || mtu < 1280 || mtu > nif->nd->mtu) {
			kprintf("net: %s: mtu must be a number from 1280 to %u\n", nif->nd->name,
				nif->nd->mtu);
			return -EINVAL;
		}
	} else {
		mtu = nif->nd->mtu;
	}
	if (have_mask && (~lwip_ntohl(ip4_addr_get_u32(&mask)) + 1) &
			     ~lwip_ntohl(ip4_addr_get_u32(&mask))) {
		kprintf("net: %s: netmask: not a contiguous mask\n", nif->nd->name);
		return -EINVAL;
	}
	v = net_setting(root, iface, first, "ip6addr");
	if (v) {
		have_ip6 = v->type == VALUE_STRING && ip6addr_aton((const char *)v->str.bytes, &a6);
		if (!have_ip6 || ip6_addr_ismulticast(&a6) || ip6_addr_isany(&a6)) {
			kprintf("net: %s: ip6addr: not a unicast IPv6 address\n", nif->nd->name);
			return -EINVAL;
		}
	}
	/* every setting checked: from here on only memory can fail */
	nif->dhcp = !have_ip;
	if (net_netif_add(nif->nd, &nif->netif, &ip, &mask, &gw)) {
		kprintf("net: %s: out of memory\n", nif->nd->name);
		return -ENOMEM;
	}
	net_netif_set_mtu(&nif->netif, (u16)mtu); /* raised for lwIP on TSO NICs */
	klog("%s: up, mtu %u, IPv4 %s", nif->nd->name, (unsigned)mtu,
	     nif->dhcp ? "by DHCP" : "static");
	netif_create_ip6_linklocal_address(&nif->netif, 1);
	netif_set_ip6_autoconfig_enabled(&nif->netif, 1);
	if (have_ip6 && netif_add_ip6_address(&nif->netif, &a6, &idx) != ERR_OK) {
		kprintf("net: %s: ip6addr: no free address slot\n", nif->nd->name);
		goto out_remove;
	}
	netif_set_up(&nif->netif);
	if (nif->nd->features & NETDEV_F_LINK_UP)
		netif_set_link_up(&nif->netif);
	if (nif->dhcp && dhcp_start(&nif->netif) != ERR_OK) {
		kprintf("net: %s: DHCP did not start (out of memory)\n", nif->nd->name);
		goto out_remove;
	}
	return 0;

out_remove:
	netif_remove(&nif->netif);
	nif->nd->stack_priv = NULL;
	return -ENOMEM;
}

int net_init(struct value *root)
{
	const struct value *v;
	s64 port = NET_SELFTEST_PORT;

	/* lwIP itself (loopback 127.0.0.1 and ::1) is always there; without
	 * a NIC its timer tick starts with the first socket */
	lwip_init();
	net_lwip_up = true;
	net_dns_configure(root); /* /etc/resolv.conf; a bad setting is printed, ignored */
	if (!nnetdevs)
		return 0;
	netif_add_ext_callback(&net_ext_cb, net_report);
	for (unsigned i = 0; i < nnetdevs; i++) {
		struct net_if *nif = &ifs[nifs++];

		nif->nd = netdevs[i];
		if (net_if_configure(nif, root, i == 0)) {
			nifs--;
			nif->nd->stack_priv = NULL;
			continue;
		}
		if (nifs == 1)
			netif_set_default(&nif->netif);
	}
	net_up = true;
	net_tick_start();
	v = root ? tuple_get_cstr(root, "net_selftest") : NULL;
	if (v && value_flag(root, "net_selftest")) {
		if (v->type == VALUE_INTEGER ||
		    (v->type == VALUE_STRING && v->str.len && v->str.bytes[0] >= '0' &&
		     v->str.bytes[0] <= '9')) {
			if (value_to_s64(v, &port) || port < 1 || port > 65535) {
				kprintf("net: net_selftest: port must be 1..65535\n");
				return -EINVAL;
			}
		}
		if (net_selftest_start((u16)port))
			kprintf("net: net_selftest: cannot listen on port %ld\n", (long)port);
		else
			klog("net: selftest responder on tcp port %ld", (long)port);
	}
	return 0;
}

static bool net_ip4_bound(void)
{
	for (unsigned i = 0; i < nifs; i++)
		if (!ip4_addr_isany_val(*netif_ip4_addr(&ifs[i].netif)))
			return true;
	return false;
}

void net_wait_ready(struct value *root)
{
	const struct value *v = root ? tuple_get_cstr(root, "exec_wait_for_ip4_secs") : NULL;
	u64 start = clock_now_ns(), deadline;
	s64 secs;

	if (!v)
		return;
	if (value_to_s64(v, &secs) || secs < 0 || secs > 3600) {
		kprintf("net: exec_wait_for_ip4_secs must be a number of seconds (0..3600)\n");
		return;
	}
	if (!net_up || !secs) {
		if (!net_up)
			klog("net: exec_wait_for_ip4_secs: no network interface");
		return;
	}
	deadline = start + (u64)secs * 1000000000ull;
	/* every interrupt (the NIC's, the net tick) ends a wait */
	while (!net_ip4_bound() && clock_now_ns() < deadline)
		arch_wait_irq();
	if (net_ip4_bound())
		klog("net: IPv4 address after %lu ms",
		     (unsigned long)((clock_now_ns() - start) / 1000000));
	else
		klog("net: no IPv4 address after %ld s; starting the program anyway", (long)secs);
}
