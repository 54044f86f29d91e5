// The kernel environment the host unit tests provide: what the portable
// kernel sources (printk, the page allocator) call that is architecture
// or board specific.  Console output is captured for assertions.
#pragma once
#include <string>

// everything printk sent to the console since the last clear
std::string& host_console();
// taint flags set through add_taint()
unsigned long host_taint();
void host_reset_env();
// play n CPUs: nr_cpu_ids and the possible/present/online masks (0..n-1);
// before creating the zones and caches the CPUs use
void host_set_nr_cpus(unsigned n);
