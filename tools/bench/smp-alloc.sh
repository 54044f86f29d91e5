#!/bin/sh
# Benchmark, not a test: kmalloc-64 and order-0 page allocate+free pairs on
# 1, 2 and 4 CPUs at once (ktest=bench.smp_alloc, mm/smp_alloc_test.cc): a
# worker per CPU, each on its own per-CPU slab and page list; prints total
# pairs/s and each CPU's ns per pair.  Workers are threads bound to their
# CPUs (kthread_bind).  One boot runs 1, 2, ... workers up to its CPU count.
# Each -smp N runs on plain TCG (multi-threaded: one host thread per vCPU,
# wall clock, noisy: the vCPUs share this machine's cores) and with
# -icount shift=0 (1 ns per instruction; QEMU then runs the vCPUs in turn
# on one thread, so guest time is the sum of all CPUs' instructions: per-CPU
# ns/pair grow with the CPU count while the total stays the instruction cost).
#   tools/bench/smp-alloc.sh [builddir]
# Every boot's serial log, the figures and the run's environment are kept
# in <builddir>/bench-results/smp-alloc-<date>/ (tools/bench/results.sh).
set -eu
B=${1:-build}
BENCH_ARGS="$*"
. "$(dirname "$0")/results.sh"
results_dir "$B" smp-alloc
cmake --build "$B" --target kernel >/dev/null
for smp in 1 2 4; do
	for mode in tcg icount; do
		extra=""
		[ "$mode" = icount ] && extra="-icount shift=0,sleep=off"
		log="$R/smp$smp-$mode.log"
		# shellcheck disable=SC2086
		timeout 300 qemu-system-x86_64 -machine pc -m 512M -smp "$smp" -display none -monitor none -serial stdio \
			-no-reboot -device isa-debug-exit,iobase=0xf4,iosize=0x04 $extra \
			-kernel "$B/vmlinux" -append "console=ttyS0 quiet loglevel=7 ktest=bench.smp_alloc" 2>/dev/null |
			tr -d '\r' >"$log" || true
		sed -n "s/.*# bench: smp \(.*CPUs\? (.*\)/-smp $smp $mode  \1/p" "$log" | tee -a "$R/summary.txt"
	done
done
