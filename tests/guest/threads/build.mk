# tests/guest/threads/build.mk - the threads/futex/signals guest test
# (tests/suites/52-threads): $(BUILD)/guest/threads.{musl,glibc}, built with
# -pthread. Included from tests/guest/build.mk.
THREADS_BINS := $(BUILD)/guest/threads.musl $(BUILD)/guest/threads.glibc

$(BUILD)/guest/threads.musl: tests/guest/threads/threads.c tests/guest/gtest.h | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(Q)musl-gcc -static -pthread $(GUEST_CFLAGS) -o $@ $<

$(BUILD)/guest/threads.glibc: tests/guest/threads/threads.c tests/guest/gtest.h | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(Q)$(HOST_CC) -static -pthread $(GUEST_CFLAGS) -o $@ $<

ALL_TARGETS += $(THREADS_BINS)
