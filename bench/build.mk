# bench/build.mk - the side-by-side benchmarks (monos vs a Linux guest vs
# the host; issue 8). Not part of `make` or `make test`: `make bench` runs
# bench/deps.sh (the Linux kernel package, bench only), builds the programs
# and runs bench/run (ROUNDS=N, BENCH_ARGS="--accel tcg ..." pass through),
# which writes bench/RESULTS.md; `make bench-net` runs the network rows
# (bench/net). Outputs, none of them in ALL_TARGETS:
#   $(BUILD)/bench/NAME.musl    bench/programs/NAME.c, musl-gcc -static
#   $(BUILD)/bench/NAME.glibc   the same with gcc -static
#   $(BUILD)/bench/debugexit    bench/tools/debugexit.c (Linux guest's /init)
#   $(BUILD)/bench/qemu-empty.elf  bench/tools/qemu-empty.S (bench/boot-breakdown)
BENCH_PROGS := hello getppid clock pagefault pipe thread futex files_seq files_small idle
BENCH_CFLAGS := -std=gnu11 -O2 -Wall -Wextra -Werror -D_GNU_SOURCE
BENCH_BINS := $(foreach p,$(BENCH_PROGS),$(BUILD)/bench/$(p).musl $(BUILD)/bench/$(p).glibc) \
	$(BUILD)/bench/debugexit

$(BUILD)/bench/%.musl: bench/programs/%.c bench/programs/bench.h | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(Q)musl-gcc -static $(BENCH_CFLAGS) -o $@ $< -lpthread

$(BUILD)/bench/%.glibc: bench/programs/%.c bench/programs/bench.h | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(Q)$(HOST_CC) -static $(BENCH_CFLAGS) -o $@ $< -lpthread

$(BUILD)/bench/debugexit: bench/tools/debugexit.c | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(Q)musl-gcc -static $(BENCH_CFLAGS) -o $@ $<

.PHONY: bench bench-programs bench-net
bench-programs: $(BENCH_BINS)

# network rows (bench/net, its own target: ~10 min under TCG with ROUNDS=3):
# the tests/guest/servers programs on monos, the Linux guest and natively,
# loaded from the host over 127.0.0.1; writes bench/RESULTS-net.md and
# bench/net.json and refreshes RESULTS.md's network rows
bench-net: all bench-programs
	$(Q)bench/deps.sh
	$(Q)ROUNDS=$${ROUNDS:-3} bench/net $(BENCH_ARGS)

bench: all bench-programs
	$(Q)bench/deps.sh
	$(Q)ROUNDS=$${ROUNDS:-5} bench/run $(BENCH_ARGS)

# bench/boot-breakdown's floor: the smallest PVH guest (prints hello, exits)
$(BUILD)/bench/qemu-empty.elf: bench/tools/qemu-empty.S bench/tools/qemu-empty.ld
	@mkdir -p $(dir $@)
	$(Q)$(HOST_CC) -m32 -c -o $(BUILD)/bench/qemu-empty.o bench/tools/qemu-empty.S
	$(Q)ld -m elf_i386 -T bench/tools/qemu-empty.ld -o $@ $(BUILD)/bench/qemu-empty.o
bench-programs: $(BUILD)/bench/qemu-empty.elf
