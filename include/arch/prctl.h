/*
 * arch_prctl codes (Linux: arch/x86/include/uapi/asm/prctl.h) and the
 * kernel's entry for them (arch/x86_64/kernel/process.cc).
 */
#pragma once

#define ARCH_SET_GS 0x1001
#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003
#define ARCH_GET_GS 0x1004
#define ARCH_GET_CPUID 0x1011
#define ARCH_SET_CPUID 0x1012

#ifndef __ASSEMBLY__
#include <lib/result.h>
struct task_struct;
/* ARCH_SET/GET_FS/GS of task (current, or one not running); EPERM for a
 * base at or above TASK_SIZE_MAX, EFAULT, EINVAL for another option */
lib::Result<long> do_arch_prctl_64(struct task_struct* task, int option, unsigned long arg2);
#endif
