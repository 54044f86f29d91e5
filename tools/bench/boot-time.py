#!/usr/bin/env python3
"""Boot-time benchmark (not a test): wall-clock seconds from QEMU's start to
the kernel's first console line, per boot path, median of N runs (SMP
CPUs, default 2 as make run); then the time the boot CPU spends bringing
up the others with 2 and 4 CPUs (the kernel's own timestamps from "smp:
Bringing up secondary CPUs" to "smp: Brought up", PVH).

    tools/bench/boot-time.py build/vmlinux [runs] [smp]

Every boot's serial log, the figures and the run's environment are kept in
<dir of the kernel>/bench-results/boot-time-<date>/.

Wall clock under TCG swings with machine load: compare figures taken in one
run, not across days.  The ISO is built before the clock starts.
"""
import os
import re
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
HARNESS = os.path.join(HERE, '..', 'qemu', 'harness.py')
RESULTS = None  # this run's results folder
LOG = None      # the last boot's serial log
SUMMARY = []
NBOOT = 0


def say(line):
    print(line)
    SUMMARY.append(line)


def one(kernel, boot, smp=2):
    global LOG, NBOOT
    NBOOT += 1
    LOG = os.path.join(RESULTS, '%03d-%s-smp%d.log' % (NBOOT, boot, smp))
    out = subprocess.run([sys.executable, HARNESS, '--kernel', kernel, '--boot', boot, '--smp', str(smp),
                          '--append', 'ktest=kallsyms', '--log', LOG, '--keep-log',
                          '--timeout', '180'], capture_output=True, text=True).stdout
    m = re.search(r'first kernel log line at ([0-9.]+) s, run ([0-9.]+) s', out)
    if not m or not out.startswith('PASS'):
        sys.exit('boot-time: %s run failed:\n%s' % (boot, out))
    return float(m.group(1)), float(m.group(2))


def main():
    global RESULTS
    kernel = sys.argv[1] if len(sys.argv) > 1 else 'build/vmlinux'
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    nsmp = int(sys.argv[3]) if len(sys.argv) > 3 else 2
    RESULTS = os.path.join(os.path.dirname(os.path.abspath(kernel)), 'bench-results',
                           time.strftime('boot-time-%Y%m%d-%H%M%S', time.gmtime()))
    os.makedirs(RESULTS)
    print('results: %s' % RESULTS, file=sys.stderr)
    with open(os.path.join(RESULTS, 'env.txt'), 'w') as f:
        f.write('command: %s\nhost load average: %s\n' % (' '.join(sys.argv), open('/proc/loadavg').read().strip()))
    say('kernel image: %s, %d bytes on disk, %d bytes loaded' % (
        kernel, os.path.getsize(kernel), loaded_size(kernel)))
    say('%-6s %22s %22s   (%d CPUs, median of %d)' % ('boot', 'first log line (s)', 'whole ktest run (s)', nsmp, runs))
    for boot in ('pvh', 'bios', 'uefi'):
        firsts, totals = zip(*(one(kernel, boot, nsmp) for _ in range(runs)))
        say('%-6s %22.3f %22.3f' % (boot, statistics.median(firsts), statistics.median(totals)))
    for smp in (2, 4):
        ms = []
        for _ in range(runs):
            one(kernel, 'pvh', smp)
            ms.append(bringup_ms(open(LOG, errors='replace').read()))
        say('AP bring-up, %d CPUs: %.2f ms (guest clock, median of %d)' % (smp, statistics.median(ms), runs))
    with open(os.path.join(RESULTS, 'summary.txt'), 'w') as f:
        f.write('\n'.join(SUMMARY) + '\n')


def bringup_ms(log):
    """Kernel timestamps of the first and last smp: lines, in ms."""
    t0 = re.search(r'^\[ *([0-9.]+)\] smp: Bringing up secondary CPUs', log, re.M)
    t1 = re.search(r'^\[ *([0-9.]+)\] smp: Brought up', log, re.M)
    if not t0 or not t1:
        sys.exit('boot-time: no smp: lines in the log')
    return (float(t1.group(1)) - float(t0.group(1))) * 1000


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
