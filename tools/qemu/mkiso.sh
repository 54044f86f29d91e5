#!/bin/sh
# Build a GRUB rescue ISO that boots the kernel through multiboot2 on both
# SeaBIOS and UEFI firmware (grub-mkrescue puts both GRUB flavours on it).
#   mkiso.sh <vmlinux> <out.iso> [kernel command line]
set -eu
VMLINUX=$1 ISO=$2 CMDLINE=${3:-console=ttyS0}
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
mkdir -p "$d/iso/boot/grub"
# GRUB loads only the PT_LOAD segments; debug sections only slow the ISO down
objcopy --strip-debug "$VMLINUX" "$d/iso/boot/vmlinux"
cat > "$d/iso/boot/grub/grub.cfg" <<CFG
set timeout=0
set default=0
serial --unit=0 --speed=115200
terminal_input serial console
terminal_output serial console
# multiboot2 asks for text mode, which UEFI lacks: keep the firmware mode
set gfxpayload=keep
menuentry "monolith" {
	multiboot2 /boot/vmlinux $CMDLINE
	boot
}
CFG
# the log lives outside the tree being packed (xorriso refuses files that change)
grub-mkrescue -o "$ISO" "$d/iso" >/dev/null 2>"$d/mkrescue.log" || { cat "$d/mkrescue.log" >&2; exit 1; }
