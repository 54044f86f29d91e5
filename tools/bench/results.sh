# Sourced by the benchmark scripts: a folder for this run's raw output.
#   . tools/bench/results.sh; results_dir <builddir> <script-name>
# sets R=<builddir>/bench-results/<script>-<UTC date and time>/, where each
# QEMU run's whole serial log goes (one file per boot) beside summary.txt,
# the figures the script printed, and env.txt (commit, host, load).
results_dir()
{
	R="$1/bench-results/$2-$(date -u +%Y%m%d-%H%M%S)"
	mkdir -p "$R"
	{
		echo "command: $0 $BENCH_ARGS"
		echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD 2>/dev/null || echo ' (with local changes)')"
		echo "date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
		echo "host: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
		echo "qemu: $(qemu-system-x86_64 --version | head -1)"
	} >"$R/env.txt"
	echo "results: $R" >&2
}
