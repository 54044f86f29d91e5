/*
 * Credentials: acting as someone, and changing who (Linux: kernel/cred.c
 * cred_init, prepare_creds, commit_creds, abort_creds, get_task_cred,
 * override_creds, revert_creds, put_cred; kernel/groups.c groups_alloc,
 * groups_sort, groups_search, in_group_p).  capable() and capget/capset
 * are in kernel/capability.cc, the capability rules in
 * security/commoncap.cc.
 *
 * Data structures: cred_jar, the kmem_cache of struct cred; group_info
 * arrays from kmalloc; init_cred and init_groups are static and never
 * freed (their usage never drops to 0).
 *
 * Invariants: a cred a task points at is never written (prepare_creds
 * copies, commit_creds swaps pointers); current->real_cred ==
 * current->cred except between override_creds and revert_creds, and
 * commit_creds is not called inside such a window (Linux BUG()s; here a
 * WARN).  A group_info is sorted before anyone shares it.
 *
 * Lock order: commit_creds takes tasklist_lock (irqsave) to swap the
 * pointers, so that get_task_cred on another CPU, which also takes it,
 * never reads a cred being freed (Linux uses RCU for this).
 */
#include <kernel/capability.h>
#include <kernel/cred.h>
#include <kernel/panic.h>
#include <kernel/sched.h>
#include <kernel/sched/coredump.h>
#include <kernel/sched/task.h>
#include <mm/slab.h>
#include <new>

struct group_info init_groups = {.usage = 2, .ngroups = 0};

static struct kmem_cache* cred_jar;

void cred_init()
{
	cred_jar = kmem_cache_create("cred_jar", sizeof(struct cred), 0, SLAB_HWCACHE_ALIGN | SLAB_PANIC | SLAB_ACCOUNT,
	                             nullptr);
}

struct group_info* groups_alloc(int n)
{
	if (n < 0 || n > NGROUPS_MAX)
		return nullptr;
	void* p = kmalloc(sizeof(struct group_info) + sizeof(kgid_t) * size_t(n), GFP_KERNEL);
	if (!p)
		return nullptr;
	struct group_info* gi = new (p) group_info;
	gi->usage.store(1, std::memory_order_relaxed);
	gi->ngroups = n;
	return gi;
}

void put_group_info(struct group_info* gi)
{
	if (gi->usage.fetch_sub(1) == 1) {
		if (WARN_ON(gi == &init_groups))
			return;
		kfree(gi);
	}
}

void groups_sort(struct group_info* gi)
{
	/* insertion sort: the lists are short (Linux: sort() with gid_cmp) */
	for (int i = 1; i < gi->ngroups; i++) {
		kgid_t g = gi->gid[i];
		int j = i;
		for (; j > 0 && __kgid_val(gi->gid[j - 1]) > __kgid_val(g); j--)
			gi->gid[j] = gi->gid[j - 1];
		gi->gid[j] = g;
	}
}

bool groups_search(const struct group_info* gi, kgid_t grp)
{
	if (!gi)
		return false;
	int left = 0, right = gi->ngroups;
	while (left < right) {
		int mid = left + (right - left) / 2;
		unsigned v = __kgid_val(gi->gid[mid]);
		if (__kgid_val(grp) > v)
			left = mid + 1;
		else if (__kgid_val(grp) < v)
			right = mid;
		else
			return true;
	}
	return false;
}

void put_cred(const struct cred* c)
{
	struct cred* cred = const_cast<struct cred*>(c);
	if (cred->usage.fetch_sub(1) != 1)
		return;
	if (WARN_ON(cred == &init_cred || !cred_jar))
		return;
	put_group_info(cred->group_info);
	cred->~cred();
	kmem_cache_free(cred_jar, cred);
}

struct cred* prepare_creds()
{
	void* p = kmem_cache_alloc(cred_jar, GFP_KERNEL);
	if (!p)
		return nullptr;
	const struct cred* old = current->cred;
	struct cred* c = new (p) cred;
	c->usage.store(1, std::memory_order_relaxed);
	c->uid = old->uid;
	c->gid = old->gid;
	c->suid = old->suid;
	c->sgid = old->sgid;
	c->euid = old->euid;
	c->egid = old->egid;
	c->fsuid = old->fsuid;
	c->fsgid = old->fsgid;
	c->cap_effective = old->cap_effective;
	c->cap_permitted = old->cap_permitted;
	c->cap_inheritable = old->cap_inheritable;
	c->cap_bset = old->cap_bset;
	c->cap_ambient = old->cap_ambient;
	c->securebits = old->securebits;
	c->group_info = get_group_info(old->group_info);
	return c;
}

void abort_creds(struct cred* new_cred)
{
	WARN_ON(new_cred->usage.load() != 1);
	put_cred(new_cred);
}

void commit_creds(struct cred* new_cred)
{
	struct task_struct* task = current;
	const struct cred* old = task->real_cred;
	WARN_ON(task->cred != old); /* not inside override_creds */
	if (!uid_eq(old->euid, new_cred->euid) || !gid_eq(old->egid, new_cred->egid) ||
	    !uid_eq(old->fsuid, new_cred->fsuid) || !gid_eq(old->fsgid, new_cred->fsgid) ||
	    (new_cred->cap_permitted & ~old->cap_permitted)) {
		/* Linux: set_dumpable(mm, suid_dumpable) with suid_dumpable 0 */
		if (task->mm)
			set_dumpable(task->mm, SUID_DUMP_DISABLE);
		task->pdeath_signal = 0;
	}
	get_cred(new_cred); /* one reference for each of the two pointers */
	{
		lib::spin_lock_irqsave_guard g(tasklist_lock);
		task->real_cred = new_cred;
		task->cred = new_cred;
	}
	put_cred(old); /* the real_cred's */
	put_cred(old); /* the cred's */
}

const struct cred* get_task_cred(struct task_struct* task)
{
	lib::spin_lock_irqsave_guard g(tasklist_lock);
	return get_cred(task->real_cred);
}

const struct cred* current_cred()
{
	return current->cred;
}

const struct cred* override_creds(const struct cred* new_cred)
{
	const struct cred* old = current->cred;
	current->cred = get_cred(new_cred);
	return old;
}

void revert_creds(const struct cred* old)
{
	const struct cred* override = current->cred;
	current->cred = old;
	put_cred(override);
}

bool in_group_p(kgid_t grp)
{
	const struct cred* cred = current_cred();
	return gid_eq(cred->fsgid, grp) || groups_search(cred->group_info, grp);
}
