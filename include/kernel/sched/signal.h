/*
 * What a thread group shares, and walking the tasks (Linux:
 * include/linux/sched/signal.h).
 *
 *   struct signal_struct   one per thread group, shared by its threads:
 *                          thread_head lists every thread through
 *                          task_struct.thread_node, nr_threads counts them
 *   for_each_process(p)    every thread-group leader but init_task
 *   for_each_thread(p, t)  every thread of p's group
 *   for_each_process_thread(p, t), do_each_thread/while_each_thread
 *   processes(), threads_of(p): the same as C++ ranges
 *
 * Only the thread-group fields of signal_struct exist so far; signals
 * come with their issue.  Walkers hold tasklist_lock
 * (<kernel/sched/task.h>), since there is no RCU.
 */
#pragma once
#include <atomic>
#include <cstddef>
#include <kernel/sched.h>
#include <lib/list.h>

struct signal_struct {
	std::atomic<int> sigcnt;    /* references: one per thread that points here */
	std::atomic<int> live;      /* threads not yet exiting */
	int nr_threads;             /* threads in the group; under tasklist_lock */
	lib::list_head thread_head; /* every thread, linked through thread_node */
};
extern struct signal_struct init_signals;

static inline int get_nr_threads(const struct task_struct* tsk)
{
	return tsk->signal->nr_threads;
}

static inline struct task_struct* task_of_tasks(lib::list_head* n)
{
	return reinterpret_cast<struct task_struct*>(reinterpret_cast<char*>(n) - offsetof(struct task_struct, tasks));
}
static inline struct task_struct* next_task(struct task_struct* p)
{
	return task_of_tasks(p->tasks.next);
}
static inline struct task_struct* task_of_thread_node(lib::list_head* n)
{
	return reinterpret_cast<struct task_struct*>(reinterpret_cast<char*>(n) -
	                                             offsetof(struct task_struct, thread_node));
}
/* the next thread of p's group, wrapping past the list head */
static inline struct task_struct* next_thread(struct task_struct* p)
{
	lib::list_head* n = p->thread_node.next;
	if (n == &p->signal->thread_head)
		n = n->next;
	return task_of_thread_node(n);
}

/* range over a list of task_structs linked through the member at Offset */
template <size_t Offset> class task_list_range
{
public:
	explicit task_list_range(lib::list_head* head) : head_(head) {}
	class iterator
	{
	public:
		explicit iterator(lib::list_head* n) : n_(n) {}
		struct task_struct& operator*() const
		{
			return *reinterpret_cast<struct task_struct*>(reinterpret_cast<char*>(n_) - Offset);
		}
		iterator& operator++()
		{
			n_ = n_->next;
			return *this;
		}
		bool operator==(const iterator& o) const { return n_ == o.n_; }

	private:
		lib::list_head* n_;
	};
	iterator begin() const { return iterator(head_->next); }
	iterator end() const { return iterator(head_); }

private:
	lib::list_head* head_;
};

/* for (task_struct& p : processes()): every thread-group leader but
 * init_task, as for_each_process.  Hold tasklist_lock. */
static inline task_list_range<offsetof(struct task_struct, tasks)> processes()
{
	return task_list_range<offsetof(struct task_struct, tasks)>(&init_task.tasks);
}
/* for (task_struct& t : threads_of(p)): every thread of p's group */
static inline task_list_range<offsetof(struct task_struct, thread_node)> threads_of(struct task_struct* p)
{
	return task_list_range<offsetof(struct task_struct, thread_node)>(&p->signal->thread_head);
}

/* Linux's macros; p and t are task_struct pointers the caller declares */
#define for_each_process(p) for (p = &init_task; (p = next_task(p)) != &init_task;)
#define for_each_thread(p, t)                                                                                          \
	for (lib::list_head* __n = (p)->signal->thread_head.next;                                                      \
	     __n != &(p)->signal->thread_head && ((t) = task_of_thread_node(__n), true); __n = __n->next)
#define for_each_process_thread(p, t) for_each_process(p) for_each_thread(p, t)
/* do_each_thread(g, t) { ... } while_each_thread(g, t); - every thread */
#define do_each_thread(g, t)                                                                                           \
	for (g = t = &init_task; (g = t = next_task(g)) != &init_task;)                                                \
		do
#define while_each_thread(g, t) while ((t = next_thread(t)) != g)
