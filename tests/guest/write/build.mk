# tests/guest/write/build.mk - the TFS write path's guest programs (fswrite:
# write calls with read-back checks, persistence phases, read-only,
# ENOSPC, crash writer; pcwrite: the page cache's shared mappings, holes,
# memory pressure, timer writeback; sqlt: sqlite3), built static with
# musl-gcc and gcc; used by tests/suites/57-tfs-write. Included by
# tests/guest/build.mk.
WRITE_GUEST_BINS := $(foreach p,fswrite pcwrite,$(BUILD)/guest/write/$(p).musl \
	$(BUILD)/guest/write/$(p).glibc)

$(BUILD)/guest/write/%.musl: tests/guest/write/%.c tests/guest/write/fsutil.h tests/guest/gtest.h | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(Q)musl-gcc -static $(GUEST_CFLAGS) -o $@ $<

$(BUILD)/guest/write/%.glibc: tests/guest/write/%.c tests/guest/write/fsutil.h tests/guest/gtest.h | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(Q)$(HOST_CC) -static $(GUEST_CFLAGS) -o $@ $<

# sqlt: sqlite3 from Debian's libsqlite3.a (glibc only; the dlopen link
# warning of a static glibc program is expected)
$(BUILD)/guest/write/sqlt.glibc: tests/guest/write/sqlt.c tests/guest/gtest.h | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(Q)$(HOST_CC) -static $(GUEST_CFLAGS) -o $@ $< -lsqlite3 -lm -lpthread -ldl 2>/dev/null || \
		$(HOST_CC) -static $(GUEST_CFLAGS) -o $@ $< -lsqlite3 -lm -lpthread -ldl

ALL_TARGETS += $(WRITE_GUEST_BINS) $(BUILD)/guest/write/sqlt.glibc
