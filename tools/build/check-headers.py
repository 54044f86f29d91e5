#!/usr/bin/env python3
"""Fail the kernel build if a kernel translation unit reaches a host C library header.

    check-headers.py <stamp> <srcdir> <c++> <kernel c++ flags...> -- <objects...>

The kernel is freestanding: it may use the compiler's own headers
(<stdint.h>, <stdarg.h>... from GCC's include directory) and the C++
headers listed in ALLOWED below, nothing of the host's libc (<stdio.h>,
<sched.h>, <pthread.h>...).  A kernel header that pulled in a libc header
would compile today and silently make the kernel depend on the build
machine's glibc (the type of a struct, a macro's value, an errno number).

How: every kernel object is compiled with -MD (CMake's compiler depfiles
for C++, -MD for assembly), so <object>.d lists every file the
preprocessor opened.  The baseline is what the ALLOWED headers open when
compiled with the kernel's own flags: the C++ library's files, GCC's
freestanding headers, and the few glibc configuration headers that
libstdc++'s <bits/c++config.h> includes unconditionally (features.h,
sys/cdefs.h, gnu/stubs.h...: macros only).  A dependency outside the source
tree and outside that baseline is a violation, named with the object that
reached it.  Computing the baseline (rather than listing paths) keeps the
check right for another GCC version or distribution.

<string_view> is the one ALLOWED header that is not freestanding in
C++20: libstdc++'s char_traits includes glibc's <wchar.h> for mbstate_t,
so <wchar.h> and its bits are in the baseline too.
"""
import os
import subprocess
import sys

# The C++ headers the kernel may include (freestanding in C++20, plus <string_view>).
ALLOWED = [
    "atomic", "bit", "compare", "concepts", "cstdarg", "cstddef", "cstdint", "initializer_list",
    "limits", "new", "type_traits", "utility", "version", "string_view",
]


def parse_depfile(path):
    with open(path) as f:
        text = f.read().replace("\\\n", " ")
    deps = []
    for line in text.splitlines():
        if ":" not in line:
            continue
        _, rhs = line.split(":", 1)
        deps += [d for d in rhs.split() if d]
    return deps


def baseline(cxx, flags):
    tu = "".join(f"#include <{h}>\n" for h in ALLOWED)
    out = subprocess.run([cxx, *flags, "-x", "c++", "-M", "-"], input=tu, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"check-headers: cannot compile the allowed headers:\n{out.stderr}")
    return {os.path.realpath(d) for d in out.stdout.replace("\\\n", " ").split()[1:] if d != "-"}


def main():
    argv = sys.argv[1:]
    stamp, src, cxx = argv[0], os.path.realpath(argv[1]), argv[2]
    sep = argv.index("--")
    flags, objects = argv[3:sep], argv[sep + 1:]
    build = os.path.realpath(os.getcwd())
    allowed = baseline(cxx, flags)
    violations = []
    for obj in objects:
        depfile = next((d for d in (obj + ".d", os.path.splitext(obj)[0] + ".d") if os.path.exists(d)), None)
        if depfile is None:
            violations.append(f"{obj}: no dependency file (compile it with -MD)")
            continue
        for dep in parse_depfile(depfile):
            real = os.path.realpath(dep)  # a relative path is the build directory's
            if real.startswith(src + os.sep) or real.startswith(build + os.sep) or real in allowed:
                continue
            violations.append(f"{os.path.relpath(obj)}: reaches host header {dep}")
    if violations:
        print("check-headers: kernel code reaches host C library headers:", file=sys.stderr)
        for v in sorted(set(violations)):
            print("  " + v, file=sys.stderr)
        print("The kernel may include only its own headers, GCC's freestanding headers and <"
              + ">, <".join(ALLOWED) + "> (tools/build/check-headers.py).", file=sys.stderr)
        return 1
    with open(stamp, "w") as f:
        f.write(f"{len(objects)} objects checked\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
