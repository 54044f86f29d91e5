/*
 * printk and the pr_* helpers (Linux: include/linux/printk.h,
 * kern_levels.h).
 *
 * A message may start with a level, KERN_SOH followed by a digit, as in
 * Linux: printk(KERN_ERR "x\n").  pr_err("x\n") is the same.  Messages below
 * console_loglevel go to the consoles (<kernel/console.h>); all go to the
 * log buffer (dmesg).
 * Define pr_fmt(fmt) before the include to prefix a file's messages.
 */
#pragma once
#include <cstdarg>
#include <cstddef>
#include <cstdint>
#include <kernel/printk_ringbuffer.h>

#define KERN_SOH "\001"
#define KERN_EMERG KERN_SOH "0"
#define KERN_ALERT KERN_SOH "1"
#define KERN_CRIT KERN_SOH "2"
#define KERN_ERR KERN_SOH "3"
#define KERN_WARNING KERN_SOH "4"
#define KERN_NOTICE KERN_SOH "5"
#define KERN_INFO KERN_SOH "6"
#define KERN_DEBUG KERN_SOH "7"
#define KERN_DEFAULT ""
#define KERN_CONT KERN_SOH "c"

inline constexpr int LOGLEVEL_DEFAULT = 4; /* MESSAGE_LOGLEVEL_DEFAULT: warning */
inline constexpr int CONSOLE_LOGLEVEL_DEFAULT = 7;
inline constexpr int CONSOLE_LOGLEVEL_QUIET = 4;
inline constexpr int CONSOLE_LOGLEVEL_MOTORMOUTH = 15;

__attribute__((format(printf, 1, 2))) int printk(const char* fmt, ...);
int vprintk(const char* fmt, va_list ap);

#ifndef pr_fmt
#define pr_fmt(fmt) fmt
#endif
#define pr_emerg(fmt, ...) printk(KERN_EMERG pr_fmt(fmt), ##__VA_ARGS__)
#define pr_alert(fmt, ...) printk(KERN_ALERT pr_fmt(fmt), ##__VA_ARGS__)
#define pr_crit(fmt, ...) printk(KERN_CRIT pr_fmt(fmt), ##__VA_ARGS__)
#define pr_err(fmt, ...) printk(KERN_ERR pr_fmt(fmt), ##__VA_ARGS__)
/* print at most once per call site (Linux: printk_once, pr_*_once) */
#define printk_once(fmt, ...)                                                                                          \
	do {                                                                                                           \
		static bool __print_once;                                                                              \
		if (!__atomic_exchange_n(&__print_once, true, __ATOMIC_RELAXED))                                       \
			printk(fmt, ##__VA_ARGS__);                                                                    \
	} while (0)
#define pr_warn_once(fmt, ...) printk_once(KERN_WARNING pr_fmt(fmt), ##__VA_ARGS__)
#define pr_err_once(fmt, ...) printk_once(KERN_ERR pr_fmt(fmt), ##__VA_ARGS__)
#define pr_warn(fmt, ...) printk(KERN_WARNING pr_fmt(fmt), ##__VA_ARGS__)
#define pr_notice(fmt, ...) printk(KERN_NOTICE pr_fmt(fmt), ##__VA_ARGS__)
#define pr_info(fmt, ...) printk(KERN_INFO pr_fmt(fmt), ##__VA_ARGS__)
#define pr_debug(fmt, ...) printk(KERN_DEBUG pr_fmt(fmt), ##__VA_ARGS__)
#define pr_cont(fmt, ...) printk(KERN_CONT fmt, ##__VA_ARGS__)

/* the console prints messages whose level is below this */
extern int console_loglevel;

/* one record per line of a multi-line text, at the given level */
void printk_lines(const char* level, const char* text);

/* an oops/panic: before any console registered, enable the early console
 * and print everything logged (consoles: <kernel/console.h>) */
void console_flush_on_panic();

/* set once an oops is being printed: the console stops waiting for its lock */
extern bool oops_in_progress;

/* the log buffer, for dmesg; callers hold logbuf_lock via the helpers */
namespace kmsg
{
/* calls fn for every record still in the buffer, oldest first */
void for_each_record(void (*fn)(const record&, void*), void* arg);
/* /dev/kmsg (kernel/printk/devkmsg.cc): the oldest and the next seq */
uint64_t first_seq();
uint64_t next_seq();
/* the record at *seq (or the next one left) as "prio,seq,usec,-;text\n",
 * its continuations joined and the unprintable bytes as \xNN, into buf;
 * its length (truncated to size), *seq then past it; -EPIPE (and *seq
 * moved to the oldest) if *seq was overwritten, -EAGAIN if none yet */
long format_devkmsg(uint64_t* seq, char* buf, size_t size);
/* a line written to /dev/kmsg: a record of its own at facility/level */
void emit_user(int facility, int level, const char* text, size_t len);
/* "[    1.234567] " for ts_nsec; returns the length written */
size_t format_timestamp(char* buf, size_t size, uint64_t ts_nsec);
} // namespace kmsg
