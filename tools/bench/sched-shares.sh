#!/bin/sh
# Benchmark, not a test: the figures the scheduler's ktests print as KTAP
# diagnostics ("    # ..." lines of the wait, sched and sched_policy suites,
# kernel/sched/sched_test.cc and policy_test.cc): the wait-queue ping-pong
# time, the nice 0 : nice 5 and nice 0 : nice 0 runtime ratios, the
# SCHED_RR hand-overs, the SCHED_IDLE share.  BOOTS boots of the harness
# on QEMU TCG (wall clock) with SMP vCPUs, as the ktest suite runs them.
#   [SMP=n] [BOOTS=n] tools/bench/sched-shares.sh [builddir] [ktest glob]
# Defaults: SMP=1, BOOTS=12, glob "*" (with page_poison=on).  Every boot's
# serial log, the figures and the run's environment are kept in
# <builddir>/bench-results/sched-shares-smp<n>-<date>/ (results.sh).
set -eu
B=${1:-build}
GLOB=${2:-*}
SMP=${SMP:-1}
BOOTS=${BOOTS:-12}
BENCH_ARGS="$* (SMP=$SMP BOOTS=$BOOTS)"
HERE=$(dirname "$0")
. "$HERE/results.sh"
results_dir "$B" "sched-shares-smp$SMP"
cmake --build "$B" --target kernel >/dev/null
i=0
while [ "$i" -lt "$BOOTS" ]; do
	log="$R/boot-$i.log"
	python3 "$HERE/../qemu/harness.py" --kernel "$B/vmlinux" --smp "$SMP" --timeout 300 --log "$log" --keep-log \
		--append "ktest=$GLOB page_poison=on" | sed "s/^/boot $i: /" | tee -a "$R/summary.txt" || true
	grep -E "^\[ *[0-9.]+\]     # (two_kthreads_alternate|nice_0_and_nice_5|tick_preemption|50/50|rr_alternate|idle_spinner):" \
		"$log" | sed "s/^\[ *[0-9.]*\]     # /boot $i: /" | tee -a "$R/summary.txt" || true
	i=$((i + 1))
done
