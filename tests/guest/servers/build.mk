# tests/guest/servers/build.mk - network servers run under monos by
# tests/suites/75-servers and bench (make bench-net), and the host load
# client (included from tests/guest/build.mk):
#   $(BUILD)/guest/servers/epollsrv     C epoll line server (musl, static)
#   $(BUILD)/guest/servers/tcpstream    C TCP stream sink/source (musl, static)
#   $(BUILD)/guest/servers/gohttp       Go net/http hello (CGO_ENABLED=0, static),
#                                       Debian's Go offline (GOPROXY=off, cache
#                                       under $(BUILD)/go, as 58-go builds)
#   $(BUILD)/host-tests/netload         host load client (tests/host/netload.c)
SERVERS_DIR := $(BUILD)/guest/servers
SERVERS_C_BINS := $(SERVERS_DIR)/epollsrv $(SERVERS_DIR)/tcpstream
SERVERS_GO_SRC := $(wildcard tests/guest/servers/gohttp/*.go) tests/guest/servers/gohttp/go.mod
NETLOAD := $(BUILD)/host-tests/netload

$(SERVERS_DIR)/%: tests/guest/servers/%.c tests/guest/servers/stream_proto.h | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(Q)musl-gcc -static $(GUEST_CFLAGS) -o $@ $<

$(SERVERS_DIR)/gohttp: $(SERVERS_GO_SRC) | $(DEPS_STAMP)
	@mkdir -p $(dir $@) $(abspath $(BUILD))/go
	$(Q)cd tests/guest/servers/gohttp && GOCACHE=$(abspath $(BUILD))/go/cache \
		GOPATH=$(abspath $(BUILD))/go/path GOPROXY=off GOFLAGS= GO111MODULE=on \
		CGO_ENABLED=0 GOOS=linux GOARCH=amd64 \
		go build -trimpath -buildvcs=false -o $(abspath $@).tmp . && mv $(abspath $@).tmp $(abspath $@)

$(NETLOAD): tests/host/netload.c | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(Q)$(HOST_CC) $(HOST_CFLAGS) -o $@ $<

SERVERS_BINS := $(SERVERS_C_BINS) $(SERVERS_DIR)/gohttp $(NETLOAD)
ALL_TARGETS += $(SERVERS_BINS)
.PHONY: servers
servers: $(SERVERS_BINS)
