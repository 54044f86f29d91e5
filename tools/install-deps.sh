#!/bin/sh
# Install the Debian 12 packages monolith needs to build, run and test,
# if any is missing (called by `make`, `make run`, `make test`).
set -eu
# clang: the lock check (tests/lint: clang++ -Wthread-safety) and the fuzz
# targets (tests/fuzz): libFuzzer is libclang-rt-dev, which clang only
# Recommends; zlib1g-dev: the reference fuzz_inflate compares with.
# musl-tools, gcc: the user-space test programs (user/); busybox-static: the
# first real Linux binary the tests run
PKGS="g++ clang libclang-rt-dev zlib1g-dev make cmake python3 binutils libgtest-dev gdb musl-tools busybox-static \
qemu-system-x86 grub-common grub-pc-bin grub-efi-amd64-bin xorriso mtools ovmf"

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

echo "monolith: installing missing Debian packages:$missing"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
	if command -v sudo >/dev/null 2>&1; then
		SUDO=sudo
	else
		echo "monolith: not root and no sudo; install these packages first:$missing" >&2
		exit 1
	fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing
