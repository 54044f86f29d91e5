#!/bin/sh
# Fetch Debian's Linux 6.1 kernel (the linux-image-amd64 package's current
# image, with apt-get download, not installed) and unpack it under
# $1 (default build/linux): prints the vmlinuz path.  The oracle for every
# user-space test program and the reference for benchmarks: monolith and
# Linux boot in the same QEMU with the same initramfs (DESIGN.md).
set -eu
DEST=${1:-build/linux}
mkdir -p "$DEST"
DEST=$(cd "$DEST" && pwd)
if [ ! -f "$DEST/vmlinuz" ]; then
	PKG=$(apt-cache depends linux-image-amd64 | sed -n 's/^ *Depends: \(linux-image-[0-9].*-amd64\)$/\1/p' | head -1)
	[ -n "$PKG" ] || { echo "linux/fetch.sh: cannot resolve linux-image-amd64 (apt-get update?)" >&2; exit 1; }
	TMP=$(mktemp -d)
	trap 'rm -rf "$TMP"' EXIT
	(cd "$TMP" && apt-get download "$PKG" >/dev/null 2>&1) || {
		echo "linux/fetch.sh: apt-get download $PKG failed" >&2
		exit 1
	}
	dpkg-deb -x "$TMP"/"$PKG"_*.deb "$TMP/root"
	cp "$TMP"/root/boot/vmlinuz-* "$DEST/vmlinuz.tmp"
	cp "$TMP"/root/boot/config-* "$DEST/config"
	echo "$PKG" >"$DEST/version"
	mv "$DEST/vmlinuz.tmp" "$DEST/vmlinuz"
fi
echo "$DEST/vmlinuz"
