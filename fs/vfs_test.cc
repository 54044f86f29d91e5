/*
 * ktests of the VFS (fs/, mm/filemap.cc, mm/shmem.cc): tmpfs through the
 * kernel functions the system calls wrap (do_sys_open, ksys_read/write,
 * do_mkdirat ...), the path walk's rules and errnos, permissions with
 * another user's credentials (override_creds), the fd table, mounts, and
 * that an unmounted tmpfs gives back every page, inode, dentry and file.
 * Each case works in its own tmpfs mounted on /vfs_test.
 */
#include <fs/dcache.h>
#include <fs/fdtable.h>
#include <fs/fs.h>
#include <fs/fs_struct.h>
#include <fs/mount.h>
#include <fs/namei.h>
#include <fs/ramfs.h>
#include <kernel/capability.h>
#include <kernel/cred.h>
#include <kernel/ktest.h>
#include <kernel/panic.h>
#include <kernel/sched.h>
#include <kernel/sched/signal.h>
#include <lib/format.h>
#include <lib/string.h>
#include <mm/mm.h>
#include <mm/page_alloc.h>
#include <mm/pagemap.h>
#include <uapi/asm-generic/errno-base.h>
#include <uapi/asm-generic/errno.h>
#include <uapi/asm/stat.h>
#include <uapi/linux/dirent.h>
#include <uapi/linux/fcntl.h>
#include <uapi/linux/limits.h>
#include <uapi/linux/mount.h>

namespace
{
/* a fresh tmpfs on /vfs_test for one case; unmounted at the end */
struct test_mount {
	bool ok = false;
	explicit test_mount(const char* opts = nullptr)
	{
		lib::Result<void> r = do_mkdirat(AT_FDCWD, "/vfs_test", 0755);
		if (r.is_err() && r.error() != EEXIST)
			return;
		char buf[64] = {};
		if (opts)
			lib::strscpy(buf, opts, sizeof(buf));
		ok = do_mount("tmpfs", "/vfs_test", "tmpfs", 0, opts ? buf : nullptr).is_ok();
	}
	~test_mount()
	{
		if (ok)
			WARN_ON(do_umount_path("/vfs_test", 0).is_err());
	}
};

int open_fd(const char* name, int flags, umode_t mode = 0644)
{
	lib::Result<int> r = do_sys_open(AT_FDCWD, name, flags, mode);
	return r.is_ok() ? r.value() : -r.error();
}

lib::Result<ssize_t> write_fd(int fd, const void* buf, size_t n)
{
	struct kvec v = {const_cast<void*>(buf), n};
	struct iov_iter it;
	iov_iter_kvec(&it, &v, 1, n);
	return ksys_write(fd, &it);
}
lib::Result<ssize_t> read_fd(int fd, void* buf, size_t n)
{
	struct kvec v = {buf, n};
	struct iov_iter it;
	iov_iter_kvec(&it, &v, 1, n);
	return ksys_read(fd, &it);
}

/* a Result as a number: the value, or -errno */
template <class T> long long rv(const lib::Result<T>& r)
{
	return r.is_ok() ? (long long)r.value() : -(long long)r.error();
}

/* a cred acting as uid/gid with no capabilities */
struct as_user {
	struct cred c;
	const struct cred* old;
	as_user(unsigned uid, unsigned gid)
	{
		c.usage.store(1);
		c.uid = c.euid = c.suid = c.fsuid = kuid_t{uid};
		c.gid = c.egid = c.sgid = c.fsgid = kgid_t{gid};
		c.cap_effective = CAP_EMPTY_SET;
		old = override_creds(&c);
	}
	~as_user() { revert_creds(old); }
};
} // namespace

KTEST(vfs, rootfs_is_mounted_at_boot)
{
	struct path root;
	KASSERT_OK(kern_path("/", LOOKUP_FOLLOW, &root));
	KEXPECT_EQ(root.mnt, root_mnt);
	KEXPECT_STREQ(root.mnt->mnt_sb->s_type->name, "rootfs");
	KEXPECT_TRUE(d_is_dir(root.dentry));
	path_put(&root);
	char buf[64];
	KEXPECT_EQ(rv(do_getcwd(buf, sizeof(buf))), 2);
	KEXPECT_STREQ(buf, "/");
}

KTEST(vfs, write_read_stat_through_the_page_cache)
{
	test_mount m;
	KASSERT_TRUE(m.ok);
	int fd = open_fd("/vfs_test/f", O_CREAT | O_RDWR);
	KASSERT_GE(fd, 0);
	static char big[3 * PAGE_SIZE + 100];
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = char(i * 7);
	KEXPECT_EQ(rv(write_fd(fd, big, sizeof(big))), ssize_t(sizeof(big)));
	KEXPECT_EQ(rv(ksys_lseek(fd, 0, SEEK_SET)), 0);
	static char back[sizeof(big)];
	KEXPECT_EQ(rv(read_fd(fd, back, sizeof(back))), ssize_t(sizeof(back)));
	KEXPECT_EQ(lib::memcmp(big, back, sizeof(big)), 0);
	KEXPECT_EQ(rv(read_fd(fd, back, 10)), 0); /* EOF */
	/* a hole reads as zeroes and takes no page */
	KEXPECT_EQ(rv(ksys_lseek(fd, 10 * PAGE_SIZE, SEEK_SET)), loff_t(10 * PAGE_SIZE));
	KEXPECT_EQ(rv(write_fd(fd, "x", 1)), 1);
	struct kstat st;
	KASSERT_OK(vfs_fstat(fd, &st));
	KEXPECT_EQ(st.size, loff_t(10 * PAGE_SIZE + 1));
	KEXPECT_TRUE(S_ISREG(st.mode));
	KEXPECT_EQ(st.mode & 0777, 0644 & ~current_umask());
	KEXPECT_EQ(st.nlink, 1u);
	lib::ref<file> f = fdget(fd);
	KEXPECT_EQ(mapping_nrpages(file_inode(f.get())->i_mapping), 5ul);
	KEXPECT_EQ(find_get_page(file_inode(f.get())->i_mapping, 6), nullptr);
	struct page* p = find_get_page(file_inode(f.get())->i_mapping, 1);
	KASSERT_TRUE(p != nullptr);
	KEXPECT_EQ(p->mapping, file_inode(f.get())->i_mapping);
	KEXPECT_EQ(p->index, 1ul);
	put_page(p);
	f.reset();
	char z[8] = {1};
	struct kvec v = {z, sizeof(z)};
	struct iov_iter it;
	iov_iter_kvec(&it, &v, 1, sizeof(z));
	KEXPECT_EQ(rv(ksys_pread64(fd, &it, 5 * PAGE_SIZE)), 8);
	KEXPECT_EQ(z[0] | z[7], 0);
	/* O_APPEND writes at the end; O_TRUNC empties */
	KASSERT_OK(close_fd(fd));
	fd = open_fd("/vfs_test/f", O_WRONLY | O_APPEND);
	KEXPECT_EQ(rv(write_fd(fd, "yz", 2)), 2);
	KASSERT_OK(vfs_fstat(fd, &st));
	KEXPECT_EQ(st.size, loff_t(10 * PAGE_SIZE + 3));
	KASSERT_OK(close_fd(fd));
	fd = open_fd("/vfs_test/f", O_WRONLY | O_TRUNC);
	KASSERT_OK(vfs_fstat(fd, &st));
	KEXPECT_EQ(st.size, 0);
	KEXPECT_EQ(rv(read_fd(fd, z, 1)), -EBADF);
	KASSERT_OK(close_fd(fd));
	KEXPECT_ERR(close_fd(fd), EBADF);
}

KTEST(vfs, tmpfs_full_is_enospc_and_keeps_what_fit)
{
	test_mount m("size=8k,nr_inodes=3");
	KASSERT_TRUE(m.ok);
	int fd = open_fd("/vfs_test/a", O_CREAT | O_RDWR);
	KASSERT_GE(fd, 0);
	static char buf[3 * PAGE_SIZE];
	lib::memset(buf, 'q', sizeof(buf));
	KEXPECT_EQ(rv(write_fd(fd, buf, sizeof(buf))), ssize_t(2 * PAGE_SIZE)); /* short */
	KEXPECT_EQ(rv(write_fd(fd, buf, 1)), -ENOSPC);
	struct kstat st;
	KASSERT_OK(vfs_fstat(fd, &st));
	KEXPECT_EQ(st.size, loff_t(2 * PAGE_SIZE));
	static char back[2 * PAGE_SIZE];
	KEXPECT_EQ(rv(ksys_lseek(fd, 0, SEEK_SET)), 0);
	KEXPECT_EQ(rv(read_fd(fd, back, sizeof(back))), ssize_t(sizeof(back)));
	KEXPECT_EQ(lib::memcmp(buf, back, sizeof(back)), 0);
	KASSERT_OK(close_fd(fd));
	/* inodes: the root and "a" are two of three */
	KEXPECT_OK(do_mkdirat(AT_FDCWD, "/vfs_test/d", 0755));
	KEXPECT_ERR(do_mkdirat(AT_FDCWD, "/vfs_test/e", 0755), ENOSPC);
	/* space comes back with the file */
	KEXPECT_OK(do_unlinkat(AT_FDCWD, "/vfs_test/a"));
	fd = open_fd("/vfs_test/d/b", O_CREAT | O_RDWR);
	KASSERT_GE(fd, 0);
	KEXPECT_EQ(rv(write_fd(fd, buf, PAGE_SIZE)), ssize_t(PAGE_SIZE));
	KASSERT_OK(close_fd(fd));
	KEXPECT_OK(do_unlinkat(AT_FDCWD, "/vfs_test/d/b"));
	KEXPECT_OK(do_rmdir(AT_FDCWD, "/vfs_test/d"));
}

KTEST(vfs, unmount_gives_everything_back)
{
	ktest_quiesce();
	long inodes = nr_inodes(), dentries = nr_dentries(), files = nr_files(), mounts = nr_mounts();
	long supers = nr_super_blocks();
	unsigned long free_before = nr_free_pages();
	{
		test_mount m;
		KASSERT_TRUE(m.ok);
		KEXPECT_EQ(nr_mounts(), mounts + 1);
		KASSERT_OK(do_mkdirat(AT_FDCWD, "/vfs_test/a", 0755));
		KASSERT_OK(do_mkdirat(AT_FDCWD, "/vfs_test/a/b", 0755));
		KASSERT_OK(do_symlinkat("a/b", AT_FDCWD, "/vfs_test/l"));
		static char buf[PAGE_SIZE * 4];
		for (int i = 0; i < 5; i++) {
			char name[32];
			lib::snprintf(name, sizeof(name), "/vfs_test/a/b/f%d", i);
			int fd = open_fd(name, O_CREAT | O_WRONLY);
			KASSERT_GE(fd, 0);
			KEXPECT_EQ(rv(write_fd(fd, buf, sizeof(buf))), ssize_t(sizeof(buf)));
			KASSERT_OK(close_fd(fd));
		}
		KASSERT_OK(do_linkat(AT_FDCWD, "/vfs_test/a/b/f0", AT_FDCWD, "/vfs_test/hard", 0));
		struct path p;
		KEXPECT_ERR(kern_path("/vfs_test/nothere", 0, &p), ENOENT); /* a negative dentry */
		/* an open file keeps the mount busy */
		int fd = open_fd("/vfs_test/hard", O_RDONLY);
		KASSERT_GE(fd, 0);
		KEXPECT_ERR(do_umount_path("/vfs_test", 0), EBUSY);
		KASSERT_OK(close_fd(fd));
	}
	ktest_quiesce();
	KEXPECT_EQ(nr_inodes(), inodes);
	KEXPECT_EQ(nr_dentries(), dentries);
	KEXPECT_EQ(nr_files(), files);
	KEXPECT_EQ(nr_mounts(), mounts);
	KEXPECT_EQ(nr_super_blocks(), supers);
	KEXPECT_GE(nr_free_pages() + 8, free_before); /* slab pages may stay cached */
}

KTEST(vfs, path_walk_rules)
{
	test_mount m;
	KASSERT_TRUE(m.ok);
	struct path p, q;
	KASSERT_OK(do_mkdirat(AT_FDCWD, "/vfs_test/d", 0755));
	KASSERT_OK(do_mkdirat(AT_FDCWD, "/vfs_test/d/e", 0755));
	int fd = open_fd("/vfs_test/d/file", O_CREAT | O_WRONLY);
	KASSERT_GE(fd, 0);
	KASSERT_OK(close_fd(fd));
	/* . and .., and .. not above the root nor confused by the mount */
	KASSERT_OK(kern_path("/vfs_test/d/e/../././e/..//file", 0, &p));
	KASSERT_OK(kern_path("/vfs_test/d/file", 0, &q));
	KEXPECT_TRUE(path_equal(&p, &q));
	path_put(&p);
	path_put(&q);
	KASSERT_OK(kern_path("/../../..", 0, &p));
	KEXPECT_EQ(p.mnt, root_mnt);
	KEXPECT_EQ(p.dentry, root_mnt->mnt_root);
	path_put(&p);
	KASSERT_OK(kern_path("/vfs_test/..", 0, &p)); /* up out of the tmpfs */
	KEXPECT_EQ(p.mnt, root_mnt);
	path_put(&p);
	/* trailing slashes need a directory */
	KEXPECT_ERR(kern_path("/vfs_test/d/file/", 0, &p), ENOTDIR);
	KEXPECT_ERR(kern_path("/vfs_test/d/file/x", 0, &p), ENOTDIR);
	KEXPECT_OK(kern_path("/vfs_test/d/e/", 0, &p));
	path_put(&p);
	KEXPECT_ERR(kern_path("/vfs_test/d/none/x", 0, &p), ENOENT);
	KEXPECT_ERR(kern_path("", 0, &p), ENOENT);
	/* NAME_MAX and PATH_MAX */
	static char longname[PATH_MAX + 8];
	lib::memcpy(longname, "/vfs_test/", 10);
	lib::memset(longname + 10, 'n', NAME_MAX + 1);
	longname[10 + NAME_MAX + 1] = '\0';
	KEXPECT_ERR(kern_path(longname, 0, &p), ENAMETOOLONG);
	longname[10 + NAME_MAX] = '\0';
	KEXPECT_ERR(kern_path(longname, 0, &p), ENOENT);
	for (int i = 0; i < PATH_MAX; i += 2)
		longname[i] = '/', longname[i + 1] = '.';
	longname[PATH_MAX] = '\0';
	KEXPECT_ERR(kern_path(longname, 0, &p), ENAMETOOLONG);
	longname[PATH_MAX - 1] = '\0';
	KEXPECT_OK(kern_path(longname, 0, &p));
	path_put(&p);
	/* dirfd: relative to an O_DIRECTORY fd; ENOTDIR for a file's fd */
	int dfd = open_fd("/vfs_test/d", O_RDONLY | O_DIRECTORY);
	KASSERT_GE(dfd, 0);
	KEXPECT_OK(filename_lookup(dfd, "e", 0, &p));
	path_put(&p);
	fd = open_fd("/vfs_test/d/file", O_RDONLY);
	KEXPECT_ERR(filename_lookup(fd, "e", 0, &p), ENOTDIR);
	KEXPECT_ERR(filename_lookup(99, "e", 0, &p), EBADF);
	struct kstat st;
	KEXPECT_OK(vfs_fstatat(fd, "", &st, AT_EMPTY_PATH));
	KEXPECT_TRUE(S_ISREG(st.mode));
	KEXPECT_ERR(vfs_fstatat(fd, "", &st, 0), ENOENT);
	KEXPECT_ERR(vfs_fstatat(fd, "", &st, 0x8000), EINVAL);
	KEXPECT_EQ(open_fd("/vfs_test/d/file", O_RDONLY | O_DIRECTORY), -ENOTDIR);
	KEXPECT_EQ(open_fd("/vfs_test/d", O_WRONLY), -EISDIR);
	KASSERT_OK(close_fd(fd));
	KASSERT_OK(close_fd(dfd));
}

KTEST(vfs, symlinks_and_eloop)
{
	test_mount m;
	KASSERT_TRUE(m.ok);
	struct path p;
	KASSERT_OK(do_mkdirat(AT_FDCWD, "/vfs_test/d", 0755));
	KASSERT_OK(do_symlinkat("d", AT_FDCWD, "/vfs_test/rel"));
	KASSERT_OK(do_symlinkat("/vfs_test/d", AT_FDCWD, "/vfs_test/abs"));
	KASSERT_OK(do_symlinkat("nowhere", AT_FDCWD, "/vfs_test/dangling"));
	KASSERT_OK(do_symlinkat("loop", AT_FDCWD, "/vfs_test/loop"));
	KEXPECT_OK(kern_path("/vfs_test/rel/", 0, &p));
	KEXPECT_TRUE(d_is_dir(p.dentry));
	path_put(&p);
	KEXPECT_OK(kern_path("/vfs_test/abs", LOOKUP_FOLLOW, &p));
	KEXPECT_TRUE(d_is_dir(p.dentry));
	path_put(&p);
	KEXPECT_OK(kern_path("/vfs_test/abs", 0, &p)); /* the link itself */
	KEXPECT_TRUE(d_is_symlink(p.dentry));
	path_put(&p);
	KEXPECT_ERR(kern_path("/vfs_test/dangling", LOOKUP_FOLLOW, &p), ENOENT);
	KEXPECT_ERR(kern_path("/vfs_test/loop", LOOKUP_FOLLOW, &p), ELOOP);
	KEXPECT_ERR(kern_path("/vfs_test/loop/x", 0, &p), ELOOP);
	/* a chain of exactly 40 links resolves, 41 is ELOOP */
	for (int i = 1; i <= 41; i++) {
		char name[32], target[32];
		lib::snprintf(name, sizeof(name), "/vfs_test/c%d", i);
		lib::snprintf(target, sizeof(target), i == 1 ? "d" : "c%d", i - 1);
		KASSERT_OK(do_symlinkat(target, AT_FDCWD, name));
	}
	KEXPECT_OK(kern_path("/vfs_test/c40", LOOKUP_FOLLOW, &p));
	path_put(&p);
	KEXPECT_ERR(kern_path("/vfs_test/c41", LOOKUP_FOLLOW, &p), ELOOP);
	char buf[64];
	KEXPECT_EQ(rv(do_readlinkat(AT_FDCWD, "/vfs_test/abs", buf, sizeof(buf))), 11);
	KEXPECT_EQ(lib::memcmp(buf, "/vfs_test/d", 11), 0);
	KEXPECT_EQ(rv(do_readlinkat(AT_FDCWD, "/vfs_test/abs", buf, 3)), 3);
	KEXPECT_ERR(do_readlinkat(AT_FDCWD, "/vfs_test/d", buf, sizeof(buf)), EINVAL);
	/* O_NOFOLLOW on a link, O_PATH|O_NOFOLLOW opens the link itself */
	KEXPECT_EQ(open_fd("/vfs_test/abs", O_RDONLY | O_NOFOLLOW), -ELOOP);
	int fd = open_fd("/vfs_test/abs", O_PATH | O_NOFOLLOW);
	KASSERT_GE(fd, 0);
	KEXPECT_EQ(rv(read_fd(fd, buf, 1)), -EBADF); /* O_PATH: fget refuses it */
	struct kstat st;
	KEXPECT_OK(vfs_fstat(fd, &st));
	KEXPECT_TRUE(S_ISLNK(st.mode));
	KASSERT_OK(close_fd(fd));
	/* O_CREAT|O_EXCL: EEXIST, even on a dangling link */
	KEXPECT_EQ(open_fd("/vfs_test/dangling", O_CREAT | O_EXCL | O_WRONLY), -EEXIST);
	KEXPECT_EQ(open_fd("/vfs_test/d", O_CREAT | O_EXCL | O_WRONLY), -EEXIST);
	KEXPECT_EQ(open_fd("/vfs_test/new/", O_CREAT | O_WRONLY), -EISDIR);
}

KTEST(vfs, names_unlink_rename_link_errnos)
{
	test_mount m;
	KASSERT_TRUE(m.ok);
	KASSERT_OK(do_mkdirat(AT_FDCWD, "/vfs_test/d", 0755));
	KASSERT_OK(do_mkdirat(AT_FDCWD, "/vfs_test/d/sub", 0755));
	int fd = open_fd("/vfs_test/f", O_CREAT | O_WRONLY);
	KASSERT_GE(fd, 0);
	KASSERT_OK(close_fd(fd));
	KEXPECT_ERR(do_mkdirat(AT_FDCWD, "/vfs_test/d", 0755), EEXIST);
	KEXPECT_ERR(do_mkdirat(AT_FDCWD, "/vfs_test/none/x", 0755), ENOENT);
	KEXPECT_ERR(do_mkdirat(AT_FDCWD, "/vfs_test/f/x", 0755), ENOTDIR);
	KEXPECT_OK(do_mkdirat(AT_FDCWD, "/vfs_test/slash/", 0755));
	KEXPECT_ERR(do_rmdir(AT_FDCWD, "/vfs_test/d"), ENOTEMPTY);
	KEXPECT_ERR(do_rmdir(AT_FDCWD, "/vfs_test/f"), ENOTDIR);
	KEXPECT_ERR(do_rmdir(AT_FDCWD, "/vfs_test/d/."), EINVAL);
	KEXPECT_ERR(do_rmdir(AT_FDCWD, "/vfs_test/d/.."), ENOTEMPTY);
	KEXPECT_ERR(do_unlinkat(AT_FDCWD, "/vfs_test/d"), EISDIR);
	KEXPECT_ERR(do_unlinkat(AT_FDCWD, "/vfs_test/f/"), ENOTDIR);
	KEXPECT_ERR(do_unlinkat(AT_FDCWD, "/vfs_test/nothing"), ENOENT);
	KEXPECT_ERR(do_linkat(AT_FDCWD, "/vfs_test/d", AT_FDCWD, "/vfs_test/dl", 0), EPERM);
	KEXPECT_ERR(do_linkat(AT_FDCWD, "/vfs_test/f", AT_FDCWD, "/vfs_test/d", 0), EEXIST);
	KEXPECT_ERR(do_linkat(AT_FDCWD, "/vfs_test/f", AT_FDCWD, "/vfs_hard", 0), EXDEV);
	KEXPECT_OK(do_linkat(AT_FDCWD, "/vfs_test/f", AT_FDCWD, "/vfs_test/d/f2", 0));
	struct kstat st;
	KASSERT_OK(vfs_fstatat(AT_FDCWD, "/vfs_test/f", &st, 0));
	KEXPECT_EQ(st.nlink, 2u);
	KASSERT_OK(vfs_fstatat(AT_FDCWD, "/vfs_test/d", &st, 0));
	KEXPECT_EQ(st.nlink, 3u); /* ., its entry, sub/.. */
	/* rename: a directory below itself, over a non-empty dir, type clashes */
	KEXPECT_ERR(do_renameat2(AT_FDCWD, "/vfs_test/d", AT_FDCWD, "/vfs_test/d/sub/x", 0), EINVAL);
	KEXPECT_ERR(do_renameat2(AT_FDCWD, "/vfs_test/slash", AT_FDCWD, "/vfs_test/d", 0), ENOTEMPTY);
	KEXPECT_ERR(do_renameat2(AT_FDCWD, "/vfs_test/f", AT_FDCWD, "/vfs_test/slash", 0), EISDIR);
	KEXPECT_ERR(do_renameat2(AT_FDCWD, "/vfs_test/slash", AT_FDCWD, "/vfs_test/f", 0), ENOTDIR);
	KEXPECT_ERR(do_renameat2(AT_FDCWD, "/vfs_test/f", AT_FDCWD, "/vfs_hard", 0), EXDEV);
	KEXPECT_ERR(do_renameat2(AT_FDCWD, "/vfs_test/f", AT_FDCWD, "/vfs_test/d/f2", RENAME_NOREPLACE), EEXIST);
	KEXPECT_ERR(do_renameat2(AT_FDCWD, "/vfs_test/f", AT_FDCWD, "/vfs_test/g", RENAME_EXCHANGE), ENOENT);
	KEXPECT_ERR(do_renameat2(AT_FDCWD, "/vfs_test/f", AT_FDCWD, "/vfs_test/g", 8), EINVAL);
	KEXPECT_OK(do_renameat2(AT_FDCWD, "/vfs_test/f", AT_FDCWD, "/vfs_test/g", 0));
	KEXPECT_ERR(vfs_fstatat(AT_FDCWD, "/vfs_test/f", &st, 0), ENOENT);
	KEXPECT_OK(do_renameat2(AT_FDCWD, "/vfs_test/slash", AT_FDCWD, "/vfs_test/d/sub2", 0));
	KASSERT_OK(vfs_fstatat(AT_FDCWD, "/vfs_test/d", &st, 0));
	KEXPECT_EQ(st.nlink, 4u);
	/* replacing a file: the old one's link count drops */
	KEXPECT_OK(do_renameat2(AT_FDCWD, "/vfs_test/g", AT_FDCWD, "/vfs_test/d/f2", 0));
	KASSERT_OK(vfs_fstatat(AT_FDCWD, "/vfs_test/d/f2", &st, 0));
	KEXPECT_EQ(st.nlink, 1u);
	KEXPECT_OK(do_renameat2(AT_FDCWD, "/vfs_test/d/sub", AT_FDCWD, "/vfs_test/d/sub2", RENAME_EXCHANGE));
	/* mknod: regular files and devices; a directory is EPERM */
	KEXPECT_OK(do_mknodat(AT_FDCWD, "/vfs_test/node", S_IFREG | 0600, 0));
	KEXPECT_OK(do_mknodat(AT_FDCWD, "/vfs_test/null", S_IFCHR | 0666, 0x103));
	KASSERT_OK(vfs_fstatat(AT_FDCWD, "/vfs_test/null", &st, 0));
	KEXPECT_EQ(st.rdev, MKDEV(1, 3));
	KEXPECT_ERR(do_mknodat(AT_FDCWD, "/vfs_test/dir", S_IFDIR | 0600, 0), EPERM);
	KEXPECT_ERR(do_mknodat(AT_FDCWD, "/vfs_test/bad", 0170000, 0), EINVAL);
}

KTEST(vfs, permissions_as_another_user)
{
	test_mount m;
	KASSERT_TRUE(m.ok);
	KASSERT_OK(do_mkdirat(AT_FDCWD, "/vfs_test/private", 0700));
	int old_umask = do_umask(0);
	KASSERT_OK(do_mkdirat(AT_FDCWD, "/vfs_test/sticky", 01777));
	do_umask(old_umask);
	int fd = open_fd("/vfs_test/private/f", O_CREAT | O_WRONLY, 0644);
	KASSERT_GE(fd, 0);
	KASSERT_OK(close_fd(fd));
	fd = open_fd("/vfs_test/ro", O_CREAT | O_WRONLY, 0444);
	KASSERT_GE(fd, 0);
	KASSERT_OK(close_fd(fd));
	fd = open_fd("/vfs_test/sticky/roots", O_CREAT | O_WRONLY, 0666);
	KASSERT_GE(fd, 0);
	KASSERT_OK(close_fd(fd));
	/* root (CAP_DAC_OVERRIDE) may write a 0444 file */
	fd = open_fd("/vfs_test/ro", O_WRONLY);
	KEXPECT_GE(fd, 0);
	if (fd >= 0)
		KEXPECT_OK(close_fd(fd));
	{
		as_user u(1000, 1000);
		struct path p;
		KEXPECT_ERR(kern_path("/vfs_test/private/f", 0, &p), EACCES);
		KEXPECT_EQ(open_fd("/vfs_test/ro", O_WRONLY), -EACCES);
		KEXPECT_ERR(do_faccessat(AT_FDCWD, "/vfs_test/ro", W_OK, AT_EACCESS), EACCES);
		KEXPECT_OK(do_faccessat(AT_FDCWD, "/vfs_test/ro", R_OK, AT_EACCESS));
		KEXPECT_ERR(do_mkdirat(AT_FDCWD, "/vfs_test/private/x", 0755), EACCES);
		/* sticky: another's file cannot be removed, one's own can */
		KEXPECT_ERR(do_unlinkat(AT_FDCWD, "/vfs_test/sticky/roots"), EPERM);
		fd = open_fd("/vfs_test/sticky/mine", O_CREAT | O_WRONLY, 0600);
		KEXPECT_GE(fd, 0);
		if (fd >= 0)
			KEXPECT_OK(close_fd(fd));
		struct kstat st;
		KEXPECT_OK(vfs_fstatat(AT_FDCWD, "/vfs_test/sticky/mine", &st, 0));
		KEXPECT_EQ(__kuid_val(st.uid), 1000u);
		KEXPECT_OK(do_unlinkat(AT_FDCWD, "/vfs_test/sticky/mine"));
		KEXPECT_ERR(do_mount("tmpfs", "/vfs_test/sticky", "tmpfs", 0, nullptr), EPERM);
	}
	/* access() checks the real ids: root may read anything */
	KEXPECT_OK(do_faccessat(AT_FDCWD, "/vfs_test/private/f", R_OK, 0));
	KEXPECT_ERR(do_faccessat(AT_FDCWD, "/vfs_test/private/f", X_OK, 0), EACCES);
	KEXPECT_ERR(do_faccessat(AT_FDCWD, "/vfs_test/private/f", 8, 0), EINVAL);
}

KTEST(vfs, fd_table_dup_cloexec_emfile)
{
	test_mount m;
	KASSERT_TRUE(m.ok);
	int fd = open_fd("/vfs_test/f", O_CREAT | O_RDWR | O_CLOEXEC);
	KASSERT_GE(fd, 0);
	KEXPECT_EQ(rv(do_fcntl(fd, F_GETFD, 0)), FD_CLOEXEC);
	KEXPECT_EQ(rv(do_fcntl(fd, F_GETFL, 0)) & O_ACCMODE, O_RDWR);
	int d = do_dup(fd).value_or(-1);
	KASSERT_GE(d, 0);
	KEXPECT_EQ(rv(do_fcntl(d, F_GETFD, 0)), 0); /* dup clears FD_CLOEXEC */
	KEXPECT_EQ(rv(do_fcntl(fd, F_DUPFD_CLOEXEC, 100)), 100);
	KEXPECT_EQ(rv(do_fcntl(100, F_GETFD, 0)), FD_CLOEXEC);
	KEXPECT_EQ(rv(do_fcntl(fd, F_DUPFD, 1024)), -EINVAL);
	KEXPECT_EQ(rv(do_dup2(fd, 200)), 200);
	KEXPECT_EQ(rv(do_dup2(fd, fd)), fd);
	KEXPECT_EQ(rv(do_dup2(300, 300)), -EBADF);
	KEXPECT_EQ(rv(do_dup3(fd, fd, 0)), -EINVAL);
	KEXPECT_EQ(rv(do_dup3(fd, 201, 4)), -EINVAL);
	KEXPECT_EQ(rv(do_dup3(fd, 201, O_CLOEXEC)), 201);
	KEXPECT_EQ(rv(do_dup2(fd, 5000)), -EBADF); /* past RLIMIT_NOFILE */
	KEXPECT_EQ(rv(do_fcntl(fd, F_SETFL, O_APPEND | O_NONBLOCK | O_RDONLY)), 0);
	KEXPECT_EQ(rv(do_fcntl(fd, F_GETFL, 0)) & (O_APPEND | O_NONBLOCK | O_ACCMODE), O_APPEND | O_NONBLOCK | O_RDWR);
	KEXPECT_EQ(rv(do_fcntl(999, F_GETFD, 0)), -EBADF);
	/* shared offset between dups */
	KEXPECT_EQ(rv(write_fd(fd, "abc", 3)), 3);
	char c;
	KEXPECT_EQ(rv(ksys_lseek(d, 1, SEEK_SET)), 1);
	KEXPECT_EQ(rv(read_fd(fd, &c, 1)), 1);
	KEXPECT_EQ(c, 'b');
	/* close-on-exec closes 100, 201 and fd, keeps d and 200 */
	unsigned before = count_open_files(current->files);
	do_close_on_exec(current->files);
	KEXPECT_EQ(count_open_files(current->files), before - 3);
	KEXPECT_EQ(rv(do_fcntl(fd, F_GETFD, 0)), -EBADF);
	KEXPECT_OK(close_fd(d));
	KEXPECT_OK(close_fd(200));
	/* EMFILE at RLIMIT_NOFILE; the table grows past 64 */
	unsigned long old = current->signal->rlim[RLIMIT_NOFILE].rlim_cur;
	current->signal->rlim[RLIMIT_NOFILE].rlim_cur = 100;
	int fds[101];
	int n = 0;
	for (; n < 101; n++) {
		fds[n] = open_fd("/vfs_test/f", O_RDONLY);
		if (fds[n] < 0)
			break;
	}
	KEXPECT_EQ(fds[n < 101 ? n : 100], -EMFILE);
	KEXPECT_GT(n, 64);
	for (int i = 0; i < n; i++)
		KEXPECT_OK(close_fd(fds[i]));
	current->signal->rlim[RLIMIT_NOFILE].rlim_cur = old;
}

KTEST(vfs, getdents64_lists_every_entry)
{
	test_mount m;
	KASSERT_TRUE(m.ok);
	KASSERT_OK(do_mkdirat(AT_FDCWD, "/vfs_test/d", 0755));
	for (int i = 0; i < 20; i++) {
		char name[32];
		lib::snprintf(name, sizeof(name), "/vfs_test/d/entry%02d", i);
		KASSERT_OK(do_mknodat(AT_FDCWD, name, S_IFREG | 0644, 0));
	}
	KASSERT_OK(do_symlinkat("x", AT_FDCWD, "/vfs_test/d/link"));
	int fd = open_fd("/vfs_test/d", O_RDONLY | O_DIRECTORY);
	KASSERT_GE(fd, 0);
	static char buf[256];
	int seen = 0, regs = 0, links = 0, dots = 0;
	for (;;) {
		lib::Result<long> n = rv(do_getdents64(fd, buf, sizeof(buf))); /* small: several calls */
		KASSERT_OK(n);
		if (n.value() == 0)
			break;
		for (long off = 0; off < n.value();) {
			auto* d = reinterpret_cast<struct linux_dirent64*>(buf + off);
			seen++;
			if (d->d_type == DT_REG)
				regs++;
			if (d->d_type == DT_LNK)
				links++;
			if (!lib::strcmp(d->d_name, ".") || !lib::strcmp(d->d_name, ".."))
				dots++;
			KEXPECT_EQ(d->d_reclen % 8, 0);
			off += d->d_reclen;
		}
	}
	KEXPECT_EQ(seen, 23);
	KEXPECT_EQ(regs, 20);
	KEXPECT_EQ(links, 1);
	KEXPECT_EQ(dots, 2);
	KEXPECT_EQ(rv(do_getdents64(fd, buf, 10)), 0); /* at the end: nothing to fit */
	KEXPECT_EQ(rv(ksys_lseek(fd, 0, SEEK_SET)), 0);
	KEXPECT_EQ(rv(do_getdents64(fd, buf, 10)), -EINVAL); /* not even "." fits */
	char c;
	KEXPECT_EQ(rv(read_fd(fd, &c, 1)), -EISDIR);
	KASSERT_OK(close_fd(fd));
	int f = open_fd("/vfs_test/d/entry00", O_RDONLY);
	KEXPECT_EQ(rv(do_getdents64(f, buf, sizeof(buf))), -ENOTDIR);
	KASSERT_OK(close_fd(f));
}

KTEST(vfs, mount_umount_rules)
{
	test_mount m;
	KASSERT_TRUE(m.ok);
	KASSERT_OK(do_mkdirat(AT_FDCWD, "/vfs_test/mnt", 0755));
	KEXPECT_ERR(do_mount("x", "/vfs_test/mnt", "nosuchfs", 0, nullptr), ENODEV);
	KEXPECT_ERR(do_mount("x", "/vfs_test/none", "tmpfs", 0, nullptr), ENOENT);
	char bad[] = "bogus=1";
	KEXPECT_ERR(do_mount("x", "/vfs_test/mnt", "tmpfs", 0, bad), EINVAL);
	KASSERT_OK(do_mount("ram", "/vfs_test/mnt", "ramfs", MS_NOEXEC, nullptr));
	int fd = open_fd("/vfs_test/mnt/f", O_CREAT | O_WRONLY, 0755);
	KASSERT_GE(fd, 0);
	KASSERT_OK(close_fd(fd));
	KEXPECT_ERR(open_exec("/vfs_test/mnt/f"), EACCES); /* noexec */
	KEXPECT_ERR(do_umount_path("/vfs_test/mnt/f", 0), EINVAL);
	KEXPECT_ERR(do_umount_path("/vfs_test", 0), EBUSY); /* has a submount */
	KEXPECT_ERR(do_umount_path("/vfs_test/mnt", 0x100), EINVAL);
	KEXPECT_ERR(do_umount_path("/", 0), EINVAL);
	/* the cwd inside it keeps it busy; MNT_DETACH takes it away anyway */
	KASSERT_OK(do_chdir(AT_FDCWD, "/vfs_test/mnt", false));
	char buf[64];
	KEXPECT_EQ(rv(do_getcwd(buf, sizeof(buf))), 14);
	KEXPECT_STREQ(buf, "/vfs_test/mnt");
	KEXPECT_EQ(rv(do_getcwd(buf, 5)), -ERANGE);
	KEXPECT_ERR(do_umount_path("/vfs_test/mnt", 0), EBUSY);
	KEXPECT_OK(do_umount_path("/vfs_test/mnt", MNT_DETACH));
	struct kstat st;
	KEXPECT_OK(vfs_fstatat(AT_FDCWD, "f", &st, 0)); /* still there for its user */
	KASSERT_OK(do_chdir(AT_FDCWD, "/", false));
	KEXPECT_ERR(vfs_fstatat(AT_FDCWD, "/vfs_test/mnt/f", &st, 0), ENOENT);
	/* a bind mount shows the same files */
	KASSERT_OK(do_mkdirat(AT_FDCWD, "/vfs_test/src", 0755));
	KASSERT_OK(do_mknodat(AT_FDCWD, "/vfs_test/src/x", S_IFREG | 0644, 0));
	KASSERT_OK(do_mount("/vfs_test/src", "/vfs_test/mnt", nullptr, MS_BIND, nullptr));
	KEXPECT_OK(vfs_fstatat(AT_FDCWD, "/vfs_test/mnt/x", &st, 0));
	KEXPECT_OK(do_umount_path("/vfs_test/mnt", 0));
	/* open_exec: a regular file with x bits; a directory is EACCES */
	fd = open_fd("/vfs_test/prog", O_CREAT | O_WRONLY, 0755);
	KASSERT_GE(fd, 0);
	KASSERT_OK(close_fd(fd));
	lib::Result<struct file*> ex = open_exec("/vfs_test/prog");
	KEXPECT_OK(ex);
	if (ex.is_ok())
		fput(ex.value());
	KEXPECT_ERR(open_exec("/vfs_test/src"), EACCES);
	KEXPECT_ERR(open_exec("/vfs_test/src/x"), EACCES); /* 0644: no x bit, even for root */
}

KTEST(vfs, kernel_read_write_api)
{
	test_mount m;
	KASSERT_TRUE(m.ok);
	lib::Result<struct file*> r = filp_open("/vfs_test/k", O_CREAT | O_RDWR, 0600);
	KASSERT_OK(r);
	struct file* f = r.value();
	loff_t pos = 0;
	KEXPECT_EQ(rv(kernel_write(f, "hello, world", 12, &pos)), 12);
	KEXPECT_EQ(pos, 12);
	pos = 7;
	char buf[16] = {};
	KEXPECT_EQ(rv(kernel_read(f, buf, sizeof(buf), &pos)), 5);
	KEXPECT_STREQ(buf, "world");
	pos = -1;
	KEXPECT_EQ(rv(kernel_read(f, buf, 1, &pos)), -EINVAL);
	filp_close(f, nullptr);
	KEXPECT_ERR(filp_open("/vfs_test/none", O_RDONLY, 0), ENOENT);
	KEXPECT_EQ(do_umask(077), 022);
	KEXPECT_EQ(do_umask(022), 077);
}

/* a dentry nobody uses stays cached, and the LRU gives it up */
KTEST(vfs, dcache_negative_entries_and_lru)
{
	test_mount m;
	KASSERT_TRUE(m.ok);
	struct path root, p;
	KASSERT_OK(kern_path("/vfs_test", LOOKUP_FOLLOW, &root));
	struct super_block* sb = root.mnt->mnt_sb;
	long unused = nr_dentries_unused(sb);
	for (int i = 0; i < 10; i++) {
		char name[32];
		lib::snprintf(name, sizeof(name), "/vfs_test/missing%d", i);
		KEXPECT_ERR(kern_path(name, 0, &p), ENOENT);
	}
	KEXPECT_EQ(nr_dentries_unused(sb), unused + 10);
	struct qstr q = {"missing3", 8, full_name_hash(nullptr, "missing3", 8)};
	struct dentry* d = d_lookup(root.dentry, &q);
	KASSERT_TRUE(d != nullptr);
	KEXPECT_TRUE(d_is_negative(d));
	dput(d);
	/* creating the name turns its negative entry positive */
	KASSERT_OK(do_mknodat(AT_FDCWD, "/vfs_test/missing3", S_IFREG | 0644, 0));
	KEXPECT_EQ(nr_dentries_unused(sb), unused + 9);
	long before = nr_dentries();
	KEXPECT_EQ(prune_dcache_sb(sb, 100), unused + 9);
	KEXPECT_EQ(nr_dentries(), before - 9 - unused);
	KEXPECT_OK(kern_path("/vfs_test/missing3", 0, &p));
	path_put(&p);
	path_put(&root);
}
