/*
 * Root, cwd and umask of a task (Linux: fs/fs_struct.c set_fs_root,
 * set_fs_pwd, copy_fs_struct, exit_fs, free_fs_struct; kernel/fork.c
 * copy_fs).  See <fs/fs_struct.h>.
 *
 * init_fs is static: its root and pwd are set by init_mount_tree; it is
 * never freed (users starts at 1 for init_task, and kernel threads share
 * it).  The paths' references are taken and put outside fs->lock
 * (path_put may sleep).
 */
#include <fs/fs_struct.h>
#include <fs/mount.h>
#include <kernel/panic.h>
#include <kernel/sched.h>
#include <kernel/sched/task.h>
#include <mm/slab.h>
#include <new>
#include <uapi/asm-generic/errno-base.h>
#include <uapi/linux/sched.h>

struct fs_struct init_fs = {
    .users = 1,
    .umask = 0022,
};

void get_fs_root(struct fs_struct* fs, struct path* root)
{
	lib::spin_lock_guard g(fs->lock);
	*root = fs->root;
	path_get(root);
}

void get_fs_pwd(struct fs_struct* fs, struct path* pwd)
{
	lib::spin_lock_guard g(fs->lock);
	*pwd = fs->pwd;
	path_get(pwd);
}

void set_fs_root(struct fs_struct* fs, const struct path* path)
{
	struct path old;
	path_get(path);
	{
		lib::spin_lock_guard g(fs->lock);
		old = fs->root;
		fs->root = *path;
	}
	if (old.dentry)
		path_put(&old);
}

void set_fs_pwd(struct fs_struct* fs, const struct path* path)
{
	struct path old;
	path_get(path);
	{
		lib::spin_lock_guard g(fs->lock);
		old = fs->pwd;
		fs->pwd = *path;
	}
	if (old.dentry)
		path_put(&old);
}

void free_fs_struct(struct fs_struct* fs)
{
	struct path root, pwd;
	{
		lib::spin_lock_guard g(fs->lock);
		root = fs->root;
		pwd = fs->pwd;
	}
	if (root.dentry)
		path_put(&root);
	if (pwd.dentry)
		path_put(&pwd);
	fs->~fs_struct();
	kfree(fs);
}

lib::Result<struct fs_struct*> copy_fs_struct(struct fs_struct* old)
{
	void* mem = kzalloc(sizeof(struct fs_struct), GFP_KERNEL);
	if (!mem)
		return lib::Error{ENOMEM};
	auto* fs = new (mem) fs_struct();
	fs->users.store(1);
	fs->umask.store(old->umask.load());
	struct path root, pwd;
	get_fs_root(old, &root);
	get_fs_pwd(old, &pwd);
	lib::spin_lock_guard g(fs->lock);
	fs->root = root;
	fs->pwd = pwd;
	return fs;
}

lib::Result<void> copy_fs(unsigned long clone_flags, struct task_struct* tsk)
{
	struct fs_struct* fs = current->fs;
	if (!fs) { /* an exiting task cloning: nothing to share */
		tsk->fs = nullptr;
		return lib::ok();
	}
	if (clone_flags & CLONE_FS) {
		fs->users.fetch_add(1);
		tsk->fs = fs;
		return lib::ok();
	}
	tsk->fs = TRY(copy_fs_struct(fs));
	return lib::ok();
}

void exit_fs(struct task_struct* tsk)
{
	struct fs_struct* fs = tsk->fs;
	if (!fs)
		return;
	tsk->fs = nullptr;
	if (fs->users.fetch_sub(1) == 1 && !WARN_ON(fs == &init_fs))
		free_fs_struct(fs);
}

int current_umask()
{
	return current->fs->umask.load(std::memory_order_relaxed);
}
