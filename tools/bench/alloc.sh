#!/bin/sh
# Benchmark, not a test: allocate+free pairs of the page allocator (orders
# 0, 3, 9) and of SLUB (kmalloc-64, a 256-byte kmem_cache), on the host
# (tests/host/bench_page_alloc.cc, bench_slub.cc: the same mm/ sources,
# -O2) and in the kernel under QEMU (ktest=bench.page_alloc, bench.slub;
# bench.sched: wait-queue ping-pong context switch on CPU 0, kthread
# create+stop), once on plain TCG (wall clock, noisy) and once with
# -icount shift=0 (1 ns per instruction: the figure to compare with Linux
# in the same setup).
#   [SMP=n] tools/bench/alloc.sh [builddir]
# SMP: the guest's CPUs (default 1).  Every boot's serial log, the
# figures and the run's environment are kept in
# <builddir>/bench-results/alloc-smp<n>-<date>/ (tools/bench/results.sh).
set -eu
B=${1:-build}
SMP=${SMP:-1}
BENCH_ARGS="$* (SMP=$SMP)"
. "$(dirname "$0")/results.sh"
results_dir "$B" "alloc-smp$SMP"
cmake --build "$B" --target bench_page_alloc bench_slub kernel >/dev/null
{
	"$B/tests/host/bench_page_alloc"
	"$B/tests/host/bench_slub"
} | tee "$R/host.txt" | tee -a "$R/summary.txt"
for bench in page_alloc slub sched; do
	for mode in tcg icount; do
		extra=""
		[ "$mode" = icount ] && extra="-icount shift=0,sleep=off"
		log="$R/$bench-$mode.log"
		# shellcheck disable=SC2086
		qemu-system-x86_64 -machine pc -m 512M -smp "$SMP" -display none -monitor none -serial stdio -no-reboot \
			-device isa-debug-exit,iobase=0xf4,iosize=0x04 $extra \
			-kernel "$B/vmlinux" -append "console=ttyS0 quiet loglevel=7 ktest=bench.$bench" 2>/dev/null |
			tr -d '\r' >"$log" || true
		sed -n "s/.*# bench: kernel \(.*\)/-smp $SMP $mode  \1/p" "$log" | tee -a "$R/summary.txt"
	done
done
