# arch/x86_64/vdso/build.mk - the vDSO (included by kernel/build.mk before
# it collects the kernel sources). user/vdso.c is user-mode code: it is kept
# out of the kernel's sources (KERNEL_SRCS_EXCLUDE) and linked here, with
# user/vdso.lds, into $(BUILD)/vdso/vdso.so (linux-vdso.so.1: -fPIC -shared
# -nostdlib, DT_HASH + DT_GNU_HASH, versions LINUX_2.6, no relocations;
# check-vdso.sh refuses anything else). image.S (a kernel source) embeds
# that file with .incbin; vdso.c is the kernel side.
VDSO_DIR := arch/x86_64/vdso
VDSO_OUT := $(BUILD)/vdso
KERNEL_SRCS_EXCLUDE += $(VDSO_DIR)/user/%

VDSO_CFLAGS := -std=gnu11 -O2 -g $(WARN) -ffreestanding -nostdlib -nostdinc \
	-isystem $(shell $(KCC) -print-file-name=include) -fPIC -fno-plt \
	-fno-stack-protector -fno-builtin -fcf-protection=none -fasynchronous-unwind-tables \
	-mno-sse -mno-mmx -mno-avx -Iinclude -I.
VDSO_LDFLAGS := -shared -nostdlib -soname=linux-vdso.so.1 --hash-style=both --eh-frame-hdr \
	-z max-page-size=4096 -z noexecstack -z noseparate-code -z now --no-undefined -Bsymbolic \
	--build-id=sha1

$(VDSO_OUT)/vdso.o: $(VDSO_DIR)/user/vdso.c $(VDSO_DIR)/vvar.h include/types.h $(VDSO_DIR)/build.mk \
	| $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(Q)$(KCC) $(VDSO_CFLAGS) -c $< -o $@

# vdso.dbg.so keeps the debug information (for gdb: add-symbol-file)
$(VDSO_OUT)/vdso.dbg.so: $(VDSO_OUT)/vdso.o $(VDSO_DIR)/user/vdso.lds $(VDSO_DIR)/build.mk
	$(Q)ld $(VDSO_LDFLAGS) -T $(VDSO_DIR)/user/vdso.lds -o $@ $<

$(VDSO_OUT)/vdso.so: $(VDSO_OUT)/vdso.dbg.so $(VDSO_DIR)/check-vdso.sh
	$(Q)objcopy --strip-debug $< $@.tmp
	$(Q)$(VDSO_DIR)/check-vdso.sh $@.tmp
	$(Q)mv $@.tmp $@

$(BUILD)/kernel/$(VDSO_DIR)/image.o: $(VDSO_OUT)/vdso.so
$(BUILD)/kernel/$(VDSO_DIR)/image.o: KERNEL_CFLAGS += -DVDSO_SO_PATH='"$(VDSO_OUT)/vdso.so"'
