# tests/guest/dyn/build.mk - dynamically linked guest programs (issue 4):
# dyn.c built with plain gcc (PIE, the Debian default) as
# $(BUILD)/guest/dyn/dyn and with -no-pie as $(BUILD)/guest/dyn/dyn.nopie;
# used by tests/suites/62-dynamic. Included by tests/guest/build.mk.
DYN_GUEST_BINS := $(BUILD)/guest/dyn/dyn $(BUILD)/guest/dyn/dyn.nopie

$(BUILD)/guest/dyn/dyn: tests/guest/dyn/dyn.c tests/guest/gtest.h | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(Q)$(HOST_CC) -pie -fPIE $(GUEST_CFLAGS) -o $@ $<

$(BUILD)/guest/dyn/dyn.nopie: tests/guest/dyn/dyn.c tests/guest/gtest.h | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(Q)$(HOST_CC) -no-pie -fno-PIE $(GUEST_CFLAGS) -o $@ $<

ALL_TARGETS += $(DYN_GUEST_BINS)
