/*
 * Boot-time memory set-up (Linux: mm/mm_init.c free_area_init,
 * memblock_free_all, mem_init).
 */
#pragma once

/* nodes, zones, struct pages, hand-over from memblock to the buddy
 * allocator, watermarks, zonelists; prints the zone report */
void mm_core_init();

/* print /proc/buddyinfo, the free part of /proc/zoneinfo and the
 * MemTotal/MemFree lines of /proc/meminfo to the log */
void show_free_areas_report();
