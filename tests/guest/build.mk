# tests/guest/build.mk - guest test programs (static Linux ELF programs run
# under monos by tests/suites/60-guest, and natively as a check of their
# assertions). Each tests/guest/NAME.c in GUEST_PROGS is built twice:
#   $(BUILD)/guest/NAME.musl    musl-gcc -static
#   $(BUILD)/guest/NAME.glibc   gcc -static
# and those in GUEST_PIE also as $(BUILD)/guest/NAME.pie (gcc -static-pie).
# $(BUILD)/guest/data/ is the data tree the file tests read: tests/guest/data
# plus a generated 100,000-byte pattern.bin and an empty directory (git
# keeps neither). Included from tests/build.mk.
GUEST_PROGS := hello exit segv files fd mem misc
GUEST_PIE := misc hello

GUEST_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -Wno-unused-parameter -D_GNU_SOURCE
GUEST_BINS := $(foreach p,$(GUEST_PROGS),$(BUILD)/guest/$(p).musl $(BUILD)/guest/$(p).glibc) \
	$(foreach p,$(GUEST_PIE),$(BUILD)/guest/$(p).pie)
GUEST_DATA_STAMP := $(BUILD)/guest/data.stamp

$(BUILD)/guest/%.musl: tests/guest/%.c tests/guest/gtest.h | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(Q)musl-gcc -static $(GUEST_CFLAGS) -o $@ $<

$(BUILD)/guest/%.glibc: tests/guest/%.c tests/guest/gtest.h | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(Q)$(HOST_CC) -static $(GUEST_CFLAGS) -o $@ $<

$(BUILD)/guest/%.pie: tests/guest/%.c tests/guest/gtest.h | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(Q)$(HOST_CC) -static-pie -fPIE $(GUEST_CFLAGS) -o $@ $<

$(GUEST_DATA_STAMP): $(shell find tests/guest/data 2>/dev/null) tests/guest/build.mk
	$(Q)rm -rf $(BUILD)/guest/data && mkdir -p $(BUILD)/guest
	$(Q)cp -a tests/guest/data $(BUILD)/guest/data
	$(Q)mkdir -p $(BUILD)/guest/data/emptydir
	$(Q)python3 -c 'import sys; sys.stdout.buffer.write(bytes((i * 7 + (i >> 8)) & 255 \
		for i in range(100000)))' > $(BUILD)/guest/data/pattern.bin
	$(Q)touch $@

ALL_TARGETS += $(GUEST_BINS) $(GUEST_DATA_STAMP)

# programs of the kernel helpers' own guest test folders (tests/guest/*/build.mk)
include $(wildcard tests/guest/*/build.mk)
