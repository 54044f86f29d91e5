#!/usr/bin/env python3
"""Boot monolith in QEMU, watch the serial console, judge the run.

A run passes when the kernel printed a complete KTAP report with no
"not ok", and nothing on the console shows an oops, a panic, a BUG or a
WARNING, before the timeout.  Every run's serial log is written to
--log; it is kept when the run fails (and with --keep-log).

    harness.py --kernel build/vmlinux --boot pvh --append "ktest=*"
    harness.py --kernel build/vmlinux --boot uefi --append "ktest=*"
    harness.py ... --expect 'BIOS-e820: '           # output must match
    harness.py ... --reject 'BIOS-e820: '           # output must not match
    harness.py ... --expect-failure 'Oops'          # the run must fail so

--expect-failure is how the harness tests itself: a deliberately failing
test or a deliberate kernel fault must be caught, for the stated reason.
Exit status: 0 verdict as expected, 1 not, 2 usage or set-up error.
"""
import argparse
import os
import re
import select
import shutil
import subprocess
import sys
import tempfile
import time

OVMF_CANDIDATES = ['/usr/share/ovmf/OVMF.fd', '/usr/share/OVMF/OVMF_CODE.fd']
TIMESTAMP = re.compile(r'^\[\s*\d+\.\d+\] ?')
# console lines that mean the kernel is broken, whatever the tests said
FATAL = [
    (re.compile(r'Kernel panic - not syncing'), 'kernel panic'),
    (re.compile(r'\bBUG: '), 'BUG'),
    (re.compile(r'kernel BUG at'), 'BUG'),
    (re.compile(r'^BUG \S+ \((Not tainted|Tainted: [^)]*)\): '), 'slab BUG'),
    (re.compile(r'^(Oops|[a-z][a-z ]+): [0-9a-f]{4} \[#\d+\]'), 'oops'),
    (re.compile(r'^WARNING: CPU: '), 'WARNING'),
    (re.compile(r'^WARNING: possible (recursive locking|circular locking dependency) detected'), 'lockdep'),
    (re.compile(r'Fixing recursive fault'), 'recursive fault'),
    (re.compile(r'^\s*error: '), 'boot loader error'),
]


def parse_ktap(lines):
    """Check the KTAP report; returns (problems, passed, total)."""
    problems = []
    try:
        start = lines.index('KTAP version 1')
    except ValueError:
        return ['no KTAP report (the kernel never ran its tests)'], 0, 0
    body = lines[start + 1:]
    plan = None
    results = 0
    passed = failed = 0
    totals = False
    for line in body:
        m = re.match(r'^1\.\.(\d+)$', line)
        if m and plan is None:
            plan = int(m.group(1))
            continue
        m = re.match(r'^(\s*)(ok|not ok) (\d+) (\S+)', line)
        if m:
            indent, status, _, name = m.groups()
            if indent == '':
                results += 1
            else:
                if status == 'ok':
                    passed += 1
                else:
                    failed += 1
            if status == 'not ok':
                problems.append('not ok: %s%s' % ('' if indent == '' else 'case ', name))
        if line.startswith('# Totals:'):
            totals = True
            break
    if plan is None:
        problems.append('KTAP report without a plan line')
    elif results != plan:
        problems.append('KTAP plan 1..%d but %d suite results' % (plan, results))
    if not totals:
        problems.append('KTAP report ended early (no "# Totals" line)')
    if plan == 0:
        problems.append('no test matched the ktest= glob')
    return problems, passed, passed + failed


def qemu_command(args, workdir):
    cmd = ['qemu-system-x86_64', '-machine', 'pc', '-m', args.mem, '-smp', str(args.smp),
           '-display', 'none', '-monitor', 'none', '-serial', 'stdio', '-no-reboot']
    append = ('console=ttyS0 panic=-1 ' + args.append + ' ' + args.extra_append).strip()
    if args.boot == 'pvh':
        cmd += ['-kernel', args.kernel, '-append', append]
        if args.initrd:
            cmd += ['-initrd', args.initrd]
    else:
        iso = os.path.join(workdir, 'monolith.iso')
        mkiso = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'mkiso.sh')
        r = subprocess.run([mkiso, args.kernel, iso, append], capture_output=True, text=True)
        if r.returncode:
            sys.exit('harness: building the ISO failed:\n' + r.stderr)
        cmd += ['-cdrom', iso, '-boot', 'd']
        if args.boot == 'uefi':
            ovmf = next((p for p in OVMF_CANDIDATES if os.path.exists(p)), None)
            if not ovmf:
                sys.exit('harness: no OVMF firmware found (Debian package ovmf)')
            cmd += ['-bios', ovmf]
    if not args.no_debug_exit:
        cmd += ['-device', 'isa-debug-exit,iobase=0xf4,iosize=0x04']
    return cmd + args.qemu_arg


def run(args):
    os.makedirs(os.path.dirname(os.path.abspath(args.log)), exist_ok=True)
    workdir = tempfile.mkdtemp(prefix='monolith-harness-')
    try:
        cmd = qemu_command(args, workdir)
        t0 = time.monotonic()
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        out = bytearray()
        first_log = None
        timed_out = False
        deadline = t0 + args.timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                timed_out = True
                proc.kill()
                break
            r, _, _ = select.select([proc.stdout], [], [], min(left, 0.5))
            if r:
                chunk = os.read(proc.stdout.fileno(), 65536)
                if not chunk:
                    break
                out += chunk
                if first_log is None and re.search(rb'\[\s*\d+\.\d+\] ', out):
                    first_log = time.monotonic() - t0
        rc = proc.wait()
        elapsed = time.monotonic() - t0
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    text = out.decode('utf-8', 'replace').replace('\r', '')
    with open(args.log, 'w') as f:
        f.write(text)
    lines = [TIMESTAMP.sub('', l).rstrip() for l in text.split('\n')]

    problems = []
    if timed_out:
        problems.append('timeout after %ds' % args.timeout)
    for line in lines:
        for rx, what in FATAL:
            if rx.search(line):
                problems.append('%s: %s' % (what, line.strip()))
                break
    passed = total = 0
    if not args.no_ktap:
        kp, passed, total = parse_ktap(lines)
        problems += kp
    # isa-debug-exit: (code << 1) | 1; 3 means the kernel counted failures
    if not args.no_debug_exit and rc == 3:
        problems.append('kernel reported test failures (debug-exit status 3)')
    for rx in args.expect:
        if not any(re.search(rx, l) for l in lines):
            problems.append('expected output not seen: %s' % rx)
    for rx in args.reject:
        hit = next((l for l in lines if re.search(rx, l)), None)
        if hit is not None:
            problems.append('rejected output seen: %s' % hit.strip())
    if args.expect_exit is not None and not timed_out and rc != args.expect_exit:
        problems.append('QEMU exit status %d, expected %d' % (rc, args.expect_exit))

    timing = 'first kernel log line at %s, run %.2f s' % (
        '%.2f s' % first_log if first_log is not None else 'never', elapsed)
    failed = bool(problems)
    if args.expect_failure is not None:
        # the deliberate failure must come with every --expect/--reject met
        unmet = [p for p in problems if p.startswith(('expected output not seen', 'rejected output seen'))]
        hit = failed and not unmet and any(re.search(args.expect_failure, p) for p in problems)
        if hit:
            print('PASS (failure caught as expected: %s) [%s]' % ('; '.join(problems[:3]), timing))
            if not args.keep_log:
                os.remove(args.log)
            return 0
        print('FAIL: expected the run to fail with /%s/, but %s [%s]' % (
            args.expect_failure, 'problems were: ' + '; '.join(problems) if problems else 'it passed', timing))
        print('serial log kept: %s' % args.log)
        return 1
    if failed:
        print('FAIL [%s]' % timing)
        for p in problems[:20]:
            print('  - ' + p)
        print('serial log kept: %s' % args.log)
        return 1
    print('PASS: %d/%d test cases [%s]' % (passed, total, timing))
    if not args.keep_log:
        os.remove(args.log)
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--kernel', required=True)
    ap.add_argument('--boot', choices=['pvh', 'bios', 'uefi'], default='pvh')
    ap.add_argument('--append', default='', help='kernel command line (console=ttyS0 panic=-1 are added)')
    ap.add_argument('--extra-append', default='', help='more kernel parameters after --append (the Linux oracle runs add theirs)')
    ap.add_argument('--timeout', type=int, default=60)
    ap.add_argument('--mem', default='512M')
    ap.add_argument('--smp', type=int, default=2, help='CPUs (make run and make test boot 2; the suite also runs on 4)')
    ap.add_argument('--log', required=True, help='serial log file')
    ap.add_argument('--keep-log', action='store_true')
    ap.add_argument('--no-ktap', action='store_true', help='do not require a KTAP report')
    ap.add_argument('--no-debug-exit', action='store_true', help='no isa-debug-exit device (ACPI power-off ends the run)')
    ap.add_argument('--expect', action='append', default=[], help='regex a console line must match')
    ap.add_argument('--reject', action='append', default=[], help='regex no console line may match')
    ap.add_argument('--expect-exit', type=int, help='QEMU exit status the run must end with')
    ap.add_argument('--expect-failure', help='the run must fail with a problem matching this regex')
    ap.add_argument('--qemu-arg', action='append', default=[])
    ap.add_argument('--initrd', help='an initramfs for -initrd (PVH boots only)')
    args = ap.parse_args()
    if not os.path.exists(args.kernel):
        print('harness: no kernel at %s' % args.kernel, file=sys.stderr)
        return 2
    return run(args)


if __name__ == '__main__':
    sys.exit(main())
