/*
 * ramfs and the body of tmpfs/rootfs (Linux: fs/ramfs/inode.c,
 * fs/ramfs/file-mmu.c, and the inode/dir parts of mm/shmem.c).
 *
 * Files are page-cache pages and nothing else (mm/filemap.cc); the
 * directory tree is the dentry tree (fs/libfs.cc: every positive dentry
 * pinned).  A symlink keeps its target in a kmalloc'd i_link.
 *
 * Accounting (tmpfs, opts.limited): used_blocks counts the pages in every
 * file's cache (charged by the address_space's charge_page before a page
 * is added, given back by uncharge_page when it leaves), used_inodes the
 * inodes; both against max_blocks/max_inodes, ENOSPC past them.  The
 * counts are under the instance's stat_lock.
 *
 * Lock order: directory i_rwsem -> inode i_rwsem -> stat_lock;
 * i_pages_lock and stat_lock are never nested.
 */
#include <fs/dcache.h>
#include <fs/fs.h>
#include <fs/mount.h>
#include <fs/ramfs.h>
#include <mm/mm.h>
#include <mm/pagemap.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <lib/cmdline.h>
#include <lib/string.h>
#include <mm/page_alloc.h>
#include <mm/slab.h>
#include <new>
#include <uapi/asm-generic/errno-base.h>
#include <uapi/asm-generic/errno.h>
#include <uapi/linux/fcntl.h>
#include <uapi/linux/magic.h>

namespace
{
extern const struct inode_operations ramfs_dir_inode_operations;
extern const struct file_operations ramfs_file_operations;
extern const struct inode_operations ramfs_file_inode_operations;
extern const struct address_space_operations ramfs_aops;

struct ramfs_fs_info* RAMFS_SB(struct super_block* sb)
{
	return static_cast<struct ramfs_fs_info*>(sb->s_fs_info);
}

lib::Result<void> ramfs_read_folio(struct file*, struct page*)
{
	return lib::ok(); /* a hole: the page came zeroed */
}

lib::Result<void> ramfs_charge_page(struct address_space* mapping)
{
	struct ramfs_fs_info* fsi = RAMFS_SB(mapping->host->i_sb);
	lib::spin_lock_guard g(fsi->stat_lock);
	if (fsi->opts.limited && fsi->opts.max_blocks && fsi->used_blocks >= fsi->opts.max_blocks)
		return lib::Error{ENOSPC};
	fsi->used_blocks++;
	return lib::ok();
}

void ramfs_uncharge_page(struct address_space* mapping)
{
	struct ramfs_fs_info* fsi = RAMFS_SB(mapping->host->i_sb);
	lib::spin_lock_guard g(fsi->stat_lock);
	WARN_ON(fsi->used_blocks == 0);
	fsi->used_blocks--;
}

const struct address_space_operations ramfs_aops = {
    .read_folio = ramfs_read_folio,
    .charge_page = ramfs_charge_page,
    .uncharge_page = ramfs_uncharge_page,
};

void ramfs_evict_inode(struct inode* inode)
{
	kfree(inode->i_link);
	inode->i_link = nullptr;
	struct ramfs_fs_info* fsi = RAMFS_SB(inode->i_sb);
	lib::spin_lock_guard g(fsi->stat_lock);
	fsi->used_inodes--;
}

void ramfs_statfs(struct super_block* sb, unsigned long* blocks, unsigned long* bfree, unsigned long* files,
                  unsigned long* ffree)
{
	struct ramfs_fs_info* fsi = RAMFS_SB(sb);
	lib::spin_lock_guard g(fsi->stat_lock);
	*blocks = fsi->opts.max_blocks;
	*bfree = fsi->opts.max_blocks ? fsi->opts.max_blocks - fsi->used_blocks : 0;
	*files = fsi->opts.max_inodes;
	*ffree = fsi->opts.max_inodes ? fsi->opts.max_inodes - fsi->used_inodes : 0;
}

lib::Result<void> ramfs_remount(struct super_block* sb, int*, char* data)
{
	struct ramfs_fs_info* fsi = RAMFS_SB(sb);
	struct ramfs_mount_opts opts = fsi->opts;
	TRY(ramfs_parse_options(data, &opts, fsi->opts.limited));
	lib::spin_lock_guard g(fsi->stat_lock);
	/* Linux: a size below what is in use is EINVAL */
	if (opts.max_blocks && opts.max_blocks < fsi->used_blocks)
		return lib::Error{EINVAL};
	if (opts.max_inodes && opts.max_inodes < fsi->used_inodes)
		return lib::Error{EINVAL};
	fsi->opts.max_blocks = opts.max_blocks;
	fsi->opts.max_inodes = opts.max_inodes;
	return lib::ok();
}

/* the last step of an instance: its counters go */
void ramfs_put_super(struct super_block* sb)
{
	struct ramfs_fs_info* fsi = RAMFS_SB(sb);
	if (!fsi)
		return;
	fsi->~ramfs_fs_info();
	kfree(fsi);
	sb->s_fs_info = nullptr;
}

const struct super_operations ramfs_ops = {
    .evict_inode = ramfs_evict_inode,
    .put_super = ramfs_put_super,
    .statfs = ramfs_statfs,
    .remount_fs = ramfs_remount,
};

/* a new inode instantiated on dentry, pinned */
lib::Result<void> ramfs_mknod(struct inode* dir, struct dentry* dentry, umode_t mode, dev_t dev)
{
	struct inode* inode = TRY(ramfs_get_inode(dir->i_sb, dir, mode, dev));
	d_instantiate(dentry, inode);
	dget(dentry); /* the pin: the tree is the file system */
	dir->i_mtime = dir->i_ctime = current_time(dir);
	return lib::ok();
}

lib::Result<void> ramfs_mkdir(struct inode* dir, struct dentry* dentry, umode_t mode)
{
	TRY(ramfs_mknod(dir, dentry, mode | S_IFDIR, 0));
	inc_nlink(dir);
	return lib::ok();
}

lib::Result<void> ramfs_create(struct inode* dir, struct dentry* dentry, umode_t mode, bool)
{
	return ramfs_mknod(dir, dentry, mode | S_IFREG, 0);
}

lib::Result<void> ramfs_symlink(struct inode* dir, struct dentry* dentry, const char* symname)
{
	size_t len = lib::strlen(symname) + 1;
	if (len > PAGE_SIZE)
		return lib::Error{ENAMETOOLONG};
	struct inode* inode = TRY(ramfs_get_inode(dir->i_sb, dir, S_IFLNK | S_IRWXUGO, 0));
	inode->i_link = static_cast<char*>(kmalloc(len, GFP_KERNEL));
	if (!inode->i_link) {
		iput(inode);
		return lib::Error{ENOMEM};
	}
	lib::memcpy(inode->i_link, symname, len);
	inode->i_size = len - 1;
	d_instantiate(dentry, inode);
	dget(dentry);
	dir->i_mtime = dir->i_ctime = current_time(dir);
	return lib::ok();
}

lib::Result<void> ramfs_setsize(struct inode* inode, loff_t size)
{
	TRY(seal_check_size(inode, size)); /* a sealed memfd (mm/memfd.cc) */
	truncate_setsize(inode, size);
	inode->i_blocks = mapping_nrpages(inode->i_mapping) * (PAGE_SIZE / 512);
	inode->i_mtime = inode->i_ctime = current_time(inode);
	return lib::ok();
}

const struct inode_operations ramfs_dir_inode_operations = {
    .lookup = simple_lookup,
    .create = ramfs_create,
    .link = simple_link,
    .unlink = simple_unlink,
    .symlink = ramfs_symlink,
    .mkdir = ramfs_mkdir,
    .rmdir = simple_rmdir,
    .mknod = ramfs_mknod,
    .rename = simple_rename,
};

const struct inode_operations ramfs_file_inode_operations = {
    .setsize = ramfs_setsize,
};

const struct file_operations ramfs_file_operations = {
    .llseek = generic_file_llseek,
    .read_iter = generic_file_read_iter,
    .write_iter = generic_file_write_iter,
    .fsync = noop_fsync,
    .mmap = generic_file_mmap,
};

/* tmpfs's regular files: ramfs's plus fallocate (mm/shmem.cc) */
const struct file_operations shmem_file_operations = {
    .llseek = generic_file_llseek,
    .read_iter = generic_file_read_iter,
    .write_iter = generic_file_write_iter,
    .fsync = noop_fsync,
    .mmap = generic_file_mmap,
    .fallocate = shmem_fallocate,
};

lib::Result<unsigned long long> parse_percent_or_size(std::string_view v)
{
	if (!v.empty() && v.back() == '%') {
		unsigned long long pct = TRY(lib::parse_uint(v.substr(0, v.size() - 1)));
		return totalram_pages() * pct / 100 * PAGE_SIZE;
	}
	return lib::parse_size(v);
}
} // namespace

void ramfs_usage(struct super_block* sb, unsigned long* blocks, unsigned long* inodes)
{
	struct ramfs_fs_info* fsi = RAMFS_SB(sb);
	lib::spin_lock_guard g(fsi->stat_lock);
	*blocks = fsi->used_blocks;
	*inodes = fsi->used_inodes;
}

lib::Result<struct inode*> ramfs_get_inode(struct super_block* sb, const struct inode* dir, umode_t mode, dev_t dev)
{
	struct ramfs_fs_info* fsi = RAMFS_SB(sb);
	{
		lib::spin_lock_guard g(fsi->stat_lock);
		if (fsi->opts.limited && fsi->opts.max_inodes && fsi->used_inodes >= fsi->opts.max_inodes)
			return lib::Error{ENOSPC};
		fsi->used_inodes++;
	}
	struct inode* inode = new_inode(sb);
	if (!inode) {
		lib::spin_lock_guard g(fsi->stat_lock);
		fsi->used_inodes--;
		return lib::Error{ENOMEM};
	}
	inode->i_ino = get_next_ino();
	inode_init_owner(inode, dir, mode);
	inode->i_mapping->a_ops = &ramfs_aops;
	if (sb->s_magic == TMPFS_MAGIC)
		inode->i_seals = F_SEAL_SEAL; /* tmpfs files answer F_GET_SEALS; only memfds may add (mm/memfd.cc) */
	switch (mode & S_IFMT) {
	default:
		init_special_inode(inode, mode, dev);
		break;
	case S_IFREG:
		inode->i_op = &ramfs_file_inode_operations;
		inode->i_fop = sb->s_magic == TMPFS_MAGIC ? &shmem_file_operations : &ramfs_file_operations;
		break;
	case S_IFDIR:
		inode->i_op = &ramfs_dir_inode_operations;
		inode->i_fop = &simple_dir_operations;
		inc_nlink(inode); /* "." */
		break;
	case S_IFLNK:
		inode->i_op = &simple_symlink_inode_operations;
		break;
	}
	return inode;
}

lib::Result<void> ramfs_parse_options(char* data, struct ramfs_mount_opts* opts, bool tmpfs)
{
	if (!data)
		return lib::ok();
	std::string_view rest(data);
	while (!rest.empty()) {
		size_t comma = rest.find(',');
		std::string_view opt = rest.substr(0, comma);
		rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
		if (opt.empty())
			continue;
		size_t eq = opt.find('=');
		std::string_view key = opt.substr(0, eq);
		std::string_view val = eq == std::string_view::npos ? std::string_view() : opt.substr(eq + 1);
		if (key == "mode") {
			/* Linux parses mode= as octal */
			if (val.empty())
				return lib::Error{EINVAL};
			unsigned long long m = 0;
			for (char c : val) {
				if (c < '0' || c > '7')
					return lib::Error{EINVAL};
				m = m * 8 + (c - '0');
			}
			opts->mode = umode_t(m & S_IALLUGO);
			continue;
		}
		if (!tmpfs)
			continue; /* ramfs ignores the rest, as Linux's */
		if (key == "size") {
			unsigned long long bytes = TRY(parse_percent_or_size(val));
			opts->max_blocks = (bytes + PAGE_SIZE - 1) / PAGE_SIZE;
		} else if (key == "nr_blocks") {
			opts->max_blocks = TRY(lib::parse_size(val));
		} else if (key == "nr_inodes") {
			opts->max_inodes = TRY(lib::parse_size(val));
		} else if (key == "uid") {
			opts->uid = kuid_t{unsigned(TRY(lib::parse_uint(val)))};
		} else if (key == "gid") {
			opts->gid = kgid_t{unsigned(TRY(lib::parse_uint(val)))};
		} else {
			pr_err("tmpfs: Unknown parameter '%.*s'\n", int(key.size()), key.data());
			return lib::Error{EINVAL};
		}
	}
	return lib::ok();
}

lib::Result<void> ramfs_fill_super_opts(struct super_block* sb, const struct ramfs_mount_opts* opts,
                                        unsigned long magic)
{
	void* mem = kzalloc(sizeof(struct ramfs_fs_info), GFP_KERNEL);
	if (!mem)
		return lib::Error{ENOMEM};
	auto* fsi = new (mem) ramfs_fs_info();
	fsi->opts = *opts;
	sb->s_fs_info = fsi;
	sb->s_magic = magic;
	sb->s_op = &ramfs_ops; /* from here a failure's put_super frees fsi */
	sb->s_maxbytes = MAX_LFS_FILESIZE;
	struct inode* inode = TRY(ramfs_get_inode(sb, nullptr, S_IFDIR | opts->mode, 0));
	inode->i_uid = opts->uid;
	inode->i_gid = opts->gid;
	sb->s_root = d_make_root(inode);
	if (!sb->s_root)
		return lib::Error{ENOMEM};
	return lib::ok();
}

void ramfs_kill_sb(struct super_block* sb)
{
	kill_litter_super(sb); /* ->put_super frees the counters */
}

static lib::Result<void> ramfs_fill_super(struct super_block* sb, void* data, int)
{
	struct ramfs_mount_opts opts = {.mode = 0755};
	TRY(ramfs_parse_options(static_cast<char*>(data), &opts, false));
	return ramfs_fill_super_opts(sb, &opts, RAMFS_MAGIC);
}

static lib::Result<struct dentry*> ramfs_mount(struct file_system_type* fs_type, int flags, const char*, void* data)
{
	return mount_nodev(fs_type, flags, data, ramfs_fill_super);
}

struct file_system_type ramfs_fs_type = {
    .name = "ramfs",
    .fs_flags = FS_USERNS_MOUNT,
    .mount = ramfs_mount,
    .kill_sb = ramfs_kill_sb,
};

void init_ramfs_fs()
{
	WARN_ON(register_filesystem(&ramfs_fs_type).is_err());
}
