# examples/build.mk - bundled demo programs and `make run`, which builds
# examples/hello/hello.c (musl-gcc -static) and runs it through the runner:
#   make run                      monos run $(BUILD)/examples/hello
#   make run RUN_ARGS='-v'        extra monos options (before the program)
EXAMPLES := $(BUILD)/examples/hello

$(BUILD)/examples/%: examples/%/*.c | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(Q)musl-gcc -static -O2 -Wall -Wextra -Werror -o $@ $^

ALL_TARGETS += $(EXAMPLES)

run: $(BUILD)/bin/monos $(BUILD)/bin/mkfs $(BUILD)/kernel/kernel.elf $(BUILD)/examples/hello
	$(BUILD)/bin/monos run $(RUN_ARGS) $(BUILD)/examples/hello world
