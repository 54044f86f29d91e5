/*
 * personality(2) (Linux: kernel/exec_domain.c) and the address-space
 * randomization knobs of the command line (Linux: mm/memory.c
 * "norandmaps"; the "sysctl.kernel.randomize_va_space=" boot parameter,
 * which Linux's process_sysctl_arg turns into a write of
 * /proc/sys/kernel/randomize_va_space).
 *
 * A task's personality is PER_LINUX (0) and flags such as
 * ADDR_NO_RANDOMIZE (setarch -R), ADDR_COMPAT_LAYOUT (bottom-up mmap) and
 * READ_IMPLIES_EXEC (<uapi/linux/personality.h>).  It is inherited by fork
 * and kept across execve, so `setarch -R prog` is personality() and then
 * execve: the new program is laid out without randomization
 * (setup_new_exec leaves PF_RANDOMIZE off).  As Linux since 4.1 (no exec
 * domains any more), any value is accepted; 0xffffffff only asks.
 *
 * randomize_va_space (mm/mmap.cc): 0 nothing randomized, 1 the stack, the
 * mmap base, the vDSO and a PIE's base, 2 also the break.
 */
#include <kernel/params.h>
#include <kernel/sched.h>
#include <kernel/syscalls.h>
#include <lib/cmdline.h>
#include <mm/mm.h>
#include <uapi/asm-generic/errno-base.h>

SYSCALL_DEFINE1(personality, unsigned int, personality)
{
	unsigned int old = current->personality;
	if (personality != 0xffffffff)
		current->personality = personality; /* Linux's set_personality */
	return long(old);
}

namespace
{
lib::Result<void> disable_randmaps(std::string_view)
{
	randomize_va_space = 0;
	return lib::ok();
}

/* the sysctl's range: 0..2 (Linux: proc_dointvec_minmax, zero..two) */
lib::Result<void> sysctl_randomize_va_space(std::string_view v)
{
	unsigned long n = TRY(lib::parse_uint(v));
	if (n > 2)
		return lib::Error{EINVAL};
	randomize_va_space = int(n);
	return lib::ok();
}
} // namespace
__setup("norandmaps", disable_randmaps);
__setup("sysctl.kernel.randomize_va_space", sysctl_randomize_va_space);
