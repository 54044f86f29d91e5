/*
 * printk: format, stamp, store in the log buffer, print on the console
 * (Linux: kernel/printk/printk.c).
 *
 * Every line becomes one log record stamped with local_clock(); a message
 * without a trailing newline leaves the line open and KERN_CONT fragments
 * continue it (stored as LOG_CONT records).  The console gets each line as
 * "[    0.001234] text" when its level is below console_loglevel.
 *
 * As in Linux, nothing reaches the console before register_console():
 * start_kernel registers it once the early parameters (console=,
 * loglevel=, quiet) are known, and the records logged so far are replayed
 * through the final filter.  An oops or panic before that flushes the
 * buffer unconditionally (console_flush_on_panic), so an early crash is
 * never silent.
 *
 * Lock order: logbuf_lock is a leaf; taken with interrupts saved.  During
 * an oops the lock is only tried, so a CPU that faulted while holding it
 * still gets its report out; in NMI context it is only tried too, and a
 * busy lock sends the line straight to the console.
 */
#include <kernel/printk.h>
#include <kernel/params.h>
#include <kernel/time.h>
#include <drivers/serial.h>
#include <lib/format.h>
#include <lib/spinlock.h>
#include <lib/cmdline.h>
#include <kernel/preempt.h>
#include <uapi/asm-generic/errno-base.h>

int console_loglevel = CONSOLE_LOGLEVEL_DEFAULT;
bool oops_in_progress;

namespace
{
constexpr size_t LOG_BUF_LEN = 1 << 17; /* CONFIG_LOG_BUF_SHIFT=17 */
constexpr size_t LOG_LINE_MAX = 1024 - 32;
alignas(8) char log_buf[LOG_BUF_LEN];
constinit kmsg::ringbuffer prb(log_buf, LOG_BUF_LEN);
lib::spinlock logbuf_lock;
bool line_open;          /* the last record did not end in a newline */
bool console_registered; /* before: records only go to the buffer */
int line_level;

void console_write(int level, uint8_t flags, uint64_t ts, const char* text, size_t len)
{
	if (level >= console_loglevel)
		return;
	if (!(flags & kmsg::LOG_CONT)) {
		char stamp[32];
		size_t n = kmsg::format_timestamp(stamp, sizeof(stamp), ts);
		serial8250::write(stamp, n);
	}
	serial8250::write(text, len);
	if (flags & kmsg::LOG_NEWLINE)
		serial8250::write("\n", 1);
}

/* Emit one piece of a line: to the buffer, and to the console if loud enough. */
void emit(int level, bool cont, bool newline, const char* text, size_t len)
{
	uint64_t ts = local_clock();
	uint8_t flags = uint8_t((cont ? kmsg::LOG_CONT : 0) | (newline ? kmsg::LOG_NEWLINE : 0));
	prb.append(uint8_t(level), flags, ts, text, len);
	if (console_registered)
		console_write(level, flags, ts, text, len);
}
} // namespace

namespace kmsg
{

size_t format_timestamp(char* buf, size_t size, uint64_t ts_nsec)
{
	return size_t(lib::snprintf(buf, size, "[%5llu.%06llu] ", (unsigned long long)(ts_nsec / 1000000000),
	                            (unsigned long long)(ts_nsec % 1000000000 / 1000)));
}

void for_each_record(void (*fn)(const record&, void*), void* arg)
{
	lib::spin_lock_irqsave_guard g(logbuf_lock);
	kmsg::ringbuffer::cursor cur;
	record r;
	while (prb.read_next(&cur, &r))
		fn(r, arg);
}

} // namespace kmsg

/* print every record so far through the console filter, then go live */
static void replay_and_register()
{
	kmsg::ringbuffer::cursor cur;
	kmsg::record r;
	while (prb.read_next(&cur, &r))
		console_write(r.level, r.flags, r.ts_nsec, r.text, r.text_len);
	console_registered = true;
}

void register_console()
{
	lib::spin_lock_irqsave_guard g(logbuf_lock);
	if (!console_registered)
		replay_and_register();
}

/* no lock: the CPU that oopses may hold it */
void console_flush_on_panic()
{
	if (!console_registered)
		replay_and_register();
}

int vprintk(const char* fmt, va_list ap)
{
	char text[LOG_LINE_MAX];
	int level = -1;
	bool cont = false;
	int total = lib::vsnprintf(text, sizeof(text), fmt, ap);
	size_t len = total < 0 ? 0 : (size_t(total) >= sizeof(text) ? sizeof(text) - 1 : size_t(total));
	/* KERN_SOH prefixes, possibly several (KERN_CONT KERN_INFO), read from
	 * the formatted text as Linux does: printk("%s...", KERN_INFO) works */
	const char* start = text;
	while (len >= 2 && start[0] == '\001') {
		if (start[1] == 'c')
			cont = true;
		else if (start[1] >= '0' && start[1] <= '7')
			level = start[1] - '0';
		start += 2;
		len -= 2;
	}

	unsigned long flags = arch_local_irq_save();
	bool locked = logbuf_lock.try_lock();
	if (!locked && in_nmi()) {
		/* An NMI cannot wait for the lock: the CPU it interrupted may hold
		 * it.  Linux defers to a per-CPU buffer; here the line goes to the
		 * console only (not the log) rather than deadlocking. */
		char stamp[32];
		size_t n = kmsg::format_timestamp(stamp, sizeof(stamp), local_clock());
		serial8250::write(stamp, n);
		serial8250::write(start, len);
		if (!len || start[len - 1] != '\n')
			serial8250::write("\n", 1);
		arch_local_irq_restore(flags);
		return total;
	}
	if (!locked && !oops_in_progress) {
		logbuf_lock.lock();
		locked = true;
	}
	/* a fragment without KERN_CONT closes the open line */
	if (line_open && !cont) {
		emit(line_level, true, true, "", 0);
		line_open = false;
	}
	if (cont && line_open)
		level = line_level;
	else
		cont = false;
	if (level < 0)
		level = LOGLEVEL_DEFAULT;
	/* split into lines: each line is one record */
	size_t pos = 0;
	while (pos < len) {
		size_t end = pos;
		while (end < len && start[end] != '\n')
			end++;
		bool newline = end < len;
		emit(level, cont, newline, start + pos, end - pos);
		cont = false;
		line_open = !newline;
		line_level = level;
		pos = end + (newline ? 1 : 0);
	}
	if (locked)
		logbuf_lock.unlock();
	arch_local_irq_restore(flags);
	return total;
}

int printk(const char* fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = vprintk(fmt, ap);
	va_end(ap);
	return r;
}

/* loglevel=N: console prints levels below N (Linux: early_param("loglevel")) */
static lib::Result<void> __init_loglevel(std::string_view val)
{
	long long v = TRY(lib::parse_int(val));
	if (v < 0 || v > CONSOLE_LOGLEVEL_MOTORMOUTH)
		return lib::Error{EINVAL};
	console_loglevel = int(v);
	return lib::ok();
}
early_param("loglevel", __init_loglevel);

static lib::Result<void> __init_quiet(std::string_view)
{
	console_loglevel = CONSOLE_LOGLEVEL_QUIET;
	return lib::ok();
}
early_param("quiet", __init_quiet);

static lib::Result<void> __init_debug(std::string_view)
{
	console_loglevel = CONSOLE_LOGLEVEL_MOTORMOUTH;
	return lib::ok();
}
early_param("debug", __init_debug);

void printk_lines(const char* level, const char* text)
{
	for (const char* p = text; *p;) {
		size_t len = 0;
		while (p[len] && p[len] != '\n')
			len++;
		printk("%s%.*s\n", level, int(len), p);
		p += len + (p[len] ? 1 : 0);
	}
}
