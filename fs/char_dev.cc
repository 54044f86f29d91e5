/*
 * Character-device registration and opening (Linux: fs/char_dev.c
 * __register_chrdev, __unregister_chrdev, chrdev_open, def_chr_fops);
 * see <fs/cdev.h>.
 *
 * chrdevs is a fixed table of registrations (major, minor range, name,
 * fops); Linux hashes by major and keeps a kobj_map, the lookup is the
 * same.  Dynamic majors are picked from 254 down to 234, as Linux's
 * CHRDEV_MAJOR_DYN_END..CHRDEV_MAJOR_MAX.
 */
#include <fs/cdev.h>
#include <kernel/printk.h>
#include <lib/string.h>
#include <uapi/asm-generic/errno-base.h>

namespace
{
struct char_device_struct {
	unsigned int major, baseminor, count;
	char name[64];
	const struct file_operations* fops;
	bool used;
};
constexpr int MAX_CHRDEVS = 64;
lib::spinlock chrdevs_lock;
struct char_device_struct chrdevs[MAX_CHRDEVS] GUARDED_BY(chrdevs_lock);

const struct file_operations* lookup_chrdev(dev_t dev)
{
	lib::spin_lock_guard g(chrdevs_lock);
	for (auto& c : chrdevs)
		if (c.used && c.major == MAJOR(dev) && MINOR(dev) >= c.baseminor && MINOR(dev) < c.baseminor + c.count)
			return c.fops;
	return nullptr;
}

lib::Result<void> chrdev_open(struct inode* inode, struct file* filp)
{
	const struct file_operations* fops = lookup_chrdev(inode->i_rdev);
	if (!fops)
		return lib::Error{ENXIO};
	filp->f_op = fops;
	if (fops->open)
		TRY(fops->open(inode, filp));
	return lib::ok();
}
} // namespace

const struct file_operations def_chr_fops = {
    .open = chrdev_open,
};

lib::Result<unsigned int> __register_chrdev(unsigned int major, unsigned int baseminor, unsigned int count,
                                            const char* name, const struct file_operations* fops)
{
	if (major >= 512 || count == 0 || baseminor + count > (1u << MINORBITS))
		return lib::Error{EINVAL};
	lib::spin_lock_guard g(chrdevs_lock);
	if (major == 0) {
		for (unsigned m = 254; m >= 234 && !major; m--) {
			bool taken = false;
			for (auto& c : chrdevs)
				taken |= c.used && c.major == m;
			if (!taken)
				major = m;
		}
		if (!major)
			return lib::Error{EBUSY};
	}
	struct char_device_struct* slot = nullptr;
	for (auto& c : chrdevs) {
		if (c.used && c.major == major && baseminor < c.baseminor + c.count && c.baseminor < baseminor + count)
			return lib::Error{EBUSY};
		if (!c.used && !slot)
			slot = &c;
	}
	if (!slot)
		return lib::Error{ENOMEM};
	slot->used = true;
	slot->major = major;
	slot->baseminor = baseminor;
	slot->count = count;
	slot->fops = fops;
	lib::strscpy(slot->name, name, sizeof(slot->name));
	return major;
}

void __unregister_chrdev(unsigned int major, unsigned int baseminor, unsigned int count, const char*)
{
	lib::spin_lock_guard g(chrdevs_lock);
	for (auto& c : chrdevs)
		if (c.used && c.major == major && c.baseminor == baseminor && c.count == count)
			c.used = false;
}
