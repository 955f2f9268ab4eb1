# monos top-level Makefile (non-recursive). Every folder adds its pieces in
# its own build.mk; this file holds the toolchains and the top targets.
#   make            build everything into $(BUILD)/
#   make test       run every test suite (tests/run), ends "N passed, N failed"
#   make test-big   the slow variants (mkfs with a 1 GiB file)
#   make fuzz       run the fuzzers longer (FUZZ_SECONDS, default 60 each)
#   make run        run the bundled demo through the runner
#   make clean      remove $(BUILD)/
# BUILD can be overridden (helpers working in parallel use their own).

BUILD ?= build
export BUILD
V ?= 0
Q := $(if $(filter 1,$(V)),,@)
EMPTY :=
SPACE := $(EMPTY) $(EMPTY)

HOST_CC ?= gcc
KCC ?= gcc
CLANG ?= clang

WARN := -Wall -Wextra -Werror -Wno-unused-parameter -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wno-missing-field-initializers
HOST_CFLAGS := -std=gnu11 -O2 -g $(WARN) -D_GNU_SOURCE -D_FILE_OFFSET_BITS=64 \
	-Iinclude -I.
KERNEL_CFLAGS := -std=gnu11 -O2 -g $(WARN) -ffreestanding -nostdlib -nostdinc \
	-isystem $(shell $(KCC) -print-file-name=include) \
	-fno-pic -fno-pie -mcmodel=kernel -mno-red-zone -mno-sse -mno-sse2 -mno-mmx \
	-mno-avx -fstack-protector-strong -mstack-protector-guard=global -fno-omit-frame-pointer -fno-strict-aliasing \
	-fno-asynchronous-unwind-tables -ffunction-sections -fdata-sections \
	-DMONOS_KERNEL -Iinclude -I.

.PHONY: all test test-big fuzz clean run deps check-style format
all:

# ---- dependencies: installed by scripts/deps.sh, checked once per build ----
DEPS_STAMP := $(BUILD)/.deps-ok
$(DEPS_STAMP): scripts/deps.sh
	$(Q)mkdir -p $(BUILD)
	$(Q)scripts/deps.sh
	$(Q)touch $@
deps:
	$(Q)scripts/deps.sh

# ---- generic compile rules ----
$(BUILD)/host/%.o: %.c | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(Q)$(HOST_CC) $(HOST_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/kernel/%.o: %.c | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(Q)$(KCC) $(KERNEL_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/kernel/%.o: %.S | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(Q)$(KCC) $(KERNEL_CFLAGS) -D__ASSEMBLY__ -MMD -MP -c $< -o $@

# ---- subsystems ----
include $(sort $(wildcard */build.mk))

# ---- top targets ----
all: $(ALL_TARGETS)

test: all
	$(Q)tests/run

# the slow variants: mkfs streaming a 1 GiB file (tests/suites/30-mkfs)
test-big: all
	$(Q)MKFS_BIG_MB=1024 SUITES=30-mkfs tests/run

fuzz: all
	$(Q)FUZZ_SECONDS=$${FUZZ_SECONDS:-60} tests/fuzz/run

check-style:
	$(Q)scripts/check-style.sh

format:
	$(Q)clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
