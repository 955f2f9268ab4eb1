# tests/guest/core/build.mk - the kernel core's guest test program
# (tests/guest/core/core.c), built like the other guest programs:
#   $(BUILD)/guest/core.musl (musl-gcc -static), $(BUILD)/guest/core.glibc
# (gcc -static); $(BUILD)/guest/sysfuzz.musl. Run by
# tests/suites/50-kernel-boot.
CORE_GUEST_BINS := $(BUILD)/guest/core.musl $(BUILD)/guest/core.glibc \
	$(BUILD)/guest/sysfuzz.musl

$(BUILD)/guest/core.musl: tests/guest/core/core.c tests/guest/gtest.h | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(Q)musl-gcc -static $(GUEST_CFLAGS) -o $@ $<

$(BUILD)/guest/core.glibc: tests/guest/core/core.c tests/guest/gtest.h | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(Q)$(HOST_CC) -static $(GUEST_CFLAGS) -o $@ $<

$(BUILD)/guest/sysfuzz.musl: tests/guest/core/sysfuzz.c tests/guest/gtest.h | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(Q)musl-gcc -static $(GUEST_CFLAGS) -o $@ $<

ALL_TARGETS += $(CORE_GUEST_BINS)
