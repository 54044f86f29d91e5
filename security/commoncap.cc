/*
 * The capability rules (Linux: security/commoncap.c; capabilities(7)):
 * what set*id, capset, the capability prctls and exec do to a cred's
 * capability sets.  Linux runs them as the "capability" security
 * module's hooks; here they are called directly (no LSM layer).
 *
 *   cap_task_fix_setuid       set*uid: "Effect of user ID changes on
 *                             capabilities" (leaving uid 0 clears the
 *                             sets unless SECBIT_KEEP_CAPS; euid and fsuid
 *                             changes clear or restore effective)
 *   cap_capset                capset(2): permitted may only shrink,
 *                             inheritable only grow within permitted
 *                             (without CAP_SETPCAP) and the bounding set,
 *                             effective within the new permitted
 *   cap_task_prctl            PR_CAPBSET_READ/DROP, PR_GET/SET_SECUREBITS,
 *                             PR_GET/SET_KEEPCAPS, PR_CAP_AMBIENT
 *   cap_bprm_creds_from_file  exec: root (real or effective, unless
 *                             SECBIT_NOROOT) gets permitted = bounding |
 *                             inheritable, and effective too if its euid
 *                             is 0; anyone else keeps only the ambient
 *                             set; a set-id exec clears ambient and is
 *                             "secure" (AT_SECURE); no_new_privs keeps it
 *                             from gaining anything.  There are no file
 *                             capabilities (no xattrs).
 *
 * Invariants (checked): ambient ⊆ permitted ∩ inheritable, after every
 * change here.  issecure() reads the securebits of the cred being
 * replaced (current's, as Linux's issecure reads current_cred()).
 *
 * Lock order: none; the callers own the new cred (prepare_creds).
 */
#include <fs/binfmts.h>
#include <fs/fs.h>
#include <fs/mount.h>
#include <kernel/capability.h>
#include <kernel/cred.h>
#include <kernel/panic.h>
#include <kernel/sched.h>
#include <uapi/asm-generic/errno-base.h>
#include <uapi/asm-generic/errno.h>
#include <uapi/linux/personality.h>
#include <uapi/linux/prctl.h>
#include <uapi/linux/securebits.h>

namespace
{
bool issecure(const struct cred* c, int bit)
{
	return c->securebits & issecure_mask(bit);
}

bool cap_ambient_invariant_ok(const struct cred* c)
{
	return cap_issubset(c->cap_ambient, c->cap_permitted & c->cap_inheritable);
}

const kuid_t root_uid = GLOBAL_ROOT_UID;

/* cap_emulate_setxuid */
void cap_emulate_setxuid(struct cred* n, const struct cred* old)
{
	if ((uid_eq(old->uid, root_uid) || uid_eq(old->euid, root_uid) || uid_eq(old->suid, root_uid)) &&
	    !uid_eq(n->uid, root_uid) && !uid_eq(n->euid, root_uid) && !uid_eq(n->suid, root_uid)) {
		if (!issecure(old, SECURE_KEEP_CAPS)) {
			n->cap_permitted = CAP_EMPTY_SET;
			n->cap_effective = CAP_EMPTY_SET;
		}
		/* setresuid to non-root then exec drops everything, even ambient */
		n->cap_ambient = CAP_EMPTY_SET;
	}
	if (uid_eq(old->euid, root_uid) && !uid_eq(n->euid, root_uid))
		n->cap_effective = CAP_EMPTY_SET;
	if (!uid_eq(old->euid, root_uid) && uid_eq(n->euid, root_uid))
		n->cap_effective = n->cap_permitted;
}

long commit(struct cred* n)
{
	commit_creds(n);
	return 0;
}
} // namespace

void cap_task_fix_setuid(struct cred* n, const struct cred* old, int flags)
{
	if (issecure(old, SECURE_NO_SETUID_FIXUP))
		return;
	switch (flags) {
	case LSM_SETID_RE:
	case LSM_SETID_ID:
	case LSM_SETID_RES:
		cap_emulate_setxuid(n, old);
		break;
	case LSM_SETID_FS:
		if (uid_eq(old->fsuid, root_uid) && !uid_eq(n->fsuid, root_uid))
			n->cap_effective &= ~CAP_FS_SET;
		if (!uid_eq(old->fsuid, root_uid) && uid_eq(n->fsuid, root_uid))
			n->cap_effective |= n->cap_permitted & CAP_FS_SET;
		break;
	}
}

int cap_capset(struct cred* n, const struct cred* old, kernel_cap_t effective, kernel_cap_t inheritable,
               kernel_cap_t permitted)
{
	/* without CAP_SETPCAP, inheritable may only gain what is permitted */
	if (!cap_capable(old, CAP_SETPCAP) && !cap_issubset(inheritable, old->cap_inheritable | old->cap_permitted))
		return -EPERM;
	/* and never anything outside the bounding set */
	if (!cap_issubset(inheritable, old->cap_inheritable | old->cap_bset))
		return -EPERM;
	if (!cap_issubset(permitted, old->cap_permitted))
		return -EPERM;
	if (!cap_issubset(effective, permitted))
		return -EPERM;
	n->cap_effective = effective;
	n->cap_inheritable = inheritable;
	n->cap_permitted = permitted;
	/* ambient keeps only what is still permitted and inheritable */
	n->cap_ambient &= permitted & inheritable;
	if (WARN_ON(!cap_ambient_invariant_ok(n)))
		return -EINVAL;
	return 0;
}

long cap_task_prctl(int option, unsigned long arg2, unsigned long arg3, unsigned long arg4, unsigned long arg5)
{
	const struct cred* old = current_cred();
	struct cred* n;
	switch (option) {
	case PR_CAPBSET_READ:
		if (arg2 > CAP_LAST_CAP)
			return -EINVAL;
		return cap_raised(old->cap_bset, int(arg2));
	case PR_CAPBSET_DROP: /* cap_prctl_drop */
		if (!capable(CAP_SETPCAP))
			return -EPERM;
		if (arg2 > CAP_LAST_CAP)
			return -EINVAL;
		n = prepare_creds();
		if (!n)
			return -ENOMEM;
		n->cap_bset &= ~CAP_TO_MASK(int(arg2));
		return commit(n);
	case PR_SET_SECUREBITS:
		/* no changing a locked bit, no unlocking, no unknown bits, and
		 * nothing at all without CAP_SETPCAP */
		if ((((old->securebits & SECURE_ALL_LOCKS) >> 1) & (old->securebits ^ arg2)) ||
		    (old->securebits & SECURE_ALL_LOCKS & ~arg2) || (arg2 & ~(unsigned long)(SECURE_ALL_LOCKS | SECURE_ALL_BITS)) ||
		    !cap_capable(old, CAP_SETPCAP))
			return -EPERM;
		n = prepare_creds();
		if (!n)
			return -ENOMEM;
		n->securebits = unsigned(arg2);
		return commit(n);
	case PR_GET_SECUREBITS:
		return old->securebits;
	case PR_GET_KEEPCAPS:
		return issecure(old, SECURE_KEEP_CAPS);
	case PR_SET_KEEPCAPS:
		if (arg2 > 1)
			return -EINVAL;
		if (issecure(old, SECURE_KEEP_CAPS_LOCKED))
			return -EPERM;
		n = prepare_creds();
		if (!n)
			return -ENOMEM;
		if (arg2)
			n->securebits |= issecure_mask(SECURE_KEEP_CAPS);
		else
			n->securebits &= ~issecure_mask(SECURE_KEEP_CAPS);
		return commit(n);
	case PR_CAP_AMBIENT:
		if (arg2 == PR_CAP_AMBIENT_CLEAR_ALL) {
			if (arg3 | arg4 | arg5)
				return -EINVAL;
			n = prepare_creds();
			if (!n)
				return -ENOMEM;
			n->cap_ambient = CAP_EMPTY_SET;
			return commit(n);
		}
		if (arg3 > CAP_LAST_CAP || arg4 || arg5)
			return -EINVAL;
		if (arg2 == PR_CAP_AMBIENT_IS_SET)
			return cap_raised(old->cap_ambient, int(arg3));
		if (arg2 != PR_CAP_AMBIENT_RAISE && arg2 != PR_CAP_AMBIENT_LOWER)
			return -EINVAL;
		if (arg2 == PR_CAP_AMBIENT_RAISE &&
		    (!cap_raised(old->cap_permitted, int(arg3)) || !cap_raised(old->cap_inheritable, int(arg3)) ||
		     issecure(old, SECURE_NO_CAP_AMBIENT_RAISE)))
			return -EPERM;
		n = prepare_creds();
		if (!n)
			return -ENOMEM;
		if (arg2 == PR_CAP_AMBIENT_RAISE)
			n->cap_ambient |= CAP_TO_MASK(int(arg3));
		else
			n->cap_ambient &= ~CAP_TO_MASK(int(arg3));
		return commit(n);
	default:
		return -ENOSYS; /* not a capability option */
	}
}

int cap_bprm_creds_from_file(struct linux_binprm* bprm)
{
	const struct cred* old = current_cred();
	struct cred* n = bprm->cred;
	bool effective = false;
	if (WARN_ON(!cap_ambient_invariant_ok(old)))
		return -EPERM;
	/* get_file_caps: no file capabilities, so the file grants nothing */
	n->cap_permitted = CAP_EMPTY_SET;
	/* handle_privileged_root: root's legacy all-capabilities */
	if (!issecure(old, SECURE_NOROOT)) {
		if (uid_eq(n->euid, root_uid) || uid_eq(n->uid, root_uid))
			n->cap_permitted = old->cap_bset | old->cap_inheritable;
		if (uid_eq(n->euid, root_uid))
			effective = true;
	}
	bool gained = !cap_issubset(n->cap_permitted, old->cap_permitted); /* __cap_gained(permitted) */
	if (gained)
		bprm->per_clear |= PER_CLEAR_ON_SETID;
	bool is_setid = !uid_eq(n->euid, old->uid) || !gid_eq(n->egid, old->gid);
	/* an unsafe exec (a shared fs_struct, no_new_privs; a ptracer: no
	 * ptrace yet) gets no more than it had: the effective ids stay
	 * unless the caller could set them anyway (CAP_SETUID) */
	if ((is_setid || gained) && (bprm->unsafe & ~LSM_UNSAFE_PTRACE)) {
		if (!capable(CAP_SETUID) || (bprm->unsafe & LSM_UNSAFE_NO_NEW_PRIVS)) {
			n->euid = n->uid;
			n->egid = n->gid;
		}
		n->cap_permitted &= old->cap_permitted;
	}
	n->suid = n->fsuid = n->euid;
	n->sgid = n->fsgid = n->egid;
	if (is_setid) /* a set-id exec (or file capabilities) cancels ambient */
		n->cap_ambient = CAP_EMPTY_SET;
	/* pP' = (X & fP) | (pI & fI) | pA'; pE' = fE ? pP' : pA' */
	n->cap_permitted |= n->cap_ambient;
	n->cap_effective = effective ? n->cap_permitted : n->cap_ambient;
	if (WARN_ON(!cap_ambient_invariant_ok(n)))
		return -EPERM;
	n->securebits &= ~issecure_mask(SECURE_KEEP_CAPS);
	/* a privilege-elevating exec: AT_SECURE for the new program */
	if (is_setid || (!uid_eq(n->uid, root_uid) &&
	                 (effective || !cap_issubset(n->cap_permitted, n->cap_ambient))))
		bprm->secureexec = true;
	return 0;
}
