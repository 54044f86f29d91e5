/*
 * A task's root, working directory and umask (Linux:
 * include/linux/fs_struct.h, fs/fs_struct.c; implemented in
 * fs/fs_struct.cc).  Shared with CLONE_FS, copied otherwise; kernel
 * threads share init_fs.  lock guards root and pwd; umask is read and
 * written with relaxed atomics (umask(2) is one exchange).
 */
#pragma once
#include <atomic>
#include <fs/fs.h>
#include <lib/spinlock.h>

struct fs_struct {
	std::atomic<int> users;
	lib::spinlock lock;
	std::atomic<int> umask;
	struct path root GUARDED_BY(lock);
	struct path pwd GUARDED_BY(lock);
};

extern struct fs_struct init_fs;

/* referenced copies of current's root and cwd */
void get_fs_root(struct fs_struct* fs, struct path* root);
void get_fs_pwd(struct fs_struct* fs, struct path* pwd);
void set_fs_root(struct fs_struct* fs, const struct path* path);
void set_fs_pwd(struct fs_struct* fs, const struct path* path);
lib::Result<struct fs_struct*> copy_fs_struct(struct fs_struct* old);
lib::Result<void> copy_fs(unsigned long clone_flags, struct task_struct* tsk);
void exit_fs(struct task_struct* tsk);
void free_fs_struct(struct fs_struct* fs);
int current_umask();
