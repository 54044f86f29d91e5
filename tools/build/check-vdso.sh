#!/bin/sh
# The vDSO must map as it is: no relocations, one PT_LOAD, at most
# VDSO_TEXT_PAGES (2) pages.  Fails the build otherwise.
set -eu
so=$1
if readelf -rW "$so" | grep -q "Relocation section"; then
	echo "check-vdso: $so has relocations" >&2
	readelf -rW "$so" >&2
	exit 1
fi
loads=$(readelf -lW "$so" | grep -c "^  LOAD")
[ "$loads" -eq 1 ] || { echo "check-vdso: $so has $loads PT_LOAD segments, not 1" >&2; exit 1; }
size=$(stat -c %s "$so")
[ "$size" -le 8192 ] || { echo "check-vdso: $so is $size bytes, more than 2 pages" >&2; exit 1; }
