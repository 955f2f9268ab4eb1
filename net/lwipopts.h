/*
 * net/lwipopts.h - monos's lwIP configuration: NO_SYS (no lwIP threads;
 * the stack runs from interrupts, the kernel tick and boot code, always
 * with interrupts off), raw API only (no lwIP sockets/netconn: monos's own
 * socket layer sits on the raw API), IPv4 + IPv6 with DHCP, SLAAC, ND, MLD,
 * TCP with big windows and window scaling, memory from the kernel heap.
 * TCP/UDP checksums are neither generated nor checked by lwIP: the netif
 * (net/netif_virtio.c) offloads them to the NIC or completes/verifies them
 * in software (net/csum.c). Layer: net (lwIP port).
 */
#ifndef NET_LWIPOPTS_H
#define NET_LWIPOPTS_H

/* ---- system ---- */
#define NO_SYS		     1
#define SYS_LIGHTWEIGHT_PROT 0
#define LWIP_SOCKET	     0
#define LWIP_NETCONN	     0
#define LWIP_NETIF_API	     0
#define LWIP_TIMERS	     1
#define LWIP_RAND_SAFE	     1
#define SO_REUSE	     1 /* SO_REUSEADDR (sockets: net/sock_inet*.c) */
#define IP_SOF_BROADCAST     1 /* UDP broadcast needs SO_BROADCAST */

/* ---- memory: the kernel heap for everything ---- */
void *kmalloc(unsigned long size);
void *kzalloc(unsigned long size);
void kfree(void *p);
#define MEM_LIBC_MALLOC	      1
#define MEMP_MEM_MALLOC	      1
#define mem_clib_malloc	      kmalloc
#define mem_clib_free	      kfree
#define mem_clib_calloc(n, s) kzalloc((unsigned long)(n) * (s))
#define MEM_ALIGNMENT	      8
#define MEM_SIZE	      (4 * 1024 * 1024) /* unused with MEM_LIBC_MALLOC */
#define PBUF_POOL_SIZE	      512
/* NIC frames (MTU 1500) land in pool pbufs; loopback segments are heap pbufs */
#define PBUF_POOL_BUFSIZE                                                                          \
	LWIP_MEM_ALIGN_SIZE(1500 + PBUF_LINK_ENCAPSULATION_HLEN + PBUF_LINK_HLEN)
#define MEMP_NUM_PBUF		1024
#define MEMP_NUM_TCP_PCB	1024
#define MEMP_NUM_TCP_PCB_LISTEN 64
#define MEMP_NUM_TCP_SEG	4096
#define MEMP_NUM_UDP_PCB	64
#define MEMP_NUM_REASSDATA	32
#define MEMP_NUM_FRAG_PBUF	64
#define MEMP_NUM_ARP_QUEUE	64
#define MEMP_NUM_ND6_QUEUE	64
#define MEMP_NUM_SYS_TIMEOUT	(LWIP_NUM_SYS_TIMEOUT_INTERNAL + 8)

/* ---- link / interfaces ---- */
#define LWIP_ARP		       1
#define ARP_TABLE_SIZE		       64
#define ARP_QUEUEING		       1
#define ETHARP_SUPPORT_STATIC_ENTRIES  0
#define LWIP_NETIF_HOSTNAME	       1
#define LWIP_NETIF_STATUS_CALLBACK     1
#define LWIP_NETIF_LINK_CALLBACK       1
#define LWIP_NETIF_EXT_STATUS_CALLBACK 1
#define LWIP_NETIF_LOOPBACK	       1
#define LWIP_HAVE_LOOPIF	       1
#define LWIP_LOOPBACK_MAX_PBUFS	       0
#define LWIP_SINGLE_NETIF	       0
#define LWIP_NUM_NETIF_CLIENT_DATA     1

/* ---- IPv4 ---- */
#define LWIP_IPV4		 1
#define IP_FORWARD		 0
#define IP_REASSEMBLY		 1
#define IP_FRAG			 1
#define IP_DEFAULT_TTL		 64
#define LWIP_ICMP		 1
#define LWIP_BROADCAST_PING	 0
#define LWIP_DHCP		 1
#define LWIP_DHCP_DOES_ACD_CHECK 0
#define DHCP_DOES_ARP_CHECK	 0 /* QEMU user networking: no conflicts; saves ~1 s */
#define LWIP_DHCP_GET_NTP_SRV	 0
#define LWIP_AUTOIP		 0
#define LWIP_IGMP		 1
#define LWIP_RAW		 0
#define LWIP_DNS		 0
/* DHCP option 6 without lwIP's resolver: net/dns.c asks for it and keeps
 * the servers for /etc/resolv.conf */
struct netif;
struct pbuf;
struct dhcp_msg;
void net_dhcp_request_dns(struct dhcp_msg *msg, int msg_type, unsigned short *options_len);
void net_dhcp_option(struct netif *netif, int msg_type, int option, int len, struct pbuf *p,
		     unsigned short off);
#define LWIP_HOOK_DHCP_APPEND_OPTIONS(netif, dhcp, state, msg, msg_type, options_len_ptr)         \
	net_dhcp_request_dns(msg, msg_type, options_len_ptr)
#define LWIP_HOOK_DHCP_PARSE_OPTION(netif, dhcp, state, msg, msg_type, option, len, pbuf, off)    \
	do {                                                                                       \
		(void)(msg);                                                                       \
		net_dhcp_option(netif, msg_type, option, len, pbuf, off);                          \
	} while (0)

/* ---- IPv6 ---- */
#define LWIP_IPV6			1
#define LWIP_IPV6_NUM_ADDRESSES		4
#define LWIP_IPV6_AUTOCONFIG		1
#define LWIP_IPV6_SEND_ROUTER_SOLICIT	1
#define LWIP_IPV6_MLD			1
#define LWIP_IPV6_FRAG			1
#define LWIP_IPV6_REASS			1
#define IPV6_FRAG_COPYHEADER		1 /* 64-bit pointers do not fit the header */
#define LWIP_IPV6_DHCP6			0
#define LWIP_ICMP6			1
#define LWIP_ND6_ALLOW_RA_UPDATES	1
#define LWIP_ND6_TCP_REACHABILITY_HINTS 1
#define LWIP_IPV6_DUP_DETECT_ATTEMPTS	1
#define LWIP_ND6_MAX_MULTICAST_SOLICIT	3
#define LWIP_ND6_NUM_NEIGHBORS		32
#define LWIP_ND6_NUM_DESTINATIONS	32
#define LWIP_ND6_RDNSS_MAX_DNS_SERVERS	0
#define LWIP_IPV6_SCOPES		1

/* ---- TCP: big windows with window scaling ---- */
#define LWIP_TCP		  1
/* The MSS we advertise and use is capped by the interface MTU (1460 on
 * a 1500-byte NIC); the loopback interface has no MTU, so 127.0.0.1/::1
 * connections use 16000-byte segments: ten times fewer segments (and
 * per-segment copies, checksums and headers) than 1460 */
#define TCP_MSS			  16000
#define LWIP_WND_SCALE		  1
#define TCP_RCV_SCALE		  4
#define TCP_WND			  (512 * 1024)
#define TCP_SND_BUF		  (512 * 1024)
#define TCP_SND_QUEUELEN	  ((4 * TCP_SND_BUF) / 1460) /* pbufs, sized for NIC segments */
#define TCP_SNDLOWAT		  1024 /* lwIP's sockets only; must be < 64K - 4*MSS */
#define TCP_OVERSIZE		  1460 /* room for small writes to coalesce */
#define TCP_QUEUE_OOSEQ		  1
#define TCP_LISTEN_BACKLOG	  1
#define LWIP_TCP_SACK_OUT	  0
#define LWIP_TCP_TIMESTAMPS	  0
#define LWIP_TCP_KEEPALIVE	  1
#define TCP_TTL			  64
#define LWIP_TCP_PCB_NUM_EXT_ARGS 1
/* TSO NICs: raise an established connection's MSS (net/netif_virtio.c) */
struct tcp_pcb;
signed char net_tcp_inpacket(struct tcp_pcb *pcb);
#define LWIP_HOOK_TCP_INPACKET_PCB(pcb, hdr, optlen, opt1len, opt2, p)                           \
	net_tcp_inpacket((struct tcp_pcb *)(pcb))

/* ---- UDP ---- */
#define LWIP_UDP     1
#define LWIP_UDPLITE 0

/* ---- checksums: see the header comment ---- */
#define CHECKSUM_GEN_IP	      1
#define CHECKSUM_GEN_UDP      0
#define CHECKSUM_GEN_TCP      0
#define CHECKSUM_GEN_ICMP     1
#define CHECKSUM_GEN_ICMP6    1
#define CHECKSUM_CHECK_IP     1
#define CHECKSUM_CHECK_UDP    0
#define CHECKSUM_CHECK_TCP    0
#define CHECKSUM_CHECK_ICMP   1
#define CHECKSUM_CHECK_ICMP6  1
#define LWIP_CHECKSUM_ON_COPY 0

/* ---- no statistics or debug output ---- */
#define LWIP_STATS	   0
#define LWIP_STATS_DISPLAY 0
#define LWIP_DEBUG	   0

#endif
