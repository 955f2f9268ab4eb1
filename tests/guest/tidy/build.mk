# tests/guest/tidy/build.mk - guest programs of the tidy helper's suites:
# resolv (/etc/resolv.conf served by the kernel; tests/suites/74-resolv),
# sigbus (file mappings past EOF; tests/suites/59-sigbus). Built static
# with musl-gcc and gcc by tests/guest/build.mk's pattern rules
# ($(BUILD)/guest/tidy/NAME.musl from tests/guest/tidy/NAME.c).
TIDY_GUEST_PROGS := resolv sigbus
ALL_TARGETS += $(foreach p,$(TIDY_GUEST_PROGS),$(BUILD)/guest/tidy/$(p).musl \
	$(BUILD)/guest/tidy/$(p).glibc)
