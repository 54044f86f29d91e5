/*
 * The descriptor table (Linux: fs/file.c alloc_fd, expand_files,
 * fd_install, close_fd, dup_fd, do_close_on_exec, put_files_struct,
 * fget/fdget, replace_fd/do_dup2, f_dupfd; kernel/fork.c copy_files;
 * kernel/exit.c exit_files).  See <fs/fdtable.h>.
 *
 * Invariants (under file_lock): a slot with a file has its open_fds bit
 * set (a reserved, not yet installed slot has the bit and a NULL file);
 * close_on_exec bits are only set for open slots; no free slot lies
 * below next_fd.  Each installed file holds one reference for the table.
 *
 * Growth: the table doubles (from 64, at least to the wanted fd + 1),
 * up to sysctl_nr_open; the new arrays are allocated with file_lock
 * dropped and the old contents copied under it (Linux: expand_files;
 * no RCU here, so readers also take file_lock).
 *
 * Lock order: file_lock alone; fput (which may sleep) after dropping it.
 */
#include <fs/fdtable.h>
#include <kernel/panic.h>
#include <kernel/sched.h>
#include <kernel/sched/signal.h>
#include <lib/string.h>
#include <mm/slab.h>
#include <new>
#include <uapi/asm-generic/errno-base.h>
#include <uapi/linux/fcntl.h>
#include <uapi/linux/sched.h>

unsigned int sysctl_nr_open = 1024 * 1024;

struct files_struct init_files;

namespace
{
constexpr unsigned long BITS = BITS_PER_LONG;

bool test_bit(unsigned nr, const unsigned long* map)
{
	return map[nr / BITS] & (1UL << (nr % BITS));
}
void set_bit(unsigned nr, unsigned long* map)
{
	map[nr / BITS] |= 1UL << (nr % BITS);
}
void clear_bit(unsigned nr, unsigned long* map)
{
	map[nr / BITS] &= ~(1UL << (nr % BITS));
}
unsigned find_next_zero_bit(const unsigned long* map, unsigned size, unsigned start)
{
	for (unsigned i = start; i < size; i++)
		if (!test_bit(i, map))
			return i;
	return size;
}

void init_files_struct(struct files_struct* f) NO_THREAD_SAFETY_ANALYSIS
{
	/* not shared yet: no lock */
	f->count.store(1);
	f->fdtab.max_fds = NR_OPEN_DEFAULT;
	f->fdtab.fd = f->fd_array;
	f->fdtab.close_on_exec = f->close_on_exec_init;
	f->fdtab.open_fds = f->open_fds_init;
	f->next_fd = 0;
}

struct files_init_once {
	files_init_once() { init_files_struct(&init_files); }
} files_init_once_;

struct kmem_cache* files_cachep;

/* arrays for nr slots; false: ENOMEM */
bool alloc_fdtable(struct fdtable* t, unsigned nr)
{
	t->max_fds = nr;
	t->fd = static_cast<struct file**>(kzalloc(nr * sizeof(struct file*), GFP_KERNEL));
	t->open_fds = static_cast<unsigned long*>(kzalloc(nr / 8, GFP_KERNEL));
	t->close_on_exec = static_cast<unsigned long*>(kzalloc(nr / 8, GFP_KERNEL));
	if (t->fd && t->open_fds && t->close_on_exec)
		return true;
	kfree(t->fd);
	kfree(t->open_fds);
	kfree(t->close_on_exec);
	return false;
}

void free_fdtable_arrays(struct files_struct* files, struct fdtable* t)
{
	if (t->fd == files->fd_array)
		return;
	kfree(t->fd);
	kfree(t->open_fds);
	kfree(t->close_on_exec);
}

/* make room for fd nr: EMFILE past nr_open; file_lock is dropped inside
 * (Clang cannot follow the drop-and-retake: the caller holds it again) */
lib::Result<void> expand_files(struct files_struct* files, unsigned nr) NO_THREAD_SAFETY_ANALYSIS
{
	if (nr < files->fdtab.max_fds)
		return lib::ok();
	if (nr >= sysctl_nr_open)
		return lib::Error{EMFILE};
	unsigned want = files->fdtab.max_fds;
	while (want <= nr)
		want *= 2;
	if (want > sysctl_nr_open)
		want = sysctl_nr_open;
	files->file_lock.unlock();
	struct fdtable nt;
	bool ok = alloc_fdtable(&nt, want);
	files->file_lock.lock();
	if (!ok)
		return lib::Error{ENOMEM};
	struct fdtable* old = &files->fdtab;
	if (old->max_fds >= want) { /* someone else grew it meanwhile */
		free_fdtable_arrays(files, &nt);
		return lib::ok();
	}
	lib::memcpy(nt.fd, old->fd, old->max_fds * sizeof(struct file*));
	lib::memcpy(nt.open_fds, old->open_fds, old->max_fds / 8);
	lib::memcpy(nt.close_on_exec, old->close_on_exec, old->max_fds / 8);
	struct fdtable prev = *old;
	*old = nt;
	/* the old arrays: freed with the lock dropped */
	files->file_lock.unlock();
	free_fdtable_arrays(files, &prev);
	files->file_lock.lock();
	return lib::ok();
}

/* the lowest free fd >= start below end, reserved (Linux: alloc_fd) */
lib::Result<int> alloc_fd(unsigned start, unsigned end, unsigned flags)
{
	struct files_struct* files = current->files;
	lib::spin_lock_guard g(files->file_lock);
	for (;;) {
		unsigned fd = start < files->next_fd ? files->next_fd : start;
		fd = find_next_zero_bit(files->fdtab.open_fds, files->fdtab.max_fds, fd);
		if (fd >= end)
			return lib::Error{EMFILE};
		if (fd >= files->fdtab.max_fds) {
			TRY(expand_files(files, fd));
			continue; /* the table changed: search again */
		}
		if (start <= files->next_fd)
			files->next_fd = fd + 1;
		set_bit(fd, files->fdtab.open_fds);
		if (flags & O_CLOEXEC)
			set_bit(fd, files->fdtab.close_on_exec);
		else
			clear_bit(fd, files->fdtab.close_on_exec);
		return int(fd);
	}
}

void __put_unused_fd(struct files_struct* files, unsigned fd) REQUIRES(files->file_lock)
{
	clear_bit(fd, files->fdtab.open_fds);
	clear_bit(fd, files->fdtab.close_on_exec);
	if (fd < files->next_fd)
		files->next_fd = fd;
}

/* take the file out of slot fd; NULL if none */
struct file* pick_file(struct files_struct* files, unsigned fd) REQUIRES(files->file_lock)
{
	if (fd >= files->fdtab.max_fds)
		return nullptr;
	struct file* f = files->fdtab.fd[fd];
	if (!f)
		return nullptr;
	files->fdtab.fd[fd] = nullptr;
	__put_unused_fd(files, fd);
	return f;
}

struct file* __fget(unsigned fd, fmode_t mask)
{
	struct files_struct* files = current->files;
	if (!files)
		return nullptr;
	lib::spin_lock_guard g(files->file_lock);
	if (fd >= files->fdtab.max_fds)
		return nullptr;
	struct file* f = files->fdtab.fd[fd];
	if (!f || (f->f_mode & mask))
		return nullptr;
	return get_file(f);
}
} // namespace

void files_cache_init()
{
	files_cachep = kmem_cache_create("files_cache", sizeof(struct files_struct), 0,
	                                 SLAB_HWCACHE_ALIGN | SLAB_PANIC | SLAB_ACCOUNT, nullptr);
}

lib::Result<int> get_unused_fd_flags(unsigned int flags)
{
	unsigned long nofile = rlimit(RLIMIT_NOFILE);
	return alloc_fd(0, nofile > sysctl_nr_open ? sysctl_nr_open : unsigned(nofile), flags);
}

void put_unused_fd(unsigned int fd)
{
	struct files_struct* files = current->files;
	lib::spin_lock_guard g(files->file_lock);
	__put_unused_fd(files, fd);
}

void fd_install(unsigned int fd, struct file* file)
{
	struct files_struct* files = current->files;
	lib::spin_lock_guard g(files->file_lock);
	WARN_ON(files->fdtab.fd[fd] != nullptr || !test_bit(fd, files->fdtab.open_fds));
	files->fdtab.fd[fd] = file;
}

struct file* fget(unsigned int fd)
{
	return __fget(fd, FMODE_PATH);
}
struct file* fget_raw(unsigned int fd)
{
	return __fget(fd, 0);
}
lib::ref<file> fdget(unsigned int fd)
{
	return lib::adopt_ref(fget(fd));
}
lib::ref<file> fdget_raw(unsigned int fd)
{
	return lib::adopt_ref(fget_raw(fd));
}

lib::Result<void> close_fd(unsigned int fd)
{
	struct files_struct* files = current->files;
	struct file* f;
	{
		lib::spin_lock_guard g(files->file_lock);
		f = pick_file(files, fd);
	}
	if (!f)
		return lib::Error{EBADF};
	filp_close(f, files);
	return lib::ok();
}

/* close_range(2): close, or mark close-on-exec, every open fd in
 * [fd, max_fd]; CLOSE_RANGE_UNSHARE first gives the caller a table of its
 * own (Linux: __close_range) */
lib::Result<void> __close_range(unsigned int fd, unsigned int max_fd, unsigned int flags)
{
	constexpr unsigned int CLOSE_RANGE_UNSHARE = 1U << 1, CLOSE_RANGE_CLOEXEC = 1U << 2;
	if (flags & ~(CLOSE_RANGE_UNSHARE | CLOSE_RANGE_CLOEXEC))
		return lib::Error{EINVAL};
	if (fd > max_fd)
		return lib::Error{EINVAL};
	struct task_struct* me = current;
	if ((flags & CLOSE_RANGE_UNSHARE) && me->files->count.load() > 1) {
		struct files_struct* copy = TRY(dup_fd(me->files));
		struct files_struct* old = me->files;
		me->files = copy; /* only this task changes its own files pointer */
		put_files_struct(old);
	}
	struct files_struct* files = me->files;
	for (unsigned int i = fd;; i++) {
		struct file* f = nullptr;
		{
			lib::spin_lock_guard g(files->file_lock);
			if (i >= files->fdtab.max_fds)
				break;
			if (flags & CLOSE_RANGE_CLOEXEC) {
				if (test_bit(i, files->fdtab.open_fds))
					set_bit(i, files->fdtab.close_on_exec);
			} else {
				f = pick_file(files, i);
			}
		}
		if (f)
			filp_close(f, files);
		if (i == max_fd)
			break;
	}
	return lib::ok();
}

bool get_close_on_exec(unsigned int fd)
{
	struct files_struct* files = current->files;
	lib::spin_lock_guard g(files->file_lock);
	return fd < files->fdtab.max_fds && test_bit(fd, files->fdtab.close_on_exec);
}

void set_close_on_exec(unsigned int fd, bool flag)
{
	struct files_struct* files = current->files;
	lib::spin_lock_guard g(files->file_lock);
	if (fd >= files->fdtab.max_fds)
		return;
	if (flag)
		set_bit(fd, files->fdtab.close_on_exec);
	else
		clear_bit(fd, files->fdtab.close_on_exec);
}

/* install file at fd, replacing what is there (Linux: do_dup2); the
 * table takes over one reference the caller gives */
static lib::Result<int> do_dup2(struct files_struct* files, struct file* file, unsigned fd, unsigned flags)
{
	struct file* tofree;
	{
		lib::spin_lock_guard g(files->file_lock);
		if (fd >= files->fdtab.max_fds)
			TRY(expand_files(files, fd));
		tofree = files->fdtab.fd[fd];
		if (!tofree && test_bit(fd, files->fdtab.open_fds))
			return lib::Error{EBUSY}; /* reserved by a concurrent open */
		files->fdtab.fd[fd] = file;
		set_bit(fd, files->fdtab.open_fds);
		if (flags & O_CLOEXEC)
			set_bit(fd, files->fdtab.close_on_exec);
		else
			clear_bit(fd, files->fdtab.close_on_exec);
	}
	if (tofree)
		filp_close(tofree, files);
	return int(fd);
}

lib::Result<int> replace_fd_dup(unsigned int oldfd, unsigned int newfd, unsigned int flags)
{
	if (flags & ~O_CLOEXEC)
		return lib::Error{EINVAL};
	if (newfd >= rlimit(RLIMIT_NOFILE))
		return lib::Error{EBADF};
	struct file* file = fget_raw(oldfd);
	if (!file)
		return lib::Error{EBADF};
	lib::Result<int> r = do_dup2(current->files, file, newfd, flags);
	if (r.is_err())
		fput(file);
	return r;
}

lib::Result<int> f_dupfd(unsigned int from, struct file* file, unsigned int flags)
{
	unsigned long nofile = rlimit(RLIMIT_NOFILE);
	if (from >= nofile)
		return lib::Error{EINVAL};
	int fd = TRY(alloc_fd(from, nofile > sysctl_nr_open ? sysctl_nr_open : unsigned(nofile), flags));
	fd_install(fd, get_file(file));
	return fd;
}

void do_close_on_exec(struct files_struct* files)
{
	for (unsigned fd = 0;; fd++) {
		struct file* f;
		{
			lib::spin_lock_guard g(files->file_lock);
			fd = fd < files->fdtab.max_fds ? fd : files->fdtab.max_fds;
			while (fd < files->fdtab.max_fds && !test_bit(fd, files->fdtab.close_on_exec))
				fd++;
			if (fd >= files->fdtab.max_fds)
				return;
			f = pick_file(files, fd);
		}
		if (f)
			filp_close(f, files);
	}
}

unsigned int count_open_files(struct files_struct* files)
{
	lib::spin_lock_guard g(files->file_lock);
	unsigned n = 0;
	for (unsigned i = 0; i < files->fdtab.max_fds; i++)
		if (files->fdtab.fd[i])
			n++;
	return n;
}

/* newf is no one else's until returned: its fields need no lock */
lib::Result<struct files_struct*> dup_fd(struct files_struct* oldf) NO_THREAD_SAFETY_ANALYSIS
{
	void* mem = kmem_cache_alloc(files_cachep, GFP_KERNEL);
	if (!mem)
		return lib::Error{ENOMEM};
	lib::memset(mem, 0, sizeof(struct files_struct));
	auto* newf = new (mem) files_struct();
	init_files_struct(newf);
	lib::spin_lock_guard g(oldf->file_lock);
	/* grow the copy until the old table's open fds fit */
	for (;;) {
		unsigned need = oldf->fdtab.max_fds;
		/* the highest open fd + 1 */
		while (need > NR_OPEN_DEFAULT && !test_bit(need - 1, oldf->fdtab.open_fds))
			need--;
		if (need <= newf->fdtab.max_fds)
			break;
		oldf->file_lock.unlock();
		struct fdtable nt;
		unsigned size = NR_OPEN_DEFAULT;
		while (size < need)
			size *= 2;
		bool ok = alloc_fdtable(&nt, size);
		oldf->file_lock.lock();
		if (!ok) {
			free_fdtable_arrays(newf, &newf->fdtab);
			newf->~files_struct();
			kmem_cache_free(files_cachep, newf);
			return lib::Error{ENOMEM};
		}
		free_fdtable_arrays(newf, &newf->fdtab);
		lib::spin_lock_guard gn(newf->file_lock);
		newf->fdtab = nt;
	}
	lib::spin_lock_guard gn(newf->file_lock);
	unsigned n = oldf->fdtab.max_fds < newf->fdtab.max_fds ? oldf->fdtab.max_fds : newf->fdtab.max_fds;
	for (unsigned i = 0; i < n; i++) {
		struct file* f = oldf->fdtab.fd[i];
		if (f) {
			newf->fdtab.fd[i] = get_file(f);
			set_bit(i, newf->fdtab.open_fds);
			if (test_bit(i, oldf->fdtab.close_on_exec))
				set_bit(i, newf->fdtab.close_on_exec);
		}
		/* a reserved slot without a file is not copied: the open that
		 * reserved it installs in the parent only (as Linux) */
	}
	newf->next_fd = 0;
	return newf;
}

void put_files_struct(struct files_struct* files)
{
	if (files->count.fetch_sub(1) != 1)
		return;
	if (WARN_ON(files == &init_files))
		return;
	/* close everything: no one else can see the table now */
	for (unsigned fd = 0;; fd++) {
		struct file* f;
		{
			lib::spin_lock_guard g(files->file_lock);
			if (fd >= files->fdtab.max_fds)
				break;
			f = files->fdtab.fd[fd];
			files->fdtab.fd[fd] = nullptr;
		}
		if (f)
			filp_close(f, files);
	}
	{
		lib::spin_lock_guard g(files->file_lock);
		free_fdtable_arrays(files, &files->fdtab);
	}
	files->~files_struct();
	kmem_cache_free(files_cachep, files);
}

lib::Result<void> copy_files(unsigned long clone_flags, struct task_struct* tsk)
{
	struct files_struct* oldf = current->files;
	if (!oldf) {
		tsk->files = nullptr;
		return lib::ok();
	}
	if (clone_flags & CLONE_FILES) {
		oldf->count.fetch_add(1);
		tsk->files = oldf;
		return lib::ok();
	}
	tsk->files = TRY(dup_fd(oldf));
	return lib::ok();
}

void exit_files(struct task_struct* tsk)
{
	struct files_struct* files = tsk->files;
	if (!files)
		return;
	tsk->files = nullptr;
	put_files_struct(files);
}

lib::Result<void> unshare_files()
{
	struct files_struct* files = current->files;
	if (files->count.load() == 1)
		return lib::ok();
	struct files_struct* copy = TRY(dup_fd(files));
	current->files = copy;
	put_files_struct(files);
	return lib::ok();
}
