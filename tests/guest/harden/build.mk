# tests/guest/harden/build.mk - the kernel-hardening guest test program
# (tests/guest/harden/umip.c): $(BUILD)/guest/umip.musl (musl-gcc -static).
# Run by tests/suites/66-harden.
HARDEN_GUEST_BINS := $(BUILD)/guest/umip.musl

$(BUILD)/guest/umip.musl: tests/guest/harden/umip.c tests/guest/gtest.h | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(Q)musl-gcc -static $(GUEST_CFLAGS) -o $@ $<

ALL_TARGETS += $(HARDEN_GUEST_BINS)
