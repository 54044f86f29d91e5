/*
 * ktests of execve from the kernel (fs/exec.cc kernel_execve, the ELF
 * loader) with a real static program: user/exec_ktest.c, built with
 * musl-gcc and embedded in the kernel image (fs/exec_test_prog.S).
 *
 * A case writes the program to a file on rootfs, starts a user-mode
 * thread that executes it as Linux's kernel_init executes /init, waits for
 * it to exit and checks its exit status (the program checks its argv,
 * envp and AT_EXECFN and exercises brk, mmap and page faults).  Then the
 * leak check: after the programs exit, free pages and the objects of
 * every slab cache are back to their values before (issue 12's "nothing
 * leaks").  The errors kernel_execve gives before the point of no return
 * (ENOENT, ENOEXEC, E2BIG) leave the thread as it was.
 */
#include "../kernel/task_footprint_test.h"
#include <arch/irqflags.h>
#include <arch/mmu_context.h>
#include <fs/binfmts.h>
#include <fs/fs.h>
#include <fs/namei.h>
#include <kernel/completion.h>
#include <kernel/exit.h>
#include <kernel/ktest.h>
#include <kernel/mutex.h>
#include <kernel/sched.h>
#include <kernel/sched/task.h>
#include <kernel/stop_machine.h>
#include <lib/string.h>
#include <mm/mm.h>
#include <mm/page_alloc.h>
#include <mm/slab.h>
#include <mm/vmalloc.h>
#include <uapi/asm-generic/errno.h>
#include <uapi/linux/fcntl.h>
#include <uapi/linux/sched.h>

extern "C" const char exec_ktest_start[], exec_ktest_end[];

namespace
{
constexpr const char* PROG = "/exec_ktest";
constexpr const char* BAD = "/exec_ktest_bad";

lib::Result<void> write_file(const char* path, const void* bytes, size_t len, umode_t mode)
{
	struct file* f = TRY(filp_open(path, O_CREAT | O_WRONLY | O_TRUNC, mode));
	loff_t pos = 0;
	lib::Result<ssize_t> n = kernel_write(f, bytes, len, &pos);
	fput(f);
	TRY(n);
	if (size_t(n.value()) != len)
		return lib::Error{EIO};
	return lib::ok();
}

struct exec_run {
	struct completion go, done;
	struct task_struct* task;
	bool try_errors;
	int err_noent, err_noexec, err_2big, err_exec; /* 0 or the errno */
};

int err_of(lib::Result<void> r)
{
	return r.is_ok() ? 0 : r.error();
}

int exec_thread(void* arg)
{
	auto* r = static_cast<exec_run*>(arg);
	wait_for_completion(&r->go);
	const char* argv[] = {"exec_ktest", "a1", "a2", nullptr};
	const char* envp[] = {"K=V", nullptr};
	if (r->try_errors) {
		r->err_noent = err_of(kernel_execve("/no-such-program", argv, envp));
		r->err_noexec = err_of(kernel_execve(BAD, argv, envp));
		/* one string of MAX_ARG_STRLEN bytes without its NUL */
		char* big = static_cast<char*>(vmalloc(MAX_ARG_STRLEN + 1));
		if (big) {
			lib::memset(big, 'x', MAX_ARG_STRLEN);
			big[MAX_ARG_STRLEN] = 0;
			const char* bargv[] = {"exec_ktest", big, nullptr};
			r->err_2big = err_of(kernel_execve(PROG, bargv, envp));
			vfree(big);
		}
	}
	lib::Result<void> e = kernel_execve(PROG, argv, envp);
	if (e.is_err()) {
		r->err_exec = e.error();
		do_exit(1 << 8);
	}
	return 0; /* -> ret_from_fork -> the new program */
}

/* run the program in a new user-mode thread: its exit status (wait's) */
int run_exec(exec_run& r, char* comm_after = nullptr)
{
	init_completion(&r.go);
	init_completion(&r.done);
	lib::Result<pid_t> pid = user_mode_thread(exec_thread, &r, CLONE_FS);
	if (pid.is_err())
		return -1;
	r.task = find_get_task_by_vpid(pid.value()); /* it waits for r.go: still there */
	r.task->vfork_done = &r.done;
	complete(&r.go);
	/* vfork_done fires when the task lets go of its first mm: at exec
	 * (exec_mm_release), or at exit if exec failed; then wait for the
	 * exit itself (exit_code is set before exit_state) */
	wait_for_completion(&r.done);
	while (!__atomic_load_n(&r.task->exit_state, __ATOMIC_ACQUIRE))
		schedule_timeout_uninterruptible(1);
	int code = r.task->exit_code;
	if (comm_after)
		__get_task_comm(comm_after, TASK_COMM_LEN, r.task);
	put_task_struct(r.task);
	return code;
}

/* A CPU that ran a program keeps its mm after it exits, borrowed by the
 * kernel threads that run next (lazy TLB) until a user task runs there.
 * That is no leak, but the mm_struct and its pgd would be counted by the
 * next test's footprint: each CPU's stopper gives its borrowed mm back and
 * borrows init_mm instead. */
void drop_lazy_mms()
{
	unsigned cpu;
	for_each_online_cpu(cpu)
	{
		(void)stop_one_cpu(cpu, [](void*) {
			unsigned long flags = arch_local_irq_save();
			struct mm_struct* old = current->active_mm;
			bool lazy = !current->mm && old && old != &init_mm;
			if (lazy) {
				switch_mm_irqs_off(old, &init_mm, current);
				mmgrab(&init_mm);
				current->active_mm = &init_mm;
			}
			arch_local_irq_restore(flags);
			if (lazy)
				mmdrop(old);
			return 0;
		}, nullptr);
	}
}

/* the active objects of every slab cache, after emptying the CPU slabs;
 * *slab_pages gets the pages the caches hold */
unsigned long all_slab_objects(unsigned long* slab_pages)
{
	constexpr int MAX = 256;
	struct kmem_cache* caches[MAX];
	int n = 0;
	{
		mutex_lock(&slub::slab_mutex);
		struct kmem_cache* s;
		list_for_each_entry(s, &slub::slab_caches, list)
			if (n < MAX)
				caches[n++] = s;
		mutex_unlock(&slub::slab_mutex);
	}
	unsigned long total = 0;
	*slab_pages = 0;
	for (int i = 0; i < n; i++) {
		kmem_cache_shrink(caches[i]);
		total += task_footprint::active_objs(caches[i]);
		for (struct kmem_cache_node* node : caches[i]->node)
			if (node)
				*slab_pages += (unsigned long)node->nr_slabs.load() << caches[i]->oo_order;
	}
	return total;
}

struct footprint {
	struct task_footprint tasks;
	unsigned long slab_objects;
	static footprint now()
	{
		/* in this order: give back the lazily held mms, shrink the slab
		 * caches (their empty slabs go to the per-CPU page lists), then
		 * quiesce (which drains those lists into the buddy allocator),
		 * then count: counting before the drain misses those pages and
		 * the next count finds them */
		ktest_quiesce();
		drop_lazy_mms();
		footprint f;
		unsigned long slab_pages;
		f.slab_objects = all_slab_objects(&slab_pages);
		ktest_quiesce();
		f.tasks = task_footprint::now();
		/* free pages plus the pages the slab caches hold: with the same
		 * objects in the caches, a slab page may still have moved between
		 * a cache and the free lists (how the objects pack into slabs
		 * depends on the order of frees), which is not a leak */
		f.tasks.free_pages = nr_free_pages() + slab_pages;
		return f;
	}
};
} // namespace

/* the program runs: argv, envp, AT_EXECFN, brk, mmap (its exit status), comm */
KTEST(exec, kernel_execve_runs_a_static_program)
{
	KASSERT_OK(write_file(PROG, exec_ktest_start, size_t(exec_ktest_end - exec_ktest_start), 0755));
	exec_run r = {};
	char comm[TASK_COMM_LEN] = "";
	KEXPECT_EQ(run_exec(r, comm), 42 << 8);
	KEXPECT_EQ(r.err_exec, 0);
	KEXPECT_STREQ(comm, "exec_ktest"); /* the file name's last component */
	KEXPECT_OK(do_unlinkat(AT_FDCWD, PROG));
	ktest_quiesce();
	drop_lazy_mms();
}

/* errors before the point of no return come back to the caller, which
 * goes on and executes the program */
KTEST(exec, errors_return_to_the_caller)
{
	KASSERT_OK(write_file(PROG, exec_ktest_start, size_t(exec_ktest_end - exec_ktest_start), 0755));
	KASSERT_OK(write_file(BAD, "not an executable\n", 18, 0755));
	exec_run r = {};
	r.try_errors = true;
	KEXPECT_EQ(run_exec(r), 42 << 8);
	KEXPECT_EQ(r.err_noent, ENOENT);
	KEXPECT_EQ(r.err_noexec, ENOEXEC);
	KEXPECT_EQ(r.err_2big, E2BIG);
	KEXPECT_OK(do_unlinkat(AT_FDCWD, PROG));
	KEXPECT_OK(do_unlinkat(AT_FDCWD, BAD));
	ktest_quiesce();
	drop_lazy_mms();
}

/* after the programs exit, free pages and every cache's objects are back */
KTEST(exec, nothing_leaks)
{
	KASSERT_OK(write_file(PROG, exec_ktest_start, size_t(exec_ktest_end - exec_ktest_start), 0755));
	KASSERT_OK(write_file(BAD, "not an executable\n", 18, 0755));
	exec_run warm = {};
	warm.try_errors = true;
	KEXPECT_EQ(run_exec(warm), 42 << 8); /* first-use allocations */
	footprint before = footprint::now();
	for (int i = 0; i < 3; i++) {
		exec_run r = {};
		r.try_errors = i == 1;
		KEXPECT_EQ(run_exec(r), 42 << 8);
	}
	footprint after = footprint::now();
	expect_same_footprint(__ktest, before.tasks, after.tasks);
	KEXPECT_EQ(after.slab_objects, before.slab_objects);
	KEXPECT_OK(do_unlinkat(AT_FDCWD, PROG));
	KEXPECT_OK(do_unlinkat(AT_FDCWD, BAD));
	ktest_quiesce();
	drop_lazy_mms();
}
