/*
 * ktests of the credentials (kernel/cred.cc): groups sorted and searched,
 * capabilities following uid changes as Linux's cap_task_fix_setuid (with
 * SECBIT_KEEP_CAPS and SECBIT_NO_SETUID_FIXUP), capset's rules, and
 * commit_creds replacing (never editing) current's cred and dropping the
 * old one's references.
 */
#include <kernel/capability.h>
#include <kernel/cred.h>
#include <kernel/ktest.h>
#include <kernel/sched.h>
#include <uapi/asm-generic/errno-base.h>
#include <uapi/linux/securebits.h>

namespace
{
struct test_cred : cred {
	test_cred(unsigned r, unsigned e, unsigned s, unsigned fs)
	{
		usage.store(1);
		uid = kuid_t{r};
		euid = kuid_t{e};
		suid = kuid_t{s};
		fsuid = kuid_t{fs};
		gid = egid = sgid = fsgid = kgid_t{0};
		cap_effective = cap_permitted = CAP_FULL_SET;
	}
};
} // namespace

KTEST(cred, groups_are_sorted_and_searched)
{
	struct group_info* gi = groups_alloc(4);
	KASSERT_TRUE(gi != nullptr);
	unsigned v[4] = {40, 5, 300, 7};
	for (int i = 0; i < 4; i++)
		gi->gid[i] = kgid_t{v[i]};
	groups_sort(gi);
	KEXPECT_EQ(__kgid_val(gi->gid[0]), 5u);
	KEXPECT_EQ(__kgid_val(gi->gid[3]), 300u);
	KEXPECT_TRUE(groups_search(gi, kgid_t{7}));
	KEXPECT_TRUE(groups_search(gi, kgid_t{300}));
	KEXPECT_FALSE(groups_search(gi, kgid_t{6}));
	KEXPECT_FALSE(groups_search(&init_groups, kgid_t{0}));
	put_group_info(gi);
}

KTEST(cred, leaving_root_everywhere_clears_permitted_and_effective)
{
	test_cred old(0, 0, 0, 0), n(1000, 1000, 1000, 1000);
	cap_task_fix_setuid(&n, &old, LSM_SETID_RES);
	KEXPECT_EQ(n.cap_permitted, CAP_EMPTY_SET);
	KEXPECT_EQ(n.cap_effective, CAP_EMPTY_SET);
}

KTEST(cred, an_effective_uid_change_moves_only_the_effective_set)
{
	test_cred old(0, 0, 0, 0), n(1000, 1001, 0, 1001);
	cap_task_fix_setuid(&n, &old, LSM_SETID_RES);
	KEXPECT_EQ(n.cap_permitted, CAP_FULL_SET);
	KEXPECT_EQ(n.cap_effective, CAP_EMPTY_SET);
	test_cred back(1000, 0, 0, 0);
	back.cap_effective = CAP_EMPTY_SET;
	cap_task_fix_setuid(&back, &n, LSM_SETID_RES);
	KEXPECT_EQ(back.cap_effective, CAP_FULL_SET); /* raised again from permitted */
}

KTEST(cred, an_fsuid_change_moves_the_fs_capabilities)
{
	test_cred old(0, 0, 0, 0), n(0, 0, 0, 1000);
	cap_task_fix_setuid(&n, &old, LSM_SETID_FS);
	KEXPECT_EQ(n.cap_effective & CAP_FS_SET, 0u);
	KEXPECT_TRUE(n.cap_effective & CAP_TO_MASK(CAP_SETUID));
	test_cred back(0, 0, 0, 0);
	back.cap_effective = n.cap_effective;
	cap_task_fix_setuid(&back, &n, LSM_SETID_FS);
	KEXPECT_EQ(back.cap_effective, CAP_FULL_SET);
}

KTEST(cred, commit_creds_replaces_and_releases)
{
	const struct cred* orig = get_cred(current->real_cred);
	struct cred* a = prepare_creds();
	KASSERT_TRUE(a != nullptr);
	KEXPECT_TRUE(a != orig);
	KEXPECT_EQ(a->usage.load(), 1);
	a->fsgid = kgid_t{77};
	commit_creds(a);
	KEXPECT_TRUE(current->cred == a && current->real_cred == a);
	KEXPECT_EQ(a->usage.load(), 2); /* real_cred and cred */
	KEXPECT_TRUE(in_group_p(kgid_t{77}));
	KEXPECT_TRUE(gid_eq(orig->fsgid, kgid_t{0})); /* the old cred is untouched */
	get_cred(a);
	/* back to the original (init_cred, which the other suites expect):
	 * commit_creds takes over our reference to it */
	commit_creds(const_cast<struct cred*>(orig));
	KEXPECT_TRUE(current->cred == orig && current->real_cred == orig);
	KEXPECT_EQ(a->usage.load(), 1); /* only our reference is left */
	put_cred(a);                    /* frees a */
	KEXPECT_FALSE(in_group_p(kgid_t{77}));
}

KTEST(cred, keep_caps_keeps_permitted_when_leaving_root)
{
	test_cred old(0, 0, 0, 0), n(1000, 1000, 1000, 1000);
	old.securebits = SECBIT_KEEP_CAPS;
	n.cap_ambient = CAP_TO_MASK(CAP_SYS_NICE);
	cap_task_fix_setuid(&n, &old, LSM_SETID_RES);
	KEXPECT_EQ(n.cap_permitted, CAP_FULL_SET);
	KEXPECT_EQ(n.cap_effective, CAP_EMPTY_SET); /* the euid left 0 */
	KEXPECT_EQ(n.cap_ambient, CAP_EMPTY_SET);   /* ambient goes anyway */
	test_cred fixup(0, 0, 0, 0), m(1000, 1000, 1000, 1000);
	fixup.securebits = SECBIT_NO_SETUID_FIXUP;
	cap_task_fix_setuid(&m, &fixup, LSM_SETID_RES);
	KEXPECT_EQ(m.cap_effective, CAP_FULL_SET); /* no fixup at all */
}

KTEST(cred, capset_rules)
{
	test_cred old(1000, 1000, 1000, 1000), n(1000, 1000, 1000, 1000);
	old.cap_permitted = old.cap_effective = CAP_TO_MASK(CAP_SETUID) | CAP_TO_MASK(CAP_NET_RAW);
	old.cap_bset = CAP_FULL_SET & ~CAP_TO_MASK(CAP_SYS_TIME);
	const kernel_cap_t p = old.cap_permitted;
	KEXPECT_EQ(cap_capset(&n, &old, p, 0, p | CAP_TO_MASK(CAP_KILL)), -EPERM); /* permitted grows */
	KEXPECT_EQ(cap_capset(&n, &old, p | CAP_TO_MASK(CAP_KILL), 0, p), -EPERM); /* effective beyond it */
	KEXPECT_EQ(cap_capset(&n, &old, p, CAP_TO_MASK(CAP_KILL), p), -EPERM);     /* inheritable: no CAP_SETPCAP */
	KEXPECT_EQ(cap_capset(&n, &old, 0, CAP_TO_MASK(CAP_NET_RAW), p), 0);       /* within permitted */
	KEXPECT_EQ(n.cap_inheritable, CAP_TO_MASK(CAP_NET_RAW));
	old.cap_effective |= CAP_TO_MASK(CAP_SETPCAP);
	old.cap_permitted |= CAP_TO_MASK(CAP_SETPCAP);
	KEXPECT_EQ(cap_capset(&n, &old, 0, CAP_TO_MASK(CAP_KILL), 0), 0);         /* CAP_SETPCAP: any bounded one */
	KEXPECT_EQ(cap_capset(&n, &old, 0, CAP_TO_MASK(CAP_SYS_TIME), 0), -EPERM); /* never outside bset */
	n.cap_ambient = CAP_TO_MASK(CAP_NET_RAW);
	KEXPECT_EQ(cap_capset(&n, &old, 0, CAP_TO_MASK(CAP_NET_RAW), 0), 0);
	KEXPECT_EQ(n.cap_ambient, CAP_EMPTY_SET); /* no longer permitted */
}
