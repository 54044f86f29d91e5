#!/usr/bin/env python3
"""Host test of tools/build/syscalltbl.py (ctest: syscalltbl, label host).

Runs the generator on the real arch/x86_64/entry/syscalls/syscall_64.tbl
and checks the ABI facts in its output against Linux 6.1's x86_64 numbers,
then feeds it malformed tables, each of which must fail the build.

    syscalltbl_test.py <srcdir>
"""
import os
import re
import subprocess
import sys
import tempfile

SRC = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), '..', '..')
GEN = os.path.join(SRC, 'tools/build/syscalltbl.py')
TBL = os.path.join(SRC, 'arch/x86_64/entry/syscalls/syscall_64.tbl')
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)


def run(tbl_path, out):
    return subprocess.run([sys.executable, GEN, tbl_path, out], capture_output=True, text=True)


with tempfile.TemporaryDirectory() as out:
    r = run(TBL, out)
    check(r.returncode == 0, f'the real table is refused: {r.stderr}')
    unistd = open(os.path.join(out, 'uapi/asm/unistd_64.h')).read()
    nr = dict((m.group(1), int(m.group(2))) for m in re.finditer(r'#define __NR_(\w+) (\d+)', unistd))
    # a sample of Linux 6.1's x86_64 numbers
    for name, want in [('read', 0), ('write', 1), ('mmap', 9), ('rt_sigreturn', 15), ('getpid', 39),
                       ('clone', 56), ('execve', 59), ('exit', 60), ('uname', 63), ('arch_prctl', 158),
                       ('gettid', 186), ('futex', 202), ('set_tid_address', 218), ('exit_group', 231),
                       ('openat', 257), ('newfstatat', 262), ('prlimit64', 302), ('getrandom', 318),
                       ('statx', 332), ('rseq', 334), ('pidfd_send_signal', 424), ('clone3', 435),
                       ('faccessat2', 439), ('set_mempolicy_home_node', 450), ('syscalls', 451)]:
        check(nr.get(name) == want, f'__NR_{name} is {nr.get(name)}, Linux has {want}')
    table = open(os.path.join(out, 'asm/syscalls_64.h')).read()
    rows = [(int(a), b) for a, b in re.findall(r'__SYSCALL\((\d+), (\w+)\)', table)]
    check([a for a, _ in rows] == list(range(451)), 'the table is not every number 0..450 in order')
    entries = dict(rows)
    check(entries.get(63) == 'sys_newuname', 'uname is not sys_newuname')
    check(entries.get(134) == 'sys_ni_syscall', 'uselib (no entry point) is not sys_ni_syscall')
    check(all(entries.get(n) == 'sys_ni_syscall' for n in range(335, 424)), 'the hole 335..423 is not sys_ni_syscall')
    cond = open(os.path.join(out, 'asm/cond_syscalls_64.h')).read()
    conds = re.findall(r'__COND_SYSCALL\((\w+)\)', cond)
    check('sys_ni_syscall' not in conds, 'sys_ni_syscall gets a weak alias of itself')
    check(len(conds) == len(set(conds)), 'an entry point has two weak aliases')
    check('sys_getpid' in conds and 'sys_newuname' in conds, 'entry points missing from the weak aliases')
    names = open(os.path.join(out, 'asm/syscallnames_64.h')).read()
    check('__SYSCALL_NAME(63, "uname")' in names, 'the name of 63 is not "uname"')
    check('__SYSCALL_NAME(335,' not in names, 'a hole has a name')

bad_tables = {
    'duplicate number': '0 common read sys_read\n0 common write sys_write\n',
    'duplicate name': '0 common read sys_read\n1 common read sys_write\n',
    'decreasing numbers': '1 common write sys_write\n0 common read sys_read\n',
    'missing name': '0 common\n',
    'unknown abi': '0 i386 read sys_read\n',
    'entry point not sys_*': '0 common read do_read\n',
    'no rows': '# nothing\n',
}
for what, text in bad_tables.items():
    with tempfile.TemporaryDirectory() as d:
        p = os.path.join(d, 'bad.tbl')
        open(p, 'w').write(text)
        r = run(p, os.path.join(d, 'out'))
        check(r.returncode != 0, f'a table with a {what} was accepted')
with tempfile.TemporaryDirectory() as d:
    p = os.path.join(d, 'x32.tbl')
    open(p, 'w').write('0 common read sys_read\n512 x32 rt_sigaction compat_sys_rt_sigaction\n')
    r = run(p, os.path.join(d, 'out'))
    check(r.returncode == 0, 'x32 rows are not skipped')
    if r.returncode == 0:
        check('__NR_syscalls 1' in open(os.path.join(d, 'out/uapi/asm/unistd_64.h')).read(), 'x32 rows counted')

for f in failures:
    print('FAIL:', f)
print(f'syscalltbl: {"0 failed" if not failures else str(len(failures)) + " failed"}')
sys.exit(1 if failures else 0)
