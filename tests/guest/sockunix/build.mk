# tests/guest/sockunix/build.mk - the AF_UNIX / socket layer guest tests
# (tests/suites/72-sockunix): $(BUILD)/guest/{sockunix,sockfuzz}.{musl,glibc},
# built with -pthread. Included from tests/guest/build.mk.
SOCKUNIX_BINS := $(foreach p,sockunix sockfuzz,$(BUILD)/guest/$(p).musl $(BUILD)/guest/$(p).glibc)

$(BUILD)/guest/sockunix.musl $(BUILD)/guest/sockfuzz.musl: $(BUILD)/guest/%.musl: \
		tests/guest/sockunix/%.c tests/guest/gtest.h | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(Q)musl-gcc -static -pthread $(GUEST_CFLAGS) -o $@ $<

$(BUILD)/guest/sockunix.glibc $(BUILD)/guest/sockfuzz.glibc: $(BUILD)/guest/%.glibc: \
		tests/guest/sockunix/%.c tests/guest/gtest.h | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(Q)$(HOST_CC) -static -pthread $(GUEST_CFLAGS) -o $@ $<

ALL_TARGETS += $(SOCKUNIX_BINS)
