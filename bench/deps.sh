#!/usr/bin/env bash
# bench/deps.sh - installs the Debian packages only the benchmarks need
# (kept out of scripts/deps.sh so `make test` and CI stay lean): Debian's
# linux-image-amd64, the Linux guest's kernel (/boot/vmlinuz-*, modules in
# /lib/modules). busybox-static and musl-tools come from scripts/deps.sh.
# The initramfs-tools hook is skipped (INITRD=No): the guest's initramfs is
# written by bench/linuxguest.py, Debian's own would cost minutes to build.
# Idempotent; called by `make bench`. Needs root or sudo to install.
set -euo pipefail

PKGS=(
	linux-image-amd64
	e2fsprogs # mkfs.ext4: the Linux guest's disk for the file benchmarks
)

missing=()
for p in "${PKGS[@]%%#*}"; do
	p=${p// /}
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing+=("$p")
	fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "bench/deps: installing ${missing[*]}" >&2
SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive INITRD=No
if ! $SUDO env INITRD=No apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; then
	$SUDO apt-get update -qq
	$SUDO env INITRD=No apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
