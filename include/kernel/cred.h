/*
 * Credentials (Linux: include/linux/cred.h, uidgid.h, kernel/cred.c,
 * kernel/groups.c): who a task acts as.  A task's cred is shared (a child
 * starts with its parent's) and refcounted: get_cred/put_cred; the last
 * put frees it into the cred_jar cache (init_cred is never freed).
 * kuid_t/kgid_t wrap the ids in a struct, as Linux does, so a uid cannot
 * be mixed up with a gid or a plain int without __kuid_val().
 *
 * Changing credentials, Linux's way (kernel/cred.cc, the set*id calls in
 * kernel/sys.cc):
 *
 *     struct cred* new = prepare_creds();   // a private copy of current's
 *     if (!new) return lib::Error{ENOMEM};
 *     new->euid = ...;                      // edit the copy
 *     commit_creds(new);                    // install it (or abort_creds)
 *
 * Invariants: a cred is never changed once a task points at it; only a
 * task changes its own creds (commit_creds on current); override_creds
 * lets kernel code act as another user for a while.  Supplementary
 * groups are a sorted, refcounted, immutable group_info (init_groups:
 * none).
 *
 * The capability sets and securebits: <kernel/capability.h>,
 * security/commoncap.cc.
 *
 * No RCU: another task's cred pointer is read under tasklist_lock, and
 * commit_creds swaps current's pointers under it (get_task_cred returns a
 * reference for use after the lock).  current reads its own without a
 * lock.
 */
#pragma once
#include <atomic>
#include <kernel/capability.h>

struct task_struct;

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

/* supplementary groups, sorted ascending (Linux: struct group_info) */
struct group_info {
	std::atomic<long> usage;
	int ngroups;
	kgid_t gid[]; /* ngroups entries */
};
#define NGROUPS_MAX 65536 /* Linux's include/uapi/linux/limits.h */
extern struct group_info init_groups;
/* a group_info for n groups, usage 1; NULL on ENOMEM */
struct group_info* groups_alloc(int n);
static inline struct group_info* get_group_info(struct group_info* gi)
{
	gi->usage.fetch_add(1, std::memory_order_relaxed);
	return gi;
}
void put_group_info(struct group_info* gi);
/* sort gi's groups (before it is published) */
void groups_sort(struct group_info* gi);
/* is grp in gi (binary search) */
bool groups_search(const struct group_info* gi, kgid_t grp);

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
	kernel_cap_t cap_permitted = CAP_EMPTY_SET; /* what effective may be raised to */
	struct group_info* group_info = &init_groups; /* supplementary groups */
	kernel_cap_t cap_inheritable = CAP_EMPTY_SET; /* what exec may pass on (with cap_ambient) */
	kernel_cap_t cap_bset = CAP_FULL_SET;         /* the bounding set: the most exec grants */
	kernel_cap_t cap_ambient = CAP_EMPTY_SET;     /* kept across a non-setuid exec */
	unsigned securebits = 0;                      /* SECBIT_* (<uapi/linux/securebits.h>) */
};
extern struct cred init_cred;
/* set up the cred_jar cache (Linux: cred_init, start_kernel) */
void cred_init();
/* a copy of current's creds to edit, usage 1 (NULL on ENOMEM) */
struct cred* prepare_creds();
/* make new current's objective and subjective creds, consuming the
 * caller's reference; pdeath_signal and dumpable are reset when the
 * effective or fs ids change, as Linux's */
void commit_creds(struct cred* new_cred);
/* drop a prepared cred that was not committed */
void abort_creds(struct cred* new_cred);
/* a reference to task's objective creds (Linux: get_task_cred) */
const struct cred* get_task_cred(struct task_struct* task);
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
/* is grp current's fsgid or one of its supplementary groups (Linux: in_group_p) */
bool in_group_p(kgid_t grp);
