#!/bin/sh
# Benchmark, not a test: the cross-CPU wake-up round trip (two threads
# bound to CPU 0 and CPU 1 hand a turn back and forth; each half is a
# wake-up, a reschedule IPI to a CPU halted in its idle loop, and a
# context switch there) and the smp_call_function_single round trip
# (ktest=bench.sched_smp, kernel/sched/smp_test.cc), with -smp 2 on plain
# TCG (wall clock, one host thread per vCPU, noisy) and with -icount
# shift=0 (1 ns per guest instruction; QEMU then runs the vCPUs in turn on
# one thread, so a round trip also pays QEMU's switch between vCPUs).
#   tools/bench/smp.sh [builddir] [runs]
# Every boot's serial log, the figures and the run's environment are kept
# in <builddir>/bench-results/smp-<date>/ (tools/bench/results.sh).
set -eu
B=${1:-build}
RUNS=${2:-3}
BENCH_ARGS="$*"
. "$(dirname "$0")/results.sh"
results_dir "$B" smp
cmake --build "$B" --target kernel >/dev/null
for mode in tcg icount; do
	extra=""
	[ "$mode" = icount ] && extra="-icount shift=0,sleep=off"
	i=0
	while [ "$i" -lt "$RUNS" ]; do
		log="$R/$mode-$i.log"
		# shellcheck disable=SC2086
		timeout 300 qemu-system-x86_64 -machine pc -m 512M -smp 2 -display none -monitor none -serial stdio \
			-no-reboot -device isa-debug-exit,iobase=0xf4,iosize=0x04 $extra \
			-kernel "$B/vmlinux" -append "console=ttyS0 quiet loglevel=7 ktest=bench.sched_smp" 2>/dev/null |
			tr -d "\r" >"$log" || true
		grep -v "# bench: pass:" "$log" | sed -n "s/.*# bench: \(.*\)/$mode  \1/p" | tee -a "$R/summary.txt"
		i=$((i + 1))
	done
done
