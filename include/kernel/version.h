/*
 * Release strings (Linux: include/generated/utsrelease.h, compile.h).
 * uname -r gives MONOLITH_RELEASE; the banner adds the compiler.
 */
#pragma once

#define MONOLITH_RELEASE "0.1.0"
#define MONOLITH_BUILD_VERSION "#1 SMP"
#define MONOLITH_COMPILER "g++ " __VERSION__
