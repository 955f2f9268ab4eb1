# tests/guest/proc/build.mk - the /proc and /sys guest test (issue 4 item
# 3): proc.c built static with musl-gcc and gcc ($(BUILD)/guest/proc/
# proc.musl, proc.glibc) and dynamic (gcc PIE, proc.dyn, -DGT_DYNAMIC: libc
# and ld.so in /proc/self/maps); used by tests/suites/64-proc. Included
# by tests/guest/build.mk.
PROC_GUEST_BINS := $(BUILD)/guest/proc/proc.musl $(BUILD)/guest/proc/proc.glibc \
	$(BUILD)/guest/proc/proc.dyn

$(BUILD)/guest/proc/proc.musl: tests/guest/proc/proc.c tests/guest/gtest.h | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(Q)musl-gcc -static $(GUEST_CFLAGS) -o $@ $< -lpthread

$(BUILD)/guest/proc/proc.glibc: tests/guest/proc/proc.c tests/guest/gtest.h | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(Q)$(HOST_CC) -static $(GUEST_CFLAGS) -o $@ $< -lpthread

$(BUILD)/guest/proc/proc.dyn: tests/guest/proc/proc.c tests/guest/gtest.h | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(Q)$(HOST_CC) -pie -fPIE -DGT_DYNAMIC $(GUEST_CFLAGS) -o $@ $< -lpthread

ALL_TARGETS += $(PROC_GUEST_BINS)
