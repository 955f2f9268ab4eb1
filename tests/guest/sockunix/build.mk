# tests/guest/sockunix/build.mk - the AF_UNIX / socket layer guest tests
# (tests/suites/72-sockunix): $(BUILD)/guest/{sockunix,sockio,sockfuzz}.{musl,glibc},
# built with -pthread. Included from tests/guest/build.mk.
SOCKUNIX_PROGS := sockunix sockio sockfuzz
SOCKUNIX_BINS := $(foreach p,$(SOCKUNIX_PROGS),$(BUILD)/guest/$(p).musl $(BUILD)/guest/$(p).glibc)

$(filter %.musl,$(SOCKUNIX_BINS)): $(BUILD)/guest/%.musl: \
		tests/guest/sockunix/%.c tests/guest/sockunix/sutil.h tests/guest/gtest.h | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(Q)musl-gcc -static -pthread $(GUEST_CFLAGS) -o $@ $<

$(filter %.glibc,$(SOCKUNIX_BINS)): $(BUILD)/guest/%.glibc: \
		tests/guest/sockunix/%.c tests/guest/sockunix/sutil.h tests/guest/gtest.h | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(Q)$(HOST_CC) -static -pthread $(GUEST_CFLAGS) -o $@ $<

ALL_TARGETS += $(SOCKUNIX_BINS)
