/*
 * TEST-ONLY: a few user pages and a task in ring 3, before there is an
 * mm_struct (arch/x86_64/entry/user_test_helpers.cc).
 *
 * The ktests of the entry, usercopy and FPU code need real user mode.
 * Until the address-space work merges, these helpers put pages with
 * _PAGE_USER straight into the lower half of the page tables every task
 * runs on today (init_top_pgt), and start a user_mode_thread there.  The
 * lead replaces the four functions with mm calls (mm_alloc, vm_mmap or
 * install pages, exec-less start) at the merge; nothing else uses them.
 *
 * Not thread-safe: one ktest at a time (ktests run one after another).
 */
#pragma once
#include <cstddef>
#include <cstdint>
#include <kernel/completion.h>
#include <lib/result.h>

namespace user_test
{
/* a zeroed user page at addr (page aligned, below 2^47), len bytes of
 * bytes copied to its start; writable: RW, exec: executable (else NX);
 * EINVAL for a bad address or one already mapped, ENOMEM */
lib::Result<void> map_page(uintptr_t addr, const void* bytes, size_t len, bool writable, bool exec);
/* the kernel's (direct-map) view of a page map_page mapped, to read what
 * the user code left there; nullptr if none */
void* kernel_view(uintptr_t addr);
/* unmap and free every page map_page mapped, and the page tables it
 * built; flushes the TLBs of every CPU */
void unmap_all();

/* one user task: the caller keeps it (on its stack) from start to wait */
struct user_task {
	struct task_struct* task; /* a reference, dropped by wait() */
	uintptr_t ip, sp;
	struct completion go;   /* the thread waits for it before user mode */
	struct completion done; /* its vfork_done: fired by do_exit */
};

/* a new user-mode thread (named comm) entering ring 3 at ip with rsp = sp
 * and its FPU in the initial state; on CPU cpu only if cpu >= 0 */
lib::Result<void> start(user_task& ut, uintptr_t ip, uintptr_t sp, const char* comm, int cpu = -1);
/* wait until it has exited; its exit code (Linux's wait status: status
 * << 8, or the signal that killed it) */
int wait(user_task& ut);
/* start + wait */
lib::Result<int> run(uintptr_t ip, uintptr_t sp, const char* comm);
} // namespace user_test
