# boot/build.mk - the BIOS boot loader (docs/boot.md):
#   $(BUILD)/boot/boot.img   stage1 (MBR sector) + stage2 padded to sectors;
#                            mkfs -b puts it at LBA 0.. of an image
#   $(BUILD)/boot32/lib.a    lib/ built a third time, 32-bit freestanding,
#                            for stage2's TFS reader and image_parse_mbr
#   $(BUILD)/boot/test/      test kernels and mkbootfs for tests/suites/40-boot-bios
# stage2 carries its own 64-bit division helpers (boot/stage2/libgcc.c), so
# no 32-bit libgcc (gcc-multilib) is needed.

BOOT32_CFLAGS := -std=gnu11 -Os -g $(WARN) -m32 -march=i686 -ffreestanding -nostdlib \
	-nostdinc -isystem $(shell $(KCC) -print-file-name=include) \
	-fno-pic -fno-pie -mno-sse -mno-sse2 -mno-mmx -mno-avx -mno-red-zone \
	-fno-stack-protector -fno-strict-aliasing -fno-asynchronous-unwind-tables \
	--param=min-pagesize=0 \
	-ffunction-sections -fdata-sections -DMONOS_BOOT32 -Iinclude -I.

# (own list: lib/build.mk is included after this file)
BOOT32_LIB_SRCS := $(sort $(wildcard lib/*.c))
BOOT32_LIB_OBJS := $(BOOT32_LIB_SRCS:%.c=$(BUILD)/boot32/%.o)
STAGE2_C_SRCS := $(sort $(wildcard boot/stage2/*.c))
STAGE2_OBJS := $(BUILD)/boot32/boot/stage1.o $(BUILD)/boot32/boot/stage2/entry.o \
	$(STAGE2_C_SRCS:%.c=$(BUILD)/boot32/%.o)

$(BUILD)/boot32/%.o: %.c | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(Q)$(KCC) $(BOOT32_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/boot32/%.o: %.S | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(Q)$(KCC) $(BOOT32_CFLAGS) -D__ASSEMBLY__ -MMD -MP -c $< -o $@

$(BUILD)/boot32/lib.a: $(BOOT32_LIB_OBJS)
	$(Q)rm -f $@ && ar rcs $@ $^

$(BUILD)/boot/stage2.elf: $(STAGE2_OBJS) $(BUILD)/boot32/lib.a boot/boot.ld
	@mkdir -p $(dir $@)
	$(Q)ld -m elf_i386 -nostdlib -static --gc-sections --no-warn-rwx-segments -T boot/boot.ld -o $@ \
		$(STAGE2_OBJS) $(BUILD)/boot32/lib.a

$(BUILD)/boot/boot.img: $(BUILD)/boot/stage2.elf
	$(Q)objcopy -O binary $< $@.tmp && truncate -s %512 $@.tmp && mv $@.tmp $@

ALL_TARGETS += $(BUILD)/boot/boot.img

# ---- test kernels for tests/suites/40-boot-bios (boot/test/) ----
BOOT_TEST := $(BUILD)/boot/test
BOOT_TEST_KERNELS := $(BOOT_TEST)/pvh_test.elf $(BOOT_TEST)/pvh_test_big.elf \
	$(BOOT_TEST)/pvh_test_nonote.elf
BOOT_TEST_ASFLAGS := -D__ASSEMBLY__ -Iinclude -I.

$(BOOT_TEST)/blob.bin: boot/test/gen_blob.py
	@mkdir -p $(dir $@)
	$(Q)python3 $< $@ 4194304

$(BOOT_TEST)/pvh_test.o: boot/test/pvh_test.S
	@mkdir -p $(dir $@)
	$(Q)$(KCC) $(BOOT_TEST_ASFLAGS) -c $< -o $@

$(BOOT_TEST)/pvh_test_big.o: boot/test/pvh_test.S $(BOOT_TEST)/blob.bin
	@mkdir -p $(dir $@)
	$(Q)$(KCC) $(BOOT_TEST_ASFLAGS) -DPVH_TEST_BLOB='"$(BOOT_TEST)/blob.bin"' -c $< -o $@

$(BOOT_TEST)/pvh_test_nonote.o: boot/test/pvh_test.S
	@mkdir -p $(dir $@)
	$(Q)$(KCC) $(BOOT_TEST_ASFLAGS) -DPVH_TEST_NO_NOTE -c $< -o $@

$(BOOT_TEST)/%.elf: $(BOOT_TEST)/%.o boot/test/pvh_test.ld
	$(Q)ld -m elf_x86_64 -nostdlib -static -z max-page-size=4096 -T boot/test/pvh_test.ld \
		-o $@ $<

ALL_TARGETS += $(BOOT_TEST_KERNELS)

# host helper: a bootfs with /kernel in many extents (boot/test/mkbootfs.c)
$(BUILD)/boot/test/mkbootfs: boot/test/mkbootfs.c $(BUILD)/host/lib.a \
		$(BUILD)/host/tools/common/host_alloc.o | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(Q)$(HOST_CC) $(HOST_CFLAGS) -o $@ $^

ALL_TARGETS += $(BUILD)/boot/test/mkbootfs
