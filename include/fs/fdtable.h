/*
 * A process's open files: the descriptor table (Linux:
 * include/linux/fdtable.h, include/linux/file.h; fs/file.c, implemented
 * in fs/file.cc).
 *
 * struct files_struct is shared by the threads of a process (CLONE_FILES)
 * and copied at fork otherwise (dup_fd).  Its fdtable maps fd -> struct
 * file*, one reference per slot, with two bitmaps: open_fds (slots taken,
 * a reserved slot counts before its file is installed) and
 * close_on_exec.  The table starts with NR_OPEN_DEFAULT (64) slots inside
 * files_struct and grows by doubling up to sysctl_nr_open; an fd at or
 * above RLIMIT_NOFILE is EMFILE.
 *
 * Lock: file_lock (a spinlock) guards the table, the bitmaps and next_fd;
 * it is dropped around the allocation when the table grows.
 */
#pragma once
#include <atomic>
#include <fs/fs.h>
#include <lib/ref.h>
#include <lib/spinlock.h>

#define NR_OPEN_DEFAULT 64
#define BITS_PER_LONG 64

struct fdtable {
	unsigned int max_fds;
	struct file** fd;
	unsigned long* close_on_exec;
	unsigned long* open_fds;
};

struct files_struct {
	std::atomic<int> count; /* tasks sharing it */
	lib::spinlock file_lock;
	struct fdtable fdtab GUARDED_BY(file_lock);
	unsigned int next_fd GUARDED_BY(file_lock); /* no free slot below it */
	unsigned long close_on_exec_init[1];
	unsigned long open_fds_init[1];
	struct file* fd_array[NR_OPEN_DEFAULT];
};

extern struct files_struct init_files;
extern unsigned int sysctl_nr_open; /* /proc/sys/fs/nr_open: 1048576 */

/* a free fd >= 0 reserved in current's table (O_CLOEXEC marks it); EMFILE */
lib::Result<int> get_unused_fd_flags(unsigned int flags);
void put_unused_fd(unsigned int fd);
/* fill a reserved fd: the table takes over the caller's reference */
void fd_install(unsigned int fd, struct file* file);
/* current's file at fd, with a reference (NULL: EBADF); O_PATH files
 * are found only by fget_raw */
struct file* fget(unsigned int fd);
struct file* fget_raw(unsigned int fd);
/* the lib::ref form: lib::ref<file> f = fdget(fd); if (!f) EBADF */
lib::ref<file> fdget(unsigned int fd);
lib::ref<file> fdget_raw(unsigned int fd);
/* close(2) (Linux: close_fd): EBADF */
lib::Result<void> close_fd(unsigned int fd);
/* close_range(2): EINVAL for bad flags or fd > max_fd */
lib::Result<void> __close_range(unsigned int fd, unsigned int max_fd, unsigned int flags);
/* dup2/dup3/F_DUPFD's work (fs/file.cc) */
lib::Result<int> replace_fd_dup(unsigned int oldfd, unsigned int newfd, unsigned int flags);
lib::Result<int> f_dupfd(unsigned int from, struct file* file, unsigned int flags);
bool get_close_on_exec(unsigned int fd);
void set_close_on_exec(unsigned int fd, bool flag);
/* execve: close every O_CLOEXEC descriptor */
void do_close_on_exec(struct files_struct* files);

/* fork and exit (kernel/fork.cc, kthread exit) */
lib::Result<struct files_struct*> dup_fd(struct files_struct* oldf);
lib::Result<void> copy_files(unsigned long clone_flags, struct task_struct* tsk);
void put_files_struct(struct files_struct* files);
void exit_files(struct task_struct* tsk);
/* execve of a thread sharing its table gets its own copy (Linux: unshare_files) */
lib::Result<void> unshare_files();
/* descriptors open in files (the tests) */
unsigned int count_open_files(struct files_struct* files);
