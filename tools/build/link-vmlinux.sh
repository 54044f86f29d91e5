#!/bin/sh
# Link the kernel in two passes so that it carries its own symbol table
# (Linux: scripts/link-vmlinux.sh, which needs three; we need two because
# .kallsyms sits after all text, so the table's size cannot move code).
#   link-vmlinux.sh <c++> <python3> <srcdir> <builddir> <objects...>
set -eu
CXX=$1 PY=$2 SRC=$3 OUT=$4
shift 4
LDFLAGS="-nostdlib -static -no-pie -Wl,-T,$SRC/arch/x86_64/kernel.ld -Wl,-z,max-page-size=0x1000 -Wl,--build-id=none -Wl,-z,noexecstack -Wl,--no-warn-rwx-segments"

# pass 1: an empty table
printf '\t.section .kallsyms, "a"\n\t.balign 8\n\t.globl kallsyms_num, kallsyms_offsets, kallsyms_sizes, kallsyms_name_offsets, kallsyms_names\nkallsyms_num: .quad 0\nkallsyms_offsets:\nkallsyms_sizes:\nkallsyms_name_offsets:\nkallsyms_names: .byte 0\n' > "$OUT/kallsyms0.S"
"$CXX" -c "$OUT/kallsyms0.S" -o "$OUT/kallsyms0.o"
"$CXX" $LDFLAGS "$@" "$OUT/kallsyms0.o" -o "$OUT/vmlinux.pass1"

# pass 2: the real table
nm -n -S -C --defined-only "$OUT/vmlinux.pass1" | "$PY" "$SRC/tools/build/kallsyms.py" > "$OUT/kallsyms.S"
"$CXX" -c "$OUT/kallsyms.S" -o "$OUT/kallsyms.o"
"$CXX" $LDFLAGS "$@" "$OUT/kallsyms.o" -o "$OUT/vmlinux.tmp"

# the table is only right if no text symbol moved
nm -n --defined-only "$OUT/vmlinux.pass1" | grep -i ' [tw] ' > "$OUT/syms.pass1"
nm -n --defined-only "$OUT/vmlinux.tmp" | grep -i ' [tw] ' > "$OUT/syms.pass2"
if ! cmp -s "$OUT/syms.pass1" "$OUT/syms.pass2"; then
	echo "link-vmlinux.sh: text symbols moved between the kallsyms passes" >&2
	diff "$OUT/syms.pass1" "$OUT/syms.pass2" | head >&2
	exit 1
fi
mv "$OUT/vmlinux.tmp" "$OUT/vmlinux"
