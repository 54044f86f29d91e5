#!/bin/sh
# Benchmark, not a test: the user-space micro-benchmarks of user/bench.c
# (getpid, anonymous page fault, brk grow+touch, mmap+munmap of 1 MiB,
# a futex wait/wake ping-pong between two threads, fork+exit+wait,
# fork+exec+wait, vfork+exec+wait, a signal raised, handled and returned
# from, exec of the static program itself) run as init on monolith and on
# Debian's Linux 6.1 (build/linux/vmlinuz, tools/linux/fetch.sh), same
# user-space image, same QEMU, one vCPU, 512 MiB, default -cpu, under
# -icount shift=0,sleep=off (a guest nanosecond is one instruction, so
# the figures are instruction counts, steady however loaded the host is);
# prints each benchmark's ns/op on both kernels and the ratio
# monolith/Linux (issue 12's Speed targets: <= 0.5 is "twice as fast").
#   tools/bench/user.sh [builddir] [benchmark...]
# Each boot's serial log, the figures and the run's environment are kept
# in <builddir>/bench-results/user-<date>/ (tools/bench/results.sh).
set -eu
B=${1:-build}
[ $# -gt 0 ] && shift
BENCHES=${*:-}
BENCH_ARGS="$B $BENCHES"
. "$(dirname "$0")/results.sh"
results_dir "$B" user
cmake --build "$B" --target kernel user_initramfs >/dev/null
IMG="$B/user-initramfs.cpio"
LINUX="$B/linux/vmlinuz"
[ -f "$LINUX" ] || tools/linux/fetch.sh "$B/linux" >/dev/null

boot() # boot <kernel> <log>
{
	# shellcheck disable=SC2086
	timeout 600 qemu-system-x86_64 -machine pc -m 512M -smp 1 -display none -monitor none -serial stdio \
		-no-reboot -icount shift=0,sleep=off -kernel "$1" -initrd "$IMG" \
		-append "console=ttyS0 panic=-1 quiet rdinit=/bench-musl $BENCHES" 2>/dev/null |
		tr -d '\r' >"$2" || true
}
boot "$B/vmlinux" "$R/monolith.log"
boot "$LINUX" "$R/linux.log"
for k in monolith linux; do
	grep -q '^bench: done' "$R/$k.log" || echo "user.sh: $k did not finish (see $R/$k.log)" >&2
done
{
	printf '%-10s %12s %12s %8s\n' benchmark "monolith" "linux-6.1" ratio
	sed -n 's/^bench: \([a-z]*\) \([0-9]*\) ns\/op.*/\1 \2/p' "$R/monolith.log" | while read -r name m; do
		l=$(sed -n "s/^bench: $name \([0-9]*\) ns\/op.*/\1/p" "$R/linux.log")
		if [ -n "$l" ] && [ "$l" -gt 0 ]; then
			ratio=$(awk -v m="$m" -v l="$l" 'BEGIN { printf "%.2f", m / l }')
		else
			l=-; ratio=-
		fi
		printf '%-10s %12s %12s %8s\n' "$name" "$m" "$l" "$ratio"
	done
} | tee "$R/summary.txt"
