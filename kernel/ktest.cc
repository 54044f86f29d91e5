/*
 * In-kernel test runner, KTAP output (Linux: lib/kunit/test.c, executor.c).
 *
 * Output, as KUnit prints it:
 *   KTAP version 1
 *   1..<suites>
 *       KTAP version 1
 *       # Subtest: <suite>
 *       1..<cases>
 *       ok 1 <case>
 *       # <case>: EXPECTATION FAILED at <file>:<line>     (before a not ok)
 *       not ok 2 <case>
 *   # <suite>: pass:1 fail:1 skip:0 total:2
 *   not ok 1 <suite>
 *   # Totals: pass:1 fail:1 skip:0 total:2
 * The harness (tools/qemu/harness.py) parses exactly this.
 */
#include <kernel/exit.h>
#include <kernel/ktest.h>
#include <kernel/params.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/sched/signal.h>
#include <kernel/sched/task.h>
#include <kernel/smp.h>
#include <kernel/stop_machine.h>
#include <kernel/time.h>
#include <mm/page_alloc.h>
#include <mm/vmalloc.h>
#include <lib/glob.h>
#include <lib/format.h>
#include <lib/string.h>

extern const ktest_case __ktest_start[], __ktest_end[];

void ktest::fail(const char* file, int line, const char* fmt, ...)
{
	failed_ = true;
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	lib::vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	printk(KERN_INFO "    # %s: EXPECTATION FAILED at %s:%d\n", name_, file, line);
	/* indent every line of the message as a KTAP diagnostic */
	for (char *p = msg, *nl; *p; p = nl + 1) {
		nl = lib::strchr(p, '\n');
		if (nl)
			*nl = '\0';
		printk(KERN_INFO "    # %s\n", p);
		if (!nl)
			break;
	}
}

namespace
{
bool has_wildcard(const char* s)
{
	return lib::strchr(s, '*') || lib::strchr(s, '?') || lib::strchr(s, '[');
}

bool selected(const ktest_case& c, const char* glob)
{
	char full[128];
	lib::snprintf(full, sizeof(full), "%s.%s", c.suite, c.name);
	if (c.flags & KTEST_EXPLICIT)
		return !has_wildcard(glob) && lib::strcmp(glob, full) == 0;
	if (lib::strchr(glob, '.'))
		return lib::glob_match(glob, full);
	return lib::glob_match(glob, c.suite);
}

constexpr size_t MAX_CASES = 4096;
const ktest_case* order[MAX_CASES];
size_t nr_cases;

bool before(const ktest_case* a, const ktest_case* b)
{
	int c = lib::strcmp(a->suite, b->suite);
	return c < 0 || (c == 0 && a->line < b->line);
}

/* the linker keeps no useful order: sort by suite, then source line */
void sort_cases()
{
	nr_cases = 0;
	for (const ktest_case* c = __ktest_start; c < __ktest_end && nr_cases < MAX_CASES; c++) {
		size_t j = nr_cases++;
		while (j > 0 && before(c, order[j - 1])) {
			order[j] = order[j - 1];
			j--;
		}
		order[j] = c;
	}
	if (__ktest_end - __ktest_start > long(MAX_CASES))
		pr_warn("ktest: more than %zu cases; running the first %zu\n", MAX_CASES, MAX_CASES);
}

/* [b, return) is one suite in order[] */
size_t suite_end(size_t b)
{
	size_t e = b;
	while (e < nr_cases && lib::strcmp(order[e]->suite, order[b]->suite) == 0)
		e++;
	return e;
}

int count_selected(size_t b, size_t e, const char* glob)
{
	int n = 0;
	for (size_t i = b; i < e; i++)
		n += selected(*order[i], glob);
	return n;
}
} // namespace

int ktest_run(const char* glob)
{
	sort_cases();
	int nsuites = 0;
	for (size_t s = 0; s < nr_cases; s = suite_end(s))
		nsuites += count_selected(s, suite_end(s), glob) > 0;
	printk(KERN_INFO "KTAP version 1\n");
	printk(KERN_INFO "1..%d\n", nsuites);
	int suite_no = 0, total_pass = 0, total_fail = 0, total_skip = 0;
	for (size_t s = 0; s < nr_cases; s = suite_end(s)) {
		size_t e = suite_end(s);
		int n = count_selected(s, e, glob);
		if (!n)
			continue;
		const char* suite = order[s]->suite;
		printk(KERN_INFO "    KTAP version 1\n");
		printk(KERN_INFO "    # Subtest: %s\n", suite);
		printk(KERN_INFO "    1..%d\n", n);
		int case_no = 0, pass = 0, fail = 0, skip = 0;
		for (size_t i = s; i < e; i++) {
			const ktest_case* c = order[i];
			if (!selected(*c, glob))
				continue;
			ktest t(c->name);
			c->run(t);
			/* the next case starts from a quiet system: the threads
			 * this one stopped are gone, their pages back */
			if (!ktest_quiesce())
				t.fail(__FILE__, __LINE__, "a thread of this case was still exiting 2 s after it ended");
			if (t.skipped() && !t.failed()) {
				/* KTAP's directive: a skip is not a pass */
				printk(KERN_INFO "    ok %d %s # SKIP %s\n", ++case_no, c->name, t.skip_reason());
				skip++;
				continue;
			}
			printk(KERN_INFO "    %s %d %s\n", t.failed() ? "not ok" : "ok", ++case_no, c->name);
			(t.failed() ? fail : pass)++;
		}
		printk(KERN_INFO "# %s: pass:%d fail:%d skip:%d total:%d\n", suite, pass, fail, skip, n);
		printk(KERN_INFO "%s %d %s\n", fail ? "not ok" : "ok", ++suite_no, suite);
		total_pass += pass;
		total_fail += fail;
		total_skip += skip;
	}
	printk(KERN_INFO "# Totals: pass:%d fail:%d skip:%d total:%d\n", total_pass, total_fail, total_skip,
	       total_pass + total_fail + total_skip);
	return total_fail;
}

int ktest_log_count(const char* needle)
{
	struct ctx {
		const char* needle;
		size_t len;
		int count;
	} c{needle, lib::strlen(needle), 0};
	kmsg::for_each_record(
		[](const kmsg::record& r, void* arg) {
			ctx* c = static_cast<ctx*>(arg);
			for (size_t i = 0; i + c->len <= r.text_len; i++)
				if (lib::memcmp(r.text + i, c->needle, c->len) == 0) {
					c->count++;
					break;
				}
		},
		&c);
	return c.count;
}

bool ktest_log_contains(const char* needle)
{
	return ktest_log_count(needle) > 0;
}

namespace
{
bool an_exiting_task_is_left()
{
	lib::spin_lock_irqsave_guard g(tasklist_lock);
	struct task_struct *p, *t;
	for_each_process_thread(p, t)
		if (t->flags & PF_EXITING)
			return true;
	return false;
}
} // namespace

bool ktest_quiesce()
{
	uint64_t give_up = ktime_get_ns() + 2000ULL * 1000 * 1000;
	bool left;
	while ((left = an_exiting_task_is_left() || nr_dying_tasks.load() > 0) && ktime_get_ns() < give_up)
		msleep(1);
	/* a task is unlinked before its last reference goes: the CPU that
	 * switched away from it frees it just after, with preemption off.
	 * Each CPU's stopper runs only once that is over (a scheduler grace
	 * period, as Linux's synchronize_rcu before task_structs are freed) */
	unsigned cpu;
	bool passed = true;
	for_each_online_cpu(cpu)
	{
		passed &= stop_one_cpu(cpu, [](void*) { return 0; }, nullptr).is_ok();
	}
	drain_cached_stacks();  /* the stacks fork keeps for reuse */
	drain_vfree_deferred(); /* what vfree deferred (interrupts were off) */
	drain_all_pages();
	return !left && passed;
}
