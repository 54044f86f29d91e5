/*
 * The kernel's signal types (Linux: include/linux/signal_types.h,
 * include/uapi/asm-generic/signal-defs.h, arch/x86/include/asm/signal.h).
 *
 *   sigset_t          one bit per signal, bit sig - 1; _NSIG_WORDS is 1 on
 *                     x86_64, as Linux's
 *   struct sigpending a pending set plus the queue of siginfos behind it
 *                     (struct sigqueue, kernel/signal.cc): one per thread
 *                     (task_struct.pending) and one per thread group
 *                     (signal_struct.shared_pending)
 *   struct sigaction  the kernel's form of a handler (its user ABI is the
 *                     same on x86_64: handler, flags, restorer, mask)
 *   struct k_sigaction what sighand_struct.action[] holds
 *
 * Shared contract of the processes work: fork.cc copies sighand_struct,
 * signal.cc owns what the fields mean.  Pending sets and actions change
 * under sighand->siglock (<kernel/lock_order.h>).
 */
#pragma once
#include <lib/list.h>

/* The host tests (hosted, with glibc's <signal.h> in scope) see these
 * under other names; the kernel (freestanding) under Linux's. */
#if __STDC_HOSTED__
#include <signal.h>
#define sigset_t kernel_sigset_t
#define sigaction kernel_sigaction
#undef sa_handler /* glibc's member macro */
#endif

#define _NSIG_BPW 64
#define _NSIG_WORDS 1

typedef struct {
	unsigned long sig[_NSIG_WORDS];
} sigset_t;

struct kernel_siginfo; /* kernel/signal.cc's siginfo, <kernel/signal.h> */

struct sigpending {
	lib::list_head list; /* struct sigqueue, in arrival order */
	sigset_t signal;
};

typedef void (*__sighandler_t)(int);
typedef void (*__sigrestore_t)();
#ifndef SIG_DFL /* glibc's, the same values, in the host tests */
#define SIG_DFL ((__sighandler_t)0)
#define SIG_IGN ((__sighandler_t)1)
#define SIG_ERR ((__sighandler_t)-1)
#endif

struct sigaction {
	__sighandler_t sa_handler;
	unsigned long sa_flags;
	__sigrestore_t sa_restorer;
	sigset_t sa_mask; /* blocked while the handler runs */
};

struct k_sigaction {
	struct sigaction sa;
};
