#!/usr/bin/env python3
"""Soak the QEMU tests: run them many times and count what fails.

    soak.py --build build -n 100                 # make soak N=100
    soak.py --build build -n 20 --smp 4          # only the 4-CPU suite
    soak.py --build build -n 10 --e2e-n 0        # suite boots only

Two kinds of runs, all through tools/qemu/harness.py with the very
command lines `make test` uses (read from `ctest --show-only=json-v1`):

  - the whole in-kernel suite (ctest's ktest_pvh: `ktest=* page_poison=on
    lockdep debug_smp_processor_id`), N times on each CPU count of --smp;
  - every other QEMU test (label qemu), --e2e-n times each (default N/5,
    at least 1).

Runs go in parallel, --jobs at a time (default: the machine's cores), in
an interleaved order so that a slow stretch of the machine is spread
over every kind of run.  The harness never retries and neither does
this: every failure is counted.

The result is a table: for the suite, each ktest case that ever failed
and each run-level problem (oops, WARNING, timeout...) with its count of
failures out of runs; for the end-to-end tests, each test.  The serial
log of every failed run is kept under --out (default
build/soak-<date>-<time>/), with the table in summary.txt.  Exit status 0
when nothing failed, 1 otherwise.
"""
import argparse
import collections
import concurrent.futures
import datetime
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time

SUITE_TEST = 'ktest_pvh'      # the ctest whose command line is the suite boot
SUITE_TESTS = {'ktest_pvh', 'ktest_pvh_smp4'}   # both are soaked as the suite
CASE_RESULT = re.compile(r'^(?:\[\s*\d+\.\d+\] ?)?(\s*)(ok|not ok) \d+ (\S+)')
SUBTEST = re.compile(r'^(?:\[\s*\d+\.\d+\] ?)?\s+# Subtest: (\S+)')


def ctest_commands(build):
    out = subprocess.run(['ctest', '--show-only=json-v1'], cwd=build, check=True,
                         capture_output=True, text=True).stdout
    tests = {}
    for t in json.loads(out)['tests']:
        props = {p['name']: p['value'] for p in t.get('properties', [])}
        if 'qemu' in props.get('LABELS', []):
            tests[t['name']] = t['command']
    return tests


def with_option(cmd, opt, value):
    """cmd with `opt value` set (replaced if present, else appended)."""
    cmd = list(cmd)
    if opt in cmd:
        cmd[cmd.index(opt) + 1] = str(value)
    else:
        cmd += [opt, str(value)]
    return cmd


class Job:
    def __init__(self, group, name, index, cmd, log):
        self.group, self.name, self.index, self.log = group, name, index, log
        if '--log' in cmd:
            # the harness keeps the log; the suite's is parsed, a passing run's removed
            self.cmd = with_option(cmd, '--log', log) + ['--keep-log']
        else:
            # a test script around the harness: its log folder becomes this run's
            self.cmd = [os.path.splitext(log)[0] if a.endswith('/test-logs') else a for a in cmd]
        self.ok = None
        self.problems = []
        self.failed_cases = []


def failed_cases(log):
    """suite.case names reported "not ok" in a serial log."""
    cases, suite = [], None
    try:
        with open(log, errors='replace') as f:
            for line in f:
                m = SUBTEST.match(line)
                if m:
                    suite = m.group(1)
                    continue
                m = CASE_RESULT.match(line)
                if m and m.group(2) == 'not ok' and m.group(1):
                    cases.append('%s.%s' % (suite, m.group(3)))
    except OSError:
        pass
    return cases


def run_job(job):
    r = subprocess.run(job.cmd, capture_output=True, text=True)
    job.ok = r.returncode == 0
    job.problems = [l[4:] for l in r.stdout.splitlines() if l.startswith('  - ')]
    if not job.ok and not job.problems:
        job.problems = [(r.stdout.strip().splitlines() or ['harness exit %d' % r.returncode])[0]]
    if job.group.startswith('suite'):
        job.failed_cases = failed_cases(job.log)
    if job.ok:
        if os.path.exists(job.log):
            os.remove(job.log)
        shutil.rmtree(os.path.splitext(job.log)[0], ignore_errors=True)
    else:
        os.makedirs(os.path.dirname(job.log), exist_ok=True)
        with open(job.log + '.verdict', 'w') as f:
            f.write(' '.join(job.cmd) + '\n' + r.stdout + r.stderr)
    return job


def problem_kind(p):
    """A run-level problem without its run-specific details (timestamps, addresses)."""
    p = re.sub(r'^not ok: .*', 'not ok (see the cases)', p)
    return re.sub(r'0x[0-9a-f]+|\b[0-9a-f]{16}\b|\d+', 'N', p)[:100]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--build', default='build')
    ap.add_argument('-n', type=int, default=10, help='whole-suite boots per CPU count')
    ap.add_argument('--smp', default='2,4', help='CPU counts for the suite boots, comma-separated')
    ap.add_argument('--e2e-n', type=int, help='runs of each other QEMU test (default N/5, at least 1)')
    ap.add_argument('--jobs', type=int, default=os.cpu_count() or 1)
    ap.add_argument('--out', help='folder for failed runs\' logs and the summary')
    args = ap.parse_args()
    e2e_n = args.e2e_n if args.e2e_n is not None else max(1, args.n // 5)
    smps = [int(s) for s in args.smp.split(',') if s.strip()]
    build = os.path.abspath(args.build)
    stamp = datetime.datetime.now().strftime('%Y%m%d-%H%M%S')
    out = os.path.abspath(args.out or os.path.join(build, 'soak-' + stamp))
    os.makedirs(out, exist_ok=True)

    tests = ctest_commands(build)
    if SUITE_TEST not in tests:
        sys.exit('soak: no %s test in %s (build first)' % (SUITE_TEST, build))
    per_kind = []
    for smp in smps:
        cmd = with_option(tests[SUITE_TEST], '--smp', smp)
        cmd = with_option(cmd, '--timeout', 180)
        group = 'suite-smp%d' % smp
        per_kind.append([Job(group, 'ktest=*', i, cmd, os.path.join(out, group, '%03d.log' % i))
                         for i in range(args.n)])
    for name in sorted(tests):
        if name in SUITE_TESTS:
            continue
        per_kind.append([Job('e2e', name, i, tests[name], os.path.join(out, 'e2e', name, '%03d.log' % i))
                         for i in range(e2e_n)])
    # interleave: round i of every kind before round i+1 of any
    jobs = [j for rnd in zip_longest_all(per_kind) for j in rnd]

    print('soak: %d runs (%s; %d of each of %d end-to-end tests), %d at a time; logs of failures in %s' % (
        len(jobs), ', '.join('%d suite boots on %d CPUs' % (args.n, s) for s in smps), e2e_n,
        len(per_kind) - len(smps), args.jobs, out), flush=True)
    t0 = time.monotonic()
    done = 0
    lock = threading.Lock()
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        for fut in concurrent.futures.as_completed([pool.submit(run_job, j) for j in jobs]):
            job = fut.result()
            with lock:
                done += 1
                if not job.ok:
                    print('  FAIL %s %s #%d: %s' % (job.group, job.name, job.index,
                                                   '; '.join(job.problems[:3])), flush=True)
                if done % 20 == 0 or done == len(jobs):
                    print('  %d/%d runs, %.0f s' % (done, len(jobs), time.monotonic() - t0), flush=True)

    lines = report(jobs, smps, args.n, e2e_n)
    lines.append('elapsed %.0f s, %d at a time, %s' % (time.monotonic() - t0, args.jobs,
                                                     datetime.datetime.now().isoformat(timespec='minutes')))
    with open(os.path.join(out, 'summary.txt'), 'w') as f:
        f.write('\n'.join(lines) + '\n')
    print('\n'.join(lines))
    return 0 if all(j.ok for j in jobs) else 1


def zip_longest_all(lists):
    for i in range(max((len(l) for l in lists), default=0)):
        yield [l[i] for l in lists if i < len(l)]


def report(jobs, smps, n, e2e_n):
    lines = ['', '%-60s %s' % ('test', 'failures/runs')]
    for smp in smps:
        group = 'suite-smp%d' % smp
        runs = [j for j in jobs if j.group == group]
        bad = [j for j in runs if not j.ok]
        lines.append('%-60s %d/%d' % ('whole ktest suite, %d CPUs (boots)' % smp, len(bad), len(runs)))
        cases = collections.Counter(c for j in runs for c in set(j.failed_cases))
        for case, k in sorted(cases.items()):
            lines.append('  %-58s %d/%d' % (case, k, len(runs)))
        kinds = collections.Counter(k for j in bad for k in set(map(problem_kind, j.problems)))
        for kind, k in sorted(kinds.items()):
            if kind not in ('not ok (see the cases)', 'kernel reported test failures (debug-exit status N)'):
                lines.append('  %-58s %d/%d' % (kind, k, len(runs)))
    e2e = [j for j in jobs if j.group == 'e2e']
    by_name = collections.defaultdict(list)
    for j in e2e:
        by_name[j.name].append(j)
    bad_tests = {name: rs for name, rs in by_name.items() if any(not j.ok for j in rs)}
    lines.append('%-60s %d/%d' % ('end-to-end tests (%d tests x %d runs)' % (len(by_name), e2e_n),
                                  sum(not j.ok for j in e2e), len(e2e)))
    for name, rs in sorted(bad_tests.items()):
        lines.append('  %-58s %d/%d' % (name, sum(not j.ok for j in rs), len(rs)))
    total_bad = sum(not j.ok for j in jobs)
    lines.append('soak: %s (%d of %d runs failed)' % ('PASS' if total_bad == 0 else 'FAIL', total_bad, len(jobs)))
    return lines


if __name__ == '__main__':
    sys.exit(main())
