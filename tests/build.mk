# tests/build.mk - host unit test programs (tests/unit/test_*.c).
# Adding a test is one line:
#   UNIT_TESTS += test_foo
# which builds $(BUILD)/tests/test_foo from tests/unit/test_foo.c, linked with
# $(BUILD)/host/lib.a and tools/common/host_alloc.c. A test that needs more
# objects or archives adds them as prerequisites (no recipe), e.g.
#   $(BUILD)/tests/test_tfs: $(BUILD)/host/fs/tfs/tfs_core.o
# (.o/.a prerequisites are linked before lib.a). tests/suites/10-unit runs
# every $(BUILD)/tests/test_* binary.

UNIT_TESTS += test_value
UNIT_TESTS += test_manifest
UNIT_TESTS += test_tfs_codec
UNIT_TESTS += test_tfs

UNIT_HOST_ALLOC := $(BUILD)/host/tools/common/host_alloc.o
UNIT_TEST_BINS = $(addprefix $(BUILD)/tests/,$(UNIT_TESTS))

$(BUILD)/tests/test_%: tests/unit/test_%.c $(BUILD)/host/lib.a $(UNIT_HOST_ALLOC) | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(Q)$(HOST_CC) $(HOST_CFLAGS) -MMD -MP -MF $@.d -o $@ $< \
		$(filter %.o,$^) $(filter-out $(BUILD)/host/lib.a,$(filter %.a,$^)) \
		$(BUILD)/host/lib.a

ALL_TARGETS += $(UNIT_TEST_BINS)

# guest test programs (tests/guest/build.mk; added by the runner helper)
include tests/guest/build.mk
