#!/bin/sh
# Link the kernel in three passes so that it carries its own symbol table
# and its KASLR relocation table (Linux: scripts/link-vmlinux.sh and
# arch/x86/tools/relocs).
#   pass 1: empty tables                      -> text addresses are final
#   pass 2: the real kallsyms (.kallsyms sits after all text, so no function
#           moves), --emit-relocs              -> every address is final
#   pass 3: the real relocation table (.kaslr_relocs sits after .bss, so
#           nothing moves)                     -> vmlinux
# Both claims are checked below; a violation fails the build.
#   link-vmlinux.sh <c++> <python3> <srcdir> <builddir> <objects...>
set -eu
CXX=$1 PY=$2 SRC=$3 OUT=$4
shift 4
LDFLAGS="-nostdlib -static -no-pie -Wl,-T,$SRC/arch/x86_64/kernel.ld -Wl,-z,max-page-size=0x1000 -Wl,--build-id=none -Wl,-z,noexecstack -Wl,--no-warn-rwx-segments"

printf '\t.section .kallsyms, "a"\n\t.balign 8\n\t.globl kallsyms_num, kallsyms_offsets, kallsyms_sizes, kallsyms_name_offsets, kallsyms_names\nkallsyms_num: .quad 0\nkallsyms_offsets:\nkallsyms_sizes:\nkallsyms_name_offsets:\nkallsyms_names: .byte 0\n' > "$OUT/kallsyms0.S"
printf '\t.section .kaslr_relocs, "a"\n\t.balign 8\n\t.long 0, 0\n' > "$OUT/relocs0.S"
"$CXX" -c "$OUT/kallsyms0.S" -o "$OUT/kallsyms0.o"
"$CXX" -c "$OUT/relocs0.S" -o "$OUT/relocs0.o"

"$CXX" $LDFLAGS "$@" "$OUT/kallsyms0.o" "$OUT/relocs0.o" -o "$OUT/vmlinux.pass1"

nm -n -S -C --defined-only "$OUT/vmlinux.pass1" | "$PY" "$SRC/tools/build/kallsyms.py" > "$OUT/kallsyms.S"
"$CXX" -c "$OUT/kallsyms.S" -o "$OUT/kallsyms.o"
"$CXX" $LDFLAGS -Wl,--emit-relocs "$@" "$OUT/kallsyms.o" "$OUT/relocs0.o" -o "$OUT/vmlinux.pass2"

"$PY" "$SRC/tools/build/relocs.py" "$OUT/vmlinux.pass2" > "$OUT/relocs.S"
"$CXX" -c "$OUT/relocs.S" -o "$OUT/relocs.o"
"$CXX" $LDFLAGS "$@" "$OUT/kallsyms.o" "$OUT/relocs.o" -o "$OUT/vmlinux.tmp"

nm -n --defined-only "$OUT/vmlinux.pass1" | grep -i ' [tw] ' > "$OUT/syms.pass1"
nm -n --defined-only "$OUT/vmlinux.tmp" | grep -i ' [tw] ' > "$OUT/syms.final"
if ! cmp -s "$OUT/syms.pass1" "$OUT/syms.final"; then
	echo "link-vmlinux.sh: text symbols moved between the kallsyms passes" >&2
	diff "$OUT/syms.pass1" "$OUT/syms.final" | head >&2
	exit 1
fi
nm -n --defined-only "$OUT/vmlinux.pass2" | grep -v -e ' _end$' -e ' __relocs_end$' -e ' \.L' > "$OUT/syms.pass2"
nm -n --defined-only "$OUT/vmlinux.tmp" | grep -v -e ' _end$' -e ' __relocs_end$' -e ' \.L' > "$OUT/syms.final"
if ! cmp -s "$OUT/syms.pass2" "$OUT/syms.final"; then
	echo "link-vmlinux.sh: symbols moved when the relocation table was added" >&2
	diff "$OUT/syms.pass2" "$OUT/syms.final" | head >&2
	exit 1
fi
mv "$OUT/vmlinux.tmp" "$OUT/vmlinux"
