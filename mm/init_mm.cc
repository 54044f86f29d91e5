/*
 * init_mm: the address space of boot and of every kernel thread's borrowed
 * CPU before any process exists (Linux: mm/init-mm.c).
 *
 * Its PGD is init_top_pgt: the kernel half every other PGD copies
 * (pgd_alloc, <arch/pgtable.h>) and no user mappings, ever.  It is never
 * freed: mm_users and mm_count start above zero and idle tasks hold
 * references (mmgrab) as Linux's.
 *
 * Lock order: as any mm (<mm/mm_types.h>); nothing maps user memory here.
 */
#include <mm/mm_types.h>

struct mm_struct init_mm = {
    .mmap = nullptr,
    .mm_rb = RB_ROOT,
    .get_unmapped_area = nullptr,
    .mmap_base = 0,
    .mmap_legacy_base = 0,
    .task_size = TASK_SIZE_MAX,
    .highest_vm_end = 0,
    .pgd = init_top_pgt,
    .mm_users = 2,
    .mm_count = 1,
};
