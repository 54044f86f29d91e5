/*
 * System-call restart (Linux: include/linux/errno.h ERESTART*,
 * include/linux/restart_block.h).
 *
 * A system call interrupted by a signal returns one of these; they never
 * reach user space.  The signal delivery code (arch/x86_64/kernel/
 * signal.cc) turns them into EINTR or rewinds the call, as Linux:
 *   ERESTARTSYS          restart if the handler has SA_RESTART (or no
 *                        handler ran), else EINTR
 *   ERESTARTNOINTR       always restart
 *   ERESTARTNOHAND       restart only if no handler ran, else EINTR
 *   ERESTART_RESTARTBLOCK restart through restart_syscall(2), which calls
 *                        current->restart_block.fn (nanosleep, futex
 *                        waits, clock_nanosleep: the remaining time)
 * A sleeper that a signal interrupts returns lib::Error{ERESTARTSYS} (or
 * another of these) and lets the exit-to-user path decide.
 */
#pragma once
#include <cstdint>

#define ERESTARTSYS 512
#define ERESTARTNOINTR 513
#define ERESTARTNOHAND 514
#define ENOIOCTLCMD 515
#define ERESTART_RESTARTBLOCK 516

enum timespec_type { TT_NONE = 0, TT_NATIVE = 1, TT_COMPAT = 2 };

struct restart_block {
	unsigned long arch_data;
	long (*fn)(struct restart_block*); /* what restart_syscall runs; do_no_restart_syscall by default */
	union {
		struct { /* kernel/futex */
			unsigned long uaddr; /* user addresses: user_ptr<uint32_t>(uaddr) */
			uint32_t val;
			uint32_t flags;
			uint32_t bitset;
			uint64_t time; /* absolute expiry, ns */
			unsigned long uaddr2;
		} futex;
		struct { /* nanosleep, clock_nanosleep */
			int clockid;
			enum timespec_type type;
			unsigned long rmtp; /* user_ptr<struct __kernel_timespec> */
			uint64_t expires; /* absolute, ns on clockid */
		} nanosleep;
		struct { /* poll, ppoll */
			unsigned long ufds;
			int nfds;
			int has_timeout;
			unsigned long tv_sec;
			unsigned long tv_nsec;
		} poll;
	};
};

/* restart_syscall(2) after a plain call: EINTR (Linux: do_no_restart_syscall) */
long do_no_restart_syscall(struct restart_block* parm);
