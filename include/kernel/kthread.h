/*
 * Kernel threads (Linux: include/linux/kthread.h, kernel/kthread.c).
 *
 * kthreadd (pid 2) creates every kernel thread: kthread_create() queues a
 * request on kthread_create_list, wakes kthreadd and waits for the new
 * thread, which starts asleep (TASK_UNINTERRUPTIBLE) until
 * wake_up_process() / kthread_run().  See kernel/kthread.cc.
 */
#pragma once
#include <kernel/err.h>
#include <kernel/sched.h>

extern struct task_struct* kthreadd_task;

/* the new thread (asleep) or ERR_PTR(-ENOMEM/-EAGAIN); comm from namefmt */
struct task_struct* kthread_create_on_node(int (*threadfn)(void* data), void* data, int node, const char namefmt[], ...)
    __attribute__((format(printf, 4, 5)));
#define kthread_create(threadfn, data, namefmt, ...) kthread_create_on_node(threadfn, data, -1, namefmt, ##__VA_ARGS__)
#define kthread_run(threadfn, data, namefmt, ...)                                                                      \
	({                                                                                                             \
		struct task_struct* __k = kthread_create(threadfn, data, namefmt, ##__VA_ARGS__);                      \
		if (!IS_ERR(__k))                                                                                      \
			wake_up_process(__k);                                                                          \
		__k;                                                                                                   \
	})
/* ask k to stop, wake it, wait for it to exit; its threadfn's result
 * (-EINTR if it never ran threadfn), -EINVAL if k is not a kthread.
 * The caller must hold a reference if k may exit by itself. */
int kthread_stop(struct task_struct* k);
bool kthread_should_stop();
/* before the first wake-up: run only on cpu from now on; -EINVAL for a
 * CPU that is not online or a thread that has run (Linux returns void) */
int kthread_bind(struct task_struct* p, unsigned int cpu);
/* kthread_create + kthread_bind, named namefmt with cpu as its argument
 * ("migration/%u"); the thread stays per-CPU: set_cpus_allowed_ptr
 * refuses to move it (Linux: kthread_create_on_cpu) */
struct task_struct* kthread_create_on_cpu(int (*threadfn)(void* data), void* data, unsigned int cpu,
                                          const char* namefmt);
bool kthread_is_per_cpu(struct task_struct* p);
/* end the calling kernel thread with result ret */
[[noreturn]] void kthread_exit(long ret);
int kthreadd(void* unused);
void free_kthread_struct(struct task_struct* k);
