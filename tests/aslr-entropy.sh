#!/usr/bin/env bash
# aslr-entropy.sh - measures ASLR under monos (issue 4 item 4): boots a small
# dynamic PIE program N times (default 20) and, for each region - stack,
# brk heap, first anonymous mmap, PIE base, interpreter (ld.so) base, vDSO -
# prints how many distinct values the boots gave and which address bits
# varied (their count and their range). With -n it measures the host's
# Linux the same way, natively, for comparison. noaslr:t (-t '(noaslr:t)'
# as extra arguments) must give 1 distinct value everywhere.
# Usage: BUILD=build tests/aslr-entropy.sh [-n] [COUNT] [monos options...]
# Host tool, not a suite: it takes ~1 s per boot under TCG. Output is a
# table (docs/kernel.md quotes one).
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
ROOT=$PWD
M=$ROOT/$BUILD/bin/monos
native=0
if [ "${1:-}" = "-n" ]; then native=1; shift; fi
N=${1:-20}
[ $# -gt 0 ] && shift
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export XDG_CACHE_HOME=${MONOS_TEST_CACHE:-$ROOT/$BUILD/monos-cache}

cat >"$T/aslr.c" <<'EOC'
#include <elf.h>
#include <stdio.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>
int main(void)
{
	int local;
	void *m = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	unsigned long phdr = getauxval(AT_PHDR), base = phdr;
	const Elf64_Phdr *ph = (const Elf64_Phdr *)phdr;

	for (unsigned long i = 0; i < getauxval(AT_PHNUM); i++) /* PT_PHDR: the load bias */
		if (ph[i].p_type == PT_PHDR)
			base = phdr - ph[i].p_vaddr;
	printf("stack %#lx\nbrk %#lx\nmmap %#lx\npie %#lx\ninterp %#lx\nvdso %#lx\n",
	       (unsigned long)&local, (unsigned long)syscall(SYS_brk, 0), (unsigned long)m, base,
	       getauxval(AT_BASE), getauxval(AT_SYSINFO_EHDR));
	return 0;
}
EOC
if ! gcc -O1 -pie -fPIE -o "$T/aslr" "$T/aslr.c"; then
	echo "aslr-entropy: gcc failed" >&2
	exit 1
fi
if [ $native -eq 0 ] && [ ! -x "$M" ]; then
	echo "aslr-entropy: $M not built (make BUILD=$BUILD)" >&2
	exit 1
fi

for i in $(seq 1 "$N"); do
	if [ $native -eq 1 ]; then
		"$T/aslr" >"$T/run.$i"
	else
		timeout 120 "$M" run --timeout 60 "$@" "$T/aslr" </dev/null >"$T/run.$i" 2>"$T/err"
	fi
	rc=$?
	if [ $rc -ne 0 ] || [ "$(grep -c . "$T/run.$i")" -ne 6 ]; then
		echo "aslr-entropy: boot $i failed (exit $rc): $(tail -c 300 "$T/err")" >&2
		exit 1
	fi
done

python3 - "$T" "$N" "$([ $native -eq 1 ] && echo "Linux $(uname -r), natively" || echo "monos $*")" <<'EOF'
import sys
t, n, what = sys.argv[1], int(sys.argv[2]), sys.argv[3]
vals = {}
for i in range(1, n + 1):
    for line in open(f"{t}/run.{i}"):
        k, v = line.split()
        vals.setdefault(k, []).append(int(v, 16))
print(f"ASLR over {n} boots ({what})")
print(f"{'region':8} {'distinct':>8} {'bits':>5}  {'varying bits':14} example")
for k in ["stack", "brk", "mmap", "pie", "interp", "vdso"]:
    v = vals[k]
    var = 0
    for x in v:
        var |= x ^ v[0]
    bits = bin(var).count("1")
    rng = f"{var.bit_length() - 1}..{(var & -var).bit_length() - 1}" if var else "-"
    print(f"{k:8} {len(set(v)):>8} {bits:>5}  {rng:14} {v[0]:#x}")
EOF
