/*
 * The list of file system types (Linux: fs/filesystems.c
 * register_filesystem, unregister_filesystem, get_fs_type).
 *
 * file_systems is a singly linked list through file_system_type.next,
 * guarded by file_systems_lock.  A name is registered at most once
 * (EBUSY).  Types are static and never freed, so get_fs_type hands out
 * the pointer without a reference (Linux pins the module).
 */
#include <fs/fs.h>
#include <lib/string.h>
#include <uapi/asm-generic/errno-base.h>

namespace
{
lib::spinlock file_systems_lock;
struct file_system_type* file_systems GUARDED_BY(file_systems_lock);

struct file_system_type** find_filesystem(const char* name, size_t len) REQUIRES(file_systems_lock)
{
	struct file_system_type** p;
	for (p = &file_systems; *p; p = &(*p)->next)
		if (lib::strlen((*p)->name) == len && !lib::strncmp((*p)->name, name, len))
			break;
	return p;
}
} // namespace

lib::Result<void> register_filesystem(struct file_system_type* fs)
{
	if (fs->next)
		return lib::Error{EBUSY};
	lib::spin_lock_guard g(file_systems_lock);
	struct file_system_type** p = find_filesystem(fs->name, lib::strlen(fs->name));
	if (*p)
		return lib::Error{EBUSY};
	*p = fs;
	return lib::ok();
}

lib::Result<void> unregister_filesystem(struct file_system_type* fs)
{
	lib::spin_lock_guard g(file_systems_lock);
	for (struct file_system_type** p = &file_systems; *p; p = &(*p)->next) {
		if (*p == fs) {
			*p = fs->next;
			fs->next = nullptr;
			return lib::ok();
		}
	}
	return lib::Error{EINVAL};
}

struct file_system_type* get_fs_type(const char* name)
{
	lib::spin_lock_guard g(file_systems_lock);
	return *find_filesystem(name, lib::strlen(name));
}
