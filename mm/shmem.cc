/*
 * tmpfs and rootfs (Linux: mm/shmem.c shmem_fs_type, shmem_parse_options,
 * shmem_fill_super, shmem_default_max_blocks/inodes; init/do_mounts.c
 * rootfs_fs_type).
 *
 * tmpfs is ramfs with limits (fs/ramfs/inode.cc does the work): size=
 * (bytes with k/m/g suffix, or a percentage of RAM; default half of RAM),
 * nr_inodes= (default: half of RAM's pages), mode= (default 1777),
 * uid=, gid=.  A write past size= gets ENOSPC after keeping every byte
 * that fit; a file past nr_inodes ENOSPC.  "size=0"/"nr_inodes=0" mean
 * unlimited, as Linux.  There is no swap: tmpfs pages stay in the page
 * cache.  rootfs is a tmpfs instance with the default limits (Linux uses
 * tmpfs for rootfs when CONFIG_TMPFS is set and no root= is given).
 *
 * Shared anonymous memory (mmap MAP_SHARED|MAP_ANONYMOUS) is a tmpfs file
 * of the mapping's size on shm_mnt, an internal instance mounted at boot,
 * with an unhashed dentry "dev/zero" (Linux: shmem_zero_setup,
 * shmem_kernel_file_setup): its pages are that file's page cache, so every
 * mapping of it (mremap's duplicate, fork's copy) shares them; the last
 * fput frees the file, its inode and its pages.
 *
 * fallocate (Linux: shmem_fallocate): mode 0 and KEEP_SIZE put zeroed
 * pages in the cache for the range (st_blocks grows; the size too unless
 * KEEP_SIZE); past size= ENOSPC with nothing changed (the pages this call
 * added go again).  PUNCH_HOLE|KEEP_SIZE unmaps the whole pages of the
 * range from every mapping (i_mmap), drops them and zeroes the partial
 * edges.  Sealed memfds: GROW refuses allocation past the size, WRITE and
 * FUTURE_WRITE refuse punching (EPERM).  Under inode->i_rwsem.
 */
#include <fs/dcache.h>
#include <fs/fs.h>
#include <fs/mount.h>
#include <fs/ramfs.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <mm/mm.h>
#include <fs/attr.h>
#include <lib/scope.h>
#include <mm/page_alloc.h>
#include <mm/pagemap.h>
#include <mm/slab.h>
#include <uapi/linux/falloc.h>
#include <lib/string.h>
#include <uapi/linux/fcntl.h>
#include <uapi/linux/magic.h>

namespace
{
unsigned long shmem_default_max_blocks()
{
	return totalram_pages() / 2;
}
unsigned long shmem_default_max_inodes()
{
	return totalram_pages() / 2;
}

lib::Result<void> shmem_fill_super(struct super_block* sb, void* data, int)
{
	struct ramfs_mount_opts opts = {
	    .mode = 01777,
	    .uid = GLOBAL_ROOT_UID,
	    .gid = GLOBAL_ROOT_GID,
	    .limited = true,
	    .max_blocks = shmem_default_max_blocks(),
	    .max_inodes = shmem_default_max_inodes(),
	};
	TRY(ramfs_parse_options(static_cast<char*>(data), &opts, true));
	return ramfs_fill_super_opts(sb, &opts, TMPFS_MAGIC);
}

lib::Result<struct dentry*> shmem_mount(struct file_system_type* fs_type, int flags, const char*, void* data)
{
	return mount_nodev(fs_type, flags, data, shmem_fill_super);
}

lib::Result<void> rootfs_fill_super(struct super_block* sb, void*, int)
{
	struct ramfs_mount_opts opts = {
	    .mode = 0755,
	    .uid = GLOBAL_ROOT_UID,
	    .gid = GLOBAL_ROOT_GID,
	    .limited = true,
	    .max_blocks = shmem_default_max_blocks(),
	    .max_inodes = shmem_default_max_inodes(),
	};
	return ramfs_fill_super_opts(sb, &opts, TMPFS_MAGIC);
}

lib::Result<struct dentry*> rootfs_mount(struct file_system_type* fs_type, int flags, const char*, void*)
{
	return mount_nodev(fs_type, flags, nullptr, rootfs_fill_super);
}

struct file_system_type rootfs_fs_type = {
    .name = "rootfs",
    .mount = rootfs_mount,
    .kill_sb = ramfs_kill_sb,
};
} // namespace

struct file_system_type shmem_fs_type = {
    .name = "tmpfs",
    .fs_flags = FS_USERNS_MOUNT,
    .mount = shmem_mount,
    .kill_sb = ramfs_kill_sb,
};

/* the internal tmpfs instance behind shared anonymous memory (Linux: shm_mnt) */
static struct vfsmount* shm_mnt;

void shmem_init()
{
	WARN_ON(register_filesystem(&shmem_fs_type).is_err());
	lib::Result<struct vfsmount*> m = kern_mount(&shmem_fs_type);
	if (m.is_err())
		panic("Could not kern_mount tmpfs (%d)", -m.error());
	shm_mnt = m.value();
}

/*
 * A tmpfs file of size bytes in no directory, opened read-write (Linux:
 * shmem_kernel_file_setup / __shmem_file_setup): its dentry is unhashed
 * under shm_mnt's root, so no lookup finds it and the last fput frees the
 * dentry, the inode and its pages.  Unless flags has VM_NORESERVE the size
 * must fit the heuristic overcommit check (ENOMEM).
 */
lib::Result<struct file*> shmem_kernel_file_setup(const char* name, loff_t size, unsigned long flags)
{
	if (size < 0 || size > MAX_LFS_FILESIZE)
		return lib::Error{EINVAL};
	if (!(flags & VM_NORESERVE) && !vm_enough_memory((size + PAGE_SIZE - 1) >> PAGE_SHIFT))
		return lib::Error{ENOMEM};
	struct super_block* sb = shm_mnt->mnt_sb;
	struct inode* inode = TRY(ramfs_get_inode(sb, nullptr, S_IFREG | S_IRWXUGO, 0));
	inode->i_size = size;
	clear_nlink(inode); /* in no directory: "unlinked", as Linux's __shmem_file_setup */
	struct qstr q = {name, (unsigned int)lib::strlen(name), 0};
	struct dentry* d = d_alloc(sb->s_root, &q);
	if (!d) {
		iput(inode);
		return lib::Error{ENOMEM};
	}
	d_instantiate(d, inode);
	struct path path = {shm_mnt, d};
	lib::Result<struct file*> f = dentry_open(&path, O_RDWR, current->cred);
	dput(d); /* the file holds its own reference */
	return f;
}

/* back an anonymous MAP_SHARED VMA with a tmpfs file ("/dev/zero (deleted)"
 * in Linux's /proc/PID/maps): its pages are the file's page cache, shared by
 * every mapping of it (mremap, and fork later) (Linux: shmem_zero_setup) */
lib::Result<void> shmem_zero_setup(struct vm_area_struct* vma)
{
	loff_t size = vma->vm_end - vma->vm_start;
	struct file* file = TRY(shmem_kernel_file_setup("dev/zero", size, vma->vm_flags));
	if (vma->vm_file)
		fput(vma->vm_file);
	vma->vm_file = file;
	return generic_file_mmap(file, vma);
}

namespace
{
/* zero [from, to) of the cached page at index, if it is cached */
void shmem_zero_partial(struct address_space* mapping, unsigned long index, size_t from, size_t to)
{
	if (struct page* p = find_get_page(mapping, index)) {
		lib::memset(static_cast<char*>(page_address(p)) + from, 0, to - from);
		set_page_flag(p, PG_dirty);
		put_page(p);
	}
}

lib::Result<void> shmem_punch_hole(struct inode* inode, loff_t offset, loff_t len)
{
	struct address_space* mapping = inode->i_mapping;
	if (inode->i_seals & (F_SEAL_WRITE | F_SEAL_FUTURE_WRITE))
		return lib::Error{EPERM};
	loff_t end = offset + len; /* exclusive */
	loff_t whole_start = (offset + PAGE_SIZE - 1) & ~(loff_t)(PAGE_SIZE - 1);
	loff_t whole_end = end & ~(loff_t)(PAGE_SIZE - 1);
	if (whole_end > whole_start) {
		unmap_mapping_range(mapping, whole_start, whole_end - whole_start);
		truncate_inode_pages_range(mapping, whole_start >> PAGE_SHIFT, (whole_end >> PAGE_SHIFT) - 1);
	}
	/* the partial edges: zeroed in place, so every mapping sees it */
	unsigned long first = offset >> PAGE_SHIFT, last = (end - 1) >> PAGE_SHIFT;
	size_t off0 = offset & (PAGE_SIZE - 1), off1 = ((end - 1) & (PAGE_SIZE - 1)) + 1;
	if (first == last) {
		if (off0 || off1 != PAGE_SIZE)
			shmem_zero_partial(mapping, first, off0, off1);
	} else {
		if (off0)
			shmem_zero_partial(mapping, first, off0, PAGE_SIZE);
		if (off1 != PAGE_SIZE)
			shmem_zero_partial(mapping, last, 0, off1);
	}
	inode->i_blocks = mapping_nrpages(mapping) * (PAGE_SIZE / 512);
	inode->i_mtime = inode->i_ctime = current_time(inode);
	return lib::ok();
}

lib::Result<void> shmem_allocate(struct file* file, int mode, loff_t offset, loff_t len)
{
	struct inode* inode = file_inode(file);
	struct address_space* mapping = inode->i_mapping;
	struct ramfs_fs_info* fsi = static_cast<struct ramfs_fs_info*>(inode->i_sb->s_fs_info);
	loff_t end = offset + len;
	if (!(mode & FALLOC_FL_KEEP_SIZE) && end > inode->i_size)
		TRY(inode_newsize_ok(inode, end));
	if ((inode->i_seals & F_SEAL_GROW) && end > inode->i_size)
		return lib::Error{EPERM};
	unsigned long start = offset >> PAGE_SHIFT;
	unsigned long stop = (end + PAGE_SIZE - 1) >> PAGE_SHIFT; /* exclusive */
	unsigned long n = stop - start;
	unsigned long max_blocks;
	{
		lib::spin_lock_guard g(fsi->stat_lock);
		max_blocks = fsi->opts.limited ? fsi->opts.max_blocks : 0;
	}
	if (max_blocks && n > max_blocks)
		return lib::Error{ENOSPC};
	/* which pages this call adds, so a failure takes them away again */
	unsigned long* added = static_cast<unsigned long*>(kzalloc(((n + 63) / 64) * sizeof(unsigned long), GFP_KERNEL));
	if (!added)
		return lib::Error{ENOMEM};
	lib::scope_exit free_added([added] { kfree(added); });
	for (unsigned long i = 0; i < n; i++) {
		if (struct page* p = find_get_page(mapping, start + i)) {
			put_page(p);
			continue;
		}
		lib::Result<struct page*> pr = get_or_create_page(file, mapping, start + i);
		if (pr.is_err()) {
			for (unsigned long j = 0; j < i; j++)
				if (added[j / 64] & (1UL << (j % 64)))
					truncate_inode_pages_range(mapping, start + j, start + j);
			inode->i_blocks = mapping_nrpages(mapping) * (PAGE_SIZE / 512);
			return pr.error_value();
		}
		put_page(pr.value());
		added[i / 64] |= 1UL << (i % 64);
	}
	if (!(mode & FALLOC_FL_KEEP_SIZE) && end > inode->i_size)
		inode->i_size = end;
	inode->i_blocks = mapping_nrpages(mapping) * (PAGE_SIZE / 512);
	inode->i_ctime = current_time(inode);
	return lib::ok();
}
} // namespace

lib::Result<void> shmem_fallocate(struct file* file, int mode, loff_t offset, loff_t len)
{
	if (mode & ~(FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE))
		return lib::Error{EOPNOTSUPP};
	struct inode* inode = file_inode(file);
	inode_lock(inode);
	lib::Result<void> r = (mode & FALLOC_FL_PUNCH_HOLE) ? shmem_punch_hole(inode, offset, len)
	                                                    : shmem_allocate(file, mode, offset, len);
	inode_unlock(inode);
	return r;
}

void init_rootfs()
{
	WARN_ON(register_filesystem(&rootfs_fs_type).is_err());
	init_ramfs_fs();
	shmem_init();
}
