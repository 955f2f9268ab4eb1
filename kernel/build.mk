# kernel/build.mk - the kernel ELF: every .c/.S under arch/x86_64, kernel,
# sys, drivers and fs (wildcards, so new files are picked up), linked with
# arch/x86_64/kernel.ld and the freestanding lib ($(BUILD)/kernel/lib.a).
# Two links: the second embeds a symbol table (.ksyms) for backtraces,
# built from the first link's text symbols; text addresses do not move
# because .ksyms sits at the end of .rodata. Also $(BUILD)/kernel/kernel.sym
# (nm -n) for humans.
KERNEL_DIRS := arch/x86_64 kernel sys drivers fs net
# sub-builds with their own rules (the vDSO's user-mode code is not kernel code)
include arch/x86_64/vdso/build.mk
KERNEL_SRCS := $(filter-out $(KERNEL_SRCS_EXCLUDE),$(sort $(foreach d,$(KERNEL_DIRS),$(shell find $(d) -name '*.c' -o -name '*.S' 2>/dev/null))))
KERNEL_OBJS := $(patsubst %.S,$(BUILD)/kernel/%.o,$(patsubst %.c,$(BUILD)/kernel/%.o,$(KERNEL_SRCS)))
KERNEL_LDS := arch/x86_64/kernel.ld
KERNEL_LDFLAGS := -nostdlib -static -z max-page-size=4096 -z noexecstack --fatal-warnings \
	--gc-sections -T $(KERNEL_LDS)
KERNEL_KEEP := --undefined=pvh_entry

$(BUILD)/kernel/kernel.pass1.elf: $(KERNEL_OBJS) $(BUILD)/kernel/lib.a $(KERNEL_LDS) $(BUILD)/kernel/ksyms-empty.o
	$(Q)ld $(KERNEL_LDFLAGS) $(KERNEL_KEEP) -o $@ $(KERNEL_OBJS) $(BUILD)/kernel/ksyms-empty.o $(BUILD)/kernel/lib.a

$(BUILD)/kernel/ksyms-empty.o: kernel/gen-ksyms.sh
	@mkdir -p $(dir $@)
	$(Q)printf '\t.section .ksyms, "a"\n\t.quad 0\n' | $(KCC) -c -x assembler - -o $@

$(BUILD)/kernel/ksyms.o: $(BUILD)/kernel/kernel.pass1.elf kernel/gen-ksyms.sh
	$(Q)nm -n $< | kernel/gen-ksyms.sh > $(BUILD)/kernel/ksyms.S
	$(Q)$(KCC) -c $(BUILD)/kernel/ksyms.S -o $@

$(BUILD)/kernel/kernel.elf: $(KERNEL_OBJS) $(BUILD)/kernel/lib.a $(KERNEL_LDS) $(BUILD)/kernel/ksyms.o
	$(Q)ld $(KERNEL_LDFLAGS) $(KERNEL_KEEP) -o $@ $(KERNEL_OBJS) $(BUILD)/kernel/ksyms.o $(BUILD)/kernel/lib.a
	$(Q)nm -n $@ > $(BUILD)/kernel/kernel.sym

ALL_TARGETS += $(BUILD)/kernel/kernel.elf

# lib/format.c's host unit test
UNIT_TESTS += test_format
