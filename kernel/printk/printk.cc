/*
 * printk: format, stamp, store in the log buffer, print on the consoles
 * (Linux: kernel/printk/printk.c).
 *
 * Every line becomes one log record stamped with local_clock(); a message
 * without a trailing newline leaves the line open and KERN_CONT fragments
 * continue it (stored as LOG_CONT records).  Each enabled console
 * (<kernel/console.h>) gets each line as "[    0.001234] text" when its
 * level is below console_loglevel, synchronously, from printk itself.
 *
 * As in Linux, nothing reaches a console before it registers: start_kernel
 * runs console_init() once the early parameters (console=, loglevel=,
 * quiet) are known, the 8250 driver registers its console there, and a
 * CON_PRINTBUFFER console is first given the records logged so far
 * through the final filter.  An oops or panic before any console
 * registered enables the early console (console_flush_on_panic), so an
 * early crash is never silent.  console= is parsed here into
 * console_cmdline[] and matched by register_console, as Linux does.
 *
 * Lock order (<kernel/lock_order.h>): logbuf_lock is the innermost lock
 * but lockdep's; taken with interrupts saved.  It
 * also guards the console list, so a console's ->write runs under it.
 * During an oops the lock is only tried, so a CPU that faulted while
 * holding it still gets its report out; in NMI context it is only tried
 * too, and a busy lock sends the line straight to the consoles.
 */
#include <kernel/printk.h>
#include <kernel/params.h>
#include <kernel/time.h>
#include <kernel/console.h>
#include <lib/string.h>
#include <uapi/asm-generic/errno-base.h>
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
lib::untracked_spinlock logbuf_lock; /* lockdep reports through printk: not tracked */
bool line_open;          /* the last record did not end in a newline */
int line_level;
console* console_drivers; /* the enabled consoles, CON_CONSDEV first */

/* console= entries, in command-line order (Linux: struct console_cmdline) */
constexpr int MAX_CMDLINECONSOLES = 8;
struct console_cmdline {
	char name[16];
	int index;
	char options[32];
	bool has_options;
} console_cmdline[MAX_CMDLINECONSOLES];
int preferred_console = -1; /* the console_cmdline entry of the last console= */

/* one record to one console: stamp (unless it continues a line), text, newline */
void write_record(console* con, uint8_t flags, uint64_t ts, const char* text, size_t len)
{
	if (!(flags & kmsg::LOG_CONT)) {
		char stamp[32];
		size_t n = kmsg::format_timestamp(stamp, sizeof(stamp), ts);
		con->write(con, stamp, unsigned(n));
	}
	if (len)
		con->write(con, text, unsigned(len));
	if (flags & kmsg::LOG_NEWLINE)
		con->write(con, "\n", 1);
}

void console_write(int level, uint8_t flags, uint64_t ts, const char* text, size_t len)
{
	if (level >= console_loglevel)
		return;
	for (console* con = console_drivers; con; con = con->next)
		if (con->flags & CON_ENABLED)
			write_record(con, flags, ts, text, len);
}

/* CON_PRINTBUFFER: every record so far, through the console filter */
void replay(console* con)
{
	kmsg::ringbuffer::cursor cur;
	kmsg::record r;
	while (prb.read_next(&cur, &r))
		if (r.level < console_loglevel)
			write_record(con, r.flags, r.ts_nsec, r.text, r.text_len);
}

/* Emit one piece of a line: to the buffer, and to the console if loud enough. */
void emit(int level, bool cont, bool newline, const char* text, size_t len)
{
	uint64_t ts = local_clock();
	uint8_t flags = uint8_t((cont ? kmsg::LOG_CONT : 0) | (newline ? kmsg::LOG_NEWLINE : 0));
	prb.append(uint8_t(level), flags, ts, text, len);
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

/* /dev/kmsg's view of the log (kernel/printk/devkmsg.cc) */
uint64_t first_seq()
{
	lib::spin_lock_irqsave_guard g(logbuf_lock);
	return prb.first_seq();
}
uint64_t next_seq()
{
	lib::spin_lock_irqsave_guard g(logbuf_lock);
	return prb.next_seq();
}

namespace
{
/* Linux's msg_add_ext_text: what is not printable, and '\\', as \xNN */
size_t add_escaped(char* buf, size_t pos, size_t size, const char* text, size_t len)
{
	for (size_t i = 0; i < len && pos < size; i++) {
		unsigned char c = static_cast<unsigned char>(text[i]);
		if (c < ' ' || c >= 127 || c == '\\')
			pos += size_t(lib::snprintf(buf + pos, size - pos, "\\x%02x", c));
		else
			buf[pos++] = char(c);
	}
	return pos < size ? pos : size;
}
} // namespace

long format_devkmsg(uint64_t* seq, char* buf, size_t size)
{
	lib::spin_lock_irqsave_guard g(logbuf_lock);
	if (*seq < prb.first_seq()) {
		*seq = prb.first_seq();
		return -EPIPE;
	}
	record r;
	uint64_t s = *seq;
	if (!prb.read_next(&s, &r))
		return -EAGAIN;
	int prio = (r.flags >> FACILITY_SHIFT) << 3 | r.level;
	size_t pos = size_t(lib::snprintf(buf, size, "%d,%llu,%llu,-;", prio, (unsigned long long)r.seq,
	                                  (unsigned long long)(r.ts_nsec / 1000)));
	pos = add_escaped(buf, pos, size, r.text, r.text_len);
	/* a line printed in pieces (KERN_CONT) is one record, as in Linux */
	bool done = r.flags & LOG_NEWLINE;
	while (!done) {
		uint64_t t = s;
		record c;
		if (!prb.read_next(&t, &c) || !(c.flags & LOG_CONT) || c.seq != s)
			break;
		pos = add_escaped(buf, pos, size, c.text, c.text_len);
		done = c.flags & LOG_NEWLINE;
		s = t;
	}
	if (pos < size)
		buf[pos++] = '\n';
	*seq = s;
	return long(pos);
}

void emit_user(int facility, int level, const char* text, size_t len)
{
	unsigned long flags = arch_local_irq_save();
	{
		lib::spin_lock_guard g(logbuf_lock);
		if (line_open) {
			emit(line_level, true, true, "", 0);
			line_open = false;
		}
		uint64_t ts = local_clock();
		uint8_t f = uint8_t(LOG_NEWLINE | (facility & 0x1f) << FACILITY_SHIFT);
		prb.append(uint8_t(level & 7), f, ts, text, len);
		console_write(level & 7, LOG_NEWLINE, ts, text, len);
	}
	arch_local_irq_restore(flags);
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

console* early_console;

namespace
{
/* no console= for it: enabled when it is the first (Linux: try_enable_default_console) */
void try_enable_default_console(console* newcon)
{
	if (newcon->index < 0)
		newcon->index = 0;
	if (!newcon->setup || newcon->setup(newcon, nullptr).is_ok())
		newcon->flags |= CON_ENABLED;
}

/* a console= entry names it: set it up with the entry's options; 0, the
 * setup's error, or -ENOENT when no entry matches */
lib::Result<void> try_enable_preferred_console(console* newcon)
{
	for (int i = 0; i < MAX_CMDLINECONSOLES && console_cmdline[i].name[0]; i++) {
		struct console_cmdline& c = console_cmdline[i];
		if (lib::strcmp(c.name, newcon->name) != 0)
			continue;
		if (newcon->index >= 0 && newcon->index != c.index)
			continue;
		if (newcon->index < 0)
			newcon->index = short(c.index);
		if (newcon->setup)
			TRY(newcon->setup(newcon, c.has_options ? c.options : nullptr));
		newcon->flags |= CON_ENABLED;
		if (i == preferred_console)
			newcon->flags |= CON_CONSDEV;
		return lib::ok();
	}
	/* enabled by default above, or by its driver (CON_ENABLED preset) */
	if (newcon->flags & CON_ENABLED)
		return lib::ok();
	return lib::Error{ENOENT};
}
} // namespace

void register_console(console* newcon)
{
	bool realcon_enabled = false;
	for (console* con = console_drivers; con; con = con->next) {
		if (con == newcon) {
			pr_warn("printk: console '%s%d' already registered\n", con->name, con->index);
			return;
		}
		if (!(con->flags & CON_BOOT))
			realcon_enabled = true;
	}
	if ((newcon->flags & CON_BOOT) && realcon_enabled) {
		pr_info("printk: Too late to register bootconsole %s%d\n", newcon->name, newcon->index);
		return;
	}
	short index = newcon->index;
	if (preferred_console < 0 && !realcon_enabled)
		try_enable_default_console(newcon);
	bool enabled = try_enable_preferred_console(newcon).is_ok();
	if (!enabled && !realcon_enabled && !(newcon->flags & CON_BOOT)) {
		/* not Linux: console= named nothing usable, and staying silent
		 * would hide the whole boot; take this console as the default */
		newcon->index = index;
		try_enable_default_console(newcon);
		if (newcon->flags & CON_ENABLED) {
			enabled = true;
			pr_warn("printk: console= names no working console; enabling %s%d\n", newcon->name,
			        newcon->index);
		}
	}
	if (!enabled)
		return;

	{
		lib::spin_lock_irqsave_guard g(logbuf_lock);
		if ((newcon->flags & CON_CONSDEV) || !console_drivers) {
			newcon->next = console_drivers;
			console_drivers = newcon;
			if (newcon->next)
				newcon->next->flags &= short(~CON_CONSDEV);
			newcon->flags |= CON_CONSDEV;
		} else {
			newcon->next = console_drivers->next;
			console_drivers->next = newcon;
		}
		if (newcon->flags & CON_PRINTBUFFER)
			replay(newcon);
	}
	pr_info("printk: %sconsole [%s%d] enabled\n", (newcon->flags & CON_BOOT) ? "boot" : "", newcon->name,
	        newcon->index);
}

lib::Result<void> unregister_console(console* con)
{
	bool found = false;
	for (console* c = console_drivers; c; c = c->next)
		found |= c == con;
	if (!found)
		return lib::Error{ENODEV};
	pr_info("printk: %sconsole [%s%d] disabled\n", (con->flags & CON_BOOT) ? "boot" : "", con->name,
	        con->index);
	{
		lib::spin_lock_irqsave_guard g(logbuf_lock);
		for (console** pp = &console_drivers; *pp; pp = &(*pp)->next) {
			if (*pp == con) {
				*pp = con->next;
				break;
			}
		}
		con->next = nullptr;
		con->flags &= short(~CON_ENABLED);
		if ((con->flags & CON_CONSDEV) && console_drivers)
			console_drivers->flags |= CON_CONSDEV;
		con->flags &= short(~CON_CONSDEV);
	}
	if (con->exit)
		return con->exit(con);
	return lib::ok();
}

lib::Result<void> add_preferred_console(const char* name, int idx, const char* options)
{
	int i = 0;
	for (; i < MAX_CMDLINECONSOLES && console_cmdline[i].name[0]; i++) {
		if (lib::strcmp(console_cmdline[i].name, name) == 0 && console_cmdline[i].index == idx) {
			preferred_console = i;
			return lib::ok();
		}
	}
	if (i == MAX_CMDLINECONSOLES)
		return lib::Error{E2BIG};
	struct console_cmdline& c = console_cmdline[i];
	lib::strscpy(c.name, name, sizeof(c.name));
	c.index = idx;
	c.has_options = options != nullptr;
	if (options)
		lib::strscpy(c.options, options, sizeof(c.options));
	preferred_console = i;
	return lib::ok();
}

void console_init()
{
	for (const initcall_t* call = __con_initcall_start; call < __con_initcall_end; call++)
		if (lib::Result<void> r = (*call)(); r.is_err())
			pr_err("printk: a console initcall failed: %d\n", -r.error());
}

/* no lock: the CPU that oopses may hold it */
void console_flush_on_panic()
{
	if (!console_drivers && early_console) {
		early_console->flags |= CON_ENABLED | CON_CONSDEV | CON_BOOT;
		early_console->next = nullptr;
		console_drivers = early_console;
		replay(early_console);
	}
}

/* NO_THREAD_SAFETY_ANALYSIS: logbuf_lock is only tried during an oops or
 * in NMI context and the line may then go out without it, which Clang's
 * analysis cannot express */
int vprintk(const char* fmt, va_list ap) NO_THREAD_SAFETY_ANALYSIS
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
		bool newline = !len || start[len - 1] != '\n';
		for (console* con = console_drivers; con; con = con->next) {
			if (!(con->flags & CON_ENABLED))
				continue;
			write_record(con, 0, local_clock(), start, len);
			if (newline)
				con->write(con, "\n", 1);
		}
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

/*
 * console=NAME<index>[,options] (Linux: console_setup): "ttyS1,9600" is
 * name "ttyS", index 1, options "9600"; a bare number means ttyS.  Matched
 * against the consoles as they register.
 */
static lib::Result<void> console_setup(std::string_view val)
{
	char buf[sizeof(console_cmdline[0].name) + 4];
	std::string_view dev = val.substr(0, val.find(','));
	size_t n = 0;
	if (!dev.empty() && dev[0] >= '0' && dev[0] <= '9') {
		lib::memcpy(buf, "ttyS", 4);
		n = 4;
	}
	for (size_t i = 0; i < dev.size() && n < sizeof(buf) - 1; i++)
		buf[n++] = dev[i];
	buf[n] = '\0';
	char* s = buf;
	while (*s && !(*s >= '0' && *s <= '9'))
		s++;
	int idx = 0;
	for (const char* d = s; *d >= '0' && *d <= '9' && idx < 10000; d++)
		idx = idx * 10 + (*d - '0');
	*s = '\0';
	char options[sizeof(console_cmdline[0].options)];
	const char* opts = nullptr;
	size_t comma = val.find(',');
	if (comma != std::string_view::npos) {
		std::string_view o = val.substr(comma + 1);
		size_t len = o.size() < sizeof(options) - 1 ? o.size() : sizeof(options) - 1;
		lib::memcpy(options, o.data(), len);
		options[len] = '\0';
		opts = options;
	}
	if (add_preferred_console(buf, idx, opts).is_err())
		pr_warn("printk: too many console= entries; ignoring '%.*s'\n", int(val.size()), val.data());
	return lib::ok();
}
early_param("console", console_setup);

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

/* What a program writes to /dev/console before the tty layer exists
 * (drivers/tty/console_dev.cc): straight to the preferred console (the
 * first, CON_CONSDEV), a chunk at a time under logbuf_lock so that a
 * printk record never lands inside it.  Linux's /dev/console is the
 * preferred console's tty; writing to it ends up at the same UART. */
void console_device_write(const char* s, size_t len)
{
	while (len) {
		size_t n = len < 256 ? len : 256;
		unsigned long flags = arch_local_irq_save();
		logbuf_lock.lock();
		if (console_drivers && (console_drivers->flags & CON_ENABLED))
			console_drivers->write(console_drivers, s, unsigned(n));
		logbuf_lock.unlock();
		arch_local_irq_restore(flags);
		s += n;
		len -= n;
	}
}
