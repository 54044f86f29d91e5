#!/bin/sh
# Benchmark, not a test: the buddy allocator's allocate+free pair for
# orders 0, 3 and 9, on the host (tests/host/bench_page_alloc.cc) and in
# the kernel under QEMU (ktest=bench.page_alloc), once on plain TCG (wall
# clock, noisy) and once with -icount shift=0 (1 ns per instruction: the
# figure to compare with Linux in the same setup).
#   tools/bench/page-alloc.sh [builddir]
set -eu
B=${1:-build}
cmake --build "$B" --target bench_page_alloc kernel >/dev/null
"$B/tests/host/bench_page_alloc"
for mode in tcg icount; do
	extra=""
	[ "$mode" = icount ] && extra="-icount shift=0,sleep=off"
	# shellcheck disable=SC2086
	qemu-system-x86_64 -machine pc -m 512M -display none -monitor none -serial stdio -no-reboot \
		-device isa-debug-exit,iobase=0xf4,iosize=0x04 $extra \
		-kernel "$B/vmlinux" -append "console=ttyS0 quiet loglevel=7 ktest=bench.page_alloc" 2>/dev/null |
		tr -d '\r' | sed -n "s/.*# bench: kernel \(.*\)/$mode  \1/p" || true
done
