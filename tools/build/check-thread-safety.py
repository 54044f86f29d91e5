#!/usr/bin/env python3
"""Clang's thread-safety analysis over every kernel source file.

Usage: check-thread-safety.py BUILD_DIR [--jobs N] [--expect-failure FILE]

Reads BUILD_DIR/compile_commands.json (CMAKE_EXPORT_COMPILE_COMMANDS),
takes the kernel_objs entries (the kernel's own flags, include paths and
defines), drops what only GCC or code generation needs, and runs one
`clang++ -fsyntax-only -Wthread-safety -Werror=thread-safety` per file in
parallel.  Every other warning is off: this check is about locks only.

The ktests (*_test.cc) are not checked: they misuse locks on purpose.

With --expect-failure FILE, compiles FILE alone with a kernel file's flags
and succeeds only if the analysis rejects it (proof that the check bites:
tests/lint/thread_safety_bad.cc touches a GUARDED_BY field unlocked).

The annotations are in <lib/thread_safety.h>; the lock order in
<kernel/lock_order.h>.
"""
import argparse
import concurrent.futures
import json
import os
import shlex
import shutil
import subprocess
import sys

CLANG_FLAGS = ["-fsyntax-only", "-Wno-everything", "-Wthread-safety", "-Werror=thread-safety"]
# code generation only, or GCC-only / rejected by clang with <atomic>
# (-mno-sse makes clang refuse libstdc++'s atomic<long double>)
DROP = {"-c", "-g", "-MD", "-mgeneral-regs-only", "-mno-sse", "-mno-mmx", "-mno-avx",
        "-mno-omit-leaf-frame-pointer", "-fno-omit-frame-pointer"}
DROP_WITH_ARG = {"-o", "-MF", "-MT", "-MQ"}


def find_clang():
    for name in ("clang++", "clang++-14", "clang++-15", "clang++-16"):
        path = shutil.which(name)
        if path:
            return path
    sys.exit("check-thread-safety: no clang++ (Debian package clang; tools/install-deps.sh)")


def clang_args(entry):
    args = entry.get("arguments") or shlex.split(entry["command"])
    out, skip = [], False
    for a in args[1:]:
        if skip:
            skip = False
            continue
        if a in DROP_WITH_ARG:
            skip = True
            continue
        if a in DROP or a.startswith("-W") or a.startswith("-O"):
            continue
        if a == entry["file"] or os.path.abspath(os.path.join(entry["directory"], a)) == entry["file"]:
            continue
        out.append(a)
    return out


def run(clang, entry, src=None):
    src = src or entry["file"]
    cmd = [clang] + clang_args(entry) + CLANG_FLAGS + [src]
    p = subprocess.run(cmd, cwd=entry["directory"], capture_output=True, text=True)
    return src, p.returncode, p.stdout + p.stderr


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--expect-failure")
    ap.add_argument("--only", action="append", help="check only files whose path contains this")
    opts = ap.parse_args()
    with open(os.path.join(opts.build, "compile_commands.json")) as f:
        db = json.load(f)
    # ktests (*_test.cc) are left out: they misuse locks on purpose (lockdep's
    # recursion and inversion tests, trylock results checked by KEXPECT)
    kernel = [e for e in db if "kernel_objs.dir" in e.get("output", e["command"]) and e["file"].endswith(".cc")
              and not e["file"].endswith("_test.cc")]
    if opts.only:
        kernel = [e for e in kernel if any(s in e["file"] for s in opts.only)]
    if not kernel:
        sys.exit("check-thread-safety: no kernel source in compile_commands.json")
    clang = find_clang()

    if opts.expect_failure:
        src, rc, out = run(clang, kernel[0], os.path.abspath(opts.expect_failure))
        if rc != 0 and "-Wthread-safety" in out:
            print(out, end="")
            print(f"check-thread-safety: {src} rejected, as it must be")
            return 0
        print(out, end="")
        print(f"check-thread-safety: {src} was accepted: the analysis does not catch an unlocked access")
        return 1

    failed = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=opts.jobs) as pool:
        for src, rc, out in pool.map(lambda e: run(clang, e), kernel):
            if rc:
                failed += 1
                print(out, end="")
    print(f"check-thread-safety: {len(kernel)} files, {failed} with lock errors")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
