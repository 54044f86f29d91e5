/*
 * File-system event notification: the hooks the VFS calls where it
 * changes something, and inotify behind them (Linux:
 * include/linux/fsnotify.h, fs/notify/fsnotify.c,
 * fs/notify/inotify/inotify_user.c; implemented in fs/notify/).
 *
 * An inotify watch is a mark on an inode (inode->i_fsnotify_marks) that
 * names its group (one inotify file) and the IN_* events it wants.  An
 * event on an inode goes to the marks on it and, for the events about a
 * directory's children (everything but the *_SELF ones), to the marks on
 * its parent directory with the child's name; IN_ISDIR is added when the
 * subject is a directory.  A mark holds a reference on its inode; when
 * the inode's last link goes and its dentry dies (fsnotify_inoderemove),
 * the marks see IN_DELETE_SELF, then IN_IGNORED, and are dropped.
 *
 * Lock order: callers may hold i_rwsem; fsnotify_lock (all marks) ->
 * group->lock (its queue) -> the group's wait-queue lock.
 */
#pragma once
#include <fs/dcache.h>
#include <fs/fs.h>

/* the event bits (Linux: FS_* = IN_*) */
#define IN_ACCESS 0x00000001
#define IN_MODIFY 0x00000002
#define IN_ATTRIB 0x00000004
#define IN_CLOSE_WRITE 0x00000008
#define IN_CLOSE_NOWRITE 0x00000010
#define IN_OPEN 0x00000020
#define IN_MOVED_FROM 0x00000040
#define IN_MOVED_TO 0x00000080
#define IN_CREATE 0x00000100
#define IN_DELETE 0x00000200
#define IN_DELETE_SELF 0x00000400
#define IN_MOVE_SELF 0x00000800
#define IN_UNMOUNT 0x00002000
#define IN_Q_OVERFLOW 0x00004000
#define IN_IGNORED 0x00008000
#define IN_ONLYDIR 0x01000000
#define IN_DONT_FOLLOW 0x02000000
#define IN_EXCL_UNLINK 0x04000000
#define IN_MASK_CREATE 0x10000000
#define IN_MASK_ADD 0x20000000
#define IN_ISDIR 0x40000000
#define IN_ONESHOT 0x80000000
#define IN_ALL_EVENTS 0x00000fff

/* the VFS's hooks (Linux's names and places) */
void fsnotify_create(struct inode* dir, struct dentry* dentry);                 /* create, mkdir, mknod, symlink */
void fsnotify_link(struct inode* dir, struct inode* inode, struct dentry* new_dentry); /* link(2) */
void fsnotify_delete(struct inode* dir, struct inode* inode, struct dentry* dentry);   /* unlink, rmdir */
void fsnotify_link_count(struct inode* inode);                                  /* IN_ATTRIB: i_nlink changed */
void fsnotify_move(struct inode* old_dir, struct inode* new_dir, const struct qstr* old_name,
                   const struct qstr* new_name, bool isdir, struct inode* target, struct inode* moved);
void fsnotify_open(struct file* file);
void fsnotify_close(struct file* file);
void fsnotify_access(struct file* file);
void fsnotify_modify(struct file* file);
void fsnotify_change(struct dentry* dentry, unsigned int ia_valid); /* notify_change */
/* the inode's last link and dentry are gone: IN_DELETE_SELF, the marks go */
void fsnotify_inoderemove(struct inode* inode);
