// Host tests for include/lib/list.h.
#include <lib/list.h>

#include <gtest/gtest.h>

#include <cstddef>
#include <vector>

namespace
{

struct task {
	int pid;
	lib::list_head tasks;    // global task list
	lib::list_head run_list; // a second, independent membership
	explicit task(int p) : pid(p) {}
};

using task_list_t = lib::intrusive_list<task, &task::tasks>;
using run_queue_t = lib::intrusive_list<task, &task::run_list>;

// Constant-initialized: usable before any global constructor has run.
constinit task_list_t global_tasks;
constinit lib::list_head global_raw_head;

template <class L> std::vector<int> pids(L& list)
{
	std::vector<int> out;
	for (auto& t : list)
		out.push_back(t.pid);
	return out;
}

template <class L> std::vector<int> pids_reverse(L& list)
{
	std::vector<int> out;
	auto it = list.end();
	while (it != list.begin()) {
		--it;
		out.push_back(it->pid);
	}
	return out;
}

TEST(ListHead, InitAndEmpty)
{
	lib::list_head h;
	EXPECT_EQ(h.next, &h);
	EXPECT_EQ(h.prev, &h);
	EXPECT_TRUE(h.empty());
	EXPECT_FALSE(h.linked());
	EXPECT_TRUE(global_raw_head.empty());
	EXPECT_EQ(global_raw_head.next, &global_raw_head);
}

TEST(ListHead, AddAddTailDel)
{
	lib::list_head h, a, b, c;
	h.add_tail(&a); // h a
	h.add_tail(&b); // h a b
	h.add(&c);      // h c a b
	EXPECT_EQ(h.next, &c);
	EXPECT_EQ(c.next, &a);
	EXPECT_EQ(a.next, &b);
	EXPECT_EQ(b.next, &h);
	EXPECT_EQ(h.prev, &b);
	EXPECT_EQ(b.prev, &a);
	EXPECT_EQ(a.prev, &c);
	EXPECT_EQ(c.prev, &h);
	EXPECT_TRUE(a.linked());
	EXPECT_FALSE(h.singular());

	a.del();
	EXPECT_EQ(reinterpret_cast<uintptr_t>(a.next), lib::LIST_POISON1);
	EXPECT_EQ(reinterpret_cast<uintptr_t>(a.prev), lib::LIST_POISON2);
	EXPECT_EQ(lib::LIST_POISON1, 0xdead000000000100ULL);
	EXPECT_EQ(lib::LIST_POISON2, 0xdead000000000122ULL);
	EXPECT_FALSE(a.linked());
	EXPECT_EQ(c.next, &b);
	EXPECT_EQ(b.prev, &c);

	b.del_init();
	EXPECT_EQ(b.next, &b);
	EXPECT_EQ(b.prev, &b);
	EXPECT_FALSE(b.linked());
	EXPECT_TRUE(h.singular());

	lib::list_del(&c);
	EXPECT_TRUE(lib::list_empty(&h));
}

TEST(ListHead, ZeroedNodeIsNotLinked)
{
	lib::list_head n;
	n.next = n.prev = nullptr;
	EXPECT_FALSE(n.linked());
}

TEST(IntrusiveList, PushPopOrder)
{
	task a(1), b(2), c(3), d(4);
	task_list_t list;
	EXPECT_TRUE(list.empty());
	EXPECT_EQ(list.size(), 0u);
	EXPECT_EQ(list.front(), nullptr);
	EXPECT_EQ(list.back(), nullptr);
	EXPECT_EQ(list.pop_front(), nullptr);

	list.push_back(b);
	list.push_back(c);
	list.push_front(a);
	list.push_back(d);
	EXPECT_EQ(list.size(), 4u);
	EXPECT_EQ(pids(list), (std::vector<int>{1, 2, 3, 4}));
	EXPECT_EQ(pids_reverse(list), (std::vector<int>{4, 3, 2, 1}));
	EXPECT_EQ(list.front(), &a);
	EXPECT_EQ(list.back(), &d);

	EXPECT_EQ(list.pop_front(), &a);
	EXPECT_FALSE(task_list_t::is_linked(a));
	EXPECT_EQ(reinterpret_cast<uintptr_t>(a.tasks.next), lib::LIST_POISON1);
	EXPECT_EQ(list.pop_back(), &d);
	EXPECT_EQ(pids(list), (std::vector<int>{2, 3}));
	EXPECT_EQ(list.pop_front(), &b);
	EXPECT_EQ(list.pop_front(), &c);
	EXPECT_EQ(list.pop_front(), nullptr);
	EXPECT_TRUE(list.empty());

	// Popped (poisoned) nodes can be pushed again.
	list.push_back(a);
	EXPECT_EQ(pids(list), (std::vector<int>{1}));
	task_list_t::remove(a);
}

TEST(IntrusiveList, RemoveMiddleAndPoison)
{
	task a(1), b(2), c(3);
	task_list_t list;
	list.push_back(a);
	list.push_back(b);
	list.push_back(c);
	task_list_t::remove(b);
	EXPECT_EQ(pids(list), (std::vector<int>{1, 3}));
	EXPECT_EQ(reinterpret_cast<uintptr_t>(b.tasks.next), lib::LIST_POISON1);
	EXPECT_EQ(reinterpret_cast<uintptr_t>(b.tasks.prev), lib::LIST_POISON2);
	EXPECT_FALSE(task_list_t::is_linked(b));
	EXPECT_TRUE(task_list_t::is_linked(a));

	task_list_t::remove_init(c);
	EXPECT_EQ(c.tasks.next, &c.tasks);
	EXPECT_EQ(pids(list), (std::vector<int>{1}));
	list.pop_front();
}

TEST(IntrusiveList, OwnerIsContainerOf)
{
	task t(7);
	EXPECT_EQ(task_list_t::owner(&t.tasks), &t);
	EXPECT_EQ(run_queue_t::owner(&t.run_list), &t);
	const task& ct = t;
	EXPECT_EQ(run_queue_t::owner(run_queue_t::node(ct)), &ct);
}

TEST(IntrusiveList, TwoMembershipsAreIndependent)
{
	task a(1), b(2), c(3);
	task_list_t all;
	run_queue_t rq;
	all.push_back(a);
	all.push_back(b);
	all.push_back(c);
	rq.push_back(c);
	rq.push_back(a);
	EXPECT_EQ(pids(all), (std::vector<int>{1, 2, 3}));
	EXPECT_EQ(pids(rq), (std::vector<int>{3, 1}));
	rq.move_to_back(c); // round-robin requeue
	EXPECT_EQ(pids(rq), (std::vector<int>{1, 3}));
	rq.move_to_front(c);
	EXPECT_EQ(pids(rq), (std::vector<int>{3, 1}));
	run_queue_t::remove(a);
	EXPECT_EQ(pids(all), (std::vector<int>{1, 2, 3}));
	while (all.pop_front()) {
	}
	rq.pop_front();
}

TEST(IntrusiveList, SafeIterationAllowsRemovingCurrent)
{
	std::vector<task> tasks;
	tasks.reserve(10);
	for (int i = 0; i < 10; ++i)
		tasks.emplace_back(i);
	task_list_t list;
	for (auto& t : tasks)
		list.push_back(t);

	std::vector<int> seen;
	for (task& t : list.safe()) {
		seen.push_back(t.pid);
		if (t.pid % 2 == 0)
			task_list_t::remove(t); // poisons t's node: must not be followed
	}
	EXPECT_EQ(seen, (std::vector<int>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
	EXPECT_EQ(pids(list), (std::vector<int>{1, 3, 5, 7, 9}));

	// Moving the current element to another list during safe iteration.
	task_list_t other;
	for (task& t : list.safe())
		other.move_to_back(t);
	EXPECT_TRUE(list.empty());
	EXPECT_EQ(pids(other), (std::vector<int>{1, 3, 5, 7, 9}));

	for (task& t : other.safe())
		task_list_t::remove(t);
	EXPECT_TRUE(other.empty());
}

TEST(IntrusiveList, ConstIteration)
{
	task a(1), b(2);
	task_list_t list;
	list.push_back(a);
	list.push_back(b);
	const task_list_t& cl = list;
	int sum = 0;
	for (const task& t : cl)
		sum += t.pid;
	EXPECT_EQ(sum, 3);
	EXPECT_EQ(cl.front()->pid, 1);
	EXPECT_EQ(cl.size(), 2u);
	list.pop_front();
	list.pop_front();
}

TEST(IntrusiveList, GlobalConstinitList)
{
	task a(1);
	EXPECT_TRUE(global_tasks.empty());
	global_tasks.push_back(a);
	EXPECT_EQ(global_tasks.front(), &a);
	EXPECT_EQ(global_tasks.pop_front(), &a);
	EXPECT_TRUE(global_tasks.empty());
}

// ---- container_of and Linux's list macros (the kernel's one idiom) ----

struct sched_entity_like {
	int weight;
	lib::list_head run_list;
};
struct task_like {
	int pid;
	lib::list_head tasks;
	sched_entity_like rt; // a list_head nested in a member, as task_struct.rt.run_list
	explicit task_like(int p) : pid(p), rt{0, {}} {}
};

TEST(ContainerOf, DirectNestedAndConst)
{
	task_like t(5);
	EXPECT_EQ(container_of(&t.tasks, task_like, tasks), &t);
	EXPECT_EQ(container_of(&t.rt.run_list, task_like, rt.run_list), &t);
	EXPECT_EQ(container_of(&t.rt, task_like, rt), &t);
	const task_like& ct = t;
	const task_like* cp = container_of(&ct.tasks, task_like, tasks); // const in, const out
	EXPECT_EQ(cp, &t);
	EXPECT_EQ(lib::member_offset(&task_like::tasks), offsetof(task_like, tasks));
	// intrusive_list's owner() and list_entry are the same computation
	EXPECT_EQ(task_list_t::owner(&global_raw_head), list_entry(&global_raw_head, task, tasks));
}

template <class F> std::vector<int> walk(F f)
{
	std::vector<int> out;
	f(out);
	return out;
}

TEST(ListMacros, EntryFirstLastOrNull)
{
	lib::list_head head;
	EXPECT_EQ(list_first_entry_or_null(&head, task, tasks), nullptr);
	task a(1), b(2), c(3);
	lib::list_add_tail(&a.tasks, &head);
	lib::list_add_tail(&b.tasks, &head);
	lib::list_add_tail(&c.tasks, &head);
	EXPECT_EQ(list_first_entry(&head, task, tasks), &a);
	EXPECT_EQ(list_last_entry(&head, task, tasks), &c);
	EXPECT_EQ(list_first_entry_or_null(&head, task, tasks), &a);
	EXPECT_EQ(list_entry(b.tasks.next, task, tasks), &c);
	EXPECT_EQ(list_next_entry(&a, tasks), &b);
	EXPECT_EQ(list_prev_entry(&c, tasks), &b);
	// past the last entry is the head's bogus entry
	EXPECT_TRUE(list_entry_is_head(list_next_entry(&c, tasks), &head, tasks));
	EXPECT_FALSE(list_entry_is_head(&c, &head, tasks));
	while (!head.empty())
		head.next->del();
}

TEST(ListMacros, ForEachEntryForwardReverseRaw)
{
	lib::list_head head;
	task a(1), b(2), c(3);
	head.add_tail(&a.tasks);
	head.add_tail(&b.tasks);
	head.add(&c.tasks); // c a b
	task* pos;
	EXPECT_EQ(walk([&](auto& out) {
		          list_for_each_entry(pos, &head, tasks)
			          out.push_back(pos->pid);
	          }),
	          (std::vector<int>{3, 1, 2}));
	EXPECT_TRUE(list_entry_is_head(pos, &head, tasks)); // ran to the end
	EXPECT_EQ(walk([&](auto& out) {
		          list_for_each_entry_reverse(pos, &head, tasks)
			          out.push_back(pos->pid);
	          }),
	          (std::vector<int>{2, 1, 3}));
	lib::list_head* n;
	int count = 0;
	list_for_each(n, &head)
		count++;
	EXPECT_EQ(count, 3);
	// a search that breaks leaves pos on the entry found
	list_for_each_entry(pos, &head, tasks)
		if (pos->pid == 1)
			break;
	EXPECT_EQ(pos, &a);
	// an empty list runs no body
	lib::list_head empty;
	list_for_each_entry(pos, &empty, tasks)
		ADD_FAILURE() << "walked an empty list";
	while (!head.empty())
		head.next->del();
}

TEST(ListMacros, ForEachEntryNestedMemberAndConst)
{
	lib::list_head queue;
	task_like a(1), b(2);
	queue.add_tail(&a.rt.run_list);
	queue.add_tail(&b.rt.run_list);
	task_like* pos;
	std::vector<int> seen;
	list_for_each_entry(pos, &queue, rt.run_list)
		seen.push_back(pos->pid);
	EXPECT_EQ(seen, (std::vector<int>{1, 2}));
	EXPECT_EQ(list_first_entry(&queue, task_like, rt.run_list), &a);
	const lib::list_head& cq = queue;
	const task_like* cpos;
	int sum = 0;
	list_for_each_entry(cpos, &cq, rt.run_list)
		sum += cpos->pid;
	EXPECT_EQ(sum, 3);
	queue.next->del();
	queue.next->del();
}

TEST(ListMacros, SafeWalkMayRemoveOrMoveCurrent)
{
	std::vector<task> tasks;
	tasks.reserve(6);
	for (int i = 0; i < 6; ++i)
		tasks.emplace_back(i);
	lib::list_head head, other;
	for (auto& t : tasks)
		head.add_tail(&t.tasks);
	task *pos, *n;
	std::vector<int> seen;
	list_for_each_entry_safe(pos, n, &head, tasks) {
		seen.push_back(pos->pid);
		if (pos->pid % 3 == 0)
			pos->tasks.del(); // poisoned: the walk must not follow it
		else if (pos->pid % 3 == 1)
			pos->tasks.move_before(&other);
	}
	EXPECT_EQ(seen, (std::vector<int>{0, 1, 2, 3, 4, 5}));
	seen.clear();
	list_for_each_entry(pos, &head, tasks)
		seen.push_back(pos->pid);
	EXPECT_EQ(seen, (std::vector<int>{2, 5}));
	seen.clear();
	list_for_each_entry(pos, &other, tasks)
		seen.push_back(pos->pid);
	EXPECT_EQ(seen, (std::vector<int>{1, 4}));
	list_for_each_entry_safe(pos, n, &other, tasks)
		pos->tasks.del();
	list_for_each_entry_safe(pos, n, &head, tasks)
		pos->tasks.del();
	EXPECT_TRUE(head.empty());
	EXPECT_TRUE(other.empty());
}

TEST(ListMacros, SameNodesAsIntrusiveList)
{
	task a(1), b(2), c(3);
	task_list_t list;
	list.push_back(a);
	list.push_back(b);
	list.push_back(c);
	std::vector<int> by_macro, by_range;
	task* pos;
	list_for_each_entry(pos, list.head(), tasks)
		by_macro.push_back(pos->pid);
	for (task& t : list)
		by_range.push_back(t.pid);
	EXPECT_EQ(by_macro, by_range);
	while (list.pop_front()) {
	}
}

using IntrusiveListDeathTest = ::testing::Test;

TEST_F(IntrusiveListDeathTest, DoubleInsertAborts)
{
	EXPECT_DEATH(
	    {
		    task a(1);
		    task_list_t list;
		    list.push_back(a);
		    list.push_back(a);
	    },
	    "");
}

TEST_F(IntrusiveListDeathTest, DoubleDeleteAborts)
{
	EXPECT_DEATH(
	    {
		    task a(1);
		    task_list_t list;
		    list.push_back(a);
		    task_list_t::remove(a);
		    task_list_t::remove(a);
	    },
	    "");
}

TEST_F(IntrusiveListDeathTest, CorruptedNeighbourAborts)
{
	EXPECT_DEATH(
	    {
		    task a(1);
		    task b(2);
		    task_list_t list;
		    list.push_back(a);
		    list.push_back(b);
		    b.tasks.prev = &b.tasks; // corrupt the back link
		    task_list_t::remove(a);
	    },
	    "");
}

} // namespace
