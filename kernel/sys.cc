/*
 * Small system calls about the calling task and the system (Linux:
 * kernel/sys.c getpid, gettid, getppid, newuname; kernel/utsname.c
 * init_uts_ns).
 *
 * Data structures: init_utsname, the one UTS namespace's names (Linux's
 * init_uts_ns.name): sysname "Linux", nodename and domainname "(none)"
 * until sethostname/setdomainname exist, release UTS_RELEASE, version
 * MONOLITH_BUILD_VERSION, machine "x86_64".
 *
 * getpid is the thread-group id, gettid the thread's own id, getppid the
 * real parent's tgid, as Linux's (no pid namespaces: the numbers are the
 * global ones).
 */
#include <kernel/sched.h>
#include <kernel/sched/task.h>
#include <kernel/syscalls.h>
#include <kernel/version.h>
#include <uapi/asm-generic/errno-base.h>
#include <uapi/linux/utsname.h>

const struct new_utsname init_utsname = {
    .sysname = "Linux",
    .nodename = "(none)",
    .release = UTS_RELEASE,
    .version = MONOLITH_BUILD_VERSION,
    .machine = "x86_64",
    .domainname = "(none)",
};

SYSCALL_DEFINE0(getpid)
{
	return task_tgid_nr(current);
}

SYSCALL_DEFINE0(gettid)
{
	return task_pid_nr(current);
}

SYSCALL_DEFINE0(getppid)
{
	lib::spin_lock_irqsave_guard g(tasklist_lock); /* real_parent changes on reparenting */
	return task_ppid_nr(current);
}

SYSCALL_DEFINE1(newuname, user_ptr<struct new_utsname>, name)
{
	if (copy_to_user(name, &init_utsname, sizeof(init_utsname)))
		return lib::Error{EFAULT};
	return 0;
}
