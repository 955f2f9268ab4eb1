# tests/guest/timers/build.mk - the timers guest tests (tests/suites/54-timers):
# $(BUILD)/guest/{timers,sigtimers}.{musl,glibc}, built with -pthread (glibc
# also with -lrt for old toolchains). Included from tests/guest/build.mk.
TIMERS_PROGS := timers sigtimers
TIMERS_BINS := $(foreach p,$(TIMERS_PROGS),$(BUILD)/guest/$(p).musl $(BUILD)/guest/$(p).glibc)

$(BUILD)/guest/timers.musl $(BUILD)/guest/sigtimers.musl: $(BUILD)/guest/%.musl: \
		tests/guest/timers/%.c tests/guest/gtest.h | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(Q)musl-gcc -static -pthread $(GUEST_CFLAGS) -o $@ $<

$(BUILD)/guest/timers.glibc $(BUILD)/guest/sigtimers.glibc: $(BUILD)/guest/%.glibc: \
		tests/guest/timers/%.c tests/guest/gtest.h | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(Q)$(HOST_CC) -static -pthread $(GUEST_CFLAGS) -o $@ $< -lrt

ALL_TARGETS += $(TIMERS_BINS)
