#!/usr/bin/env bash
# check-style.sh - the project's style rules that a machine can check
# (DESIGN §3), run by `make check-style` and by tests/suites/90-style:
#   - every .c/.h/.S file starts with a header comment (what, layer, callers)
#   - no file over 1000 lines (aim for ~800; split along seams)
#   - no trailing whitespace, no CRLF in sources
# Prints one ok/FAIL line per rule.
set -u
cd "$(dirname "$0")/.."
files=$(git ls-files '*.c' '*.h' '*.S' | grep -v '^tests/data/')
rc=0

bad=$(for f in $files; do
	head -3 "$f" | grep -q '^\s*\(/\*\|//\)' || echo "$f"
done)
if [ -n "$bad" ]; then echo "FAIL style-header-comment: no header comment in: $(echo $bad)"; rc=1;
else echo "ok style-header-comment"; fi

bad=$(for f in $files; do
	n=$(wc -l < "$f"); [ "$n" -gt 1000 ] && echo "$f($n)"
done)
if [ -n "$bad" ]; then echo "FAIL style-file-length: over 1000 lines: $(echo $bad)"; rc=1;
else echo "ok style-file-length"; fi

bad=$(grep -lE '[[:space:]]$' $files 2>/dev/null)
if [ -n "$bad" ]; then echo "FAIL style-trailing-space: $(echo $bad)"; rc=1;
else echo "ok style-trailing-space"; fi
exit $rc
