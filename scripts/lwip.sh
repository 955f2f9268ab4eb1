#!/usr/bin/env bash
# scripts/lwip.sh - fetch lwIP (the kernel's TCP/IP stack) as Debian's
# source package and unpack it into $BUILD/third_party/lwip-$LWIP_VERSION.
# Nothing of lwIP is committed: the kernel build (net/build.mk) runs this
# when the tree is missing. Only the archive the machine already uses is
# reached (deb.debian.org, bookworm main, through a private sources list
# with a deb-src entry; the system's apt state is not touched). The
# version is pinned: a different .dsc version is an error.
# Usage: scripts/lwip.sh [BUILD]     (needs apt-get source / dpkg-source:
# dpkg-dev, installed by scripts/deps.sh)
set -euo pipefail

LWIP_VERSION=2.1.3+dfsg1-2
LWIP_UPSTREAM=${LWIP_VERSION%-*}
ARCHIVE=http://deb.debian.org/debian
SUITE=bookworm
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg

build=${1:-${BUILD:-build}}
dest=$build/third_party/lwip-$LWIP_VERSION
[ -f "$dest/.monos-ok" ] && exit 0

for tool in apt-get dpkg-source; do
	command -v $tool >/dev/null || {
		echo "lwip.sh: $tool missing (run scripts/deps.sh: dpkg-dev)" >&2
		exit 1
	}
done
[ -r "$KEYRING" ] || { echo "lwip.sh: $KEYRING missing (debian-archive-keyring)" >&2; exit 1; }

mkdir -p "$build/third_party"
tmp=$(mktemp -d "$build/third_party/.lwip-fetch.XXXXXX")
tmp=$(cd "$tmp" && pwd)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/lists/partial" "$tmp/cache/archives/partial" "$tmp/src"
echo "deb-src [signed-by=$KEYRING] $ARCHIVE $SUITE main" >"$tmp/sources.list"
# the _apt sandbox user must be able to write the private dirs
chmod -R a+rwX "$tmp" 2>/dev/null || true
APT=(apt-get -q
	-o "Dir::Etc::SourceList=$tmp/sources.list"
	-o "Dir::Etc::SourceParts=/dev/null"
	-o "Dir::State::Lists=$tmp/lists"
	-o "Dir::Cache=$tmp/cache"
	-o "APT::Sandbox::User=root")

echo "lwip.sh: fetching lwip $LWIP_VERSION source from $ARCHIVE $SUITE" >&2
"${APT[@]}" update >"$tmp/update.log" 2>&1 || {
	cat "$tmp/update.log" >&2
	echo "lwip.sh: apt-get update of the private deb-src list failed" >&2
	exit 1
}
(cd "$tmp/src" && "${APT[@]}" source --download-only "lwip=$LWIP_VERSION") >"$tmp/source.log" 2>&1 || {
	cat "$tmp/source.log" >&2
	echo "lwip.sh: apt-get source lwip=$LWIP_VERSION failed (is the pinned version still in $SUITE?)" >&2
	exit 1
}
dsc=$(ls "$tmp"/src/lwip_*.dsc 2>/dev/null | head -1)
[ -n "$dsc" ] || { echo "lwip.sh: no .dsc downloaded" >&2; exit 1; }
got=$(sed -n 's/^Version: *//p' "$dsc")
if [ "$got" != "$LWIP_VERSION" ]; then
	echo "lwip.sh: downloaded lwip $got, monos is pinned to $LWIP_VERSION" >&2
	exit 1
fi
# apt-get checked every file against the signed Release/Sources indexes;
# dpkg-source checks the tarballs against the .dsc again (the uploader's
# own signature cannot be checked without debian-keyring: a warning only)
rm -rf "$dest"
dpkg-source -q -x "$dsc" "$tmp/unpacked" >/dev/null 2>"$tmp/x.log" || {
	cat "$tmp/x.log" >&2
	echo "lwip.sh: dpkg-source -x failed" >&2
	exit 1
}
for f in src/core/tcp.c src/include/lwip/init.h src/core/ipv4/dhcp.c src/core/ipv6/nd6.c; do
	[ -f "$tmp/unpacked/$f" ] || { echo "lwip.sh: unpacked tree lacks $f" >&2; exit 1; }
done
ver=$(sed -n 's/^#define LWIP_VERSION_STRING_SUFFIX.*//;s/^#define LWIP_VERSION_MAJOR *\([0-9]*\).*/\1/p;s/^#define LWIP_VERSION_MINOR *\([0-9]*\).*/\1/p;s/^#define LWIP_VERSION_REVISION *\([0-9]*\).*/\1/p' \
	"$tmp/unpacked/src/include/lwip/init.h" | tr '\n' . | sed 's/\.$//')
case $LWIP_UPSTREAM in
"$ver"+*) ;;
*)
	echo "lwip.sh: lwip/init.h says $ver, expected $LWIP_UPSTREAM" >&2
	exit 1
	;;
esac
echo "$LWIP_VERSION" >"$tmp/unpacked/.monos-ok"
mv "$tmp/unpacked" "$dest"
echo "lwip.sh: lwip $LWIP_VERSION in $dest" >&2
