/*
 * stat and its relatives (Linux: fs/stat.c generic_fillattr,
 * vfs_getattr, vfs_fstatat, vfs_fstat, cp_new_stat, and the stat,
 * lstat, fstat, newfstatat system calls).  st_dev/st_rdev are in the
 * user encoding (new_encode_dev), st_blksize the page size, st_blocks
 * 512-byte units of the pages the file holds.
 */
#include <fs/dcache.h>
#include <fs/fdtable.h>
#include <fs/fs.h>
#include <fs/mount.h>
#include <fs/namei.h>
#include <kernel/syscalls.h>
#include <lib/scope.h>
#include <lib/string.h>
#include <mm/slab.h>
#include <uapi/asm-generic/errno-base.h>
#include <uapi/asm/stat.h>
#include <uapi/linux/fcntl.h>

void generic_fillattr(struct inode* inode, struct kstat* stat)
{
	stat->dev = inode->i_sb->s_dev;
	stat->ino = inode->i_ino;
	stat->mode = inode->i_mode;
	stat->nlink = inode->i_nlink;
	stat->uid = inode->i_uid;
	stat->gid = inode->i_gid;
	stat->rdev = inode->i_rdev;
	stat->size = inode->i_size;
	stat->atime = inode->i_atime;
	stat->mtime = inode->i_mtime;
	stat->ctime = inode->i_ctime;
	stat->btime = inode->i_btime;
	stat->blksize = 1u << inode->i_sb->s_blocksize_bits;
	stat->blocks = inode->i_blocks;
}

lib::Result<void> vfs_getattr(const struct path* path, struct kstat* stat)
{
	generic_fillattr(d_inode(path->dentry), stat);
	return lib::ok();
}

lib::Result<void> vfs_fstatat(int dfd, const char* filename, struct kstat* stat, int flags)
{
	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT | AT_EMPTY_PATH))
		return lib::Error{EINVAL};
	if ((flags & AT_EMPTY_PATH) && !*filename)
		return vfs_fstat(dfd, stat);
	unsigned lookup_flags = (flags & AT_SYMLINK_NOFOLLOW) ? 0 : LOOKUP_FOLLOW;
	if (flags & AT_EMPTY_PATH)
		lookup_flags |= LOOKUP_EMPTY;
	struct path path;
	TRY(filename_lookup(dfd, filename, lookup_flags, &path));
	lib::scope_exit put([&] { path_put(&path); });
	return vfs_getattr(&path, stat);
}

lib::Result<void> vfs_fstat(int fd, struct kstat* stat)
{
	lib::ref<file> f = fdget_raw(unsigned(fd));
	if (!f)
		return lib::Error{EBADF};
	return vfs_getattr(&f->f_path, stat);
}

void cp_new_stat_kernel(const struct kstat* stat, struct stat* tmp)
{
	lib::memset(tmp, 0, sizeof(*tmp));
	tmp->st_dev = new_encode_dev(stat->dev);
	tmp->st_ino = stat->ino;
	tmp->st_nlink = stat->nlink;
	tmp->st_mode = stat->mode;
	tmp->st_uid = __kuid_val(stat->uid);
	tmp->st_gid = __kgid_val(stat->gid);
	tmp->st_rdev = new_encode_dev(stat->rdev);
	tmp->st_size = stat->size;
	tmp->st_atime = stat->atime.tv_sec;
	tmp->st_mtime = stat->mtime.tv_sec;
	tmp->st_ctime = stat->ctime.tv_sec;
	tmp->st_atime_nsec = stat->atime.tv_nsec;
	tmp->st_mtime_nsec = stat->mtime.tv_nsec;
	tmp->st_ctime_nsec = stat->ctime.tv_nsec;
	tmp->st_blocks = stat->blocks;
	tmp->st_blksize = stat->blksize;
}

namespace
{
lib::Result<long> cp_new_stat(const struct kstat* stat, user_ptr<struct stat> statbuf)
{
	struct stat tmp;
	cp_new_stat_kernel(stat, &tmp);
	if (copy_to_user(statbuf, &tmp, sizeof(tmp)))
		return lib::Error{EFAULT};
	return 0;
}

lib::Result<long> stat_name(int dfd, user_ptr<const char> filename, user_ptr<struct stat> statbuf, int flags)
{
	struct filename* name = TRY(getname_flags(filename, (flags & AT_EMPTY_PATH) ? LOOKUP_EMPTY : 0));
	lib::scope_exit put([name] { putname(name); });
	struct kstat stat;
	TRY(vfs_fstatat(dfd, name->name, &stat, flags));
	return cp_new_stat(&stat, statbuf);
}
} // namespace

SYSCALL_DEFINE2(newstat, user_ptr<const char>, filename, user_ptr<struct stat>, statbuf)
{
	return stat_name(AT_FDCWD, filename, statbuf, 0);
}

SYSCALL_DEFINE2(newlstat, user_ptr<const char>, filename, user_ptr<struct stat>, statbuf)
{
	return stat_name(AT_FDCWD, filename, statbuf, AT_SYMLINK_NOFOLLOW);
}

SYSCALL_DEFINE4(newfstatat, int, dfd, user_ptr<const char>, filename, user_ptr<struct stat>, statbuf, int, flag)
{
	return stat_name(dfd, filename, statbuf, flag);
}

SYSCALL_DEFINE2(newfstat, unsigned int, fd, user_ptr<struct stat>, statbuf)
{
	struct kstat stat;
	TRY(vfs_fstat(int(fd), &stat));
	return cp_new_stat(&stat, statbuf);
}

SYSCALL_DEFINE4(readlinkat, int, dfd, user_ptr<const char>, pathname, user_ptr<char>, buf, int, bufsiz)
{
	if (bufsiz <= 0)
		return lib::Error{EINVAL};
	struct filename* name = TRY(getname_flags(pathname, LOOKUP_EMPTY));
	lib::scope_exit put([name] { putname(name); });
	char* kbuf = static_cast<char*>(kmalloc(PAGE_SIZE, GFP_KERNEL));
	if (!kbuf)
		return lib::Error{ENOMEM};
	lib::scope_exit free_buf([kbuf] { kfree(kbuf); });
	long len = TRY(do_readlinkat(dfd, name->name, kbuf, bufsiz < int(PAGE_SIZE) ? bufsiz : int(PAGE_SIZE)));
	if (copy_to_user(buf, kbuf, len))
		return lib::Error{EFAULT};
	return len;
}

SYSCALL_DEFINE3(readlink, user_ptr<const char>, path, user_ptr<char>, buf, int, bufsiz)
{
	return __do_sys_readlinkat(AT_FDCWD, path, buf, bufsiz);
}

/* ---- statx(2) (Linux: fs/stat.c do_statx, cp_statx) ---- */
#define STATX_TYPE 0x00000001U
#define STATX_MODE 0x00000002U
#define STATX_NLINK 0x00000004U
#define STATX_UID 0x00000008U
#define STATX_GID 0x00000010U
#define STATX_ATIME 0x00000020U
#define STATX_MTIME 0x00000040U
#define STATX_CTIME 0x00000080U
#define STATX_INO 0x00000100U
#define STATX_SIZE 0x00000200U
#define STATX_BLOCKS 0x00000400U
#define STATX_BASIC_STATS 0x000007ffU
#define STATX_MNT_ID 0x00001000U
#define STATX__RESERVED 0x80000000U
#define AT_STATX_SYNC_TYPE 0x6000

struct statx_timestamp {
	int64_t tv_sec;
	uint32_t tv_nsec;
	int32_t __reserved;
};

struct statx {
	uint32_t stx_mask;
	uint32_t stx_blksize;
	uint64_t stx_attributes;
	uint32_t stx_nlink;
	uint32_t stx_uid;
	uint32_t stx_gid;
	uint16_t stx_mode;
	uint16_t __spare0[1];
	uint64_t stx_ino;
	uint64_t stx_size;
	uint64_t stx_blocks;
	uint64_t stx_attributes_mask;
	struct statx_timestamp stx_atime, stx_btime, stx_ctime, stx_mtime;
	uint32_t stx_rdev_major;
	uint32_t stx_rdev_minor;
	uint32_t stx_dev_major;
	uint32_t stx_dev_minor;
	uint64_t stx_mnt_id;
	uint32_t stx_dio_mem_align;
	uint32_t stx_dio_offset_align;
	uint64_t __spare3[12];
};
static_assert(sizeof(struct statx) == 256);

namespace
{
struct statx_timestamp to_statx_ts(const struct timespec64& ts)
{
	return {ts.tv_sec, uint32_t(ts.tv_nsec), 0};
}

lib::Result<long> do_statx(int dfd, user_ptr<const char> filename, unsigned int flags, unsigned int mask,
                           user_ptr<struct statx> buffer)
{
	if ((flags & ~(AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT | AT_EMPTY_PATH | AT_STATX_SYNC_TYPE)) ||
	    (flags & AT_STATX_SYNC_TYPE) == AT_STATX_SYNC_TYPE)
		return lib::Error{EINVAL};
	if (mask & STATX__RESERVED)
		return lib::Error{EINVAL};
	struct filename* name = TRY(getname_flags(filename, (flags & AT_EMPTY_PATH) ? LOOKUP_EMPTY : 0));
	lib::scope_exit put([name] { putname(name); });
	struct kstat stat;
	TRY(vfs_fstatat(dfd, name->name, &stat, int(flags & ~AT_STATX_SYNC_TYPE)));
	struct statx tmp = {};
	/* every basic field is known here, whatever was asked (Linux fills
	 * them too and says so in the mask) */
	tmp.stx_mask = STATX_BASIC_STATS | STATX_MNT_ID;
	tmp.stx_blksize = stat.blksize;
	tmp.stx_nlink = stat.nlink;
	tmp.stx_uid = __kuid_val(stat.uid);
	tmp.stx_gid = __kgid_val(stat.gid);
	tmp.stx_mode = uint16_t(stat.mode);
	tmp.stx_ino = stat.ino;
	tmp.stx_size = uint64_t(stat.size);
	tmp.stx_blocks = stat.blocks;
	tmp.stx_atime = to_statx_ts(stat.atime);
	tmp.stx_ctime = to_statx_ts(stat.ctime);
	tmp.stx_mtime = to_statx_ts(stat.mtime);
	tmp.stx_rdev_major = MAJOR(stat.rdev);
	tmp.stx_rdev_minor = MINOR(stat.rdev);
	tmp.stx_dev_major = MAJOR(stat.dev);
	tmp.stx_dev_minor = MINOR(stat.dev);
	tmp.stx_mnt_id = 0; /* mounts carry no ids yet (/proc/self/mountinfo will) */
	if (copy_to_user(buffer, &tmp, sizeof(tmp)))
		return lib::Error{EFAULT};
	return 0;
}
} // namespace

SYSCALL_DEFINE5(statx, int, dfd, user_ptr<const char>, filename, unsigned int, flags, unsigned int, mask,
                user_ptr<struct statx>, buffer)
{
	return do_statx(dfd, filename, flags, mask, buffer);
}
