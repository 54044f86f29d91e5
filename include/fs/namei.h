/*
 * Path names to dentries: the path walk and the operations on names
 * (Linux: include/linux/namei.h, fs/namei.c; implemented in fs/namei.cc,
 * the component splitting in <fs/path_component.h>).
 *
 * A walk starts at current's root ('/') or at dfd (AT_FDCWD: the cwd),
 * looks each component up (the dcache, then the directory's ->lookup
 * under its i_rwsem), needs MAY_EXEC on every directory it passes
 * (EACCES), steps down into mounts and up out of them on "..", never
 * above the task's root, and follows symbolic links: all of them but a
 * final one without LOOKUP_FOLLOW, at most MAXSYMLINKS (40) in one walk
 * (ELOOP).  A trailing slash demands a directory (ENOTDIR).  A component
 * longer than NAME_MAX or a name of PATH_MAX bytes or more is
 * ENAMETOOLONG; an empty name ENOENT unless LOOKUP_EMPTY.
 */
#pragma once
#include <fs/dcache.h>
#include <fs/fs.h>
#include <fs/mount.h>

/* lookup flags (Linux's LOOKUP_*) */
#define LOOKUP_FOLLOW 0x0001
#define LOOKUP_DIRECTORY 0x0002
#define LOOKUP_AUTOMOUNT 0x0004
#define LOOKUP_EMPTY 0x4000
#define LOOKUP_OPEN 0x0100
#define LOOKUP_CREATE 0x0200
#define LOOKUP_EXCL 0x0400
#define LOOKUP_RENAME_TARGET 0x0800
/* openat2's RESOLVE_* as walk rules (Linux: the same names) */
#define LOOKUP_NO_SYMLINKS 0x010000   /* any link to follow: ELOOP */
#define LOOKUP_NO_MAGICLINKS 0x020000 /* no magic links (there are none yet: no procfs) */
#define LOOKUP_NO_XDEV 0x040000       /* crossing a mount: EXDEV */
#define LOOKUP_BENEATH 0x080000       /* above dfd, or an absolute name/link: EXDEV */
#define LOOKUP_IN_ROOT 0x100000       /* dfd is the walk's root ("/" and ".." stop there) */
#define LOOKUP_CACHED 0x200000        /* a dcache miss: EAGAIN */
#define LOOKUP_IS_SCOPED (LOOKUP_BENEATH | LOOKUP_IN_ROOT)
#define LOOKUP_RESOLVE_MASK                                                                                          \
	(LOOKUP_NO_SYMLINKS | LOOKUP_NO_MAGICLINKS | LOOKUP_NO_XDEV | LOOKUP_BENEATH | LOOKUP_IN_ROOT | LOOKUP_CACHED)

enum { LAST_NORM, LAST_ROOT, LAST_DOT, LAST_DOTDOT };

/* name relative to dfd into *path (referenced); ENOENT, ENOTDIR, ELOOP,
 * EACCES, ENAMETOOLONG, EBADF (Linux: filename_lookup) */
lib::Result<void> filename_lookup(int dfd, const char* name, unsigned flags, struct path* path);
/* the same from the cwd (Linux: kern_path) */
lib::Result<void> kern_path(const char* name, unsigned flags, struct path* path);
/* for the name operations: the parent directory's path (referenced) and
 * the last component in *last (pointing into name), *type LAST_*
 * (Linux: filename_parentat) */
lib::Result<void> filename_parentat(int dfd, const char* name, unsigned flags, struct path* parent,
                                    struct qstr* last, int* type);
/* the locked parent's child called name: an existing or a new negative
 * dentry (Linux: lookup_one_qstr_excl / __lookup_hash); hold
 * dir's i_rwsem */
lib::Result<struct dentry*> lookup_one_qstr(const struct qstr* name, struct dentry* dir, unsigned flags);
/* for filename_create: the new name's negative dentry with its parent
 * locked (EEXIST if taken); done_path_create unlocks and puts */
lib::Result<struct dentry*> filename_create(int dfd, const char* name, struct path* path, unsigned lookup_flags);
void done_path_create(struct path* path, struct dentry* dentry);
lib::Result<struct dentry*> kern_path_create(int dfd, const char* name, struct path* path,
                                             unsigned lookup_flags);

/* the vfs_* operations: the caller holds the parent's i_rwsem and has
 * checked the names; these check permissions and call the inode ops */
lib::Result<void> vfs_create(struct inode* dir, struct dentry* dentry, umode_t mode, bool want_excl);
lib::Result<void> vfs_mkdir(struct inode* dir, struct dentry* dentry, umode_t mode);
lib::Result<void> vfs_mknod(struct inode* dir, struct dentry* dentry, umode_t mode, dev_t dev);
lib::Result<void> vfs_symlink(struct inode* dir, struct dentry* dentry, const char* oldname);
lib::Result<void> vfs_link(struct dentry* old_dentry, struct inode* dir, struct dentry* new_dentry);
lib::Result<void> vfs_unlink(struct inode* dir, struct dentry* dentry);
lib::Result<void> vfs_rmdir(struct inode* dir, struct dentry* dentry);
lib::Result<void> vfs_rename(struct inode* old_dir, struct dentry* old_dentry, struct inode* new_dir,
                             struct dentry* new_dentry, unsigned int flags);

/* the system calls' work, on kernel strings (the SYSCALL_DEFINEs copy the
 * names in and call these; fs/namei.cc) */
lib::Result<void> do_mkdirat(int dfd, const char* name, umode_t mode);
lib::Result<void> do_mknodat(int dfd, const char* name, umode_t mode, unsigned int dev);
lib::Result<void> do_symlinkat(const char* oldname, int newdfd, const char* newname);
lib::Result<void> do_linkat(int olddfd, const char* oldname, int newdfd, const char* newname, int flags);
lib::Result<void> do_unlinkat(int dfd, const char* name);
lib::Result<void> do_rmdir(int dfd, const char* name);
lib::Result<void> do_renameat2(int olddfd, const char* oldname, int newdfd, const char* newname,
                               unsigned int flags);
/* readlink: the target's bytes into buf (not NUL-terminated); EINVAL not
 * a symlink */
lib::Result<long> do_readlinkat(int dfd, const char* name, char* buf, int bufsiz);

/* open (fs/namei.cc path_openat): the file at name opened with flags */
struct open_flags {
	int open_flag;
	umode_t mode;
	int acc_mode;
	int intent;
	int lookup_flags;
};
lib::Result<struct open_flags> build_open_flags(int flags, umode_t mode);
/* openat2's stricter version: every flag, mode and resolve bit checked
 * (EINVAL), RESOLVE_* into lookup_flags, RESOLVE_CACHED with
 * O_CREAT/O_TRUNC/O_TMPFILE EAGAIN (Linux: build_open_flags) */
struct open_how;
lib::Result<struct open_flags> build_open_how(const struct open_how* how);
lib::Result<struct file*> do_filp_open(int dfd, const char* name, const struct open_flags* op);

/* "name" -> user-facing getname: copy a user path in (EFAULT,
 * ENAMETOOLONG, ENOENT for "" without LOOKUP_EMPTY); the buffer is
 * PATH_MAX bytes from names_cachep, freed by putname */
struct filename {
	char* name;
};
lib::Result<struct filename*> getname_flags(user_ptr<const char> filename, int flags);
lib::Result<struct filename*> getname(user_ptr<const char> filename);
void putname(struct filename* name);

/* the names' directory permission rules, for the tests */
lib::Result<void> may_delete(struct inode* dir, struct dentry* victim, bool isdir);
