# tests/guest/tidy/build.mk - guest programs of the tidy helper's suites:
# resolv (/etc/resolv.conf served by the kernel; tests/suites/74-resolv),
# sigbus (file mappings past EOF; tests/suites/59-sigbus).
# Built static with musl-gcc and gcc. Included by tests/guest/build.mk.
TIDY_GUEST_PROGS := resolv sigbus
TIDY_GUEST_BINS := $(foreach p,$(TIDY_GUEST_PROGS),$(BUILD)/guest/tidy/$(p).musl \
	$(BUILD)/guest/tidy/$(p).glibc)

$(BUILD)/guest/tidy/%.musl: tests/guest/tidy/%.c tests/guest/gtest.h | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(Q)musl-gcc -static $(GUEST_CFLAGS) -o $@ $<

$(BUILD)/guest/tidy/%.glibc: tests/guest/tidy/%.c tests/guest/gtest.h | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(Q)$(HOST_CC) -static $(GUEST_CFLAGS) -o $@ $<

ALL_TARGETS += $(TIDY_GUEST_BINS)
