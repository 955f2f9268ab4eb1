# lib/: one source list, built twice (DESIGN §2):
#   $(BUILD)/host/lib.a     hosted, for tools and unit tests
#   $(BUILD)/kernel/lib.a   freestanding (-ffreestanding -nostdlib), for the
#                           kernel and stage2. A link check below fails the
#                           build if lib/ calls anything outside lib/alloc.h
#                           and lib/cstring.h.
LIB_SRCS := $(sort $(filter-out lib/kstring.c,$(wildcard lib/*.c)))
LIB_HOST_OBJS := $(LIB_SRCS:%.c=$(BUILD)/host/%.o)
LIB_KERNEL_OBJS := $(LIB_SRCS:%.c=$(BUILD)/kernel/%.o)
LIB_ALLOWED_UNDEF := lib_alloc lib_zalloc lib_realloc lib_free memcpy memmove \
	memset memcmp strlen strnlen strcmp strncmp strchr \
	__stack_chk_guard __stack_chk_fail

$(BUILD)/host/lib.a: $(LIB_HOST_OBJS)
	$(Q)rm -f $@ && ar rcs $@ $^

$(BUILD)/kernel/lib.a: $(LIB_KERNEL_OBJS) $(BUILD)/kernel/lib/kstring.o
	$(Q)rm -f $@ && ar rcs $@ $^
	$(Q)ld -r -o $(BUILD)/kernel/lib-check.o $(LIB_KERNEL_OBJS) && \
	  bad=$$(nm -u $(BUILD)/kernel/lib-check.o | awk '{print $$2}' | \
	    grep -vxE '$(subst $(SPACE),|,$(strip $(LIB_ALLOWED_UNDEF)))' || true); \
	  if [ -n "$$bad" ]; then echo "lib/ uses host-only symbols: $$bad" >&2; exit 1; fi

ALL_TARGETS += $(BUILD)/host/lib.a $(BUILD)/kernel/lib.a
