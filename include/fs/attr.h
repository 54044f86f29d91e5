/*
 * Changing an inode's attributes (Linux: include/linux/fs.h struct iattr,
 * fs/attr.c notify_change, setattr_prepare, setattr_copy).
 *
 * Every change of mode, owner, size or times goes through notify_change
 * with a struct iattr naming what changes (ATTR_*, Linux's values): the
 * permission rules are setattr_prepare's (EPERM unless owner or
 * capable), the size goes to ->setsize, the rest is copied into the inode
 * with ctime set.  Hold the inode's i_rwsem.
 */
#pragma once
#include <fs/fs.h>

#define ATTR_MODE (1 << 0)
#define ATTR_UID (1 << 1)
#define ATTR_GID (1 << 2)
#define ATTR_SIZE (1 << 3)
#define ATTR_ATIME (1 << 4)
#define ATTR_MTIME (1 << 5)
#define ATTR_CTIME (1 << 6)
#define ATTR_ATIME_SET (1 << 7)
#define ATTR_MTIME_SET (1 << 8)
#define ATTR_FORCE (1 << 9) /* no permission checks */
#define ATTR_KILL_SUID (1 << 11)
#define ATTR_KILL_SGID (1 << 12)
#define ATTR_FILE (1 << 13)
#define ATTR_OPEN (1 << 15)
#define ATTR_TIMES_SET (1 << 16)
#define ATTR_TOUCH (1 << 17)

struct iattr {
	unsigned int ia_valid;
	umode_t ia_mode;
	kuid_t ia_uid;
	kgid_t ia_gid;
	loff_t ia_size;
	struct timespec64 ia_atime, ia_mtime, ia_ctime;
};

/* may current make the change?  EPERM, EFBIG (Linux: setattr_prepare) */
lib::Result<void> setattr_prepare(struct inode* inode, struct iattr* attr);
/* may the file grow or shrink to offset?  EFBIG (and SIGXFSZ past
 * RLIMIT_FSIZE) (Linux: inode_newsize_ok) */
lib::Result<void> inode_newsize_ok(const struct inode* inode, loff_t offset);
/* make the change: checks, the size, then the fields (Linux:
 * notify_change); hold inode->i_rwsem */
lib::Result<void> notify_change(struct dentry* dentry, struct iattr* attr);
/* truncate(2)'s and O_TRUNC's work (Linux: do_truncate) */
lib::Result<void> do_truncate(struct dentry* dentry, loff_t length, unsigned int time_attrs, struct file* filp);
