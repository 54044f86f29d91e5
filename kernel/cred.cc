/*
 * Acting as someone (Linux: kernel/cred.c current_cred, override_creds,
 * revert_creds; kernel/groups.c in_group_p; kernel/capability.c capable).
 *
 * override_creds swaps current->cred (the subjective credentials) and
 * returns the old one, holding a reference on the new; revert_creds puts
 * it back.  Only current changes its own ->cred, so no lock is needed.
 */
#include <kernel/capability.h>
#include <kernel/cred.h>
#include <kernel/sched.h>

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
	return gid_eq(current_cred()->fsgid, grp);
}

bool capable(int cap)
{
	if (cap < 0 || cap > CAP_LAST_CAP)
		return false;
	if (current_cred()->cap_effective & CAP_TO_MASK(cap)) {
		current->flags |= PF_SUPERPRIV;
		return true;
	}
	return false;
}
