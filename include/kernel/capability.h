/*
 * Capabilities (Linux: include/uapi/linux/capability.h,
 * include/linux/capability.h; kernel/capability.c capable, capget,
 * capset; security/commoncap.c the rules, here security/commoncap.cc).
 *
 * A cred carries five sets (Linux's names, capabilities(7)):
 *   cap_effective    what capable() checks
 *   cap_permitted    the limit of effective (and of what capset may keep)
 *   cap_inheritable  what an exec may pass on (with file capabilities:
 *                    none here, so only through ambient)
 *   cap_bset         the bounding set: caps exec may ever grant
 *                    (PR_CAPBSET_DROP lowers it, nothing raises it)
 *   cap_ambient      kept across the exec of an unprivileged program
 *                    (invariant: ambient ⊆ permitted ∩ inheritable)
 * root's credentials (init_cred) have full effective, permitted and
 * bounding sets, as Linux gives uid 0.  capable(cap) asks whether
 * current's effective set has cap and, if so, sets PF_SUPERPRIV, as
 * Linux does.  A kernel_cap_t is one 64-bit word (Linux: two u32s).
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
#define CAP_SETPCAP 8
#define CAP_LINUX_IMMUTABLE 9
#define CAP_NET_BIND_SERVICE 10
#define CAP_NET_BROADCAST 11
#define CAP_NET_ADMIN 12
#define CAP_NET_RAW 13
#define CAP_IPC_LOCK 14
#define CAP_IPC_OWNER 15
#define CAP_SYS_MODULE 16
#define CAP_SYS_RAWIO 17
#define CAP_SYS_CHROOT 18
#define CAP_SYS_PTRACE 19
#define CAP_SYS_PACCT 20
#define CAP_SYS_ADMIN 21
#define CAP_SYS_BOOT 22
#define CAP_SYS_NICE 23
#define CAP_SYS_RESOURCE 24
#define CAP_SYS_TIME 25
#define CAP_SYS_TTY_CONFIG 26
#define CAP_MKNOD 27
#define CAP_LEASE 28
#define CAP_AUDIT_WRITE 29
#define CAP_AUDIT_CONTROL 30
#define CAP_SETFCAP 31
#define CAP_MAC_OVERRIDE 32
#define CAP_MAC_ADMIN 33
#define CAP_SYSLOG 34
#define CAP_WAKE_ALARM 35
#define CAP_BLOCK_SUSPEND 36
#define CAP_AUDIT_READ 37
#define CAP_PERFMON 38
#define CAP_BPF 39
#define CAP_CHECKPOINT_RESTORE 40
#define CAP_LAST_CAP 40 /* Linux 6.1's */
#define cap_valid(x) ((x) >= 0 && (x) <= CAP_LAST_CAP)

typedef uint64_t kernel_cap_t;
#define CAP_TO_MASK(cap) (1ULL << (cap))
#define CAP_FULL_SET ((kernel_cap_t)((1ULL << (CAP_LAST_CAP + 1)) - 1))
#define CAP_EMPTY_SET ((kernel_cap_t)0)
static inline bool cap_raised(kernel_cap_t c, int cap)
{
	return c & CAP_TO_MASK(cap);
}
/* is every capability of a also in set (Linux: cap_issubset) */
static inline bool cap_issubset(kernel_cap_t a, kernel_cap_t set)
{
	return !(a & ~set);
}

/* the capabilities a change of fsuid away from root drops (Linux:
 * CAP_FS_MASK) */
#define CAP_FS_SET                                                                                       \
	(CAP_TO_MASK(CAP_CHOWN) | CAP_TO_MASK(CAP_DAC_OVERRIDE) | CAP_TO_MASK(CAP_DAC_READ_SEARCH) |     \
	 CAP_TO_MASK(CAP_FOWNER) | CAP_TO_MASK(CAP_FSETID) | CAP_TO_MASK(CAP_LINUX_IMMUTABLE) |         \
	 CAP_TO_MASK(CAP_MKNOD) | CAP_TO_MASK(CAP_MAC_OVERRIDE))

/* does current's effective set hold cap (Linux: capable; kernel/capability.cc) */
bool capable(int cap);
/* does cred's effective set hold cap, without PF_SUPERPRIV (Linux: cap_capable) */
struct cred;
bool cap_capable(const struct cred* cred, int cap);

/* ---- security/commoncap.cc: Linux's commoncap rules ---- */

/* what a uid change does to the capability sets (Linux: security/
 * commoncap.c cap_task_fix_setuid): leaving uid 0 in all of real,
 * effective and saved clears permitted and effective (unless
 * SECBIT_KEEP_CAPS) and ambient; an effective uid leaving 0 clears
 * effective, one returning to 0 restores it from permitted; an fsuid
 * leaving 0 drops CAP_FS_SET from effective, one returning raises it
 * again from permitted.  SECBIT_NO_SETUID_FIXUP turns all of it off. */
enum { LSM_SETID_ID = 1, LSM_SETID_RE = 2, LSM_SETID_RES = 4, LSM_SETID_FS = 8 };
void cap_task_fix_setuid(struct cred* new_cred, const struct cred* old, int flags);
/* capset's rules (Linux: cap_capset): 0 or EPERM; new's sets are set */
int cap_capset(struct cred* new_cred, const struct cred* old, kernel_cap_t effective, kernel_cap_t inheritable,
               kernel_cap_t permitted);
/* the capability options of prctl: the result (>= 0), -errno, or -ENOSYS
 * for an option that is not a capability one (Linux: cap_task_prctl) */
long cap_task_prctl(int option, unsigned long arg2, unsigned long arg3, unsigned long arg4, unsigned long arg5);
/* the capabilities and ids after an exec (Linux: cap_bprm_creds_from_file) */
struct linux_binprm;
int cap_bprm_creds_from_file(struct linux_binprm* bprm);
