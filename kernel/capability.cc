/*
 * Capabilities from user space and the kernel's question "may current do
 * this" (Linux: kernel/capability.c capable, cap_capable (from
 * security/commoncap.c), capget, capset, cap_validate_magic).
 *
 * capget/capset speak the user's capability ABI (<uapi/linux/capability.h>):
 * a header {version, pid} and an array of {effective, permitted,
 * inheritable} 32-bit words, one for version 1 (capabilities 0..31), two
 * for versions 2 and 3 (0..63; version 2 is accepted as 3).  An unknown
 * version is EINVAL, and the kernel's preferred version (3) is written
 * back into the header first; capget with a NULL data pointer is how
 * libcap asks for that version: it then returns 0.  capget reads any
 * task's sets (pid 0: current; no such pid: ESRCH); capset changes only
 * current's (another pid: EPERM), under cap_capset's rules
 * (security/commoncap.cc).
 *
 * Invariants: the sets are changed only through prepare_creds and
 * commit_creds; capset masks bits above CAP_LAST_CAP off, as Linux does.
 *
 * Lock order: another task's creds are read through get_task_cred
 * (tasklist_lock).
 */
#include <kernel/capability.h>
#include <kernel/cred.h>
#include <kernel/sched.h>
#include <kernel/sched/task.h>
#include <kernel/syscalls.h>
#include <kernel/uaccess.h>
#include <cstddef>
#include <uapi/asm-generic/errno-base.h>
#include <uapi/linux/capability.h>

bool cap_capable(const struct cred* cred, int cap)
{
	return cap_valid(cap) && cap_raised(cred->cap_effective, cap);
}

bool capable(int cap)
{
	if (cap_capable(current_cred(), cap)) {
		current->flags |= PF_SUPERPRIV;
		return true;
	}
	return false;
}

namespace
{
using cap_user_header_t = user_ptr<struct __user_cap_header_struct>;
using cap_user_data_t = user_ptr<struct __user_cap_data_struct>;

/* the number of data words of header's version, or EINVAL with the
 * preferred version written back (Linux: cap_validate_magic) */
lib::Result<unsigned> cap_validate_magic(cap_user_header_t header)
{
	uint32_t version;
	TRY(get_user(version, user_ptr<const uint32_t>(header.addr())));
	switch (version) {
	case _LINUX_CAPABILITY_VERSION_1:
		return unsigned(_LINUX_CAPABILITY_U32S_1);
	case _LINUX_CAPABILITY_VERSION_2: /* deprecated: the same as 3 */
	case _LINUX_CAPABILITY_VERSION_3:
		return unsigned(_LINUX_CAPABILITY_U32S_3);
	default:
		TRY(put_user(uint32_t(_KERNEL_CAPABILITY_VERSION), user_ptr<uint32_t>(header.addr())));
		return lib::Error{EINVAL};
	}
}

lib::Result<int> get_header_pid(cap_user_header_t header)
{
	int pid;
	TRY(get_user(pid, user_ptr<const int>(header.addr() + offsetof(struct __user_cap_header_struct, pid))));
	return pid;
}
} // namespace

SYSCALL_DEFINE2(capget, cap_user_header_t, header, cap_user_data_t, dataptr)
{
	lib::Result<unsigned> tocopy = cap_validate_magic(header);
	if (tocopy.is_err()) /* NULL data with an unknown version: the version query */
		return (!dataptr && tocopy.error() == EINVAL) ? lib::Result<long>(0) : lib::Result<long>(lib::Error{tocopy.error()});
	if (!dataptr)
		return 0;
	int pid = TRY(get_header_pid(header));
	if (pid < 0)
		return lib::Error{EINVAL};
	const struct cred* c;
	if (pid && pid != task_pid_nr(current)) {
		struct task_struct* t = find_get_task_by_vpid(pid);
		if (!t)
			return lib::Error{ESRCH};
		c = get_task_cred(t);
		put_task_struct(t);
	}
	else
		c = get_cred(current_cred());
	struct __user_cap_data_struct kdata[_KERNEL_CAPABILITY_U32S];
	for (unsigned i = 0; i < _KERNEL_CAPABILITY_U32S; i++) {
		kdata[i].effective = uint32_t(c->cap_effective >> (32 * i));
		kdata[i].permitted = uint32_t(c->cap_permitted >> (32 * i));
		kdata[i].inheritable = uint32_t(c->cap_inheritable >> (32 * i));
	}
	put_cred(c);
	/* version 1 sees capabilities 0..31 only (Linux drops the rest) */
	if (copy_to_user(dataptr, kdata, tocopy.value() * sizeof(kdata[0])))
		return lib::Error{EFAULT};
	return 0;
}

SYSCALL_DEFINE2(capset, cap_user_header_t, header, cap_user_data_t, data)
{
	unsigned tocopy = TRY(cap_validate_magic(header));
	int pid = TRY(get_header_pid(header));
	if (pid != 0 && pid != task_pid_nr(current)) /* may only affect current */
		return lib::Error{EPERM};
	struct __user_cap_data_struct kdata[_KERNEL_CAPABILITY_U32S] = {};
	if (copy_from_user(kdata, data, tocopy * sizeof(kdata[0])))
		return lib::Error{EFAULT};
	kernel_cap_t effective = 0, permitted = 0, inheritable = 0;
	for (unsigned i = 0; i < tocopy; i++) {
		effective |= kernel_cap_t(kdata[i].effective) << (32 * i);
		permitted |= kernel_cap_t(kdata[i].permitted) << (32 * i);
		inheritable |= kernel_cap_t(kdata[i].inheritable) << (32 * i);
	}
	effective &= CAP_FULL_SET; /* CAP_LAST_U32_VALID_MASK */
	permitted &= CAP_FULL_SET;
	inheritable &= CAP_FULL_SET;
	struct cred* n = prepare_creds();
	if (!n)
		return lib::Error{ENOMEM};
	int ret = cap_capset(n, current_cred(), effective, inheritable, permitted);
	if (ret < 0) {
		abort_creds(n);
		return lib::Error{-ret};
	}
	commit_creds(n);
	return 0;
}
