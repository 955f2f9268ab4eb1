# tests/guest/fs/build.mk - the kernel I/O helper's guest programs (fswalk:
# walks a tree, prints sizes, sha256s, links; fsspecial: /dev, /proc/self,
# fd and cwd semantics under monos), built static with musl-gcc
# and gcc; used by tests/suites/55-kernel-fs. Included by
# tests/guest/build.mk.
FS_GUEST_BINS := $(foreach p,fswalk fsspecial,$(BUILD)/guest/fs/$(p).musl $(BUILD)/guest/fs/$(p).glibc)

$(BUILD)/guest/fs/%.musl: tests/guest/fs/%.c tests/guest/gtest.h | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(Q)musl-gcc -static $(GUEST_CFLAGS) -o $@ $<

$(BUILD)/guest/fs/%.glibc: tests/guest/fs/%.c tests/guest/gtest.h | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(Q)$(HOST_CC) -static $(GUEST_CFLAGS) -o $@ $<

ALL_TARGETS += $(FS_GUEST_BINS)
