/*
 * Mapping the vDSO into a new program (Linux: arch/x86/entry/vdso/vma.c
 * map_vdso, vdso_addr, arch_setup_additional_pages; the "vdso=" boot
 * parameter).
 *
 * Every exec maps two special mappings right above the stack, at a
 * random page offset within the stack's 2 MiB region (Linux's vdso_addr):
 *   [vvar]  VDSO_VVAR_PAGES pages, read-only: the first is the kernel's
 *           vdso_data_page (kernel/time/vsyscall.cc); the others (Linux's
 *           paravirt clock pages) give SIGBUS, as on a machine without them
 *   [vdso]  VDSO_TEXT_PAGES pages, r-x: the image built from this
 *           directory (vdso-image.S)
 * The vDSO code finds its data four pages below itself (vdso.lds).  The
 * text's address goes to the program as AT_SYSINFO_EHDR and is kept in
 * mm->context.vdso.  The pages are the kernel image's (PG_reserved):
 * mapped, never counted or freed.
 */
#include <arch/page.h>
#include <arch/vdso.h>
#include <fs/binfmts.h>
#include <kernel/params.h>
#include <kernel/printk.h>
#include <kernel/random.h>
#include <kernel/sched.h>
#include <kernel/timekeeping.h>
#include <lib/cmdline.h>
#include <mm/mm.h>
#include <mm/page.h>

extern "C" char vdso_image_start[], vdso_image_end[];

namespace
{
bool vdso64_enabled = true;
struct page* vdso_pages[VDSO_TEXT_PAGES];
struct page* vvar_pages[1];
const struct vm_special_mapping vdso_mapping = {"[vdso]", vdso_pages, VDSO_TEXT_PAGES};
const struct vm_special_mapping vvar_mapping = {"[vvar]", vvar_pages, 1};

lib::Result<void> vdso_setup(std::string_view arg)
{
	unsigned long v = TRY(lib::parse_uint(arg));
	vdso64_enabled = v != 0;
	return lib::ok();
}

/* Linux's vdso_addr: a random page in [start, the end of start's 2 MiB
 * region - len], or start when there is no room.  As Linux 6.1 it does
 * not look at PF_RANDOMIZE: a fixed stack ends at TASK_SIZE_MAX, leaving
 * no room above it, so the hint fails and the vDSO goes top-down below
 * mmap_base like any mapping. */
unsigned long vdso_addr(unsigned long start, unsigned long len)
{
	start = PAGE_ALIGN(start);
	unsigned long end = (start + len + PMD_SIZE - 1) & ~(PMD_SIZE - 1);
	if (end >= TASK_SIZE_MAX)
		end = TASK_SIZE_MAX;
	end -= len;
	unsigned long addr = start;
	if (end > start)
		addr = start + ((get_random_u32() % (((end - start) >> PAGE_SHIFT) + 1)) << PAGE_SHIFT);
	return addr;
}
} // namespace
__setup("vdso", vdso_setup);

void init_vdso()
{
	for (unsigned i = 0; i < VDSO_TEXT_PAGES; i++)
		vdso_pages[i] = virt_to_page(vdso_image_start + i * PAGE_SIZE);
	vvar_pages[0] = virt_to_page(&vdso_data_page);
}

lib::Result<unsigned long> arch_setup_additional_pages(struct linux_binprm*)
{
	struct mm_struct* mm = current->mm;
	if (!vdso64_enabled)
		return 0UL;
	unsigned long len = (VDSO_VVAR_PAGES + VDSO_TEXT_PAGES) * PAGE_SIZE;
	mmap_write_guard g(mm);
	unsigned long addr = TRY(get_unmapped_area(nullptr, vdso_addr(mm->start_stack, len), len, 0, 0));
	TRY(_install_special_mapping(mm, addr, VDSO_VVAR_PAGES * PAGE_SIZE, VM_READ | VM_MAYREAD, &vvar_mapping));
	unsigned long text = addr + VDSO_VVAR_PAGES * PAGE_SIZE;
	TRY(_install_special_mapping(mm, text, VDSO_TEXT_PAGES * PAGE_SIZE,
	                             VM_READ | VM_EXEC | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC, &vdso_mapping));
	mm->context.vdso = text;
	return text;
}
