/*
 * Completions (Linux: include/linux/completion.h, kernel/sched/completion.c).
 *
 * Data structures: struct completion, a count of "done" events and a
 * wait queue.  complete() adds one and wakes one waiter; complete_all()
 * sets done to UINT_MAX (every present and future waiter passes) and
 * wakes them all; a waiter that passes consumes one event (unless
 * complete_all'd).
 *
 * Invariants: done is changed under wait.lock.
 * Lock order: wait.lock (irqsave) -> rq->lock.
 */
#pragma once
#include <kernel/wait.h>

struct completion {
	unsigned int done;
	struct wait_queue_head wait;
};

static inline void init_completion(struct completion* x)
{
	x->done = 0;
	init_waitqueue_head(&x->wait);
}
static inline void reinit_completion(struct completion* x)
{
	x->done = 0;
}
#define DECLARE_COMPLETION(work) struct completion work

void wait_for_completion(struct completion* x);
/* 0 on timeout, else the jiffies left (at least 1) */
unsigned long wait_for_completion_timeout(struct completion* x, unsigned long timeout);
/* no signals yet: always succeeds (then: ERESTARTSYS) */
lib::Result<void> wait_for_completion_interruptible(struct completion* x);
/* ERESTARTSYS only for a fatal signal (TASK_KILLABLE) */
lib::Result<void> wait_for_completion_killable(struct completion* x);
bool try_wait_for_completion(struct completion* x);
bool completion_done(struct completion* x);
void complete(struct completion* x);
void complete_all(struct completion* x);
