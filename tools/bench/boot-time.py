#!/usr/bin/env python3
"""Boot-time benchmark (not a test): wall-clock seconds from QEMU's start to
the kernel's first console line, per boot path, median of N runs.

    tools/bench/boot-time.py build/vmlinux [runs]

Wall clock under TCG swings with machine load: compare figures taken in one
run, not across days.  The ISO is built before the clock starts.
"""
import os
import re
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
HARNESS = os.path.join(HERE, '..', 'qemu', 'harness.py')


def one(kernel, boot):
    out = subprocess.run([sys.executable, HARNESS, '--kernel', kernel, '--boot', boot,
                          '--append', 'ktest=kallsyms', '--log', '/tmp/monolith-boot-bench.log',
                          '--timeout', '180'], capture_output=True, text=True).stdout
    m = re.search(r'first kernel log line at ([0-9.]+) s, run ([0-9.]+) s', out)
    if not m or not out.startswith('PASS'):
        sys.exit('boot-time: %s run failed:\n%s' % (boot, out))
    return float(m.group(1)), float(m.group(2))


def main():
    kernel = sys.argv[1] if len(sys.argv) > 1 else 'build/vmlinux'
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    print('kernel image: %s, %d bytes on disk, %d bytes loaded' % (
        kernel, os.path.getsize(kernel), loaded_size(kernel)))
    print('%-6s %22s %22s' % ('boot', 'first log line (s)', 'whole ktest run (s)'))
    for boot in ('pvh', 'bios', 'uefi'):
        firsts, totals = zip(*(one(kernel, boot) for _ in range(runs)))
        print('%-6s %22.3f %22.3f' % (boot, statistics.median(firsts), statistics.median(totals)))


def loaded_size(kernel):
    """Bytes of the PT_LOAD segments in memory (text + data + bss)."""
    out = subprocess.run(['readelf', '-lW', kernel], capture_output=True, text=True).stdout
    total = 0
    for line in out.splitlines():
        f = line.split()
        if f and f[0] == 'LOAD':
            total += int(f[5], 16)
    return total


if __name__ == '__main__':
    main()
