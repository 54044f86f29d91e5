/*
 * The VFS objects (Linux: include/linux/fs.h): super_block, inode,
 * address_space, file, file_system_type and their operation tables.
 * dentries are <fs/dcache.h>, mounts <fs/mount.h>, the fd table
 * <fs/fdtable.h>, cwd/root <fs/fs_struct.h>, the path walk <fs/namei.h>.
 *
 *   super_block   one per mounted file system instance (fs/super.cc):
 *                 s_type, s_op, s_root, its inodes (s_inodes), its unused
 *                 dentries (s_dentry_lru), s_active (mounts of it)
 *   inode         one per file (fs/inode.cc): mode, owner, size, link
 *                 count, times, i_op/i_fop, i_rwsem, i_mapping -> i_data
 *   address_space a file's page cache (mm/filemap.cc): page index ->
 *                 struct page in a radix tree, nrpages
 *   file          an open file (fs/file_table.cc): f_path, f_inode, f_op,
 *                 f_flags/f_mode, f_pos under f_pos_lock, f_count
 *
 * Lifetimes (all counted; the last put frees):
 *   file   f_count     get_file/fput (lib::ref<file>); holds its path
 *   inode  i_count     ihold/iput; held by a positive dentry; the last
 *                      iput evicts it (these are memory file systems:
 *                      Linux's generic_delete_inode policy)
 *   sb     s_active    one per mount of it; the last deactivate_super
 *                      kills it (kill_sb)
 *
 * Locks (<kernel/lock_order.h>): inode->i_rwsem (inode_lock) guards a
 * directory's entries, a file's size and contents; s_inode_list_lock the
 * sb's inode list; the mapping's i_pages_lock its tree.
 */
#pragma once
#include <atomic>
#include <fs/types.h>
#include <fs/uio.h>
#include <kernel/cred.h>
#include <kernel/mutex.h>
#include <lib/list.h>
#include <lib/radix_tree.h>
#include <lib/result.h>
#include <lib/spinlock.h>
#include <mm/gfp.h>
#include <uapi/linux/stat.h>

struct dentry;
struct inode;
struct file;
struct super_block;
struct vfsmount;
struct page;
struct kstat;
struct dir_context;
struct file_system_type;

struct path {
	struct vfsmount* mnt;
	struct dentry* dentry;
};

/* f_mode bits (Linux's values) */
#define FMODE_READ ((fmode_t)0x1)
#define FMODE_WRITE ((fmode_t)0x2)
#define FMODE_LSEEK ((fmode_t)0x4)
#define FMODE_PREAD ((fmode_t)0x8)
#define FMODE_PWRITE ((fmode_t)0x10)
#define FMODE_EXEC ((fmode_t)0x20)
#define FMODE_NOWAIT ((fmode_t)0x8000000)
#define FMODE_STREAM ((fmode_t)0x200000) /* no position: read/write ignore f_pos (stream_open) */
#define FMODE_PATH ((fmode_t)0x4000)
#define FMODE_ATOMIC_POS ((fmode_t)0x8000)
#define FMODE_CAN_READ ((fmode_t)0x20000)
#define FMODE_CAN_WRITE ((fmode_t)0x40000)
#define FMODE_OPENED ((fmode_t)0x80000)

/* inode_permission's mask */
#define MAY_EXEC 0x00000001
#define MAY_WRITE 0x00000002
#define MAY_READ 0x00000004
#define MAY_APPEND 0x00000008
#define MAY_ACCESS 0x00000010
#define MAY_OPEN 0x00000020
#define MAY_CHDIR 0x00000040

/* super_block s_flags (Linux's SB_*, the same bits as MS_*) */
#define SB_RDONLY 1
#define SB_NOSUID 2
#define SB_NODEV 4
#define SB_NOEXEC 8
#define SB_KERNMOUNT (1 << 22)
#define SB_ACTIVE (1 << 30)

/* file_system_type fs_flags */
#define FS_REQUIRES_DEV 1
#define FS_USERNS_MOUNT 8

#define MAX_LFS_FILESIZE ((loff_t)0x7fffffffffffffffLL)

/* ---- the page cache of one file (mm/filemap.cc) ---- */
struct address_space_operations {
	/* fill a new, locked page at page->index (a hole: zeroes) */
	lib::Result<void> (*read_folio)(struct file* file, struct page* page);
	/* a page is about to be added for a write: tmpfs charges it here
	 * (ENOSPC); NULL: nothing to charge */
	lib::Result<void> (*charge_page)(struct address_space* mapping);
	/* a page left the cache (truncate, eviction): give the charge back */
	void (*uncharge_page)(struct address_space* mapping);
};

struct address_space {
	struct inode* host;
	lib::spinlock i_pages_lock;
	lib::radix_tree i_pages GUARDED_BY(i_pages_lock); /* index -> struct page*, one reference each */
	unsigned long nrpages GUARDED_BY(i_pages_lock);
	const struct address_space_operations* a_ops;
	gfp_t gfp_mask;
	/* the VMAs mapping this file (vm_area_struct.shared), so truncation
	 * and hole punching can unmap its pages (mm/mmap.cc vma_link_file,
	 * mm/memory.cc unmap_mapping_range) */
	struct rw_semaphore i_mmap_rwsem;
	lib::list_head i_mmap GUARDED_BY(i_mmap_rwsem);
	address_space();
};

/* ---- inodes (fs/inode.cc) ---- */
struct inode_operations {
	/* find name (dentry, negative and unhashed) in dir: d_add it (NULL
	 * inode for "no such name") and return NULL, or another dentry */
	lib::Result<struct dentry*> (*lookup)(struct inode* dir, struct dentry* dentry, unsigned int flags);
	/* a symlink's target, valid while the caller holds the dentry */
	const char* (*get_link)(struct dentry* dentry, struct inode* inode);
	lib::Result<void> (*create)(struct inode* dir, struct dentry* dentry, umode_t mode, bool excl);
	lib::Result<void> (*link)(struct dentry* old_dentry, struct inode* dir, struct dentry* dentry);
	lib::Result<void> (*unlink)(struct inode* dir, struct dentry* dentry);
	lib::Result<void> (*symlink)(struct inode* dir, struct dentry* dentry, const char* symname);
	lib::Result<void> (*mkdir)(struct inode* dir, struct dentry* dentry, umode_t mode);
	lib::Result<void> (*rmdir)(struct inode* dir, struct dentry* dentry);
	lib::Result<void> (*mknod)(struct inode* dir, struct dentry* dentry, umode_t mode, dev_t dev);
	lib::Result<void> (*rename)(struct inode* old_dir, struct dentry* old_dentry, struct inode* new_dir,
	                            struct dentry* new_dentry, unsigned int flags);
	/* a size change (truncate); NULL: not supported (EPERM) */
	lib::Result<void> (*setsize)(struct inode* inode, loff_t size);
};

struct inode {
	umode_t i_mode;
	kuid_t i_uid;
	kgid_t i_gid;
	unsigned int i_flags;
	const struct inode_operations* i_op;
	struct super_block* i_sb;
	struct address_space* i_mapping; /* &i_data */
	unsigned long i_ino;
	unsigned int i_nlink; /* changed under i_rwsem of the inode or its directory */
	dev_t i_rdev;
	loff_t i_size; /* changed under i_rwsem */
	struct timespec64 i_atime, i_mtime, i_ctime, i_btime;
	unsigned long i_blocks; /* 512-byte units */
	struct rw_semaphore i_rwsem;
	std::atomic<int> i_count;
	unsigned long i_state;
	const struct file_operations* i_fop;
	lib::list_head i_sb_list; /* on i_sb->s_inodes */
	struct address_space i_data;
	char* i_link;   /* a symlink's target (ramfs/tmpfs keep it here) */
	void* i_private;
	struct cdev* i_cdev; /* a character device's, once opened */
	struct pipe_inode_info* i_pipe; /* a pipe's or an opened FIFO's buffer (fs/pipe.cc) */
	/* a tmpfs file's F_SEAL_* (mm/memfd.cc; Linux keeps them in
	 * shmem_inode_info): F_SEAL_SEAL unless a memfd allowed sealing; 0 on
	 * other file systems.  Changed under i_rwsem */
	unsigned int i_seals;
	struct file_lock_context* i_flctx; /* its flock and record locks, made on first use */
	lib::list_head i_fsnotify_marks;   /* its inotify watches (fs/notify/, under fsnotify_lock) */
};

#define I_FREEING (1 << 5)
/* i_flags */
#define S_DEAD (1 << 4) /* a removed directory: nothing may be created in it */
#define IS_DEADDIR(inode) ((inode)->i_flags & S_DEAD)

static inline void inode_lock(struct inode* inode) ACQUIRE(inode->i_rwsem)
{
	down_write(&inode->i_rwsem);
}
static inline void inode_unlock(struct inode* inode) RELEASE(inode->i_rwsem)
{
	up_write(&inode->i_rwsem);
}
static inline void inode_lock_shared(struct inode* inode) ACQUIRE_SHARED(inode->i_rwsem)
{
	down_read(&inode->i_rwsem);
}
static inline void inode_unlock_shared(struct inode* inode) RELEASE_SHARED(inode->i_rwsem)
{
	up_read(&inode->i_rwsem);
}

struct inode* new_inode(struct super_block* sb);     /* i_count 1, on sb's list; NULL: ENOMEM */
void ihold(struct inode* inode);                     /* one more reference */
void iput(struct inode* inode);                      /* the last evicts it */
void inc_nlink(struct inode* inode);
void drop_nlink(struct inode* inode);
void clear_nlink(struct inode* inode);
void set_nlink(struct inode* inode, unsigned int nlink);
unsigned long get_next_ino();
struct timespec64 current_time(struct inode* inode);
/* a device or FIFO inode's i_fop/i_rdev (Linux: init_special_inode) */
void init_special_inode(struct inode* inode, umode_t mode, dev_t rdev);
/* the inode's owner, group and mode for a new file in dir (setgid dirs) */
void inode_init_owner(struct inode* inode, const struct inode* dir, umode_t mode);
/* may current do mask (MAY_*) to inode?  EACCES, EROFS (Linux: inode_permission) */
lib::Result<void> inode_permission(struct inode* inode, int mask);
lib::Result<void> generic_permission(struct inode* inode, int mask);
/* owner or CAP_FOWNER (Linux: inode_owner_or_capable) */
bool inode_owner_or_capable(const struct inode* inode);
/* inodes alive now (the tests check nothing leaks) */
long nr_inodes();

/* ---- open files (fs/file_table.cc, fs/open.cc, fs/read_write.cc) ---- */
struct kiocb {
	struct file* ki_filp;
	loff_t ki_pos;
	int ki_flags; /* IOCB_* */
};
#define IOCB_APPEND (1 << 1)
#define IOCB_NOWAIT (1 << 7)

/* getdents: the callback each entry goes to; false stops the walk */
typedef bool (*filldir_t)(struct dir_context*, const char* name, int namelen, loff_t offset, uint64_t ino,
                          unsigned int d_type);
struct dir_context {
	filldir_t actor;
	loff_t pos;
};

typedef unsigned int __poll_t;
struct poll_table_struct; /* <fs/poll.h> */

struct file_operations {
	lib::Result<loff_t> (*llseek)(struct file* file, loff_t offset, int whence);
	lib::Result<ssize_t> (*read_iter)(struct kiocb* iocb, struct iov_iter* to);
	lib::Result<ssize_t> (*write_iter)(struct kiocb* iocb, struct iov_iter* from);
	lib::Result<void> (*iterate_shared)(struct file* file, struct dir_context* ctx);
	lib::Result<void> (*open)(struct inode* inode, struct file* file);
	void (*release)(struct inode* inode, struct file* file);
	lib::Result<void> (*fsync)(struct file* file, loff_t start, loff_t end, int datasync);
	/* set vma->vm_ops for a mapping of the file (mmap(2), the ELF loader) */
	lib::Result<void> (*mmap)(struct file* file, struct vm_area_struct* vma);
	/* what the file is ready for (EPOLLIN, EPOLLOUT...), registering the
	 * caller on the file's wait queues through poll_wait (<fs/poll.h>);
	 * NULL: always readable and writable (DEFAULT_POLLMASK) */
	__poll_t (*poll)(struct file* file, struct poll_table_struct* pt);
	/* ioctl(2) commands the generic code (fs/ioctl.cc) does not handle;
	 * NULL or ENOIOCTLCMD: ENOTTY */
	lib::Result<long> (*unlocked_ioctl)(struct file* file, unsigned int cmd, unsigned long arg);
	/* fallocate(2)'s work (FALLOC_FL_*), the caller checked the range and
	 * holds nothing; NULL: EOPNOTSUPP */
	lib::Result<void> (*fallocate)(struct file* file, int mode, loff_t offset, loff_t len);
};

/* mappings through the page cache (mm/filemap.cc, Linux: generic_file_mmap,
 * filemap_fault): a page of the file is found or, for ramfs/tmpfs, made
 * (a hole is zeroes) and mapped; MAP_PRIVATE copies it on the first write,
 * MAP_SHARED maps the cache's page itself, so read(2), write(2) and every
 * mapping see the same bytes.  Past the end of the file: SIGBUS. */
lib::Result<void> generic_file_mmap(struct file* file, struct vm_area_struct* vma);

struct file {
	std::atomic<long> f_count;
	unsigned int f_flags; /* O_* as given to open, O_CREAT/O_EXCL/O_TRUNC/O_NOCTTY dropped */
	fmode_t f_mode;
	struct mutex f_pos_lock; /* serialises f_pos users (FMODE_ATOMIC_POS) */
	loff_t f_pos;
	struct path f_path;
	struct inode* f_inode;
	const struct file_operations* f_op;
	const struct cred* f_cred; /* the opener's */
	void* private_data;
	uint64_t f_version; /* a FIFO reader's view of the writer count (pipe_poll's EPOLLHUP) */
	lib::list_head f_ep; /* the epoll items watching it (fs/eventpoll.cc; epmutex) */
};
/* the file is being freed: drop the epoll items on it (fs/eventpoll.cc) */
void eventpoll_release_file(struct file* file);
void eventpoll_init();

static inline struct inode* file_inode(const struct file* f)
{
	return f->f_inode;
}
static inline struct file* get_file(struct file* f)
{
	f->f_count.fetch_add(1, std::memory_order_relaxed);
	return f;
}
/* drop a reference; the last closes the file: ->release, the path put */
void fput(struct file* file);
/* lib::ref<file> holds one reference (get_file/fput) */
static inline void ref_get(struct file* f)
{
	get_file(f);
}
static inline void ref_put(struct file* f)
{
	fput(f);
}
/* an empty struct file with one reference, or ENFILE/ENOMEM (Linux:
 * alloc_empty_file) */
lib::Result<struct file*> alloc_empty_file(int flags, const struct cred* cred);
/* a file on path opened with fops (Linux: alloc_file_pseudo and
 * vfs_open): ->open called; the path's references are taken here */
lib::Result<struct file*> dentry_open(const struct path* path, int flags, const struct cred* cred);
/* a file on an internal mount without ->open (pipes, memfd...): a new
 * unhashed dentry called name under mnt's root for inode (its reference
 * passes to the dentry, and is dropped on failure), or one more file on
 * an existing path (Linux:
 * alloc_file_pseudo, alloc_file_clone) */
lib::Result<struct file*> alloc_file_pseudo(struct inode* inode, struct vfsmount* mnt, const char* name, int flags,
                                            const struct file_operations* fops);
lib::Result<struct file*> alloc_file(const struct path* path, int flags, const struct file_operations* fops);
long nr_files(); /* struct files alive (the tests check nothing leaks) */

/* the defaults of a memory file system (fs/libfs.cc, mm/filemap.cc) */
lib::Result<loff_t> generic_file_llseek(struct file* file, loff_t offset, int whence);
lib::Result<loff_t> dcache_dir_lseek(struct file* file, loff_t offset, int whence);
lib::Result<ssize_t> generic_file_read_iter(struct kiocb* iocb, struct iov_iter* to);
lib::Result<ssize_t> generic_file_write_iter(struct kiocb* iocb, struct iov_iter* from);
lib::Result<ssize_t> generic_read_dir(struct kiocb* iocb, struct iov_iter* to); /* EISDIR */
lib::Result<void> dcache_readdir(struct file* file, struct dir_context* ctx);
lib::Result<void> noop_fsync(struct file* file, loff_t start, loff_t end, int datasync);
extern const struct file_operations simple_dir_operations;
extern const struct inode_operations simple_symlink_inode_operations;
lib::Result<struct dentry*> simple_lookup(struct inode* dir, struct dentry* dentry, unsigned int flags);
lib::Result<void> simple_link(struct dentry* old_dentry, struct inode* dir, struct dentry* dentry);
lib::Result<void> simple_unlink(struct inode* dir, struct dentry* dentry);
lib::Result<void> simple_rmdir(struct inode* dir, struct dentry* dentry);
lib::Result<void> simple_rename(struct inode* old_dir, struct dentry* old_dentry, struct inode* new_dir,
                                struct dentry* new_dentry, unsigned int flags);
bool simple_empty(struct dentry* dentry);
/* an internal file system's super block: its magic and a bare root
 * directory, inode 1 (Linux: init_pseudo; pipefs, anon_inodefs) */
lib::Result<void> pseudo_fill_super(struct super_block* sb, unsigned long magic, umode_t root_mode);
/* the whole page cache beyond lstart dropped (truncate, eviction) */
void truncate_inode_pages(struct address_space* mapping, loff_t lstart);
/* the cached pages of indexes [start, end] dropped (a hole punched) */
void truncate_inode_pages_range(struct address_space* mapping, unsigned long start, unsigned long end);
/* set i_size and drop the pages past it; zero the tail of the last page */
void truncate_setsize(struct inode* inode, loff_t newsize);
/* fallocate(2)'s checks, then file->f_op->fallocate (Linux: fs/open.c
 * vfs_fallocate); madvise(MADV_REMOVE) punches holes through it */
lib::Result<void> vfs_fallocate(struct file* file, int mode, loff_t offset, loff_t len);

/* ---- file systems and their instances (fs/super.cc, fs/filesystems.cc) ---- */
struct super_operations {
	void (*evict_inode)(struct inode* inode); /* before the inode is freed */
	void (*put_super)(struct super_block* sb);
	/* statfs figures: total and free blocks and inodes (0: no limit) */
	void (*statfs)(struct super_block* sb, unsigned long* blocks, unsigned long* bfree, unsigned long* files,
	               unsigned long* ffree);
	/* "size=...": MS_REMOUNT's new options */
	lib::Result<void> (*remount_fs)(struct super_block* sb, int* flags, char* data);
};

struct super_block {
	lib::list_head s_list; /* on super_blocks */
	dev_t s_dev;           /* an anonymous device number (get_anon_bdev) */
	unsigned long s_blocksize;
	unsigned char s_blocksize_bits;
	loff_t s_maxbytes;
	struct file_system_type* s_type;
	const struct super_operations* s_op;
	unsigned long s_flags; /* SB_* */
	unsigned long s_magic;
	struct dentry* s_root;
	std::atomic<int> s_active; /* mounts (and kern_mounts) of it */
	void* s_fs_info;
	lib::spinlock s_inode_list_lock;
	lib::list_head s_inodes GUARDED_BY(s_inode_list_lock);
	lib::list_head s_dentry_lru; /* unused dentries, oldest first (dcache_lock) */
	long s_nr_dentry_unused;     /* (dcache_lock) */
	lib::list_head s_mounts;     /* struct mount.mnt_instance (mount_lock) */
	const char* s_id;
};

struct file_system_type {
	const char* name;
	int fs_flags;
	/* a new instance's root dentry (Linux's legacy ->mount) */
	lib::Result<struct dentry*> (*mount)(struct file_system_type* fs_type, int flags, const char* dev_name,
	                                     void* data);
	void (*kill_sb)(struct super_block* sb);
	struct file_system_type* next;
};

lib::Result<void> register_filesystem(struct file_system_type* fs);
lib::Result<void> unregister_filesystem(struct file_system_type* fs);
/* the registered type of that name, or NULL */
struct file_system_type* get_fs_type(const char* name);

/* a new super_block of type with no root yet, s_active 1; ENOMEM
 * (Linux: sget_fc for a nodev file system) */
lib::Result<struct super_block*> sget_nodev(struct file_system_type* type, int flags);
/* the common ->mount of a memory file system: fill_super makes s_root */
lib::Result<struct dentry*> mount_nodev(struct file_system_type* fs_type, int flags, void* data,
                                        lib::Result<void> (*fill_super)(struct super_block*, void*, int));
void deactivate_super(struct super_block* sb);
/* kill_sb of ramfs/tmpfs: every dentry and inode given back */
void kill_litter_super(struct super_block* sb);
void kill_anon_super(struct super_block* sb);
void generic_shutdown_super(struct super_block* sb);
long nr_super_blocks();

/* ---- boot (fs/dcache.cc vfs_caches_init -> mnt_init) ---- */
void vfs_caches_init();

/* ---- the kernel's own file API (fs/open.cc, fs/read_write.cc, fs/stat.cc) ----
 * What the rest of the kernel calls to use files: exec, the initramfs,
 * the tests.  Names and flags are kernel strings; buffers kernel memory. */
/* open path (relative to current's cwd) with O_* flags (Linux: filp_open) */
lib::Result<struct file*> filp_open(const char* filename, int flags, umode_t mode);
lib::Result<struct file*> file_open_root(const struct path* root, const char* filename, int flags, umode_t mode);
/* Linux's filp_close: drop the opener's reference; id (the closing fd
 * table, NULL for a kernel opener) loses its POSIX record locks on the
 * file's inode (fs/locks.cc) */
typedef void* fl_owner_t;
void filp_close(struct file* filp, fl_owner_t id);

/* ---- file locks (fs/locks.cc; Linux: fs/locks.c) ---- */
struct file_lock_context;
/* drop owner's POSIX locks on filp's inode (every close of an fd) */
void locks_remove_posix(struct file* filp, fl_owner_t owner);
/* drop filp's flock and OFD locks (the last reference to the file) */
void locks_remove_file(struct file* filp);
/* the inode's lock lists freed with it */
void locks_free_lock_context(struct inode* inode);
/* fcntl's F_GETLK/F_SETLK/F_SETLKW and the F_OFD_* forms */
lib::Result<long> fcntl_getlk(struct file* filp, unsigned int cmd, user_ptr<void> arg);
lib::Result<long> fcntl_setlk(unsigned int fd, struct file* filp, unsigned int cmd, user_ptr<void> arg);
/* read/write count bytes at *pos (advanced); short at EOF */
lib::Result<ssize_t> kernel_read(struct file* file, void* buf, size_t count, loff_t* pos);
lib::Result<ssize_t> kernel_write(struct file* file, const void* buf, size_t count, loff_t* pos);
/* the checked read/write of read(2)/pread64(2)/readv(2): EBADF not open
 * for it, EINVAL negative position, EISDIR directories */
/* iocb_extra: IOCB_* flags for this call only (preadv2's RWF_NOWAIT) */
lib::Result<ssize_t> vfs_read(struct file* file, struct iov_iter* to, loff_t* pos, int iocb_extra = 0);
lib::Result<ssize_t> vfs_write(struct file* file, struct iov_iter* from, loff_t* pos, int iocb_extra = 0);
lib::Result<loff_t> vfs_llseek(struct file* file, loff_t offset, int whence);
/* the program file of execve: a regular file on a mount without noexec,
 * MAY_EXEC for current (EACCES), opened for reading (Linux: open_exec) */
lib::Result<struct file*> open_exec(const char* name);

/* stat (fs/stat.cc) */
struct kstat {
	uint64_t ino;
	dev_t dev;
	umode_t mode;
	unsigned int nlink;
	kuid_t uid;
	kgid_t gid;
	dev_t rdev;
	loff_t size;
	struct timespec64 atime, mtime, ctime, btime;
	uint32_t blksize;
	uint64_t blocks;
};
void generic_fillattr(struct inode* inode, struct kstat* stat);
lib::Result<void> vfs_getattr(const struct path* path, struct kstat* stat);
/* stat/lstat/newfstatat's work: flags AT_SYMLINK_NOFOLLOW, AT_EMPTY_PATH
 * (EINVAL for others) */
lib::Result<void> vfs_fstatat(int dfd, const char* filename, struct kstat* stat, int flags);
lib::Result<void> vfs_fstat(int fd, struct kstat* stat);
/* into the x86_64 user layout */
void cp_new_stat_kernel(const struct kstat* stat, struct stat* tmp);
/* rootfs's type (fs/ramfs/inode.cc): registered by mnt_init */
void init_rootfs();

/* the system calls' work on kernel strings and buffers (fs/open.cc,
 * fs/read_write.cc, fs/stat.cc, fs/readdir.cc, fs/fcntl.cc): the
 * SYSCALL_DEFINEs are thin wrappers over these, and the ktests call them */
lib::Result<int> do_sys_open(int dfd, const char* filename, int flags, umode_t mode);
lib::Result<void> do_chdir(int dfd, const char* name, bool is_chroot);
lib::Result<void> do_fchdir(unsigned int fd);
lib::Result<long> do_getcwd(char* buf, unsigned long size);
long do_umask(int mask);
lib::Result<void> do_faccessat(int dfd, const char* filename, int mode, int flags);
lib::Result<ssize_t> ksys_read(unsigned int fd, struct iov_iter* to);
lib::Result<ssize_t> ksys_write(unsigned int fd, struct iov_iter* from);
lib::Result<ssize_t> ksys_pread64(unsigned int fd, struct iov_iter* to, loff_t pos);
lib::Result<ssize_t> ksys_pwrite64(unsigned int fd, struct iov_iter* from, loff_t pos);
lib::Result<loff_t> ksys_lseek(unsigned int fd, loff_t offset, unsigned int whence);
/* getdents64 into a kernel buffer: bytes filled, EINVAL too small */
lib::Result<long> do_getdents64(unsigned int fd, void* dirent, unsigned int count);
lib::Result<long> do_fcntl(int fd, unsigned int cmd, unsigned long arg);
lib::Result<int> do_dup(unsigned int fildes);
lib::Result<int> do_dup3(unsigned int oldfd, unsigned int newfd, int flags);
lib::Result<int> do_dup2(unsigned int oldfd, unsigned int newfd);
