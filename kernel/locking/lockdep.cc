/*
 * Lock-order validator (Linux: kernel/locking/lockdep.c), reduced to the
 * two checks Linux reports most: recursive locking and a circular
 * dependency between two locks.  See include/kernel/lockdep.h.
 *
 * Data structures: deps[], a fixed table of direct dependencies
 * (from -> to, with the call sites that created it), searched linearly;
 * current->held_locks[0..lockdep_depth).
 *
 * Invariants: a dependency is only added by a task that holds `from`
 * while it acquires `to` (not by trylock); held_locks is touched only by
 * its own task.  When the table is full, new dependencies are dropped
 * (printed once).
 *
 * Lock order: lockdep_lock is innermost, taken with interrupts off; the
 * report is printed after dropping it.
 */
#include <kernel/lockdep.h>
#include <kernel/panic.h>
#include <kernel/params.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <lib/spinlock.h>

bool debug_locks;

namespace {
struct lock_dep {
	const void* from;
	const void* to;
	unsigned long from_ip;
	unsigned long to_ip;
};

constexpr int MAX_DEPS = 1024;
lib::spinlock lockdep_lock;
struct lock_dep deps[MAX_DEPS];
int nr_deps;
bool deps_full_warned;
bool deps_full_printed;

lib::Result<void> lockdep_setup(std::string_view)
{
	debug_locks = true;
	return lib::ok();
}

/* deps[] index of from->to or -1; lockdep_lock held */
int find_dep(const void* from, const void* to)
{
	for (int i = 0; i < nr_deps; i++)
		if (deps[i].from == from && deps[i].to == to)
			return i;
	return -1;
}

void debug_locks_off()
{
	debug_locks = false;
	pr_warn("turning off the locking correctness validator.\n");
}

void print_lock(const struct held_lock* h)
{
	pr_warn(" (%s)%px, at: %pS\n", h->type, h->instance, reinterpret_cast<void*>(h->acquire_ip));
}

void print_recursive(const struct held_lock* next, const struct held_lock* prev)
{
	struct task_struct* curr = current;
	pr_warn("\n");
	pr_warn("============================================\n");
	pr_warn("WARNING: possible recursive locking detected\n");
	pr_warn("--------------------------------------------\n");
	pr_warn("%s/%d is trying to acquire lock:\n", curr->comm, task_pid_nr(curr));
	print_lock(next);
	pr_warn("\nbut task is already holding lock:\n");
	print_lock(prev);
	pr_warn("\n *** DEADLOCK ***\n\n");
	debug_locks_off();
	dump_stack();
}

void print_circular(const struct held_lock* next, const struct held_lock* prev, const struct lock_dep* d)
{
	struct task_struct* curr = current;
	pr_warn("\n");
	pr_warn("======================================================\n");
	pr_warn("WARNING: possible circular locking dependency detected\n");
	pr_warn("------------------------------------------------------\n");
	pr_warn("%s/%d is trying to acquire lock:\n", curr->comm, task_pid_nr(curr));
	print_lock(next);
	pr_warn("\nbut task is already holding lock:\n");
	print_lock(prev);
	pr_warn("\nwhich lock already depends on the new lock.\n\n");
	pr_warn("the existing dependency chain (in reverse order) is:\n");
	pr_warn("-> #1 (%px){%pS}:\n", d->to, reinterpret_cast<void*>(d->to_ip));
	pr_warn("-> #0 (%px){%pS}:\n", d->from, reinterpret_cast<void*>(d->from_ip));
	pr_warn("\n Possible unsafe locking scenario:\n\n");
	pr_warn("       CPU0                    CPU1\n");
	pr_warn("       ----                    ----\n");
	pr_warn("  lock(%px);\n", d->from);
	pr_warn("                               lock(%px);\n", d->to);
	pr_warn("                               lock(%px);\n", d->from);
	pr_warn("  lock(%px);\n", d->to);
	pr_warn("\n *** DEADLOCK ***\n\n");
	debug_locks_off();
	dump_stack();
}
} // namespace
__setup("lockdep", lockdep_setup);

void lockdep_init_map(const void* lock)
{
	if (!debug_locks)
		return;
	lib::spin_lock_irqsave_guard g(lockdep_lock);
	for (int i = 0; i < nr_deps;) {
		if (deps[i].from == lock || deps[i].to == lock)
			deps[i] = deps[--nr_deps];
		else
			i++;
	}
}

void lock_acquire(const void* lock, const char* type, bool trylock, unsigned long ip)
{
	if (!debug_locks)
		return;
	struct task_struct* curr = current;
	struct held_lock next = {lock, type, ip};
	int depth = curr->lockdep_depth;
	if (!trylock) {
		for (int i = 0; i < depth; i++) {
			if (curr->held_locks[i].instance == lock) {
				print_recursive(&next, &curr->held_locks[i]);
				return;
			}
		}
		struct lock_dep bad = {};
		const struct held_lock* prev = nullptr;
		{
			lib::spin_lock_irqsave_guard g(lockdep_lock);
			for (int i = 0; i < depth && !prev; i++) {
				const struct held_lock* h = &curr->held_locks[i];
				int j = find_dep(lock, h->instance);
				if (j >= 0) {
					bad = deps[j];
					prev = h;
				} else if (find_dep(h->instance, lock) < 0) {
					if (nr_deps < MAX_DEPS)
						deps[nr_deps++] = {h->instance, lock, h->acquire_ip, ip};
					else
						deps_full_warned = true;
				}
			}
		}
		if (prev) {
			print_circular(&next, prev, &bad);
			return;
		}
		if (deps_full_warned && !deps_full_printed) {
			deps_full_printed = true;
			pr_warn("lockdep: dependency table full (%d), new orders are not recorded\n", MAX_DEPS);
		}
	}
	if (depth >= MAX_LOCK_DEPTH) {
		pr_warn("BUG: MAX_LOCK_DEPTH too low!\n");
		debug_locks_off();
		return;
	}
	curr->held_locks[depth] = next;
	curr->lockdep_depth = depth + 1;
}

void lock_release(const void* lock)
{
	struct task_struct* curr = current;
	int depth = curr->lockdep_depth;
	for (int i = depth - 1; i >= 0; i--) {
		if (curr->held_locks[i].instance != lock)
			continue;
		for (int j = i; j < depth - 1; j++)
			curr->held_locks[j] = curr->held_locks[j + 1];
		curr->lockdep_depth = depth - 1;
		return;
	}
}
