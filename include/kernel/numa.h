/*
 * NUMA node numbers (Linux: include/linux/numa.h).  Nodes are numbered
 * 0..MAX_NUMNODES-1 (from the ACPI SRAT, arch/x86_64/mm/numa.cc);
 * NUMA_NO_NODE asks an allocator for "any node, the local one first".
 * NODES_SHIFT is also the width of the node field in page->flags
 * (<mm/page.h>).
 */
#pragma once

inline constexpr unsigned NODES_SHIFT = 3;
inline constexpr unsigned MAX_NUMNODES = 1u << NODES_SHIFT;
#define NUMA_NO_NODE (-1)
