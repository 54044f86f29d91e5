/*
 * The system-call table (Linux: arch/x86/include/asm/syscall.h,
 * arch/x86/entry/syscall_64.c).
 *
 * sys_call_table[nr] is the entry __x64_sys_<entry> of row nr of
 * arch/x86_64/entry/syscalls/syscall_64.tbl, or sys_ni_syscall;
 * syscall_name(nr) is the row's name ("uname" for sys_newuname), as
 * strace and /proc/PID/syscall print it, NULL for an unused number.
 */
#pragma once
#include <arch/ptrace.h>
#include <uapi/asm/unistd_64.h>

#define NR_syscalls __NR_syscalls

typedef long (*sys_call_ptr_t)(const struct pt_regs*);
extern const sys_call_ptr_t sys_call_table[NR_syscalls];

const char* syscall_name(int nr);

/* the system call a task in one is making, from its pt_regs (orig_ax),
 * -1 if none */
static inline int syscall_get_nr(const struct pt_regs* regs)
{
	return int(regs->orig_ax);
}
