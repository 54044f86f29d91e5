/*
 * Ending a task (Linux: kernel/exit.c do_exit, do_group_exit, sys_exit,
 * sys_exit_group).
 *
 * do_exit(code): PF_EXITING, the exit code in tsk->exit_code, the FPU
 * registers dropped, the mm released (exit_mm: the last user unmaps it),
 * the files closed and root/cwd dropped (exit_files, exit_fs), vfork_done
 * completed (a kthread's `exited`, a vfork parent
 * later), then the last switch (do_task_dead); the scheduler releases the
 * dead task, as it does a kernel thread today (finish_task_switch ->
 * release_task).  do_group_exit(code) ends the thread group; single
 * threaded for now, so it is do_exit.
 *
 * Differences from Linux: no zombies and no wait4 (the processes issue),
 * no sighand or signal teardown beyond what release_task does,
 * no exit notification to a parent.
 *
 * Lock order: none held on the way; do_task_dead takes pi_lock and rq->lock.
 */
#include <arch/fpu.h>
#include <kernel/completion.h>
#include <kernel/exit.h>
#include <kernel/panic.h>
#include <kernel/preempt.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/sched/task.h>
#include <kernel/syscalls.h>
#include <fs/fdtable.h>
#include <fs/fs_struct.h>
#include <mm/mm.h>
#include <uapi/asm-generic/signal.h>

namespace
{
/* the mm's part of an exit that is not the mm's (Linux: mm_release ->
 * complete_vfork_done); wakes whoever waits for this task to finish */
void complete_vfork_done(struct task_struct* tsk)
{
	struct completion* vfork = tsk->vfork_done;
	if (vfork) {
		tsk->vfork_done = nullptr;
		complete_all(vfork);
	}
}
} // namespace

void do_exit(long code)
{
	struct task_struct* tsk = current;
	/* init's death ends the system, as Linux's (exit_notify ->
	 * find_child_reaper): there would be no one to reap orphans */
	if (tsk->pid == 1 && !(tsk->flags & PF_KTHREAD))
		panic("Attempted to kill init! exitcode=0x%08x", unsigned(code));
	tsk->flags |= PF_EXITING;
	tsk->exit_code = int(code);
	fpu__drop(tsk);
	exit_mm();
	exit_files(tsk); /* close what it had open */
	exit_fs(tsk);    /* drop root and cwd */
	complete_vfork_done(tsk);
	do_task_dead();
}

void do_group_exit(int exit_code)
{
	/* one thread per group until clone(CLONE_THREAD): the group is current */
	do_exit(exit_code);
}

SYSCALL_DEFINE1(exit, int, error_code)
{
	do_exit((error_code & 0xff) << 8);
}

SYSCALL_DEFINE1(exit_group, int, error_code)
{
	do_group_exit((error_code & 0xff) << 8);
}
