# tests/guest/threads/build.mk - the threads/futex and signals guest tests
# (tests/suites/52-threads): $(BUILD)/guest/{threads,signals,smp}.{musl,glibc},
# built with -pthread. Included from tests/guest/build.mk.
THREADS_PROGS := threads signals smp
THREADS_BINS := $(foreach p,$(THREADS_PROGS),$(BUILD)/guest/$(p).musl $(BUILD)/guest/$(p).glibc)
THREADS_DEPS := tests/guest/gtest.h tests/guest/threads/tutil.h

$(BUILD)/guest/threads.musl $(BUILD)/guest/signals.musl $(BUILD)/guest/smp.musl: $(BUILD)/guest/%.musl: \
		tests/guest/threads/%.c $(THREADS_DEPS) | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(Q)musl-gcc -static -pthread $(GUEST_CFLAGS) -o $@ $<

$(BUILD)/guest/threads.glibc $(BUILD)/guest/signals.glibc $(BUILD)/guest/smp.glibc: $(BUILD)/guest/%.glibc: \
		tests/guest/threads/%.c $(THREADS_DEPS) | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(Q)$(HOST_CC) -static -pthread $(GUEST_CFLAGS) -o $@ $<

ALL_TARGETS += $(THREADS_BINS)
