/*
 * net/dns.c - the DNS servers behind the synthetic /etc/resolv.conf (the
 * file the kernel serves when the image has none: fs/proc.c, fs/node.c).
 * Sources, in order of precedence: the manifest's `dns` setting (one
 * address or a vector of up to NET_DNS_MAX IPv4/IPv6 addresses, checked at
 * boot), else DHCP option 6 of each interface's last ACK (lwIP's resolver
 * is off, LWIP_DNS 0, so lwIP neither asks for nor keeps the option: the
 * lwipopts.h hooks call net_dhcp_request_dns, which adds option 6 to the
 * parameter request list of DISCOVER/REQUEST, and net_dhcp_option, which
 * sees every option lwIP does not handle itself). IPv6 RDNSS is not read
 * (lwIP parses it only with its resolver on). The text is rendered when
 * the file is opened, so a DHCP answer that comes late still shows.
 * Locking: the hooks run in lwIP context and the renderer in syscall
 * context, both with interrupts off under the kernel lock.
 * Layer: net. Callers: lwIP's dhcp.c (hooks), net/net.c (net_dns_configure),
 * fs/proc_sys.c (net_resolv_conf).
 */
#include "net/net.h"
#include "lib/value.h"
#include "lib/format.h"
#include "lwip/prot/dhcp.h"
#include "lwip/dhcp.h"
#include "lwip/ip.h"

#define NET_DNS_MAX    3 /* glibc's MAXNS: resolvers read no more */
#define NET_DNS_IFS    8
#define NET_DNS_ADDRSZ 48

/* the manifest's servers, as text */
static char dns_static[NET_DNS_MAX][NET_DNS_ADDRSZ];
static unsigned dns_nstatic;

/* DHCP servers per interface (netif->num), IPv4, network order */
struct dns_dhcp {
	char name[8]; /* "en1" */
	u32 addr[NET_DNS_MAX];
	unsigned n;
};
static struct dns_dhcp dns_dhcp[NET_DNS_IFS];

int net_dns_configure(const struct value *root)
{
	const struct value *v = root ? tuple_get_cstr(root, "dns") : NULL;
	u32 n;

	if (!v)
		return 0;
	n = v->type == VALUE_VECTOR ? vector_count(v) : 1;
	if (n > NET_DNS_MAX) {
		kprintf("net: dns: at most %u servers (resolvers read no more)\n", NET_DNS_MAX);
		return -EINVAL;
	}
	for (u32 i = 0; i < n; i++) {
		const struct value *s = v->type == VALUE_VECTOR ? vector_at(v, i) : v;
		ip_addr_t a;

		if (s->type != VALUE_STRING || !ipaddr_aton((const char *)s->str.bytes, &a)) {
			kprintf("net: dns: not an IPv4 or IPv6 address (dns:10.0.2.3 or "
				"dns:[1.1.1.1 2606:4700::1111])\n");
			dns_nstatic = 0;
			return -EINVAL;
		}
		ipaddr_ntoa_r(&a, dns_static[i], NET_DNS_ADDRSZ);
		for (char *c = dns_static[i]; *c; c++) /* lwIP prints upper case */
			if (*c >= 'A' && *c <= 'F')
				*c = (char)(*c - 'A' + 'a');
	}
	dns_nstatic = n;
	return 0;
}

void net_dhcp_request_dns(struct dhcp_msg *msg, int msg_type, unsigned short *options_len)
{
	/* a second parameter request list option: RFC 3396 says a server
	 * concatenates the instances of an option */
	if (msg_type != DHCP_DISCOVER && msg_type != DHCP_REQUEST)
		return;
	if ((unsigned)*options_len + 3 + 1 > DHCP_OPTIONS_LEN) /* + the END option */
		return;
	msg->options[(*options_len)++] = DHCP_OPTION_PARAMETER_REQUEST_LIST;
	msg->options[(*options_len)++] = 1;
	msg->options[(*options_len)++] = DHCP_OPTION_DNS_SERVER;
}

void net_dhcp_option(struct netif *netif, int msg_type, int option, int len, struct pbuf *p,
		     unsigned short off)
{
	struct dns_dhcp *d;
	u8 buf[4 * NET_DNS_MAX];
	u16 n;

	/* lwIP passes ip_current_netif(), which for a broadcast reply is not
	 * the interface it came in on (dhcp_recv uses the input netif too) */
	netif = ip_current_input_netif();
	/* msg_type is known once option 53 was parsed: servers put it first */
	if (option != DHCP_OPTION_DNS_SERVER || msg_type != DHCP_ACK || !netif ||
	    netif->num >= NET_DNS_IFS || len <= 0 || len % 4)
		return;
	n = (u16)MIN((unsigned)len, sizeof(buf));
	if (pbuf_copy_partial(p, buf, n, off) != n)
		return;
	d = &dns_dhcp[netif->num];
	snprintf(d->name, sizeof(d->name), "%c%c%u", netif->name[0], netif->name[1],
		 (unsigned)netif->num);
	d->n = n / 4;
	for (unsigned i = 0; i < d->n; i++)
		memcpy(&d->addr[i], buf + 4 * i, 4);
}

static void put(char *buf, size_t size, size_t *pos, const char *s)
{
	size_t n = strlen(s);

	if (*pos < size)
		memcpy(buf + *pos, s, MIN(n, size - *pos));
	*pos += n;
}

size_t net_resolv_conf(char *buf, size_t size)
{
	char line[NET_DNS_ADDRSZ + 16];
	u32 seen[NET_DNS_MAX];
	size_t pos = 0;
	unsigned nseen = 0;

	if (dns_nstatic) {
		put(buf, size, &pos, "# monos: from the manifest's dns setting\n");
		for (unsigned i = 0; i < dns_nstatic; i++) {
			snprintf(line, sizeof(line), "nameserver %s\n", dns_static[i]);
			put(buf, size, &pos, line);
		}
		return pos;
	}
	for (unsigned k = 0; k < NET_DNS_IFS; k++) {
		const struct dns_dhcp *d = &dns_dhcp[k];

		if (d->n)
			snprintf(line, sizeof(line), "# monos: from DHCP (%s)\n", d->name);
		if (d->n && nseen < NET_DNS_MAX)
			put(buf, size, &pos, line);
		for (unsigned i = 0; i < d->n && nseen < NET_DNS_MAX; i++) {
			ip4_addr_t a;
			char t[16];
			bool dup = false;

			for (unsigned j = 0; j < nseen; j++)
				dup |= seen[j] == d->addr[i];
			if (dup)
				continue;
			seen[nseen++] = d->addr[i];
			ip4_addr_set_u32(&a, d->addr[i]);
			ip4addr_ntoa_r(&a, t, sizeof(t));
			snprintf(line, sizeof(line), "nameserver %s\n", t);
			put(buf, size, &pos, line);
		}
	}
	if (!pos)
		put(buf, size, &pos, "# monos: no DNS server known (no dns setting, no DHCP answer yet)\n");
	return pos;
}
