# tools/build.mk - host tools (mkfs, dump, ...). Every name in TOOLS is built
# as $(BUILD)/bin/<name> from tools/<name>/*.c, tools/common/*.c and the
# hosted lib ($(BUILD)/host/lib.a). Add a tool with one line: TOOLS += name.
TOOLS += mkfs

TOOLS += monos
TOOLS += dump

TOOLS_COMMON_OBJS := $(patsubst %.c,$(BUILD)/host/%.o,$(wildcard tools/common/*.c))

define tool_rule
$(BUILD)/bin/$(1): $(patsubst %.c,$(BUILD)/host/%.o,$(sort $(wildcard tools/$(1)/*.c))) \
		$(TOOLS_COMMON_OBJS) $(BUILD)/host/lib.a
	@mkdir -p $$(dir $$@)
	$(Q)$(HOST_CC) $(HOST_CFLAGS) -o $$@ $$^
ALL_TARGETS += $(BUILD)/bin/$(1)
endef

$(foreach t,$(sort $(TOOLS)),$(eval $(call tool_rule,$(t))))
