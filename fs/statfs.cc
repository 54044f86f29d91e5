/*
 * statfs(2), fstatfs(2) (Linux: fs/statfs.c vfs_statfs, do_statfs_native;
 * fs/libfs.c simple_statfs).
 *
 * The figures come from the super_block's ->statfs (total and free blocks
 * and inodes; 0 for "no limit", as ramfs and an unlimited tmpfs report);
 * the rest is the same for every file system here: 4 KiB blocks, names up
 * to NAME_MAX, f_fsid 0, and f_flags ST_VALID plus the mount's flags
 * (ST_RDONLY, ST_NOSUID, ST_NODEV, ST_NOEXEC, ST_NOATIME, ST_NODIRATIME,
 * ST_RELATIME), as Linux's calculate_f_flags.
 */
#include <fs/dcache.h>
#include <fs/fdtable.h>
#include <fs/fs.h>
#include <fs/mount.h>
#include <fs/namei.h>
#include <kernel/syscalls.h>
#include <lib/scope.h>
#include <uapi/asm-generic/errno-base.h>
#include <uapi/linux/fcntl.h>
#include <uapi/linux/limits.h>

#define ST_RDONLY 0x0001
#define ST_NOSUID 0x0002
#define ST_NODEV 0x0004
#define ST_NOEXEC 0x0008
#define ST_VALID 0x0020
#define ST_NOATIME 0x0400
#define ST_NODIRATIME 0x0800
#define ST_RELATIME 0x1000

/* x86_64's struct statfs (asm-generic/statfs.h with 64-bit longs) */
struct statfs {
	long f_type;
	long f_bsize;
	unsigned long f_blocks;
	unsigned long f_bfree;
	unsigned long f_bavail;
	unsigned long f_files;
	unsigned long f_ffree;
	int f_fsid[2];
	long f_namelen;
	long f_frsize;
	long f_flags;
	long f_spare[4];
};
static_assert(sizeof(struct statfs) == 120);

namespace
{
lib::Result<void> vfs_statfs(const struct path* path, struct statfs* buf)
{
	struct super_block* sb = path->dentry->d_sb;
	*buf = {};
	buf->f_type = long(sb->s_magic);
	buf->f_bsize = long(PAGE_SIZE);
	buf->f_frsize = buf->f_bsize;
	buf->f_namelen = NAME_MAX;
	if (sb->s_op && sb->s_op->statfs) {
		unsigned long blocks = 0, bfree = 0, files = 0, ffree = 0;
		sb->s_op->statfs(sb, &blocks, &bfree, &files, &ffree);
		buf->f_blocks = blocks;
		buf->f_bfree = buf->f_bavail = bfree;
		buf->f_files = files;
		buf->f_ffree = ffree;
	}
	int mnt = path->mnt->mnt_flags;
	long flags = ST_VALID;
	if ((mnt & MNT_READONLY) || (sb->s_flags & SB_RDONLY))
		flags |= ST_RDONLY;
	if (mnt & MNT_NOSUID)
		flags |= ST_NOSUID;
	if (mnt & MNT_NODEV)
		flags |= ST_NODEV;
	if (mnt & MNT_NOEXEC)
		flags |= ST_NOEXEC;
	if (mnt & MNT_NOATIME)
		flags |= ST_NOATIME;
	if (mnt & MNT_NODIRATIME)
		flags |= ST_NODIRATIME;
	if (mnt & MNT_RELATIME)
		flags |= ST_RELATIME;
	buf->f_flags = flags;
	return lib::ok();
}

lib::Result<long> put_statfs(const struct statfs* st, user_ptr<struct statfs> buf)
{
	if (copy_to_user(buf, st, sizeof(*st)))
		return lib::Error{EFAULT};
	return 0;
}
} // namespace

SYSCALL_DEFINE2(statfs, user_ptr<const char>, pathname, user_ptr<struct statfs>, buf)
{
	struct filename* name = TRY(getname(pathname));
	lib::scope_exit put_name([name] { putname(name); });
	struct path path;
	TRY(filename_lookup(AT_FDCWD, name->name, LOOKUP_FOLLOW | LOOKUP_AUTOMOUNT, &path));
	lib::scope_exit put([&path] { path_put(&path); });
	struct statfs st;
	TRY(vfs_statfs(&path, &st));
	return put_statfs(&st, buf);
}

SYSCALL_DEFINE2(fstatfs, unsigned int, fd, user_ptr<struct statfs>, buf)
{
	lib::ref<file> f = fdget_raw(fd);
	if (!f)
		return lib::Error{EBADF};
	struct statfs st;
	TRY(vfs_statfs(&f->f_path, &st));
	return put_statfs(&st, buf);
}
