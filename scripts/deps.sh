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
	lua5.4 # tests/suites/62-dynamic: lua5.4 -e against the host
	xz-utils # tests/suites/62-dynamic: xz round trip of an image file
	gzip # tests/suites/62-dynamic: gzip round trip, gzip -c without the timestamp warning
	tzdata # tests/suites/64-proc: a zone file as /etc/localtime, the host's zone
	libsqlite3-dev # libsqlite3.a: tests/guest/write/sqlt (57-tfs-write)
	golang-go # Go 1.19: tests/guest/go programs (tests/suites/58-go)
	# network servers and their host-side clients (tests/suites/75-servers,
	# make bench-net); only ever used on 127.0.0.1, their services never started
	curl
	wrk
	redis-server # the guest runs Debian's dynamic redis-server
	redis-tools  # redis-benchmark, redis-cli on the host
	nginx-light  # the guest runs Debian's dynamic nginx
	# monos run --net tap (tools/monos/tap.c) and tests/suites/76-tap: ip
	# netns/tuntap, ping from inside the runner's own network namespace
	iproute2
	iputils-ping
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
# redis-server and nginx come with system services: while installing, a
# policy-rc.d that denies every start (Debian's mechanism, honoured by
# invoke-rc.d and deb-systemd-invoke) keeps them from starting and listening;
# an existing policy-rc.d is left as it is
POLICY=/usr/sbin/policy-rc.d
if [ ! -e "$POLICY" ]; then
	printf '#!/bin/sh\n# monos scripts/deps.sh: no service starts during this install\nexit 101\n' |
		$SUDO tee "$POLICY" >/dev/null
	$SUDO chmod 755 "$POLICY"
	trap '$SUDO rm -f "$POLICY"' EXIT
fi
if ! $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null; then
	$SUDO apt-get update -qq
	$SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi
# and they stay off at the next boot too (nginx's default site would listen
# on every address): only when this run installed them, only under systemd
if [ -d /run/systemd/system ]; then
	for p in "${missing[@]}"; do
		case $p in
		redis-server | nginx-light) $SUDO systemctl disable --now "${p%-light}" >/dev/null 2>&1 || true ;;
		esac
	done
fi
