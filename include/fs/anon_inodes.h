/*
 * Files without a file system of their own: epoll, eventfd, timerfd,
 * signalfd, pidfd (Linux: include/linux/anon_inodes.h, fs/anon_inodes.c).
 *
 * Every such file shares one inode on the internal anon_inodefs mount
 * (mode 0600, no file type bits, as Linux's) and gets an unhashed dentry
 * named after its kind ("[eventpoll]", "[eventfd]"...), which is what
 * /proc/PID/fd shows after "anon_inode:".
 */
#pragma once
#include <fs/fs.h>

/* a new file of that kind: fops, private_data = priv, f_flags from flags
 * (O_ACCMODE, O_NONBLOCK, O_CLOEXEC is the fd's business) */
lib::Result<struct file*> anon_inode_getfile(const char* name, const struct file_operations* fops, void* priv,
                                             int flags);
/* the same, installed in a new fd (O_CLOEXEC in flags honoured) */
lib::Result<int> anon_inode_getfd(const char* name, const struct file_operations* fops, void* priv, int flags);
void anon_inode_init(); /* at boot, after the VFS */
