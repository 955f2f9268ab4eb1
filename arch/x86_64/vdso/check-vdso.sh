#!/bin/sh
# check-vdso.sh FILE - refuse a vDSO that would not load like Linux's
# (arch layer build check, run by arch/x86_64/vdso/build.mk on every link):
# a shared object with one r-x PT_LOAD at offset 0 / address 0, a
# PT_DYNAMIC, no relocations at all, DT_HASH, DT_GNU_HASH, DT_VERSYM,
# DT_VERDEF, soname linux-vdso.so.1, and the ten exported functions
# defined with version LINUX_2.6 (glibc, musl and Go look them up so).
set -eu
f=$1
fail() { echo "check-vdso: $f: $*" >&2; exit 1; }

readelf -hW "$f" | grep -q 'Type:[[:space:]]*DYN' || fail "not a shared object (ET_DYN)"
readelf -rW "$f" | grep -q 'There are no relocations' || fail "has relocations: $(readelf -rW "$f" | head -5)"
loads=$(readelf -lW "$f" | grep -c '^ *LOAD' || true)
[ "$loads" = 1 ] || fail "$loads PT_LOAD segments, want 1"
readelf -lW "$f" | grep '^ *LOAD' | grep -Eq '0x0+ 0x0+ 0x0+ .* R E ' ||
	fail "the PT_LOAD is not r-x at offset 0, address 0: $(readelf -lW "$f" | grep '^ *LOAD')"
readelf -lW "$f" | grep -q '^ *DYNAMIC' || fail "no PT_DYNAMIC"
dyn=$(readelf -dW "$f")
for tag in HASH GNU_HASH STRTAB SYMTAB VERSYM VERDEF SONAME; do
	echo "$dyn" | grep -q "($tag)" || fail "no DT_$tag"
done
echo "$dyn" | grep -q 'Library soname: \[linux-vdso.so.1\]' || fail "soname is not linux-vdso.so.1"
echo "$dyn" | grep -Eq '\((TEXTREL|NEEDED|RELA|REL|JMPREL|INIT|FINI)\)' && fail "unexpected dynamic tags"
syms=$(readelf --dyn-syms -W "$f")
for s in clock_gettime gettimeofday time getcpu clock_getres; do
	for n in "$s" "__vdso_$s"; do
		echo "$syms" | grep -Eq " FUNC +(GLOBAL|WEAK) +DEFAULT +[0-9]+ $n@@LINUX_2.6\$" ||
			fail "$n@@LINUX_2.6 is not exported"
	done
done
echo "$syms" | grep -Eq ' UND [^ ]' && fail "undefined symbols: $(echo "$syms" | grep ' UND [^ ]')"
exit 0
