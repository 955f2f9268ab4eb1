# net/build.mk - lwIP (Debian's source package, fetched by scripts/lwip.sh
# into $(BUILD)/third_party/, never committed) compiled freestanding into
# the kernel with net/lwipopts.h and net/arch/cc.h. net/*.c itself is
# picked up by kernel/build.mk's glob; this file adds the lwIP objects to
# the kernel link, the lwIP include paths for net/ and lwIP files, and the
# order-only dependency on the unpacked tree.
# the pinned version lives in scripts/lwip.sh
LWIP_VERSION := $(shell sed -n "s/^LWIP_VERSION=//p" scripts/lwip.sh)
LWIP_DIR := $(BUILD)/third_party/lwip-$(LWIP_VERSION)
LWIP_STAMP := $(LWIP_DIR)/.monos-ok

# the pinned version's core files (IPv4, IPv6, TCP, UDP, ethernet); the
# tree does not exist at parse time on a fresh clone, so no wildcard
LWIP_SRCS := $(addprefix src/core/,def.c inet_chksum.c init.c ip.c mem.c memp.c netif.c \
	pbuf.c raw.c stats.c sys.c tcp.c tcp_in.c tcp_out.c timeouts.c udp.c dns.c) \
	$(addprefix src/core/ipv4/,dhcp.c etharp.c icmp.c igmp.c ip4.c ip4_addr.c ip4_frag.c) \
	$(addprefix src/core/ipv6/,ethip6.c icmp6.c inet6.c ip6.c ip6_addr.c ip6_frag.c mld6.c nd6.c) \
	src/netif/ethernet.c
LWIP_OBJS := $(patsubst %.c,$(BUILD)/kernel/third_party/lwip/%.o,$(LWIP_SRCS))
LWIP_INC := -Inet -Inet/libc -I$(LWIP_DIR)/src/include

# lwIP's own files: kernel flags, warnings relaxed (not our code)
LWIP_CFLAGS := $(filter-out -Werror -Wshadow -Wmissing-prototypes -Wstrict-prototypes,$(KERNEL_CFLAGS)) \
	-Wno-unused-parameter -Wno-sign-compare -Wno-address $(LWIP_INC)

$(LWIP_STAMP): scripts/lwip.sh | $(DEPS_STAMP)
	$(Q)scripts/lwip.sh $(BUILD)

$(BUILD)/kernel/third_party/lwip/%.o: $(LWIP_STAMP)
	@mkdir -p $(dir $@)
	$(Q)$(KCC) $(LWIP_CFLAGS) -MMD -MP -c $(LWIP_DIR)/$*.c -o $@

# net/ glue: our warnings, plus lwIP's headers
NET_KOBJS := $(filter $(BUILD)/kernel/net/%,$(KERNEL_OBJS))
$(NET_KOBJS): KERNEL_CFLAGS += $(LWIP_INC)
$(NET_KOBJS): | $(LWIP_STAMP)

KERNEL_OBJS += $(LWIP_OBJS)
$(BUILD)/kernel/kernel.pass1.elf $(BUILD)/kernel/kernel.elf: $(LWIP_OBJS)

# net/csum.c's host unit test
UNIT_TESTS += test_net_csum
$(BUILD)/tests/test_net_csum: $(BUILD)/host/net/csum.o
