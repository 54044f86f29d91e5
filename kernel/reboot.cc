/*
 * The reboot system call (Linux: kernel/reboot.c sys_reboot; the magic
 * numbers and commands of include/uapi/linux/reboot.h).
 *
 * CAP_SYS_BOOT first (EPERM), then the two magic numbers (EINVAL), then
 * the command: restart, halt, power off, restart with a command string,
 * Ctrl-Alt-Del on/off (recorded; there is no keyboard to press it on).
 * Kexec and suspend are not built in: EINVAL, as Linux without them.
 * Linux syncs the file systems first; ramfs and tmpfs have nothing to
 * write back.
 */
#include <kernel/capability.h>
#include <kernel/printk.h>
#include <kernel/reboot.h>
#include <kernel/syscalls.h>
#include <lib/string.h>
#include <uapi/asm-generic/errno-base.h>

namespace
{
constexpr unsigned LINUX_REBOOT_MAGIC1 = 0xfee1dead;
constexpr unsigned LINUX_REBOOT_MAGIC2 = 672274793;
constexpr unsigned LINUX_REBOOT_MAGIC2A = 85072278;
constexpr unsigned LINUX_REBOOT_MAGIC2B = 369367448;
constexpr unsigned LINUX_REBOOT_MAGIC2C = 537993216;

constexpr unsigned LINUX_REBOOT_CMD_RESTART = 0x01234567;
constexpr unsigned LINUX_REBOOT_CMD_HALT = 0xCDEF0123;
constexpr unsigned LINUX_REBOOT_CMD_CAD_ON = 0x89ABCDEF;
constexpr unsigned LINUX_REBOOT_CMD_CAD_OFF = 0x00000000;
constexpr unsigned LINUX_REBOOT_CMD_POWER_OFF = 0x4321FEDC;
constexpr unsigned LINUX_REBOOT_CMD_RESTART2 = 0xA1B2C3D4;

bool C_A_D = true; /* Ctrl-Alt-Del reboots (Linux's default) */
} // namespace

SYSCALL_DEFINE4(reboot, int, magic1, int, magic2, unsigned int, cmd, user_ptr<const char>, arg)
{
	if (!capable(CAP_SYS_BOOT))
		return lib::Error{EPERM};
	if (unsigned(magic1) != LINUX_REBOOT_MAGIC1 ||
	    (unsigned(magic2) != LINUX_REBOOT_MAGIC2 && unsigned(magic2) != LINUX_REBOOT_MAGIC2A &&
	     unsigned(magic2) != LINUX_REBOOT_MAGIC2B && unsigned(magic2) != LINUX_REBOOT_MAGIC2C))
		return lib::Error{EINVAL};
	switch (cmd) {
	case LINUX_REBOOT_CMD_RESTART:
		kernel_restart(nullptr);
	case LINUX_REBOOT_CMD_CAD_ON:
		C_A_D = true;
		return 0;
	case LINUX_REBOOT_CMD_CAD_OFF:
		C_A_D = false;
		return 0;
	case LINUX_REBOOT_CMD_HALT:
		kernel_halt();
	case LINUX_REBOOT_CMD_POWER_OFF:
		kernel_power_off();
	case LINUX_REBOOT_CMD_RESTART2: {
		char buf[256];
		long n = TRY(strncpy_from_user(buf, arg, sizeof(buf) - 1));
		buf[n] = '\0';
		kernel_restart(buf);
	}
	default:
		return lib::Error{EINVAL};
	}
}
