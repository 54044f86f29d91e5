/*
 * Kernel threads (Linux: include/linux/kthread.h, kernel/kthread.c).
 *
 * kthreadd (pid 2) creates every kernel thread: kthread_create() queues a
 * request on kthread_create_list, wakes kthreadd and waits for the new
 * thread, which starts asleep (TASK_UNINTERRUPTIBLE) until
 * wake_up_process() / kthread_run().  See kernel/kthread.cc.
 *
 * Errors: the kernel's own callers use the lib::Result functions
 * (__kthread_create_on_node, __kthread_create_on_cpu); kthread_create,
 * kthread_run, kthread_create_on_node and kthread_create_on_cpu keep
 * Linux's ERR_PTR signatures, as thin wrappers over them.
 */
#pragma once
#include <cstdarg>
#include <kernel/err.h>
#include <kernel/sched.h>

extern struct task_struct* kthreadd_task;

/* the new thread (asleep), comm from namefmt; ENOMEM, EAGAIN (no pid) */
lib::Result<struct task_struct*> __kthread_create_on_node(int (*threadfn)(void* data), void* data, int node,
                                                          const char namefmt[], va_list args)
    __attribute__((format(printf, 4, 0)));
/* the same, or ERR_PTR(-ENOMEM/-EAGAIN): Linux's signature */
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
 * An int as Linux's: the value is threadfn's own return, not a failure
 * of kthread_stop.  The caller must hold a reference if k may exit by
 * itself. */
int kthread_stop(struct task_struct* k);
bool kthread_should_stop();
/* before the first wake-up: run only on cpu from now on; EINVAL for a
 * CPU that is not online or a thread that has run (Linux returns void) */
lib::Result<void> kthread_bind(struct task_struct* p, unsigned int cpu);
/* kthread_create + kthread_bind, named namefmt with cpu as its argument
 * ("migration/%u"); the thread stays per-CPU: set_cpus_allowed_ptr
 * refuses to move it.  EINVAL for a CPU not online. */
lib::Result<struct task_struct*> __kthread_create_on_cpu(int (*threadfn)(void* data), void* data, unsigned int cpu,
                                                         const char* namefmt);
/* the same, or ERR_PTR(-errno) (Linux: kthread_create_on_cpu) */
struct task_struct* kthread_create_on_cpu(int (*threadfn)(void* data), void* data, unsigned int cpu,
                                          const char* namefmt);
bool kthread_is_per_cpu(struct task_struct* p);
/* end the calling kernel thread with result ret */
[[noreturn]] void kthread_exit(long ret);
int kthreadd(void* unused);
void free_kthread_struct(struct task_struct* k);
