#!/usr/bin/env bash
# deps.sh - install every Debian package monos needs to build, run and test.
# Idempotent and quiet when everything is present; called by `make` (once,
# through a stamp) and by README's first command. Needs root or sudo to
# install; prints what is missing otherwise.
set -euo pipefail

PKGS=(
	build-essential
	clang
	libclang-rt-14-dev
	qemu-system-x86
	qemu-utils
	musl-tools
	busybox-static
	python3
	file
	time # /usr/bin/time -v: mkfs memory test (tests/suites/30-mkfs)
	dpkg-dev # apt-get source / dpkg-source: lwIP's Debian source (scripts/lwip.sh)
	debian-archive-keyring # verifies the deb-src index scripts/lwip.sh fetches
	sqlite3 # tests/suites/62-dynamic: Debian dynamic programs run unmodified
	perl # tests/suites/62-dynamic (List::Util from perl-base)
	libsqlite3-dev # libsqlite3.a: tests/guest/write/sqlt (57-tfs-write)
	golang-go # Go 1.19: tests/guest/go programs (tests/suites/58-go)
)

missing=()
for p in "${PKGS[@]%%#*}"; do
	p=${p// /}
	[ -n "$p" ] || continue
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing+=("$p")
	fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "deps: installing ${missing[*]}" >&2
SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
if ! $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null; then
	$SUDO apt-get update -qq
	$SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi
