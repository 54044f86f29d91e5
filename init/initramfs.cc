/*
 * Unpacking the initramfs into rootfs (Linux: init/initramfs.c
 * unpack_to_rootfs, do_name/do_copy/do_symlink, maybe_link, clean_path,
 * dir_utime, populate_rootfs).
 *
 * The boot modules (arch/x86_64/boot/bootinfo.cc: the PVH -initrd or
 * the multiboot2 modules, in order, as GRUB concatenates several initrd
 * files) are read as one buffer.  unpack_to_rootfs walks it as Linux's
 * does: NULs between archives are skipped, "0" starts a newc cpio archive
 * (fed to lib::cpio_newc_reader, which stops after each TRAILER!!!), a
 * compressed archive's magic is recognised at ONE marked place below
 * (gzip decompressed, zstd refused as not configured), anything else is "invalid magic at start of compressed
 * archive".  A gzip member (lib/inflate.h's gunzip) streams its output
 * into the same reader; members may follow one another, with NUL
 * padding between them; a corrupt member fails with gunzip's reason.  An
 * error is printed as Linux prints it ("Initramfs unpacking failed:
 * ...") and boot goes on with what was unpacked.
 *
 * The entries become files through the VFS's kernel functions: a
 * directory (do_mkdirat; an existing one is kept), a regular file
 * (filp_open O_CREAT|O_TRUNC, then its data with kernel_write as it
 * streams in), a symlink, a device node, FIFO or socket (do_mknodat); an
 * entry whose name exists with another type replaces it (clean_path).
 * Every entry then gets the archive's mode, uid, gid and mtime; the
 * directories' mtimes are set last (creating entries changes them).
 * Entries with nlink >= 2 that share (ino, major, minor, mode) become
 * hard links of the first one seen (maybe_link).
 *
 * Runs in kernel_init (pid 1, cwd and root "/") before anything else
 * looks at the tree.  Not done: freeing the initrd's memory ("Freeing
 * initrd memory"; memblock keeps the modules reserved), and the
 * other decompressors (zstd, xz, lz4...).
 */
#include <arch/boot.h>
#include <arch/page.h>
#include <fs/dcache.h>
#include <fs/fs.h>
#include <fs/mount.h>
#include <fs/namei.h>
#include <kernel/printk.h>
#include <lib/cpio.h>
#include <lib/format.h>
#include <lib/inflate.h>
#include <lib/scope.h>
#include <lib/string.h>
#include <mm/slab.h>
#include <new>
#include <uapi/asm-generic/errno-base.h>
#include <uapi/linux/fcntl.h>

namespace
{
struct hardlink {
	unsigned long ino, major, minor, mode;
	char* name;
	hardlink* next;
};
struct dir_mtime {
	char* name;
	long mtime;
	dir_mtime* next;
};

char* kstrdup(const char* s)
{
	size_t n = lib::strlen(s) + 1;
	char* p = static_cast<char*>(kmalloc(n, GFP_KERNEL));
	if (p)
		lib::memcpy(p, s, n);
	return p;
}

/* the archive's owner, mode and mtime onto name (Linux: init_chown,
 * init_chmod, do_utime); without following a final symlink */
void set_attrs(const char* name, const lib::cpio_header& h, bool set_mode, bool set_mtime)
{
	struct path path;
	if (kern_path(name, 0, &path).is_err())
		return;
	struct inode* inode = d_inode(path.dentry);
	inode_lock(inode);
	inode->i_uid = kuid_t{unsigned(h.uid)};
	inode->i_gid = kgid_t{unsigned(h.gid)};
	if (set_mode)
		inode->i_mode = (inode->i_mode & S_IFMT) | (h.mode & S_IALLUGO);
	if (set_mtime)
		inode->i_mtime = inode->i_atime = {int64_t(h.mtime), 0};
	inode_unlock(inode);
	path_put(&path);
}

class rootfs_writer final : public lib::cpio_sink
{
public:
	~rootfs_writer()
	{
		if (file_)
			fput(file_);
		while (links_) {
			hardlink* l = links_;
			links_ = l->next;
			kfree(l->name);
			kfree(l);
		}
		while (dirs_) {
			dir_mtime* d = dirs_;
			dirs_ = d->next;
			kfree(d->name);
			kfree(d);
		}
	}

	/* Linux's dir_utime: the directories' times, now that they are full */
	void finish_dirs()
	{
		for (dir_mtime* d = dirs_; d; d = d->next) {
			lib::cpio_header h = {};
			struct path path;
			if (kern_path(d->name, 0, &path).is_err())
				continue;
			struct inode* inode = d_inode(path.dentry);
			inode_lock(inode);
			inode->i_mtime = inode->i_atime = {d->mtime, 0};
			inode_unlock(inode);
			path_put(&path);
			(void)h;
		}
	}

	lib::Result<void> entry(const lib::cpio_header& h, const char* name, const char* target) override
	{
		umode_t mode = umode_t(h.mode);
		clean_path(name, mode); /* whatever else is in the way goes first */
		if (h.nlink >= 2 && !S_ISDIR(mode)) {
			if (const char* old = find_link(h)) {
				if (do_linkat(AT_FDCWD, old, AT_FDCWD, name, 0).is_ok())
					linked_ = true; /* a regular file's data (if any) goes to the shared inode */
				if (S_ISREG(mode))
					return open_file(name, h, true);
				return lib::ok();
			}
			remember_link(h, name);
		}
		if (S_ISREG(mode))
			return open_file(name, h, false);
		if (S_ISDIR(mode)) {
			lib::Result<void> r = do_mkdirat(AT_FDCWD, name, mode);
			if (r.is_err() && r.error() != EEXIST)
				pr_warn("initramfs: cannot create directory %s (%d)\n", name, -r.error());
			set_attrs(name, h, true, false);
			if (auto* d = static_cast<dir_mtime*>(kmalloc(sizeof(dir_mtime), GFP_KERNEL))) {
				d->name = kstrdup(name);
				d->mtime = long(h.mtime);
				d->next = dirs_;
				dirs_ = d;
				if (!d->name) {
					dirs_ = d->next;
					kfree(d);
				}
			}
			return lib::ok();
		}
		if (S_ISLNK(mode)) {
			lib::Result<void> r = do_symlinkat(target, AT_FDCWD, name);
			if (r.is_ok())
				set_attrs(name, h, false, true);
			return lib::ok();
		}
		if (S_ISCHR(mode) || S_ISBLK(mode) || S_ISFIFO(mode) || S_ISSOCK(mode)) {
			dev_t dev = MKDEV(h.rdevmajor, h.rdevminor);
			lib::Result<void> r = do_mknodat(AT_FDCWD, name, mode, new_encode_dev(dev));
			if (r.is_err())
				pr_warn("initramfs: cannot create %s (%d)\n", name, -r.error());
			else
				set_attrs(name, h, true, true);
			return lib::ok();
		}
		pr_warn("initramfs: %s: unknown file type %lo, skipped\n", name, h.mode & S_IFMT);
		return lib::ok();
	}

	lib::Result<void> data(const uint8_t* buf, size_t len) override
	{
		if (!file_)
			return lib::ok(); /* the file could not be created: skip its data */
		while (len) {
			lib::Result<ssize_t> n = kernel_write(file_, buf, len, &pos_);
			if (n.is_err() || n.value() <= 0) {
				pr_err("initramfs: write error\n");
				return lib::Error{n.is_err() ? n.error() : EIO};
			}
			buf += n.value();
			len -= n.value();
		}
		return lib::ok();
	}

	lib::Result<void> end_file() override
	{
		if (file_) {
			fput(file_);
			file_ = nullptr;
			set_attrs(cur_name_, cur_, true, true);
		}
		linked_ = false;
		return lib::ok();
	}

private:
	lib::Result<void> open_file(const char* name, const lib::cpio_header& h, bool existing)
	{
		int flags = O_WRONLY | O_LARGEFILE | (existing ? 0 : O_CREAT | O_TRUNC);
		lib::Result<struct file*> f = filp_open(name, flags, umode_t(h.mode & S_IALLUGO));
		if (f.is_err()) {
			pr_warn("initramfs: cannot create %s (%d)\n", name, -f.error());
			return lib::ok();
		}
		file_ = f.value();
		pos_ = 0;
		cur_ = h;
		lib::strscpy(cur_name_, name, sizeof(cur_name_));
		return lib::ok();
	}

	/* an entry of another type in the way goes (Linux: clean_path) */
	static void clean_path(const char* name, umode_t mode)
	{
		struct kstat st;
		if (vfs_fstatat(AT_FDCWD, name, &st, AT_SYMLINK_NOFOLLOW).is_err())
			return;
		if ((st.mode ^ mode) & S_IFMT) {
			if (S_ISDIR(st.mode))
				(void)do_rmdir(AT_FDCWD, name); /* may fail (not empty): then so will the create */
			else
				(void)do_unlinkat(AT_FDCWD, name);
		}
	}

	const char* find_link(const lib::cpio_header& h)
	{
		for (hardlink* l = links_; l; l = l->next)
			if (l->ino == h.ino && l->major == h.devmajor && l->minor == h.devminor &&
			    ((l->mode ^ h.mode) & S_IFMT) == 0)
				return l->name;
		return nullptr;
	}

	void remember_link(const lib::cpio_header& h, const char* name)
	{
		auto* l = static_cast<hardlink*>(kmalloc(sizeof(hardlink), GFP_KERNEL));
		if (!l)
			return;
		l->name = kstrdup(name);
		if (!l->name) {
			kfree(l);
			return;
		}
		l->ino = h.ino;
		l->major = h.devmajor;
		l->minor = h.devminor;
		l->mode = h.mode;
		l->next = links_;
		links_ = l;
	}

	struct file* file_ = nullptr;
	loff_t pos_ = 0;
	lib::cpio_header cur_{};
	char cur_name_[lib::CPIO_NAME_MAX];
	bool linked_ = false;
	hardlink* links_ = nullptr;
	dir_mtime* dirs_ = nullptr;
};
} // namespace

/* unpack every archive in buf into the tree at "/"; the message of the
 * first error (NULL if none).  What was unpacked before an error stays. */
const char* unpack_to_rootfs(const uint8_t* buf, size_t len)
{
	static char msg_buf[64];
	auto* writer = static_cast<rootfs_writer*>(kmalloc(sizeof(rootfs_writer), GFP_KERNEL));
	auto* reader = static_cast<lib::cpio_newc_reader*>(kmalloc(sizeof(lib::cpio_newc_reader), GFP_KERNEL));
	if (!writer || !reader) {
		kfree(writer);
		kfree(reader);
		return "out of memory";
	}
	new (writer) rootfs_writer();
	new (reader) lib::cpio_newc_reader(writer);
	lib::scope_exit free_them([writer, reader] {
		writer->finish_dirs();
		reader->~cpio_newc_reader();
		writer->~rootfs_writer();
		kfree(reader);
		kfree(writer);
	});
	const char* message = nullptr;
	while (!message && len) {
		if (*buf == 0) { /* padding between archives */
			buf++, len--;
			continue;
		}
		if (*buf == '0') { /* an uncompressed cpio archive, up to its trailer */
			lib::Result<size_t> used = reader->write(buf, len);
			if (used.is_err()) {
				message = reader->message();
				break;
			}
			buf += used.value();
			len -= used.value();
			continue;
		}
		/*
		 * THE place where a compressed archive is recognised (Linux:
		 * decompress_method): gzip (1f 8b), one member at a time; the
		 * cpio reader takes the output as it streams and must end
		 * between archives when the member does ("junk within
		 * compressed archive" otherwise, Linux's words for a cpio
		 * entry cut by the member's end).
		 */
		if (len >= 2 && buf[0] == 0x1f && buf[1] == 0x8b) {
			const char* why = nullptr;
			const char* junk = nullptr;
			/* Linux's flush_buffer: after an archive's trailer, NULs or
			 * another archive may follow inside the stream, nothing else */
			lib::Result<size_t> used = gunzip(
			    buf, len,
			    [reader, &junk](const uint8_t* out, size_t n) -> lib::Result<void> {
				    while (n) {
					    size_t took = TRY(reader->write(out, n));
					    out += took;
					    n -= took;
					    if (n && *out != '0' && *out != 0) {
						    junk = "junk within compressed archive";
						    return lib::Error{EINVAL};
					    }
				    }
				    return lib::ok();
			    },
			    &why);
			if (used.is_err()) {
				/* a failure inside the cpio stream is the reader's own message */
				if (why == GUNZIP_ERR_WRITE)
					why = junk ? junk : reader->message();
				message = why ? why : "decompressor failed";
				break;
			}
			if (!reader->between_archives()) {
				message = "junk at the end of compressed archive";
				break;
			}
			buf += used.value();
			len -= used.value();
			continue;
		}
		if (len >= 2 && buf[0] == 0x28 && buf[1] == 0xb5) { /* zstd */
			lib::snprintf(msg_buf, sizeof(msg_buf), "compression method %s not configured", "zstd");
			message = msg_buf;
			break;
		}
		message = "invalid magic at start of compressed archive";
	}
	if (!message && reader->finish().is_err())
		message = reader->message();
	return message;
}

/* Linux's populate_rootfs (a rootfs_initcall): the boot modules into "/" */
void populate_rootfs()
{
	if (!boot_params.nr_modules)
		return;
	pr_info("Trying to unpack rootfs image as initramfs...\n");
	for (uint32_t i = 0; i < boot_params.nr_modules; i++) {
		const struct boot_module& m = boot_params.modules[i];
		const char* err = unpack_to_rootfs(static_cast<const uint8_t*>(__va(m.start)), m.size);
		if (err) {
			pr_emerg("Initramfs unpacking failed: %s\n", err);
			break;
		}
	}
}
