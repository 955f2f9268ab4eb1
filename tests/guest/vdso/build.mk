# tests/guest/vdso/build.mk - the vDSO guest test (tests/suites/63-vdso):
# vdso.c built static with musl and glibc ($(BUILD)/guest/vdso.{musl,glibc})
# and dynamic (glibc PIE $(BUILD)/guest/vdso/vdso.dyn, musl
# $(BUILD)/guest/vdso/vdso.mdyn: their loaders find the vDSO through the
# link map). Included from tests/guest/build.mk.
VDSO_GUEST_BINS := $(BUILD)/guest/vdso.musl $(BUILD)/guest/vdso.glibc \
	$(BUILD)/guest/vdso/vdso.dyn $(BUILD)/guest/vdso/vdso.mdyn

$(BUILD)/guest/vdso.musl: tests/guest/vdso/vdso.c tests/guest/gtest.h | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(Q)musl-gcc -static $(GUEST_CFLAGS) -o $@ $<

$(BUILD)/guest/vdso.glibc: tests/guest/vdso/vdso.c tests/guest/gtest.h | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(Q)$(HOST_CC) -static $(GUEST_CFLAGS) -o $@ $<

$(BUILD)/guest/vdso/vdso.dyn: tests/guest/vdso/vdso.c tests/guest/gtest.h | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(Q)$(HOST_CC) -pie -fPIE $(GUEST_CFLAGS) -o $@ $<

$(BUILD)/guest/vdso/vdso.mdyn: tests/guest/vdso/vdso.c tests/guest/gtest.h | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(Q)musl-gcc $(GUEST_CFLAGS) -o $@ $<

ALL_TARGETS += $(VDSO_GUEST_BINS)
