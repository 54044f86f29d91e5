/*
 * memfd_create(2) and file seals (Linux: mm/memfd.c; the seal checks of
 * mm/shmem.c).
 *
 * A memfd is a tmpfs file in no directory ("memfd:<name>" on the
 * internal shm mount), opened read-write with O_LARGEFILE.  Created with
 * MFD_ALLOW_SEALING it starts with no seals and F_ADD_SEALS may add
 * F_SEAL_SHRINK, F_SEAL_GROW, F_SEAL_WRITE, F_SEAL_FUTURE_WRITE and
 * F_SEAL_SEAL; without it, F_SEAL_SEAL is set from the start and nothing
 * can be added (EPERM).  The seals act where tmpfs changes the file:
 *   SHRINK/GROW   truncate below/above the size: EPERM (ramfs_setsize);
 *                 GROW also a write past the end (generic_file_write_iter)
 *   WRITE         write(2) EPERM; a shared writable mmap EPERM; adding it
 *                 while such a mapping exists is EBUSY
 *   FUTURE_WRITE  the same for writes and new shared writable mappings,
 *                 but existing ones keep working
 * Every other tmpfs file answers F_GET_SEALS with F_SEAL_SEAL; files of
 * other file systems: EINVAL.
 *
 * Lock order: inode->i_rwsem -> mapping->i_mmap_rwsem.
 */
#include <fs/fs.h>
#include <kernel/syscalls.h>
#include <fs/fdtable.h>
#include <lib/string.h>
#include <mm/mm.h>
#include <uapi/asm-generic/errno.h>
#include <uapi/linux/fcntl.h>
#include <uapi/linux/magic.h>

#define MFD_CLOEXEC 0x0001U
#define MFD_ALLOW_SEALING 0x0002U
#define MFD_HUGETLB 0x0004U
#define MFD_NAME_PREFIX "memfd:"
#define MFD_NAME_MAX_LEN (255 - 6) /* NAME_MAX - strlen(MFD_NAME_PREFIX) */

namespace
{
constexpr unsigned int F_ALL_SEALS = F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_FUTURE_WRITE;

/* seals live on tmpfs inodes: a memfd's start empty (MFD_ALLOW_SEALING),
 * every other one's with F_SEAL_SEAL (Linux: memfd_file_seals_ptr) */
bool has_seals(const struct file* file)
{
	return file_inode(file)->i_sb->s_magic == TMPFS_MAGIC;
}

/* a shared writable mapping of the file exists (Linux: mapping_writably_mapped) */
bool writably_mapped(struct address_space* mapping)
{
	down_read(&mapping->i_mmap_rwsem);
	bool found = false;
	struct vm_area_struct* vma;
	list_for_each_entry(vma, &mapping->i_mmap, shared)
	{
		if ((vma->vm_flags & (VM_SHARED | VM_WRITE)) == (VM_SHARED | VM_WRITE)) {
			found = true;
			break;
		}
	}
	up_read(&mapping->i_mmap_rwsem);
	return found;
}

lib::Result<long> memfd_add_seals(struct file* file, unsigned int seals)
{
	struct inode* inode = file_inode(file);
	if (seals & ~F_ALL_SEALS)
		return lib::Error{EINVAL};
	if (!(file->f_mode & FMODE_WRITE))
		return lib::Error{EPERM};
	inode_lock(inode);
	lib::Result<long> r = 0;
	if (inode->i_seals & F_SEAL_SEAL)
		r = lib::Error{EPERM};
	else if ((seals & F_SEAL_WRITE) && !(inode->i_seals & F_SEAL_WRITE) && writably_mapped(inode->i_mapping))
		r = lib::Error{EBUSY};
	else
		inode->i_seals |= seals;
	inode_unlock(inode);
	return r;
}
} // namespace

lib::Result<long> memfd_fcntl(struct file* file, unsigned int cmd, unsigned long arg)
{
	if (!has_seals(file))
		return lib::Error{EINVAL};
	switch (cmd) {
	case F_ADD_SEALS:
		return memfd_add_seals(file, unsigned(arg));
	case F_GET_SEALS:
		return long(file_inode(file)->i_seals);
	default:
		return lib::Error{EINVAL};
	}
}

lib::Result<void> seal_check_write(struct inode* inode, long long pos, size_t len)
{
	unsigned int seals = inode->i_seals;
	if (!seals)
		return lib::ok();
	if (seals & (F_SEAL_WRITE | F_SEAL_FUTURE_WRITE))
		return lib::Error{EPERM};
	if ((seals & F_SEAL_GROW) && pos + loff_t(len) > inode->i_size)
		return lib::Error{EPERM};
	return lib::ok();
}

lib::Result<void> seal_check_size(struct inode* inode, long long newsize)
{
	if ((inode->i_seals & F_SEAL_SHRINK) && newsize < inode->i_size)
		return lib::Error{EPERM};
	if ((inode->i_seals & F_SEAL_GROW) && newsize > inode->i_size)
		return lib::Error{EPERM};
	return lib::ok();
}

lib::Result<void> seal_check_mmap(struct file* file, struct vm_area_struct* vma)
{
	unsigned int seals = file_inode(file)->i_seals;
	if (!(seals & (F_SEAL_WRITE | F_SEAL_FUTURE_WRITE)) || !(vma->vm_flags & VM_SHARED))
		return lib::ok();
	if (vma->vm_flags & VM_WRITE)
		return lib::Error{EPERM};
	vma->vm_flags &= ~VM_MAYWRITE; /* no mprotect(PROT_WRITE) later either */
	return lib::ok();
}

SYSCALL_DEFINE2(memfd_create, user_ptr<const char>, uname, unsigned int, flags)
{
	if (flags & MFD_HUGETLB)
		return lib::Error{EINVAL}; /* no hugetlbfs */
	if (flags & ~(MFD_CLOEXEC | MFD_ALLOW_SEALING))
		return lib::Error{EINVAL};
	char name[sizeof(MFD_NAME_PREFIX) + MFD_NAME_MAX_LEN + 1];
	lib::strscpy(name, MFD_NAME_PREFIX, sizeof(name));
	long len = TRY(strncpy_from_user(name + 6, uname, MFD_NAME_MAX_LEN + 1));
	if (len > MFD_NAME_MAX_LEN)
		return lib::Error{EINVAL};
	int fd = TRY(get_unused_fd_flags((flags & MFD_CLOEXEC) ? O_CLOEXEC : 0));
	lib::Result<struct file*> f = shmem_kernel_file_setup(name, 0, VM_NORESERVE);
	if (f.is_err()) {
		put_unused_fd(unsigned(fd));
		return f.error_value();
	}
	struct file* file = f.value();
	file->f_mode |= FMODE_LSEEK | FMODE_PREAD | FMODE_PWRITE;
	file->f_flags |= O_LARGEFILE;
	struct inode* inode = file_inode(file);
	inode->i_seals = (flags & MFD_ALLOW_SEALING) ? 0 : F_SEAL_SEAL;
	fd_install(unsigned(fd), file);
	return fd;
}
