# tests/guest/sockinet/build.mk - the AF_INET/AF_INET6 socket guest test
# (tests/suites/73-inet): $(BUILD)/guest/sockinet.{musl,glibc} from
# sockinet.c + sockinet_more.c, built with -pthread. Included from
# tests/guest/build.mk.
SOCKINET_SRCS := tests/guest/sockinet/sockinet.c tests/guest/sockinet/sockinet_more.c
SOCKINET_DEPS := $(SOCKINET_SRCS) tests/guest/sockinet/sockinet.h tests/guest/gtest.h
SOCKINET_BINS := $(BUILD)/guest/sockinet.musl $(BUILD)/guest/sockinet.glibc

$(BUILD)/guest/sockinet.musl: $(SOCKINET_DEPS) | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(Q)musl-gcc -static -pthread $(GUEST_CFLAGS) -o $@ $(SOCKINET_SRCS)

$(BUILD)/guest/sockinet.glibc: $(SOCKINET_DEPS) | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(Q)$(HOST_CC) -static -pthread $(GUEST_CFLAGS) -o $@ $(SOCKINET_SRCS)

ALL_TARGETS += $(SOCKINET_BINS)
