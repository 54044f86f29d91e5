/*
 * /proc/meminfo text (Linux: fs/proc/meminfo.c).
 */
#pragma once
#include <cstddef>

/* MemTotal, MemFree, KReclaimable, Slab, SReclaimable, SUnreclaim,
 * VmallocTotal, VmallocUsed, VmallocChunk: the lines monolith can fill */
size_t render_meminfo(char* buf, size_t size);
/* the same, into the kernel log */
void show_meminfo();
