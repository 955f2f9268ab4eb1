#!/bin/sh
# gen-ksyms.sh - turn `nm -n kernel.elf` output (stdin) into an assembler
# file with the kernel's text symbols for backtraces (kernel/build.mk):
# .ksyms = count, then (address, name pointer) pairs sorted by address,
# then the names.
awk '
$2 ~ /^[tTwW]$/ && $1 ~ /^ffffffff8/ { addr[n] = $1; name[n] = $3; n++ }
END {
	print "\t.section .ksyms, \"a\""
	print "\t.balign 8"
	printf "\t.quad %d\n", n
	for (i = 0; i < n; i++) printf "\t.quad 0x%s, .Lks%d\n", addr[i], i
	for (i = 0; i < n; i++) printf ".Lks%d:\t.asciz \"%s\"\n", i, name[i]
}'
