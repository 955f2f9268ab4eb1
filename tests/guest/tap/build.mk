# tests/guest/tap/build.mk - the guest server of tests/suites/76-tap
# (included from tests/guest/build.mk):
#   $(BUILD)/guest/tap/tapsrv   TCP echo/sink/source + UDP echo, IPv4 and
#                               IPv6 (musl, static)
TAP_GUEST_DIR := $(BUILD)/guest/tap

$(TAP_GUEST_DIR)/tapsrv: tests/guest/tap/tapsrv.c tests/guest/servers/stream_proto.h | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(Q)musl-gcc -static $(GUEST_CFLAGS) -o $@ $<

ALL_TARGETS += $(TAP_GUEST_DIR)/tapsrv
