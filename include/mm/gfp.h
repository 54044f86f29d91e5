/*
 * Get-free-page flags (Linux: include/linux/gfp_types.h, 6.1 values).
 *
 * The zone modifiers pick the highest zone an allocation may use:
 * __GFP_DMA -> ZONE_DMA only, __GFP_DMA32 -> DMA32 and below, none ->
 * Normal and below.  GFP_ATOMIC never sleeps and may dip below the min
 * watermark; GFP_KERNEL may sleep (no reclaim yet: it fails instead).
 */
#pragma once

using gfp_t = unsigned int;

#define ___GFP_DMA 0x01u
#define ___GFP_HIGHMEM 0x02u
#define ___GFP_DMA32 0x04u
#define ___GFP_MOVABLE 0x08u
#define ___GFP_RECLAIMABLE 0x10u
#define ___GFP_HIGH 0x20u
#define ___GFP_IO 0x40u
#define ___GFP_FS 0x80u
#define ___GFP_ZERO 0x100u
#define ___GFP_ATOMIC 0x200u
#define ___GFP_DIRECT_RECLAIM 0x400u
#define ___GFP_KSWAPD_RECLAIM 0x800u
#define ___GFP_WRITE 0x1000u
#define ___GFP_NOWARN 0x2000u
#define ___GFP_RETRY_MAYFAIL 0x4000u
#define ___GFP_NOFAIL 0x8000u
#define ___GFP_NORETRY 0x10000u
#define ___GFP_MEMALLOC 0x20000u
#define ___GFP_COMP 0x40000u
#define ___GFP_NOMEMALLOC 0x80000u
#define ___GFP_HARDWALL 0x100000u
#define ___GFP_THISNODE 0x200000u
#define ___GFP_ACCOUNT 0x400000u

#define __GFP_DMA ___GFP_DMA
#define __GFP_HIGHMEM ___GFP_HIGHMEM
#define __GFP_DMA32 ___GFP_DMA32
#define __GFP_MOVABLE ___GFP_MOVABLE
#define GFP_ZONEMASK (__GFP_DMA | __GFP_HIGHMEM | __GFP_DMA32 | __GFP_MOVABLE)
#define __GFP_RECLAIMABLE ___GFP_RECLAIMABLE
#define __GFP_HIGH ___GFP_HIGH
#define __GFP_IO ___GFP_IO
#define __GFP_FS ___GFP_FS
#define __GFP_ZERO ___GFP_ZERO
#define __GFP_ATOMIC ___GFP_ATOMIC
#define __GFP_DIRECT_RECLAIM ___GFP_DIRECT_RECLAIM
#define __GFP_KSWAPD_RECLAIM ___GFP_KSWAPD_RECLAIM
#define __GFP_RECLAIM (__GFP_DIRECT_RECLAIM | __GFP_KSWAPD_RECLAIM)
#define __GFP_NOWARN ___GFP_NOWARN
#define __GFP_RETRY_MAYFAIL ___GFP_RETRY_MAYFAIL
#define __GFP_NOFAIL ___GFP_NOFAIL
#define __GFP_NORETRY ___GFP_NORETRY
#define __GFP_COMP ___GFP_COMP
#define __GFP_THISNODE ___GFP_THISNODE
#define __GFP_HARDWALL ___GFP_HARDWALL
#define __GFP_ACCOUNT ___GFP_ACCOUNT

#define GFP_ATOMIC (__GFP_HIGH | __GFP_ATOMIC | __GFP_KSWAPD_RECLAIM)
#define GFP_KERNEL (__GFP_RECLAIM | __GFP_IO | __GFP_FS)
#define GFP_NOWAIT (__GFP_KSWAPD_RECLAIM)
#define GFP_NOIO (__GFP_RECLAIM)
#define GFP_NOFS (__GFP_RECLAIM | __GFP_IO)
#define GFP_USER (__GFP_RECLAIM | __GFP_IO | __GFP_FS | __GFP_HARDWALL)
#define GFP_DMA __GFP_DMA
#define GFP_DMA32 __GFP_DMA32

static inline bool gfpflags_allow_blocking(gfp_t gfp) { return gfp & __GFP_DIRECT_RECLAIM; }

#include <kernel/kernel.h>
/* an allocation that may block must not come from atomic context: the
 * page allocator and SLUB call this on entry (Linux: might_alloc in
 * include/linux/sched/mm.h) */
#define might_alloc(gfp) might_sleep_if(gfpflags_allow_blocking(gfp))
