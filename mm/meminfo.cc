/*
 * The /proc/meminfo lines the memory subsystems can fill today (Linux:
 * fs/proc/meminfo.c meminfo_proc_show), in Linux's order and format:
 * "Label:" padded to 16 columns, the value right-aligned in 8, " kB".
 * procfs will serve this text; the boot log prints it now.
 */
#include <mm/meminfo.h>
#include <mm/page_alloc.h>
#include <mm/slab.h>
#include <mm/vmalloc.h>
#include <lib/format.h>
#include <kernel/printk.h>

namespace {
size_t show_val_kb(char* buf, size_t size, const char* label, unsigned long pages)
{
	return size_t(lib::scnprintf(buf, size, "%-16s%8lu kB\n", label, pages << (PAGE_SHIFT - 10)));
}
} // namespace

size_t render_meminfo(char* buf, size_t size)
{
	size_t n = 0;
	unsigned long sreclaimable = slab_reclaimable_pages(), sunreclaim = slab_unreclaimable_pages();
	n += show_val_kb(buf + n, size - n, "MemTotal:", totalram_pages());
	n += show_val_kb(buf + n, size - n, "MemFree:", nr_free_pages());
	n += show_val_kb(buf + n, size - n, "KReclaimable:", sreclaimable);
	n += show_val_kb(buf + n, size - n, "Slab:", sreclaimable + sunreclaim);
	n += show_val_kb(buf + n, size - n, "SReclaimable:", sreclaimable);
	n += show_val_kb(buf + n, size - n, "SUnreclaim:", sunreclaim);
	/* VmallocTotal is the region size in kB, as Linux prints it */
	n += size_t(lib::scnprintf(buf + n, size - n, "%-16s%8lu kB\n", "VmallocTotal:",
				   (unsigned long)((VMALLOC_END - VMALLOC_START) >> 10)));
	n += show_val_kb(buf + n, size - n, "VmallocUsed:", vmalloc_nr_pages());
	n += show_val_kb(buf + n, size - n, "VmallocChunk:", 0);
	return n;
}

void show_meminfo()
{
	static char buf[1024];
	render_meminfo(buf, sizeof(buf));
	printk_lines(KERN_INFO, buf);
}
