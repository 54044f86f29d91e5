/*
 * The system-call table and the answer for numbers nobody implements
 * (Linux: arch/x86/entry/syscall_64.c, kernel/sys_ni.c sys_ni_syscall
 * and COND_SYSCALL).
 *
 * The table is built from the headers tools/build/syscalltbl.py generates
 * from syscalls/syscall_64.tbl: <asm/syscalls_64.h> lists
 * __SYSCALL(nr, entry) for every number, <asm/cond_syscalls_64.h> every
 * entry point once, <asm/syscallnames_64.h> the rows' names.  Each entry
 * point __x64_sys_<x> is declared here as a weak alias of sys_ni_syscall:
 * a SYSCALL_DEFINEn(x, ...) anywhere in the kernel defines the strong
 * symbol and the linker binds the table to it; without one the row
 * answers -ENOSYS.  Weak aliases, not weak undefined symbols: an
 * undefined weak symbol would be 0 in the table, which the KASLR
 * relocation pass (tools/build/relocs.py) leaves unmoved, and a call
 * through it would jump to address 0.
 *
 * sys_ni_syscall logs once per number, rate-limited (libcs probe newer
 * calls and fall back on ENOSYS, so a number is reported once, not per
 * call): "<comm>[<pid>]: system call <nr> (<name>) is not implemented".
 *
 * Invariants: sys_call_table has NR_syscalls entries, none NULL; the
 * warned bitmap only gains bits (atomic fetch_or), except that a message
 * the rate limit suppressed gives its bit back so a later call may print.
 */
#include <arch/syscall.h>
#include <kernel/jiffies.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/syscalls.h>
#include <uapi/asm-generic/errno.h>

extern "C" long sys_ni_syscall(const struct pt_regs*);
/* the table's name for its gaps and empty rows (Linux: __x64_sys_ni_syscall) */
extern "C" long __x64_sys_ni_syscall(const struct pt_regs*) __attribute__((alias("sys_ni_syscall")));

#define __COND_SYSCALL(entry)                                                                                          \
	extern "C" long __x64_##entry(const struct pt_regs*) __attribute__((weak, alias("sys_ni_syscall")));
#include <asm/cond_syscalls_64.h>
#undef __COND_SYSCALL

#define __SYSCALL(nr, entry) __x64_##entry,
const sys_call_ptr_t sys_call_table[NR_syscalls] = {
#include <asm/syscalls_64.h>
};
#undef __SYSCALL

namespace
{
struct syscall_names {
	const char* name[NR_syscalls];
};
constexpr syscall_names make_syscall_names()
{
	syscall_names t{};
#define __SYSCALL_NAME(nr, str) t.name[nr] = str;
#include <asm/syscallnames_64.h>
#undef __SYSCALL_NAME
	return t;
}
constexpr syscall_names names = make_syscall_names();

constexpr unsigned BITS = 8 * sizeof(unsigned long);
unsigned long ni_warned[(NR_syscalls + BITS - 1) / BITS]; /* number n reported */
bool ni_out_of_range_warned;

/* at most RATELIMIT_BURST messages per RATELIMIT_INTERVAL (Linux's
 * printk_ratelimit defaults: 10 per 5 s); racy by design, as a rate is */
constexpr unsigned RATELIMIT_BURST = 10;
constexpr unsigned long RATELIMIT_INTERVAL = 5 * HZ;
unsigned long rl_begin;
unsigned rl_printed;

bool ni_ratelimit_ok()
{
	unsigned long now = jiffies;
	unsigned long begin = __atomic_load_n(&rl_begin, __ATOMIC_RELAXED);
	if (!begin || now - begin >= RATELIMIT_INTERVAL) {
		__atomic_store_n(&rl_begin, now ? now : 1, __ATOMIC_RELAXED);
		__atomic_store_n(&rl_printed, 0, __ATOMIC_RELAXED);
	}
	return __atomic_fetch_add(&rl_printed, 1, __ATOMIC_RELAXED) < RATELIMIT_BURST;
}
} // namespace

const char* syscall_name(int nr)
{
	return unsigned(nr) < NR_syscalls ? names.name[nr] : nullptr;
}

extern "C" long sys_ni_syscall(const struct pt_regs* regs)
{
	int nr = syscall_get_nr(regs);
	struct task_struct* tsk = current;
	if (unsigned(nr) < NR_syscalls) {
		unsigned long bit = 1UL << (unsigned(nr) % BITS);
		unsigned long* word = &ni_warned[unsigned(nr) / BITS];
		if (!(__atomic_fetch_or(word, bit, __ATOMIC_RELAXED) & bit)) {
			if (ni_ratelimit_ok())
				pr_warn("%s[%d]: system call %d (%s) is not implemented\n", tsk->comm, task_pid_nr(tsk),
				        nr, names.name[nr] ? names.name[nr] : "unused");
			else
				__atomic_fetch_and(word, ~bit, __ATOMIC_RELAXED);
		}
	} else if (!__atomic_exchange_n(&ni_out_of_range_warned, true, __ATOMIC_RELAXED)) {
		pr_warn("%s[%d]: system call %d is out of range (NR_syscalls %d)\n", tsk->comm, task_pid_nr(tsk), nr,
		        NR_syscalls);
	}
	return -ENOSYS;
}
