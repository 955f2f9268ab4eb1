# tests/guest/sockunix/build.mk - the AF_UNIX / socket layer guest test
# (tests/suites/72-sockunix): $(BUILD)/guest/sockunix.{musl,glibc}, built
# with -pthread. Included from tests/guest/build.mk.
SOCKUNIX_BINS := $(BUILD)/guest/sockunix.musl $(BUILD)/guest/sockunix.glibc

$(BUILD)/guest/sockunix.musl: tests/guest/sockunix/sockunix.c tests/guest/gtest.h | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(Q)musl-gcc -static -pthread $(GUEST_CFLAGS) -o $@ $<

$(BUILD)/guest/sockunix.glibc: tests/guest/sockunix/sockunix.c tests/guest/gtest.h | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(Q)$(HOST_CC) -static -pthread $(GUEST_CFLAGS) -o $@ $<

ALL_TARGETS += $(SOCKUNIX_BINS)
