# tests/guest/sockinet/build.mk - the AF_INET/AF_INET6 socket guest test
# (tests/suites/73-inet): $(BUILD)/guest/sockinet.{musl,glibc}, built with
# -pthread. Included from tests/guest/build.mk.
SOCKINET_BINS := $(BUILD)/guest/sockinet.musl $(BUILD)/guest/sockinet.glibc

$(BUILD)/guest/sockinet.musl: tests/guest/sockinet/sockinet.c tests/guest/gtest.h | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(Q)musl-gcc -static -pthread $(GUEST_CFLAGS) -o $@ $<

$(BUILD)/guest/sockinet.glibc: tests/guest/sockinet/sockinet.c tests/guest/gtest.h | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(Q)$(HOST_CC) -static -pthread $(GUEST_CFLAGS) -o $@ $<

ALL_TARGETS += $(SOCKINET_BINS)
