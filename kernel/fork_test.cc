/*
 * ktests for tasks (suite "task"): init_task and `current`, the task
 * list, dup_task_struct/copy_process/release_task with their kernel
 * stacks and guard pages, pid allocation through the kernel API,
 * show_state and the countem summary; copy_process failing at each of
 * its allocations gives back everything; and a deliberate kernel stack
 * overflow (explicit only) for the e2e test to catch.
 */
#include <arch/current.h>
#include <arch/desc.h>
#include <arch/pgtable.h>
#include <arch/stacktrace.h>
#include <kernel/ktest.h>
#include <kernel/panic.h>
#include <kernel/pid.h>
#include <uapi/asm-generic/errno-base.h>
#include <kernel/sched.h>
#include <kernel/cred.h>
#include <kernel/sched/debug.h>
#include <kernel/sched/signal.h>
#include <kernel/sched/stat.h>
#include <kernel/sched/task.h>
#include <kernel/sched/task_stack.h>
#include <uapi/linux/sched.h>
#include <lib/ref.h>
#include "task_footprint_test.h"
#include <lib/string.h>
#include <mm/mmzone.h>
#include <mm/page_alloc.h>
#include <mm/slab.h>
#include <mm/vmalloc.h>
#include <uapi/asm-generic/errno-base.h>


namespace
{
bool mapped(uintptr_t addr)
{
	unsigned level;
	uint64_t* e = lookup_address(addr, &level);
	return e && (*e & _PAGE_PRESENT);
}

bool on_task_list(struct task_struct* t)
{
	lib::spin_lock_irqsave_guard g(tasklist_lock);
	struct task_struct* p;
	for_each_process(p)
		if (p == t)
			return true;
	return false;
}

bool on_children(struct task_struct* parent, struct task_struct* child)
{
	lib::spin_lock_irqsave_guard g(tasklist_lock);
	struct task_struct* p;
	list_for_each_entry(p, &parent->children, sibling)
		if (p == child)
			return true;
	return false;
}
} // namespace

/* the tests run in kernel_init (pid 1), which rest_init forked from
 * init_task: it keeps the comm "swapper/0" until it would exec init */
KTEST(task, init_task_is_current_at_boot)
{
	KEXPECT_TRUE(get_current() != &init_task);
	KEXPECT_TRUE(current->real_parent == &init_task);
	KEXPECT_EQ(task_pid_nr(current), 1);
	KEXPECT_EQ(task_tgid_nr(current), 1);
	KEXPECT_STREQ(current->comm, "swapper/0");
	KEXPECT_STREQ(current_comm(), "swapper/0");
	KEXPECT_EQ(current->flags & (PF_IDLE | PF_KTHREAD), unsigned(PF_KTHREAD));
	KEXPECT_EQ(init_task.flags & (PF_IDLE | PF_KTHREAD), unsigned(PF_IDLE | PF_KTHREAD));
	KEXPECT_EQ(task_pid_nr(&init_task), 0);
	KEXPECT_STREQ(init_task.comm, "swapper/0");
	KEXPECT_TRUE(current->mm == nullptr);
	KEXPECT_TRUE(task_is_running(current));
	KEXPECT_EQ(task_state_to_char(current), 'R');
	KEXPECT_TRUE(thread_group_leader(&init_task));
	KEXPECT_EQ(get_nr_threads(&init_task), 1);
	KEXPECT_TRUE(init_task.stack == static_cast<void*>(init_stack));
	KEXPECT_FALSE(task_stack_end_corrupted(&init_task));
	/* this very frame is on kernel_init's own stack */
	int local;
	KEXPECT_TRUE(object_is_on_stack(current, &local));
	/* the GS base points at this CPU's pcpu_hot */
	preempt_disable();
	KEXPECT_EQ(rdmsr(MSR_GS_BASE), reinterpret_cast<uint64_t>(&pcpu_hot[smp_processor_id()]));
	preempt_enable();
}

KTEST(task, task_list_is_a_circle_through_init_task)
{
	lib::spin_lock_irqsave_guard g(tasklist_lock);
	/* walking next_task from init_task comes back to it */
	struct task_struct* p = &init_task;
	unsigned steps = 0;
	do {
		p = next_task(p);
		steps++;
	} while (p != &init_task && steps < 100000);
	KEXPECT_TRUE(p == &init_task);
	/* and init_task's thread list holds init_task */
	bool found = false;
	struct task_struct *g2, *t;
	for_each_thread(&init_task, t)
		found |= t == &init_task;
	KEXPECT_TRUE(found);
	unsigned n = 0;
	for_each_process_thread(g2, t) n += t != nullptr;
	KEXPECT_EQ(n, unsigned(nr_threads));
}

KTEST(task, dup_task_struct_gets_own_stack_with_guards)
{
	lib::Result<struct task_struct*> r = dup_task_struct(&init_task, NUMA_NO_NODE);
	KASSERT_OK(r);
	lib::ref<task_struct> p = lib::adopt_ref(r.value()); /* put at the end */
	KEXPECT_TRUE(p.get() != &init_task);
	KEXPECT_STREQ(p->comm, "swapper/0");
	KEXPECT_TRUE(p->stack != init_task.stack);
	KEXPECT_TRUE(is_vmalloc_addr(p->stack));
	uintptr_t s = reinterpret_cast<uintptr_t>(p->stack);
	KEXPECT_EQ(s & (THREAD_SIZE - 1), 0u);
	for (uintptr_t a = s; a < s + THREAD_SIZE; a += PAGE_SIZE)
		KEXPECT_TRUE(mapped(a));
	KEXPECT_FALSE(mapped(s - PAGE_SIZE));   /* the guard page below */
	KEXPECT_FALSE(mapped(s + THREAD_SIZE)); /* vmalloc's trailing guard */
	KEXPECT_FALSE(task_stack_end_corrupted(p.get()));
	KEXPECT_EQ(stack_not_used(p.get()), (unsigned long)THREAD_SIZE);
	KEXPECT_EQ(p->usage.load(), 1L);
	KEXPECT_TRUE(p->tasks.empty() && p->children.empty());
}

KTEST(task, copy_process_links_and_release_unlinks)
{
	int pids_before = pid_nr_allocated();
	int threads_before = nr_threads;
	struct task_struct* me = current; /* kernel_init, pid 1 */
	lib::Result<struct task_struct*> r = copy_process(0UL, NUMA_NO_NODE);
	KASSERT_OK(r);
	struct task_struct* p = r.value();
	KEXPECT_GT(p->pid, 0);
	KEXPECT_EQ(p->tgid, p->pid);
	KEXPECT_TRUE(pid_is_allocated(p->pid));
	KEXPECT_EQ(pid_nr_allocated(), pids_before + 1);
	KEXPECT_TRUE(p->real_parent == me);
	KEXPECT_TRUE(p->parent == me);
	KEXPECT_TRUE(p->group_leader == p);
	KEXPECT_EQ(task_ppid_nr(p), 1);
	KEXPECT_EQ(READ_TASK_STATE(p), unsigned(TASK_NEW));
	KEXPECT_FALSE(p->flags & PF_IDLE);
	KEXPECT_TRUE(p->flags & PF_KTHREAD);
	KEXPECT_TRUE(p->stack != init_task.stack);
	KEXPECT_TRUE(p->cred == &init_cred);
	KEXPECT_EQ(get_nr_threads(p), 1);
	KEXPECT_EQ(nr_threads, threads_before + 1);
	KEXPECT_TRUE(on_task_list(p));
	KEXPECT_TRUE(on_children(me, p));

	set_task_comm(p, "a_name_longer_than_fifteen");
	char buf[TASK_COMM_LEN];
	get_task_comm(buf, p);
	KEXPECT_STREQ(buf, "a_name_longer_t");
	KEXPECT_TRUE(find_task_by_vpid(p->pid) == p);
	{
		long usage = p->usage.load();
		lib::ref<task_struct> q = lib::adopt_ref(find_get_task_by_vpid(p->pid));
		KEXPECT_TRUE(q.get() == p);
		KEXPECT_EQ(p->usage.load(), usage + 1);
	}
	KEXPECT_EQ(p->usage.load(), 1L); /* the ref put it back */

	/* a second thread in p's group: not on the task list, counted in the group */
	struct task_struct* saved = get_current();
	/* copy_process reads current once, at its start; it allocates, so
	 * preemption stays on (a switch would only end the borrow early) */
	set_current_task(p); /* borrow: copy_process copies from current */
	lib::Result<struct task_struct*> rt = copy_process(CLONE_THREAD, NUMA_NO_NODE);
	set_current_task(saved);
	KASSERT_OK(rt);
	struct task_struct* t = rt.value();
	KEXPECT_EQ(t->tgid, p->pid);
	KEXPECT_NE(t->pid, p->pid);
	KEXPECT_TRUE(t->group_leader == p);
	KEXPECT_FALSE(thread_group_leader(t));
	KEXPECT_EQ(get_nr_threads(p), 2);
	KEXPECT_EQ(get_nr_threads(t), 2);
	KEXPECT_FALSE(on_task_list(t));
	unsigned n = 0;
	{
		lib::spin_lock_irqsave_guard g(tasklist_lock);
		struct task_struct *g2, *t2;
		do_each_thread(g2, t2)
		{
			if (t2->tgid == p->pid)
				n++;
		}
		while_each_thread(g2, t2);
	}
	KEXPECT_EQ(n, 2u);

	/* the leader cannot go first; bad input is refused */
	KEXPECT_ERR(release_task(p), EBUSY);
	KEXPECT_ERR(release_task(&init_task), EINVAL);
	KEXPECT_OK(release_task(t));
	KEXPECT_EQ(get_nr_threads(p), 1);
	int pid = p->pid;
	KEXPECT_OK(release_task(p));
	KEXPECT_FALSE(pid_is_allocated(pid));
	KEXPECT_EQ(pid_nr_allocated(), pids_before);
	KEXPECT_EQ(nr_threads, threads_before);
	KEXPECT_TRUE(find_task_by_vpid(pid) == nullptr);
	KEXPECT_FALSE(on_children(me, p));
}

KTEST(task, stacks_and_tasks_are_freed)
{
	/* many create/release rounds leave vmalloc's page count where it was */
	unsigned long vm_before = vmalloc_nr_pages();
	for (int i = 0; i < 64; i++) {
		lib::Result<struct task_struct*> p = copy_process(0UL, NUMA_NO_NODE);
		KASSERT_OK(p);
		KASSERT_OK(release_task(p.value()));
	}
	KEXPECT_EQ(vmalloc_nr_pages(), vm_before);
}

/*
 * copy_process failing at each of its allocations (the task_struct, its
 * stack, its signal_struct; fail_nth_alloc) returns ENOMEM and gives back
 * everything the steps before took: the slab objects, the stack's pages,
 * and no pid or signal_struct reference is left behind.
 */
KTEST(task, copy_process_failures_undo_every_step)
{
	for (unsigned long clone_flags : {0UL, (unsigned long)CLONE_THREAD}) {
		/* CLONE_THREAD takes no new signal_struct: two allocations */
		int steps = (clone_flags & CLONE_THREAD) ? 2 : 3;
		for (int nth = 1; nth <= steps; nth++) {
			struct task_footprint before = task_footprint::now();

			fail_nth_alloc = nth;
			lib::Result<struct task_struct*> r = copy_process(clone_flags, NUMA_NO_NODE);
			KEXPECT_EQ(fail_nth_alloc, 0); /* the nth allocation was reached */
			fail_nth_alloc = 0;
			KEXPECT_ERR(r, ENOMEM);
			if (r.is_ok()) {
				KEXPECT_OK(release_task(r.value()));
				continue;
			}

			expect_same_footprint(__ktest, before, task_footprint::now());
		}
	}
}

KTEST(task, pid_allocation_through_kernel_api)
{
	KEXPECT_EQ(pid_max, PID_MAX_DEFAULT);
	lib::Result<int> ra = alloc_pid(), rb = alloc_pid();
	KASSERT_OK(ra);
	KASSERT_OK(rb);
	int a = ra.value(), b = rb.value();
	KASSERT_GT(a, 0);
	KASSERT_GT(b, 0);
	KEXPECT_NE(a, b);
	KEXPECT_GT(b, a); /* lowest free above the last one */
	KEXPECT_TRUE(pid_is_allocated(a));
	free_pid(a);
	KEXPECT_FALSE(pid_is_allocated(a));
	int c = alloc_pid().value_or(-1);
	KEXPECT_GT(c, b); /* a freed pid is not reused at once */
	free_pid(b);
	free_pid(c);
}

KTEST(task, show_state_and_countem_reach_the_log)
{
	lib::Result<struct task_struct*> r = copy_process(0UL, NUMA_NO_NODE);
	KASSERT_OK(r);
	struct task_struct* p = r.value();
	set_task_comm(p, "ktest_shown");
	struct task_count c = count_tasks();
	KEXPECT_GE(c.processes, 1);
	KEXPECT_GE(c.threads, c.processes);
	KEXPECT_GE(c.kernel_threads, 1);
	KEXPECT_EQ(c.idle, int(num_online_cpus())); /* swapper/N, one per CPU */
	KEXPECT_EQ(nr_processes(), c.processes);
	show_state();
	show_task_count();
	KEXPECT_TRUE(ktest_log_contains("sysrq: Show State"));
	/* Linux 6.1's sysrq-t layout: comm in 15 columns, no brackets, no tgid */
	KEXPECT_TRUE(ktest_log_contains("task:swapper/0       state:R  running task     stack:"));
	KEXPECT_TRUE(ktest_log_contains("task:ktest_shown     state:R stack:"));
	KEXPECT_TRUE(ktest_log_contains(" ppid:0      flags:0x00000000"));
	KEXPECT_FALSE(ktest_log_contains(" tgid:"));
	KEXPECT_TRUE(ktest_log_contains("Call Trace:"));
	KEXPECT_TRUE(ktest_log_contains(" <TASK>"));
	KEXPECT_TRUE(ktest_log_contains(" </TASK>"));
	KEXPECT_TRUE(ktest_log_contains(" processes, "));
	KEXPECT_OK(release_task(p));
}

static volatile int overflow_depth;

static __attribute__((noinline)) int stack_overflow_recurse(int n)
{
	volatile char frame[128];
	frame[0] = char(n);
	overflow_depth = n;
	if (overflow_depth < 0) /* never: keeps the recursion unbounded but not provably so */
		return 0;
	return stack_overflow_recurse(n + 1) + frame[0];
}

static void overflow_on_this_stack(void*)
{
	stack_overflow_recurse(0);
}

/* Run a recursion on a fresh task's stack until it runs into the guard
 * page below: the double fault must say so (tests/e2e). */
KTEST_EXPLICIT_ONLY(task, stack_overflow)
{
	lib::Result<struct task_struct*> r = copy_process(0UL, NUMA_NO_NODE);
	KASSERT_OK(r);
	struct task_struct* p = r.value();
	set_task_comm(p, "stack_overflow");
	struct task_struct* saved = get_current();
	preempt_disable();   /* no switch while current is borrowed */
	set_current_task(p); /* run as p, on p's stack */
	call_on_stack(overflow_on_this_stack, nullptr, task_stack_top(p));
	set_current_task(saved);
	KEXPECT_TRUE(false); /* not reached */
}

/* A write just below current's stack that does not move RSP: the #PF is
 * delivered, and its handler reports the overflow from the #DF stack. */
KTEST_EXPLICIT_ONLY(task, stack_guard_page_fault)
{
	lib::Result<struct task_struct*> r = copy_process(0UL, NUMA_NO_NODE);
	KASSERT_OK(r);
	struct task_struct* p = r.value();
	set_task_comm(p, "guard_write");
	preempt_disable();
	set_current_task(p);
	*(static_cast<volatile char*>(p->stack) - 64) = 1;
	KEXPECT_TRUE(false); /* not reached */
}
