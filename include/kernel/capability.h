/*
 * Capabilities (Linux: include/uapi/linux/capability.h,
 * include/linux/capability.h, kernel/capability.c capable()).
 *
 * A cred carries its effective set (cap_effective); root's credentials
 * (init_cred) have every capability, as Linux gives uid 0 the full set.
 * capable(cap) asks whether current's effective set has cap; Linux also
 * sets PF_SUPERPRIV when it does, as here.
 */
#pragma once
#include <cstdint>

#define CAP_CHOWN 0
#define CAP_DAC_OVERRIDE 1
#define CAP_DAC_READ_SEARCH 2
#define CAP_FOWNER 3
#define CAP_FSETID 4
#define CAP_KILL 5
#define CAP_SETGID 6
#define CAP_SETUID 7
#define CAP_SYS_CHROOT 18
#define CAP_SYS_ADMIN 21
#define CAP_IPC_LOCK 14
#define CAP_SYS_BOOT 22
#define CAP_SYS_NICE 23
#define CAP_SYS_RESOURCE 24
#define CAP_SYS_TIME 25
#define CAP_MKNOD 27
#define CAP_LAST_CAP 40

typedef uint64_t kernel_cap_t;
#define CAP_TO_MASK(cap) (1ULL << (cap))
#define CAP_FULL_SET ((kernel_cap_t)((1ULL << (CAP_LAST_CAP + 1)) - 1))
#define CAP_EMPTY_SET ((kernel_cap_t)0)

bool capable(int cap);
