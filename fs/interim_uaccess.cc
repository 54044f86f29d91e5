/*
 * INTERIM, until the "entry" branch merges: weak stand-ins for the
 * user-memory accessors <kernel/uaccess.h> declares, so the VFS's
 * SYSCALL_DEFINEs link on a branch that has no usercopy yet.  Nothing
 * can call a system call from ring 3 here, so none of these runs in
 * practice; if one does, it fails (EFAULT: nothing copied) and says so
 * once.  The real definitions (arch/x86_64/lib/usercopy) are strong
 * symbols and replace these at link time: delete this file at the merge.
 */
#include <kernel/printk.h>
#include <kernel/uaccess.h>
#include <uapi/asm-generic/errno-base.h>

#define INTERIM __attribute__((weak))

static void no_usercopy()
{
	pr_err_once("uaccess: no user-memory accessors on this branch (interim stand-in): EFAULT\n");
}

INTERIM unsigned long copy_from_user(void*, user_ptr<const void>, unsigned long n)
{
	no_usercopy();
	return n;
}
INTERIM unsigned long copy_to_user(user_ptr<void>, const void*, unsigned long n)
{
	no_usercopy();
	return n;
}
INTERIM unsigned long clear_user(user_ptr<void>, unsigned long n)
{
	no_usercopy();
	return n;
}
INTERIM lib::Result<long> strncpy_from_user(char*, user_ptr<const char>, long)
{
	no_usercopy();
	return lib::Error{EFAULT};
}
INTERIM long strnlen_user(user_ptr<const char>, long)
{
	no_usercopy();
	return 0;
}
INTERIM lib::Result<void> __get_user_n(void*, user_ptr<const void>, size_t)
{
	no_usercopy();
	return lib::Error{EFAULT};
}
INTERIM lib::Result<void> __put_user_n(user_ptr<void>, const void*, size_t)
{
	no_usercopy();
	return lib::Error{EFAULT};
}
