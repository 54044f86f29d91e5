/*
 * ktests for printk, the log buffer and the console list (kernel/printk/).
 *
 * The console tests register a console of their own that keeps the last
 * bytes written to it; they read it only after unregister_console, when
 * no CPU can be writing to it any more.
 */
#include <kernel/ktest.h>
#include <kernel/printk.h>
#include <kernel/console.h>
#include <uapi/asm-generic/errno-base.h>
#include <kernel/time.h>
#include <lib/string.h>
#include <lib/format.h>

namespace
{
struct finder {
	const char* want;
	bool found;
	uint8_t level;
	uint64_t ts;
	uint64_t seq;
};
void find_record(const kmsg::record& r, void* arg)
{
	finder* f = static_cast<finder*>(arg);
	size_t n = lib::strlen(f->want);
	if (r.text_len == n && lib::memcmp(r.text, f->want, n) == 0) {
		f->found = true;
		f->level = r.level;
		f->ts = r.ts_nsec;
		f->seq = r.seq;
	}
}
} // namespace

KTEST(printk, message_reaches_log_buffer)
{
	uint64_t before = local_clock();
	pr_err("ktest printk marker %d\n", 42);
	finder f{"ktest printk marker 42", false, 0, 0, 0};
	kmsg::for_each_record(find_record, &f);
	KASSERT_TRUE(f.found);
	KEXPECT_EQ(f.level, 3);
	KEXPECT_GE(f.ts, before);
	KEXPECT_LE(f.ts, local_clock());
}

KTEST(printk, lines_become_records_in_order)
{
	printk(KERN_INFO "ktest line one\nktest line two\n");
	finder a{"ktest line one", false, 0, 0, 0}, b{"ktest line two", false, 0, 0, 0};
	kmsg::for_each_record(find_record, &a);
	kmsg::for_each_record(find_record, &b);
	KASSERT_TRUE(a.found && b.found);
	KEXPECT_EQ(b.seq, a.seq + 1);
	KEXPECT_EQ(a.level, 6);
}

KTEST(printk, timestamp_format)
{
	char buf[32];
	kmsg::format_timestamp(buf, sizeof(buf), 1234567891ULL);
	KEXPECT_STREQ(buf, "[    1.234567] ");
	kmsg::format_timestamp(buf, sizeof(buf), 0);
	KEXPECT_STREQ(buf, "[    0.000000] ");
}

KTEST(printk, clock_advances)
{
	KEXPECT_GT(tsc_khz, 0u);
	uint64_t a = local_clock();
	udelay(1000);
	uint64_t b = local_clock();
	KEXPECT_GE(b - a, 1000000u);
}

KTEST(printk, level_from_an_argument)
{
	/* Linux reads the level from the formatted text: "%s" with KERN_ERR works */
	printk("%sktest level via argument\n", KERN_ERR);
	finder f{"ktest level via argument", false, 0, 0, 0};
	kmsg::for_each_record(find_record, &f);
	KASSERT_TRUE(f.found);
	KEXPECT_EQ(f.level, 3);
}

/* An NMI that printks while this CPU holds the log lock must not
 * deadlock: the line goes straight to the console. */
KTEST(printk, nmi_while_log_locked)
{
	static bool raised;
	raised = false;
	kmsg::for_each_record(
		[](const kmsg::record&, void*) {
			if (!raised) {
				raised = true;
				asm volatile("int $2" ::: "memory"); /* the NMI handler printks */
			}
		},
		nullptr);
	KEXPECT_TRUE(raised);
}

namespace
{
/* the tail of what the test console was given */
struct console_capture {
	char buf[8192];
	size_t len;
	size_t total; /* bytes written, all told */
	int setups;
	char options[32];
} cap;

void capture_write(console*, const char* s, unsigned n)
{
	cap.total += n;
	if (n >= sizeof(cap.buf)) {
		lib::memcpy(cap.buf, s + n - sizeof(cap.buf), sizeof(cap.buf));
		cap.len = sizeof(cap.buf);
		return;
	}
	if (cap.len + n > sizeof(cap.buf)) {
		size_t drop = cap.len + n - sizeof(cap.buf);
		lib::memmove(cap.buf, cap.buf + drop, cap.len - drop);
		cap.len -= drop;
	}
	lib::memcpy(cap.buf + cap.len, s, n);
	cap.len += n;
}

lib::Result<void> capture_setup(console*, char* options)
{
	cap.setups++;
	lib::strscpy(cap.options, options ? options : "(none)", sizeof(cap.options));
	return lib::ok();
}

bool captured(const char* want)
{
	size_t n = lib::strlen(want);
	for (size_t i = 0; i + n <= cap.len; i++)
		if (lib::memcmp(cap.buf + i, want, n) == 0)
			return true;
	return false;
}

/* index -1: any, taken from console=; a console that enables itself
 * keeps its own index, as netconsole's 0 */
console make_test_console(short flags, short index)
{
	cap = {};
	return console{"ktestcon", capture_write, capture_setup, nullptr, flags, index, nullptr, nullptr};
}

/* the tests print at KERN_INFO and KERN_DEBUG: pin the filter they rely on */
struct loglevel_scope {
	int saved = console_loglevel;
	loglevel_scope() { console_loglevel = CONSOLE_LOGLEVEL_DEFAULT; }
	~loglevel_scope() { console_loglevel = saved; }
};
} // namespace

/* a console that enables itself gets every loud enough line, from registration on */
KTEST(printk, console_gets_lines_after_registration)
{
	loglevel_scope lv;
	console con = make_test_console(CON_ENABLED, 0);
	pr_info("ktest console: before registration\n");
	register_console(&con);
	KASSERT_TRUE(con.flags & CON_ENABLED);
	KEXPECT_EQ(cap.setups, 0); /* no console= names it: no options to set it up with */
	pr_info("ktest console: line %d\n", 1);
	pr_debug("ktest console: too quiet\n");
	pr_info("ktest console: part ");
	pr_cont("two\n");
	KEXPECT_OK(unregister_console(&con));
	pr_info("ktest console: after unregistration\n");
	KEXPECT_ERR(unregister_console(&con), ENODEV);
	KEXPECT_FALSE(con.flags & CON_ENABLED);

	KEXPECT_TRUE(captured("printk: console [ktestcon0] enabled\n"));
	KEXPECT_TRUE(captured("] ktest console: line 1\n"));
	KEXPECT_TRUE(captured("] ktest console: part two\n"));
	KEXPECT_TRUE(captured("printk: console [ktestcon0] disabled\n"));
	KEXPECT_FALSE(captured("before registration"));
	KEXPECT_FALSE(captured("too quiet"));
	KEXPECT_FALSE(captured("after unregistration"));
	/* each line is stamped as the serial console's */
	KEXPECT_TRUE(cap.buf[0] == '[' || captured("\n["));
}

/* CON_PRINTBUFFER: the records logged before registration come first */
KTEST(printk, console_printbuffer_replays_log)
{
	loglevel_scope lv;
	console con = make_test_console(CON_ENABLED | CON_PRINTBUFFER, 0);
	pr_info("ktest console: logged before registration\n");
	pr_debug("ktest console: logged too quietly\n");
	register_console(&con);
	KEXPECT_OK(unregister_console(&con));
	KEXPECT_TRUE(captured("] ktest console: logged before registration\n"));
	KEXPECT_FALSE(captured("logged too quietly"));
	/* the whole log, not just the tail: its first line is the TSC's */
	KEXPECT_GT(cap.total, sizeof(cap.buf));
}

/* a console nobody asked for (console= does not name it, a real console
 * is already enabled) is not enabled and not kept */
KTEST(printk, console_not_enabled_unless_selected)
{
	console con = make_test_console(CON_PRINTBUFFER, -1);
	register_console(&con);
	KEXPECT_FALSE(con.flags & CON_ENABLED);
	KEXPECT_EQ(cap.total, 0u);
	KEXPECT_ERR(unregister_console(&con), ENODEV);
}

/* console=ktestcon3,opts (here through add_preferred_console): matched by
 * name, the index and options come from it, and it is the preferred one */
KTEST(printk, console_selected_by_name)
{
	loglevel_scope lv;
	console con = make_test_console(0, -1);
	KASSERT_OK(add_preferred_console("ktestcon", 3, "9600n8"));
	register_console(&con);
	KASSERT_TRUE(con.flags & CON_ENABLED);
	KEXPECT_EQ(con.index, 3);
	KEXPECT_EQ(cap.setups, 1);
	KEXPECT_STREQ(cap.options, "9600n8");
	KEXPECT_TRUE(con.flags & CON_CONSDEV);
	pr_info("ktest console: selected\n");
	KEXPECT_OK(unregister_console(&con));
	KEXPECT_FALSE(con.flags & CON_CONSDEV);
	KEXPECT_TRUE(captured("] ktest console: selected\n"));
	KEXPECT_TRUE(captured("printk: console [ktestcon3] enabled\n"));
}

/* by the time tests run, kernel_init has drawn ptr_key: %p is a hash */
KTEST(printk, pointer_hashed_after_boot)
{
	if (lib::no_hash_pointers)
		KTEST_SKIP("booted with no_hash_pointers");
	char hashed[32], raw[32];
	void* p = &cap;
	lib::snprintf(hashed, sizeof(hashed), "%p", p);
	lib::snprintf(raw, sizeof(raw), "%px", p);
	KEXPECT_EQ(lib::strlen(hashed), 16u);
	KEXPECT_EQ(lib::memcmp(hashed, "00000000", 8), 0);
	KEXPECT_NE(lib::strcmp(hashed, "(____ptrval____)"), 0);
	KEXPECT_NE(lib::strcmp(hashed, raw), 0);
	KEXPECT_EQ(lib::memcmp(raw, "ffffffff", 8), 0); /* a kernel-image address */
}
