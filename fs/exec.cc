/*
 * execve (Linux: fs/exec.c): from a file name and argument vectors to a
 * new program in the calling task.
 *
 *   do_execve / kernel_execve
 *     open the file (open_exec: a regular file, MAY_EXEC, not noexec),
 *     allocate the new mm, count argv/envp and set the room they may use
 *     (bprm_stack_limits: a quarter of RLIMIT_STACK, at least ARG_MAX, at
 *     most 6 MiB, minus the pointers: E2BIG), gather the strings in a
 *     kernel buffer (<fs/binfmts.h>), then
 *   exec_binprm
 *     read the first BINPRM_BUF_SIZE bytes and offer the file to the
 *     loaders (search_binary_handler: ELF, "#!"); a "#!" script names an
 *     interpreter, which is offered in turn, at most 5 deep (ELOOP).
 *   The loader calls begin_new_exec: the point of no return.  The old mm
 *   goes (exec_mmap), close-on-exec files are closed, the FPU and FS/GS
 *   bases reset (flush_thread), the name (comm) set.  Any error after it
 *   kills the task with SIGSEGV, as Linux does; any error before returns
 *   to the old program.
 *
 * execveat runs a file relative to a directory fd, or the fd itself
 * (AT_EMPTY_PATH); the program and a script's interpreter then see the
 * name /dev/fd/N[/name] (do_open_execat, bprm_init).
 *
 * Credentials: bprm_init prepares a copy of current's creds (bprm->cred);
 * begin_new_exec, before the point of no return, works out the new
 * program's (bprm_creds_from_file): a set-user-ID file (mode S_ISUID)
 * makes the file's owner the effective uid, a set-group-ID one (S_ISGID
 * with S_IXGRP) its group the effective gid, unless the mount is nosuid
 * or the task has no_new_privs (bprm_fill_uid); then the capability
 * rules (security/commoncap.cc cap_bprm_creds_from_file) give root its
 * capabilities, set AT_SECURE for a privilege-gaining exec, and the new
 * creds are committed.  Such a program is not dumpable, loses the
 * parent-death signal and the dangerous personality flags.  A "#!"
 * script's own set-id bits are ignored (bprm->file is then the
 * interpreter), as Linux's.
 *
 * begin_new_exec first makes the caller the only thread of its group
 * (de_thread: the other threads are killed; a non-leader takes the
 * leader's pid).
 *
 * Lock order: nothing is held across the steps; the loaders take
 * mm->mmap_lock inside vm_mmap and friends.
 */
#include <arch/fpu.h>
#include <arch/page.h>
#include <arch/processor.h>
#include <arch/ptrace.h>
#include <kernel/ptrace.h>
#include <fs/binfmts.h>
#include <fs/fdtable.h>
#include <fs/fs_struct.h>
#include <fs/fs.h>
#include <fs/namei.h>
#include <fs/mount.h>
#include <kernel/capability.h>
#include <kernel/cred.h>
#include <lib/format.h>
#include <uapi/linux/fcntl.h>
#include <uapi/linux/personality.h>
#include <uapi/linux/stat.h>
#include <kernel/entry-common.h>
#include <kernel/sched/coredump.h>
#include <kernel/printk.h>
#include <kernel/panic.h>
#include <kernel/random.h>
#include <kernel/sched.h>
#include <kernel/sched/signal.h>
#include <kernel/sched/task.h>
#include <kernel/signal.h>
#include <kernel/syscalls.h>
#include <kernel/uaccess.h>
#include <lib/list.h>
#include <lib/scope.h>
#include <lib/spinlock.h>
#include <lib/string.h>
#include <mm/mm.h>
#include <mm/slab.h>
#include <mm/vmalloc.h>
#include <uapi/asm-generic/errno.h>
#include <uapi/linux/personality.h>

using lib::Error;

namespace
{
lib::spinlock binfmt_lock;
/* the registered loaders, in registration order; registered at boot and
 * never removed, so a walk needs no lock once boot is over */
lib::list_head formats;

constexpr unsigned long STK_LIM = 8UL * 1024 * 1024; /* Linux's _STK_LIM */
constexpr size_t ARGS_KMALLOC_MAX = 32 * 1024;

/* ---- the argument block ---- */

void* args_alloc(size_t size)
{
	return size <= ARGS_KMALLOC_MAX ? kmalloc(size, GFP_KERNEL) : vmalloc(size);
}
void args_free(void* p, size_t size)
{
	if (size <= ARGS_KMALLOC_MAX)
		kfree(p);
	else
		vfree(p);
}

lib::Result<void> args_reserve(struct bprm_args& a, size_t more)
{
	if (more > a.limit || a.used > a.limit - more)
		return Error{E2BIG};
	if (a.used + more <= a.cap)
		return lib::ok();
	size_t cap = a.cap ? a.cap : 1024;
	while (cap < a.used + more)
		cap *= 2;
	char* nbuf = static_cast<char*>(args_alloc(cap));
	if (!nbuf)
		return Error{ENOMEM};
	if (a.used)
		lib::memcpy(nbuf + cap - a.used, a.buf + a.cap - a.used, a.used);
	if (a.buf)
		args_free(a.buf, a.cap);
	a.buf = nbuf;
	a.cap = cap;
	return lib::ok();
}

char* args_front(struct bprm_args& a)
{
	return a.buf + a.cap - a.used;
}

/* Linux's copy_string_kernel */
lib::Result<void> push_kernel_string(struct linux_binprm* bprm, const char* s)
{
	size_t len = lib::strlen(s) + 1;
	if (len > MAX_ARG_STRLEN)
		return Error{E2BIG};
	TRY(args_reserve(bprm->args, len));
	bprm->args.used += len;
	lib::memcpy(args_front(bprm->args), s, len);
	return lib::ok();
}

/* argv/envp from user space (Linux: count, copy_strings) */
lib::Result<int> count_user(user_ptr<const user_ptr<const char>> argv)
{
	if (!argv)
		return 0;
	for (int i = 0;; i++) {
		user_ptr<const char> p;
		TRY(get_user(p, argv + i));
		if (!p)
			return i;
		if (size_t(i) >= MAX_ARG_STRINGS)
			return Error{E2BIG};
		if (fatal_signal_pending(current))
			return Error{EINTR};
		if ((i & 1023) == 1023)
			cond_resched();
	}
}

lib::Result<void> copy_strings(int argc, user_ptr<const user_ptr<const char>> argv, struct linux_binprm* bprm)
{
	/* the last first: the block grows downwards */
	for (int i = argc - 1; i >= 0; i--) {
		user_ptr<const char> str;
		TRY(get_user(str, argv + i));
		long len = strnlen_user(str, long(MAX_ARG_STRLEN));
		if (!len)
			return Error{EFAULT};
		if (size_t(len) > MAX_ARG_STRLEN)
			return Error{E2BIG};
		TRY(args_reserve(bprm->args, size_t(len)));
		char* dst = args_front(bprm->args) - len;
		if (copy_from_user(dst, str, size_t(len)))
			return Error{EFAULT};
		dst[len - 1] = '\0'; /* another thread may have changed it meanwhile */
		bprm->args.used += size_t(len);
		if (fatal_signal_pending(current))
			return Error{EINTR};
	}
	return lib::ok();
}

lib::Result<void> copy_strings_kernel(int argc, const char* const* argv, struct linux_binprm* bprm)
{
	for (int i = argc - 1; i >= 0; i--)
		TRY(push_kernel_string(bprm, argv[i]));
	return lib::ok();
}

/* Linux's bprm_stack_limits */
lib::Result<void> bprm_stack_limits(struct linux_binprm* bprm)
{
	unsigned long limit = STK_LIM / 4 * 3;
	if (bprm->rlim_stack.rlim_cur / 4 < limit)
		limit = bprm->rlim_stack.rlim_cur / 4;
	if (limit < ARG_MAX)
		limit = ARG_MAX;
	unsigned long ptr_size = (unsigned long)(bprm->argc + bprm->envc) * sizeof(void*);
	if (limit <= ptr_size)
		return Error{E2BIG};
	bprm->args.limit = limit - ptr_size;
	return lib::ok();
}

void free_bprm(struct linux_binprm* bprm)
{
	if (bprm->mm)
		mmput(bprm->mm);
	if (bprm->interpreter)
		fput(bprm->interpreter);
	if (bprm->file)
		fput(bprm->file);
	if (bprm->args.buf)
		args_free(bprm->args.buf, bprm->args.cap);
	kfree(bprm->interp_buf);
	kfree(bprm->fdpath);
	if (bprm->cred)
		abort_creds(bprm->cred);
}

/* offer the file to each loader (Linux: search_binary_handler) */
lib::Result<void> search_binary_handler(struct linux_binprm* bprm)
{
	lib::memset(bprm->buf, 0, sizeof(bprm->buf));
	loff_t pos = 0;
	TRY(kernel_read(bprm->file, bprm->buf, sizeof(bprm->buf), &pos)); /* prepare_binprm */
	struct linux_binfmt* fmt;
	list_for_each_entry(fmt, &formats, lh)
	{
		lib::Result<void> r = fmt->load_binary(bprm);
		if (r.is_ok() || r.error() != ENOEXEC || bprm->point_of_no_return)
			return r;
	}
	return Error{ENOEXEC};
}

/* Linux's exec_binprm: a "#!" script hands over to its interpreter; a
 * chain of five scripts runs, a sixth is ELOOP (Linux 6.1: depth > 5) */
lib::Result<void> exec_binprm(struct linux_binprm* bprm)
{
	for (int depth = 0;; depth++) {
		if (depth > BINPRM_MAX_RECURSION + 1)
			return Error{ELOOP};
		TRY(search_binary_handler(bprm));
		if (!bprm->interpreter)
			return lib::ok();
		fput(bprm->file);
		bprm->file = bprm->interpreter;
		bprm->interpreter = nullptr;
	}
}

/* the common tail (Linux: bprm_execve): an error past the point of no
 * return kills the task, which returns to user mode only to die */
lib::Result<void> bprm_execve(struct linux_binprm* bprm)
{
	pid_t old_vpid = task_pid_nr(current); /* de_thread may give us the leader's */
	lib::Result<void> r = exec_binprm(bprm);
	if (r.is_err() && bprm->point_of_no_return)
		force_fatal_sig(SIGSEGV);
	if (r.is_ok())
		ptrace_event(PTRACE_EVENT_EXEC, (unsigned long)old_vpid); /* or the legacy SIGTRAP */
	return r;
}

/* may a set-id exec raise privilege (Linux: check_unsafe_exec): not
 * with no_new_privs, and not while a task outside our thread group shares
 * our fs_struct (it could move our root or cwd under the privileged
 * program).  pid 1 shares init_fs with the kernel threads (rest_init's
 * CLONE_FS), so on Linux as here init's own set-id execs do not raise
 * privilege; its children's (fork copies the fs_struct) do. */
void check_unsafe_exec(struct linux_binprm* bprm)
{
	struct task_struct* p = current;
	if (p->ptrace)
		bprm->unsafe |= LSM_UNSAFE_PTRACE;
	if (task_no_new_privs(p))
		bprm->unsafe |= LSM_UNSAFE_NO_NEW_PRIVS;
	int n_fs = 1;
	lib::spin_lock_irqsave_guard g(tasklist_lock);
	struct task_struct* t;
	for_each_thread(p, t)
	{
		if (t != p && t->fs == p->fs)
			n_fs++;
	}
	if (p->fs->users.load() > n_fs)
		bprm->unsafe |= LSM_UNSAFE_SHARE;
}

lib::Result<void> bprm_init(struct linux_binprm* bprm, int dfd, const char* filename, int flags)
{
	/* the name the program and a script's interpreter see: as given, or
	 * /dev/fd/N[/name] for a name relative to a directory fd (Linux's
	 * alloc_bprm) */
	if (filename[0] == '/' || dfd == AT_FDCWD) {
		bprm->filename = filename;
	} else {
		size_t size = lib::strlen(filename) + 32;
		bprm->fdpath = static_cast<char*>(kmalloc(size, GFP_KERNEL));
		if (!bprm->fdpath)
			return Error{ENOMEM};
		if (filename[0] == '\0')
			lib::snprintf(bprm->fdpath, size, "/dev/fd/%d", dfd);
		else
			lib::snprintf(bprm->fdpath, size, "/dev/fd/%d/%s", dfd, filename);
		/* a close-on-exec directory fd: the name cannot be reopened */
		if (get_close_on_exec(unsigned(dfd)))
			bprm->path_inaccessible = true;
		bprm->filename = bprm->fdpath;
	}
	bprm->interp = bprm->filename;
	bprm->rlim_stack = current->signal->rlim[RLIMIT_STACK];
	bprm->file = TRY(do_open_execat(dfd, filename, flags));
	bprm->cred = prepare_creds(); /* prepare_bprm_creds */
	if (!bprm->cred)
		return Error{ENOMEM};
	check_unsafe_exec(bprm);
	bprm->mm = mm_alloc();
	if (!bprm->mm)
		return Error{ENOMEM};
	/* the FPU state the new program starts with must exist before the
	 * point of no return (a kernel thread becoming init has none) */
	TRY(fpstate_alloc_init(current));
	return lib::ok();
}

lib::Result<void> do_execveat_common(int dfd, const char* filename, user_ptr<const user_ptr<const char>> argv,
                                     user_ptr<const user_ptr<const char>> envp, int flags)
{
	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return Error{EINVAL};
	struct linux_binprm bprm = {};
	lib::scope_exit cleanup([&] { free_bprm(&bprm); });
	TRY(bprm_init(&bprm, dfd, filename, flags));
	bprm.argc = TRY(count_user(argv));
	bprm.envc = TRY(count_user(envp));
	TRY(bprm_stack_limits(&bprm));
	TRY(push_kernel_string(&bprm, bprm.filename)); /* execfn: the highest string */
	TRY(copy_strings(bprm.envc, envp, &bprm));
	TRY(copy_strings(bprm.argc, argv, &bprm));
	if (bprm.argc == 0) {
		/* Linux 5.18+: a program never starts with an empty argv */
		pr_warn_once("process '%s' launched '%s' with NULL argv: empty string added\n", current->comm,
		             bprm.filename);
		TRY(push_kernel_string(&bprm, ""));
		bprm.argc = 1;
	}
	return bprm_execve(&bprm);
}
} // namespace

void register_binfmt(struct linux_binfmt* fmt)
{
	lib::spin_lock_guard g(binfmt_lock);
	formats.add_tail(&fmt->lh);
}

void bprm_remove_arg_zero(struct linux_binprm* bprm)
{
	if (!bprm->argc)
		return;
	size_t len = lib::strnlen(args_front(bprm->args), bprm->args.used) + 1;
	bprm->args.used -= len;
	bprm->argc--;
}

lib::Result<void> bprm_push_arg(struct linux_binprm* bprm, const char* s)
{
	TRY(push_kernel_string(bprm, s));
	bprm->argc++;
	return lib::ok();
}

namespace
{
/* a set-id file's owner and group as the new effective ids (Linux:
 * bprm_fill_uid; mnt_may_suid) */
void bprm_fill_uid(struct linux_binprm* bprm, struct file* file)
{
	if (file->f_path.mnt->mnt_flags & MNT_NOSUID)
		return;
	if (task_no_new_privs(current))
		return;
	struct inode* inode = file_inode(file);
	umode_t mode = __atomic_load_n(&inode->i_mode, __ATOMIC_RELAXED);
	if (!(mode & (S_ISUID | S_ISGID)))
		return;
	/* reread mode, owner and group together under the inode's lock */
	kuid_t uid;
	kgid_t gid;
	inode_lock(inode);
	mode = inode->i_mode;
	uid = inode->i_uid;
	gid = inode->i_gid;
	inode_unlock(inode);
	if (mode & S_ISUID) {
		bprm->per_clear |= PER_CLEAR_ON_SETID;
		bprm->cred->euid = uid;
	}
	if ((mode & (S_ISGID | S_IXGRP)) == (S_ISGID | S_IXGRP)) {
		bprm->per_clear |= PER_CLEAR_ON_SETID;
		bprm->cred->egid = gid;
	}
}

/* the new program's credentials (Linux: bprm_creds_from_file) */
lib::Result<void> bprm_creds_from_file(struct linux_binprm* bprm)
{
	bprm_fill_uid(bprm, bprm->file);
	int ret = cap_bprm_creds_from_file(bprm);
	if (ret < 0)
		return Error{-ret};
	return lib::ok();
}

/*
 * Make tsk the only thread of its group (Linux: de_thread): every other
 * thread is killed (zap_other_threads) and waited for; each one's
 * release counts notify_count down (__exit_signal).  A non-leader then
 * waits for the leader to be a zombie (exit_notify wakes it, notify_count
 * -1) and takes its place: the leader's pid (the tgid), its spot on the
 * task list and its parent's children list; the old leader is released
 * with tsk's old tid.  EAGAIN when another group exit or exec is under
 * way, or a fatal signal comes while waiting.
 */
lib::Result<void> de_thread(struct task_struct* tsk) NO_THREAD_SAFETY_ANALYSIS
{
	struct signal_struct* sig = tsk->signal;
	struct sighand_struct* oldsighand = tsk->sighand;
	if (__atomic_load_n(&sig->nr_threads, __ATOMIC_RELAXED) == 1)
		goto no_thread_group;
	{
		unsigned long flags = arch_local_irq_save();
		oldsighand->siglock.lock();
		if ((sig->flags & SIGNAL_GROUP_EXIT) || sig->group_exec_task) {
			/* another group action: let the signal be processed */
			oldsighand->siglock.unlock_irqrestore(flags);
			return lib::Error{EAGAIN};
		}
		sig->group_exec_task = tsk;
		zap_other_threads(tsk);
		/* the threads still to be released, the leader excepted: it is
		 * released here, after it is a zombie */
		sig->notify_count = sig->nr_threads - 1 - (thread_group_leader(tsk) ? 0 : 1);
		while (sig->notify_count > 0) {
			__set_current_state(TASK_KILLABLE);
			oldsighand->siglock.unlock_irqrestore(flags);
			schedule();
			if (__fatal_signal_pending(tsk))
				goto killed;
			flags = arch_local_irq_save();
			oldsighand->siglock.lock();
		}
		oldsighand->siglock.unlock_irqrestore(flags);
	}
	if (!thread_group_leader(tsk)) {
		struct task_struct* leader = tsk->group_leader;
		unsigned long flags;
		for (;;) {
			flags = arch_local_irq_save();
			tasklist_lock.lock();
			sig->notify_count = -1; /* exit_notify wakes us */
			if (__atomic_load_n(&leader->exit_state, __ATOMIC_ACQUIRE))
				break;
			__set_current_state(TASK_KILLABLE);
			tasklist_lock.unlock_irqrestore(flags);
			schedule();
			if (__fatal_signal_pending(tsk))
				goto killed;
		}
		tsk->start_time = leader->start_time;
		tsk->start_boottime = leader->start_boottime;
		/* exchange_tids: tsk takes the group's pid, the leader leaves
		 * with tsk's */
		pid_t tid = tsk->pid;
		tsk->pid = leader->pid;
		leader->pid = tid;
		/* list_replace: tsk where the leader was */
		leader->tasks.add_tail(&tsk->tasks);
		leader->tasks.del();
		leader->sibling.add_tail(&tsk->sibling);
		leader->sibling.del_init();
		tsk->group_leader = tsk;
		leader->group_leader = tsk;
		tsk->exit_signal = SIGCHLD;
		leader->exit_signal = -1;
		WARN_ON(leader->exit_state != EXIT_ZOMBIE);
		leader->exit_state = EXIT_DEAD;
		tasklist_lock.unlock_irqrestore(flags);
		WARN_ON(release_task(leader).is_err());
	}
	sig->group_exec_task = nullptr;
	sig->notify_count = 0;
no_thread_group:
	tsk->exit_signal = SIGCHLD; /* a new execution domain */
	return lib::ok();
killed:
	{
		lib::spin_lock_irqsave_guard g(tasklist_lock);
		sig->group_exec_task = nullptr;
		sig->notify_count = 0;
	}
	return lib::Error{EAGAIN};
}
} // namespace

lib::Result<void> begin_new_exec(struct linux_binprm* bprm)
{
	struct task_struct* me = current;
	/* once we are committed, compute the creds */
	TRY(bprm_creds_from_file(bprm));
	bprm->point_of_no_return = true;
	/* make this the only thread in the thread group */
	TRY(de_thread(me));
	/* handlers shared with another process (CLONE_SIGHAND) become our own */
	TRY(unshare_sighand(me));
	exec_mmap(bprm->mm);
	bprm->mm = nullptr;
	me->flags &= ~(PF_RANDOMIZE | PF_FORKNOEXEC | PF_NO_SETAFFINITY);
	flush_thread(); /* FS/GS bases and the FPU registers to their initial state */
	me->personality &= ~bprm->per_clear;
	do_close_on_exec(me->files);
	if (bprm->secureexec) {
		/* the parent may not signal a privileged program; the stack
		 * limit back to a sane default (_STK_LIM) */
		me->pdeath_signal = 0;
		if (bprm->rlim_stack.rlim_cur > 8 * 1024 * 1024)
			bprm->rlim_stack.rlim_cur = 8 * 1024 * 1024;
	}
	/* dumpability from current's ids before the commit, as Linux's ("only
	 * of current is wrong, but userspace depends on it"); commit_creds
	 * clears it again if the effective ids change */
	const struct cred* cur = current_cred();
	if (!(uid_eq(cur->euid, cur->uid) && gid_eq(cur->egid, cur->gid)))
		set_dumpable(me->mm, SUID_DUMP_DISABLE); /* suid_dumpable 0 */
	else
		set_dumpable(me->mm, SUID_DUMP_USER);
	flush_signal_handlers(me, 0); /* handled signals back to SIG_DFL, ignored ones stay */
	/* comm: the last component of the name execve was given (Linux:
	 * __set_task_comm(me, kbasename(bprm->filename), true)) */
	const char* base = lib::strrchr(bprm->filename, '/');
	__set_task_comm(me, base ? base + 1 : bprm->filename, true);
	commit_creds(bprm->cred); /* install the new credentials */
	bprm->cred = nullptr;
	return lib::ok();
}

void setup_new_exec(struct linux_binprm*)
{
	struct task_struct* me = current;
	/* x86_64's SET_PERSONALITY (set_personality_64bit): the personality
	 * is inherited, READ_IMPLIES_EXEC is not (64-bit programs never get it) */
	me->personality &= ~READ_IMPLIES_EXEC;
	if (randomize_va_enabled())
		me->flags |= PF_RANDOMIZE;
	arch_pick_mmap_layout(me->mm);
	me->mm->task_size = TASK_SIZE;
}

lib::Result<void> setup_arg_pages(struct linux_binprm* bprm)
{
	struct mm_struct* mm = current->mm;
	bool rnd = current->flags & PF_RANDOMIZE;
	/* Linux's stack top: randomize_stack_top(STACK_TOP), then
	 * arch_align_stack (a random 0..8 KiB, 16-aligned), page aligned */
	unsigned long top = randomize_stack_top(STACK_TOP);
	if (rnd)
		top -= get_random_u32() % 8192;
	top = PAGE_ALIGN(top & ~15UL);
	bprm->stack_top = top;
	bprm->p = top - sizeof(void*) - bprm->args.used;
	bprm->exec = top - sizeof(void*) - (lib::strlen(bprm->filename) + 1);

	/* room for the strings and the tables, and Linux's 128 KiB more */
	unsigned long stack_expand = 131072UL;
	unsigned long base = (bprm->p & PAGE_MASK) - PAGE_SIZE - stack_expand;
	unsigned long rlim = bprm->rlim_stack.rlim_cur & PAGE_MASK;
	if (top - base > rlim && top - rlim > bprm->p - PAGE_SIZE)
		base = (bprm->p & PAGE_MASK) - PAGE_SIZE; /* a small RLIMIT_STACK: no slack */
	else if (top - base > rlim)
		base = top - rlim;
	mmap_write_guard g(mm);
	struct vm_area_struct* vma = vm_area_alloc(mm);
	if (!vma)
		return Error{ENOMEM};
	vma->vm_start = base;
	vma->vm_end = top;
	vma->vm_flags = VM_STACK_FLAGS | mm->def_flags;
	vma->vm_page_prot = vm_get_page_prot(vma->vm_flags);
	vma->vm_pgoff = base >> PAGE_SHIFT;
	lib::Result<void> r = insert_vm_struct(mm, vma);
	if (r.is_err()) {
		vm_area_free(vma);
		return r;
	}
	bprm->vma = vma;
	mm->start_stack = bprm->p;
	return lib::ok();
}

lib::Result<void> copy_args_to_stack(struct linux_binprm* bprm)
{
	if (copy_to_user(user_ptr<void>(bprm->p), args_front(bprm->args), bprm->args.used))
		return Error{EFAULT};
	return lib::ok();
}

lib::Result<void> kernel_execve(const char* filename, const char* const* argv, const char* const* envp)
{
	struct linux_binprm bprm = {};
	lib::scope_exit cleanup([&] { free_bprm(&bprm); });
	TRY(bprm_init(&bprm, AT_FDCWD, filename, 0));
	while (argv[bprm.argc])
		bprm.argc++;
	while (envp[bprm.envc])
		bprm.envc++;
	TRY(bprm_stack_limits(&bprm));
	TRY(push_kernel_string(&bprm, filename));
	TRY(copy_strings_kernel(bprm.envc, envp, &bprm));
	TRY(copy_strings_kernel(bprm.argc, argv, &bprm));
	return bprm_execve(&bprm);
}

lib::Result<struct file*> do_open_execat(int dfd, const char* name, int flags)
{
	unsigned lookup = (flags & AT_SYMLINK_NOFOLLOW) ? 0 : LOOKUP_FOLLOW;
	if (flags & AT_EMPTY_PATH)
		lookup |= LOOKUP_EMPTY;
	struct path path;
	TRY(filename_lookup(dfd, name, lookup, &path));
	lib::scope_exit put([&] { path_put(&path); });
	struct inode* inode = d_inode(path.dentry);
	if (S_ISLNK(inode->i_mode))
		return Error{ELOOP}; /* AT_SYMLINK_NOFOLLOW on a symlink, as O_NOFOLLOW */
	if (!S_ISREG(inode->i_mode) || (path.mnt->mnt_flags & MNT_NOEXEC))
		return Error{EACCES};
	/* MAY_EXEC only, as Linux's open_exec_flags: an execute-only file
	 * (mode 0111) runs, though its owner may not read it */
	TRY(inode_permission(inode, MAY_EXEC));
	struct file* f = TRY(dentry_open(&path, O_RDONLY | O_LARGEFILE, current_cred()));
	f->f_mode |= FMODE_EXEC;
	return f;
}

lib::Result<struct file*> open_exec(const char* name)
{
	return do_open_execat(AT_FDCWD, name, 0);
}

SYSCALL_DEFINE3(execve, user_ptr<const char>, filename, user_ptr<const user_ptr<const char>>, argv,
                user_ptr<const user_ptr<const char>>, envp)
{
	struct filename* name = TRY(getname(filename));
	lib::scope_exit put([&] { putname(name); });
	TRY(do_execveat_common(AT_FDCWD, name->name, argv, envp, 0));
	return 0;
}

SYSCALL_DEFINE5(execveat, int, fd, user_ptr<const char>, filename, user_ptr<const user_ptr<const char>>, argv,
                user_ptr<const user_ptr<const char>>, envp, int, flags)
{
	struct filename* name = TRY(getname_flags(filename, (flags & AT_EMPTY_PATH) ? LOOKUP_EMPTY : 0));
	lib::scope_exit put([&] { putname(name); });
	TRY(do_execveat_common(fd, name->name, argv, envp, flags));
	return 0;
}
