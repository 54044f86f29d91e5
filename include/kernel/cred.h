/*
 * Credentials (Linux: include/linux/cred.h, uidgid.h): who a task acts
 * as.  A task's cred is shared (init_cred by every task so far) and
 * refcounted: get_cred/put_cred; the last put frees it (kernel/fork.cc).
 * kuid_t/kgid_t wrap the ids in a struct, as Linux does, so a uid cannot
 * be mixed up with a gid or a plain int without __kuid_val().
 *
 * Invariant: a cred is never changed once a task points at it (Linux's
 * rule: prepare a new one and commit it; nothing here changes creds yet,
 * but override_creds lets kernel code act as another user for a while).
 */
#pragma once
#include <atomic>
#include <kernel/capability.h>

typedef struct {
	unsigned int val;
} kuid_t;
typedef struct {
	unsigned int val;
} kgid_t;
#define GLOBAL_ROOT_UID (kuid_t{0})
#define GLOBAL_ROOT_GID (kgid_t{0})
static inline unsigned int __kuid_val(kuid_t uid)
{
	return uid.val;
}
static inline unsigned int __kgid_val(kgid_t gid)
{
	return gid.val;
}

struct cred {
	std::atomic<long> usage;
	kuid_t uid;   /* real UID of the task */
	kgid_t gid;   /* real GID of the task */
	kuid_t suid;  /* saved UID of the task */
	kgid_t sgid;  /* saved GID of the task */
	kuid_t euid;  /* effective UID of the task */
	kgid_t egid;  /* effective GID of the task */
	kuid_t fsuid; /* UID for VFS ops */
	kgid_t fsgid; /* GID for VFS ops */
	kernel_cap_t cap_effective; /* <kernel/capability.h>: what capable() sees */
};
extern struct cred init_cred;
static inline const struct cred* get_cred(const struct cred* c)
{
	const_cast<struct cred*>(c)->usage.fetch_add(1, std::memory_order_relaxed);
	return c;
}
void put_cred(const struct cred* c);
static inline bool uid_eq(kuid_t a, kuid_t b)
{
	return a.val == b.val;
}
static inline bool gid_eq(kgid_t a, kgid_t b)
{
	return a.val == b.val;
}
/* current's subjective credentials (Linux: current_cred) */
const struct cred* current_cred();
static inline kuid_t current_fsuid()
{
	return current_cred()->fsuid;
}
static inline kgid_t current_fsgid()
{
	return current_cred()->fsgid;
}
/* act with new's credentials until revert_creds(old) (Linux: the same):
 * kernel code, and the tests, acting as another user; new stays
 * unchanged and must outlive the override */
const struct cred* override_creds(const struct cred* new_cred);
void revert_creds(const struct cred* old);
/* is gid current's fsgid (no supplementary groups yet: Linux: in_group_p) */
bool in_group_p(kgid_t grp);
