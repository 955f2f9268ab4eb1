# tests/guest/poll/build.mk - the pipes/eventfd/poll/select/epoll guest
# test (tests/suites/53-poll): $(BUILD)/guest/poll.{musl,glibc}, built with
# -pthread. Included from tests/guest/build.mk.
POLL_BINS := $(BUILD)/guest/poll.musl $(BUILD)/guest/poll.glibc

$(BUILD)/guest/poll.musl: tests/guest/poll/poll.c tests/guest/gtest.h | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(Q)musl-gcc -static -pthread $(GUEST_CFLAGS) -o $@ $<

$(BUILD)/guest/poll.glibc: tests/guest/poll/poll.c tests/guest/gtest.h | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(Q)$(HOST_CC) -static -pthread $(GUEST_CFLAGS) -o $@ $<

ALL_TARGETS += $(POLL_BINS)
