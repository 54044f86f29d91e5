/*
 * A task's kernel stack (Linux: include/linux/sched/task_stack.h).
 *
 * THREAD_SIZE bytes from vmalloc (VMAP_STACK: an unmapped page on either
 * side), zeroed when allocated; task->stack is its lowest address, and
 * the lowest word holds STACK_END_MAGIC, which task_stack_end_corrupted()
 * checks.  The stack grows down from task_stack_top().
 */
#pragma once
#include <arch/page.h>
#include <arch/ptrace.h>
#include <cstdint>
#include <kernel/sched.h>
#include <uapi/linux/magic.h>

static inline void* task_stack_page(const struct task_struct* task)
{
	return task->stack;
}
static inline unsigned long* end_of_stack(const struct task_struct* task)
{
	return static_cast<unsigned long*>(task->stack);
}
static inline uintptr_t task_stack_top(const struct task_struct* task)
{
	return reinterpret_cast<uintptr_t>(task->stack) + THREAD_SIZE;
}
/* the user registers, saved at the very top of the stack by every entry
 * from user mode (Linux: task_pt_regs; no padding above them on x86_64) */
static inline struct pt_regs* task_pt_regs(const struct task_struct* task)
{
	return reinterpret_cast<struct pt_regs*>(task_stack_top(task)) - 1;
}
static inline struct pt_regs* current_pt_regs()
{
	return task_pt_regs(get_current());
}
static inline bool task_stack_end_corrupted(const struct task_struct* task)
{
	return *end_of_stack(task) != STACK_END_MAGIC;
}
void set_task_stack_end_magic(struct task_struct* tsk);
/* bytes at the bottom of the stack never written (the stack is zeroed
 * when allocated): Linux's stack_not_used */
unsigned long stack_not_used(const struct task_struct* p);
/* addr lies inside tsk's stack */
static inline bool object_is_on_stack(const struct task_struct* tsk, const void* obj)
{
	uintptr_t a = reinterpret_cast<uintptr_t>(obj), s = reinterpret_cast<uintptr_t>(tsk->stack);
	return a >= s && a < s + THREAD_SIZE;
}
