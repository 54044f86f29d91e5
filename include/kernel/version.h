/*
 * Release strings (Linux: include/generated/utsrelease.h, compile.h).
 * The boot banner gives the project's MONOLITH_RELEASE and the compiler;
 * uname -r gives UTS_RELEASE, a Linux 6.1 version, so programs that gate
 * on the kernel version (glibc's minimum, busybox) run; uname -v gives
 * MONOLITH_BUILD_VERSION.
 */
#pragma once

#define MONOLITH_RELEASE "0.1.0"
#define UTS_RELEASE "6.1.0-monolith"
#define MONOLITH_BUILD_VERSION "#1 SMP"
#define MONOLITH_COMPILER "g++ " __VERSION__
