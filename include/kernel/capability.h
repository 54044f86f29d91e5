/*
 * Capabilities (Linux: include/uapi/linux/capability.h,
 * include/linux/capability.h, kernel/capability.c capable()).
 *
 * A cred carries its effective set (cap_effective); root's credentials
 * (init_cred) have every capability, as Linux gives uid 0 the full set.
 * capable(cap) asks whether current's effective set has cap; Linux also
 * sets PF_SUPERPRIV when it does, as here.  The permitted set bounds
 * effective; there are no file capabilities, no inheritable, ambient or
 * bounding sets, no securebits (SECURE_KEEP_CAPS) yet.
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
#define CAP_LINUX_IMMUTABLE 9
#define CAP_SYS_CHROOT 18
#define CAP_SYS_PTRACE 19
#define CAP_SYS_ADMIN 21
#define CAP_IPC_LOCK 14
#define CAP_SYS_BOOT 22
#define CAP_SYS_NICE 23
#define CAP_SYS_RESOURCE 24
#define CAP_SYS_TIME 25
#define CAP_MKNOD 27
#define CAP_MAC_OVERRIDE 32
#define CAP_LAST_CAP 40

typedef uint64_t kernel_cap_t;
#define CAP_TO_MASK(cap) (1ULL << (cap))
#define CAP_FULL_SET ((kernel_cap_t)((1ULL << (CAP_LAST_CAP + 1)) - 1))
#define CAP_EMPTY_SET ((kernel_cap_t)0)

/* the capabilities a change of fsuid away from root drops (Linux:
 * CAP_FS_MASK) */
#define CAP_FS_SET                                                                                       \
	(CAP_TO_MASK(CAP_CHOWN) | CAP_TO_MASK(CAP_DAC_OVERRIDE) | CAP_TO_MASK(CAP_DAC_READ_SEARCH) |     \
	 CAP_TO_MASK(CAP_FOWNER) | CAP_TO_MASK(CAP_FSETID) | CAP_TO_MASK(CAP_LINUX_IMMUTABLE) |         \
	 CAP_TO_MASK(CAP_MKNOD) | CAP_TO_MASK(CAP_MAC_OVERRIDE))

bool capable(int cap);

/* what a uid change does to the capability sets (Linux: security/
 * commoncap.c cap_task_fix_setuid): leaving uid 0 in all of real,
 * effective and saved clears permitted and effective; an effective uid
 * leaving 0 clears effective, one returning to 0 restores it from
 * permitted; an fsuid leaving 0 drops CAP_FS_SET from effective, one
 * returning raises it again from permitted */
enum { LSM_SETID_ID = 1, LSM_SETID_RE = 2, LSM_SETID_RES = 4, LSM_SETID_FS = 8 };
struct cred;
void cap_task_fix_setuid(struct cred* new_cred, const struct cred* old, int flags);
