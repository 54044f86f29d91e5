/*
 * panic, BUG, WARN, taint (Linux: include/linux/panic.h, asm-generic/bug.h).
 *
 *   BUG()/BUG_ON(c)   "kernel BUG at file:line!" then an invalid-opcode oops
 *   VERIFY(c)         always-on invariant check: BUG_ON(!(c))
 *   WARN_ON(c)        a WARNING report with a backtrace; returns c; goes on
 *   WARN_ON_ONCE(c)   the same, reported at most once per call site
 */
#pragma once
#include <kernel/kernel.h>
#include <cstdint>

[[noreturn]] __attribute__((format(printf, 1, 2))) void panic(const char* fmt, ...);

/* current->comm ("swapper/0" for the boot CPU's idle task) */
const char* current_comm();

/* "CPU: 0 PID: 0 Comm: swapper/0 Not tainted 0.1.0 #1" */
void dump_stack_print_info(const char* log_lvl);
/* that line and the caller's backtrace */
void dump_stack();

enum taint_flag : unsigned {
	TAINT_PROPRIETARY_MODULE = 0,
	TAINT_BAD_PAGE = 5,
	TAINT_DIE = 7,
	TAINT_WARN = 9,
	TAINT_FLAGS_COUNT = 19,
};
void add_taint(taint_flag flag);
/* "Not tainted" or "Tainted: G        W         " into buf */
const char* print_tainted();

void __warn(const char* file, int line, uintptr_t caller);

#define BUG()                                                                                                          \
	do {                                                                                                           \
		printk(KERN_EMERG "kernel BUG at %s:%d!\n", __FILE__, __LINE__);                                       \
		__builtin_trap();                                                                                      \
	} while (0)
#define BUG_ON(cond)                                                                                                   \
	do {                                                                                                           \
		if (__builtin_expect(!!(cond), 0))                                                                     \
			BUG();                                                                                         \
	} while (0)
#define VERIFY(cond) BUG_ON(!(cond))

#define WARN_ON(cond)                                                                                                  \
	({                                                                                                             \
		bool __ret_warn_on = !!(cond);                                                                         \
		if (__builtin_expect(__ret_warn_on, 0))                                                                \
			__warn(__FILE__, __LINE__, _RET_IP_);                                                          \
		__ret_warn_on;                                                                                         \
	})
#define WARN_ON_ONCE(cond)                                                                                             \
	({                                                                                                             \
		static bool __warned;                                                                                  \
		bool __ret_warn_once = !!(cond);                                                                       \
		if (__builtin_expect(__ret_warn_once && !__warned, 0)) {                                               \
			__warned = true;                                                                               \
			__warn(__FILE__, __LINE__, _RET_IP_);                                                          \
		}                                                                                                      \
		__ret_warn_once;                                                                                       \
	})

#include <kernel/printk.h>
