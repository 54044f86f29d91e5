/*
 * The global lock order: every lock in the tree, outermost first (Linux
 * keeps its order in comments at the top of mm/rmap.c and mm/filemap.c
 * and in lockdep's run-time graph; here it is written down once).
 *
 * A lock may be taken while holding any lock above it, never one below.
 * Locks on the same line are never nested in each other.  Per-file
 * headers say "Lock order: see <kernel/lock_order.h>" plus what is
 * particular to them; where they disagree, this table wins and the file is
 * wrong.  lockdep (the "lockdep" boot parameter, kernel/locking/lockdep.cc)
 * checks the order of mutexes, rw_semaphores and lib::spinlock at run
 * time; Clang's thread-safety analysis (`ctest -L lint`) checks at
 * compile time that the data marked GUARDED_BY is touched under its lock.
 *
 *  lock                          type       guards                                   owner
 *  ----------------------------  ---------  ---------------------------------------  -----------------------------
 *  file->f_pos_lock              mutex      a shared file's position (read, write,   fs/read_write.cc, fs/readdir.cc
 *                                           getdents: before the inode's lock)
 *  namespace_sem                 rwsem      changes to the mount tree                fs/namespace.cc
 *  rename_mutex                  mutex      one cross-directory rename at a time     fs/namei.cc
 *  dir inode->i_rwsem            rwsem      a directory's entries (ancestor first,   fs/namei.cc, fs/libfs.cc
 *                                           else by address: lock_rename)
 *  inode->i_rwsem                rwsem      a file's contents, size, link count      fs/inode.cc, mm/filemap.cc
 *  mm->mmap_lock                 rwsem      a process's VMAs and layout fields (a    mm/mmap.cc, mm/memory.cc
 *                                           usercopy under i_rwsem may fault)
 *  mapping->i_mmap_rwsem         rwsem      a file's list of mapping VMAs (i_mmap):  mm/mmap.cc, mm/memory.cc
 *                                           truncation unmaps through it
 *  slab_mutex                    mutex      slab_caches, cache refcounts             mm/slub.cc, mm/slab_common.cc
 *  futex hb->lock (two: lower    spinlock   a futex hash bucket's chain of futex_q   kernel/futex/core.cc
 *  address first)                           (the owner TID lookup takes tasklist_lock)
 *  tasklist_lock                 spinlock   the task list, children/sibling, thread  kernel/fork.cc
 *                                           lists, nr_threads
 *  sighand->siglock              spinlock   handlers, pending sets, blocked masks,   kernel/signal.cc
 *                                           job control of the threads using it
 *  kthread_create_lock           spinlock   kthread_create_list                      kernel/kthread.cc
 *  mount_lock                    spinlock   mount hash, mnt_mounts, mount list        fs/namespace.cc
 *  dcache_lock                   spinlock   dentry hash, d_count, d_subdirs, LRU,    fs/dcache.cc
 *                                           d_inode/d_name/d_parent changes
 *  files->file_lock, fs->lock,   spinlock   an fd table; root/cwd; ramfs/tmpfs       fs/file.cc, fs/fs_struct.cc,
 *  fsi->stat_lock, sb->s_inode_list_lock, file_systems_lock, sb_lock,             fs/ramfs/inode.cc, fs/super.cc,
 *  chrdevs_lock                             counts; sb inode lists; fs types; ...    fs/filesystems.cc, char_dev.cc
 *  fsnotify_lock                 spinlock   every inotify mark (inode and group      fs/notify/inotify/
 *                                           lists); events allocated GFP_ATOMIC      inotify_user.cc
 *  inotify group->lock           spinlock   an inotify file's event queue            fs/notify/inotify/
 *  mapping->i_pages_lock         spinlock   a file's page-cache tree                 mm/filemap.cc
 *  ctx->flc_lock, ctx_alloc_lock spinlock   an inode's file locks; installing them   fs/locks.cc
 *  irq_desc_lock                 spinlock   irq_desc[] handlers and state            arch/x86_64/kernel/irq.cc
 *  stopper->lock                 spinlock   a CPU's stop_machine works               kernel/stop_machine.cc
 *  wq_head->lock, x->wait.lock,  spinlock   a wait queue's entries; a completion's   kernel/sched/wait.cc,
 *  mutex wait_lock, sem->lock               done; a sleeping lock's waiters          completion.cc, locking/mutex.cc
 *  rt_mutex wait_lock            spinlock   an rt_mutex's waiters and owner (the     kernel/locking/rtmutex.cc
 *                                           chain walk trylocks it under pi_lock)
 *  p->pi_lock                    spinlock   p's wake-up state, cpus_mask             kernel/sched/core.cc
 *  rq->lock (lower CPU first)    untracked  the runqueue (see kernel/sched/sched.h)  kernel/sched/core.cc
 *  pidmap_lock                   spinlock   the pid bitmap                           kernel/pid.cc
 *  mm->page_table_lock           spinlock   a process's page-table pages and PTEs    mm/memory.cc
 *  kmem_cache_node::list_lock    spinlock   a node's partial/full slabs              mm/slub.cc
 *  per_cpu_pages::lock           spinlock   a CPU's order-0 page list and count      mm/page_alloc.cc
 *  zone->lock                    spinlock   free_area[] (the buddy free lists)       mm/page_alloc.cc
 *  vmap_area_lock, vm_obj_lock   spinlock   the vmap areas; vmalloc's object pool    mm/vmalloc.cc
 *  kernel_pgtable_lock,          spinlock   kernel page-table pages; fixmap hook-up  arch/x86_64/mm/pgtable.cc,
 *  fixmap_lock                                                                       fixmap.cc
 *  ioapic_lock                   spinlock   I/O APIC redirection entries             arch/x86_64/kernel/io_apic.cc
 *  timer_base.lock               spinlock   a CPU's timer list                       kernel/time/timer.cc
 *  call_single_queue[cpu].lock   spinlock   a CPU's queued cross-CPU calls           kernel/smp.cc
 *  prev_cputime.lock             spinlock   a task's or group's last shown utime/    kernel/sched/cputime.cc
 *                                           stime (a leaf: nothing is taken under it)
 *  crng early_lock               spinlock   the CRNG's first seeding                 drivers/char/random.cc
 *  input_pool.lock,              spinlock   the entropy pool's hash and credit; the  drivers/char/random.cc
 *  base_crng.lock                           CRNG's base key and generation
 *  logbuf_lock                   untracked  the printk ring buffer, the console      kernel/printk/printk.cc
 *                                           list; consoles write under it
 *  lockdep_lock                  untracked  lockdep's dependency table               kernel/locking/lockdep.cc
 *
 * Notes on the order:
 *  - The issue that asked for this table listed "zone and pcp locks,
 *    slab locks"; the tree's order (mm/slab.h) is the reverse, as in
 *    Linux: the page allocator may be entered with a node's list_lock
 *    held, so list_lock -> pcp -> zone.
 *  - The runqueue locks are taken in the middle of the order because
 *    wake-ups happen under wait-queue locks and pi_lock; nothing is taken
 *    under rq->lock except another rq->lock (of a higher CPU) and printk.
 *  - Everything may printk, so logbuf_lock is near the bottom; only
 *    lockdep_lock is below it (lockdep prints after dropping it).
 *  - "untracked" is lib::untracked_spinlock: a spinlock lockdep does not
 *    look at (<lib/spinlock.h> says why for each).
 *  - Interrupts: a lock also taken in interrupt context is taken with
 *    spin_lock_irqsave_guard everywhere (timer_base, call_single_queue,
 *    wait queues, pi_lock, rq->lock, logbuf_lock, zone and pcp locks).
 *
 * What each lock guards is also marked on the data itself with
 * GUARDED_BY/REQUIRES (<lib/thread_safety.h>) where Clang can follow it;
 * the runqueue is grouped xv6-style under its lock instead
 * (kernel/sched/sched.h).  The task list's links (tasks, children,
 * sibling, thread_node, signal->thread_head, nr_threads) are GUARDED_BY
 * tasklist_lock, and its walkers (next_task, next_thread,
 * find_task_by_vpid) REQUIRE it.
 */
#pragma once
#include <lib/thread_safety.h>
