/*
 * The ELF loader (Linux: fs/binfmt_elf.c load_elf_binary, load_elf_interp,
 * elf_map, set_brk/padzero, create_elf_tables; arch/x86: ELF_ET_DYN_BASE,
 * ELF_HWCAP, ELF_PLATFORM).
 *
 * What the file says is checked and planned by fs/binfmt_elf_layout.cc
 * (pure; host-tested and fuzzed).  This file does the I/O and the mapping:
 *
 *   1. the header and program headers (ENOEXEC), PT_INTERP's path and the
 *      interpreter's own header (ENOEXEC, EIO, ELIBBAD) — all before the
 *      point of no return, so the old program gets the error;
 *   2. begin_new_exec, setup_new_exec, setup_arg_pages (the stack);
 *   3. the PT_LOAD segments, mapped from the file MAP_PRIVATE through the
 *      page cache at load_bias + p_vaddr: ET_EXEC at its addresses, a
 *      static PIE (ET_DYN without PT_INTERP) wherever mmap puts the whole
 *      image, an ET_DYN with an interpreter at ELF_ET_DYN_BASE (2/3 of
 *      TASK_SIZE) plus a random offset; the bss (p_memsz past p_filesz)
 *      zeroed in the last file page and mapped anonymous after it;
 *   4. the interpreter (ld.so), wherever mmap puts it: its entry is where
 *      the program starts, AT_BASE says where it is;
 *   5. the break after the image (randomized within 1 GiB with
 *      randomize_va_space 2), the vDSO, the strings and the tables of
 *      create_elf_tables, the registers (start_thread).
 * Errors in 3-5 are past the point of no return: the task dies (SIGSEGV).
 */
#include <arch/page.h>
#include <arch/processor.h>
#include <arch/ptrace.h>
#include <arch/fpu.h>
#include <fs/binfmt_elf_layout.h>
#include <fs/binfmts.h>
#include <fs/fs.h>
#include <kernel/cred.h>
#include <kernel/entry-common.h>
#include <kernel/printk.h>
#include <kernel/random.h>
#include <kernel/sched.h>
#include <kernel/sched/signal.h>
#include <kernel/sched/task_stack.h>
#include <kernel/uaccess.h>
#include <lib/scope.h>
#include <lib/string.h>
#include <mm/mm.h>
#include <mm/slab.h>
#include <mm/vmalloc.h>
#include <uapi/asm-generic/errno.h>
#include <uapi/linux/mman.h>
#include <uapi/linux/time.h>

using lib::Error;

namespace
{
/* Linux's ELF_ET_DYN_BASE for 64-bit tasks: 2/3 of the user space */
constexpr unsigned long ELF_ET_DYN_BASE = (TASK_SIZE_MAX / 3) * 2;

/* read exactly len bytes at pos (Linux's elf_read: a short read is EIO) */
lib::Result<void> elf_read(struct file* file, void* buf, size_t len, loff_t pos)
{
	ssize_t n = TRY(kernel_read(file, buf, len, &pos));
	if (size_t(n) != len)
		return Error{EIO};
	return lib::ok();
}

/* the program-header table (Linux: load_elf_phdrs; any failure ENOEXEC) */
lib::Result<Elf64_Phdr*> elf_read_phdrs(struct file* file, const Elf64_Ehdr& eh)
{
	size_t size = size_t(eh.e_phnum) * sizeof(Elf64_Phdr);
	auto* ph = static_cast<Elf64_Phdr*>(kmalloc(size, GFP_KERNEL));
	if (!ph)
		return Error{ENOMEM};
	if (elf_read(file, ph, size, loff_t(eh.e_phoff)).is_err()) {
		kfree(ph);
		return Error{ENOEXEC};
	}
	return ph;
}

uint64_t file_size(struct file* file)
{
	return uint64_t(file_inode(file)->i_size);
}

unsigned long prot_of(uint32_t pf)
{
	return ((pf & PF_R) ? PROT_READ : 0) | ((pf & PF_W) ? PROT_WRITE : 0) | ((pf & PF_X) ? PROT_EXEC : 0);
}

struct image_layout {
	unsigned long load_bias;
	unsigned long start_code, end_code, start_data, end_data;
	unsigned long elf_brk; /* the end of the last segment's memory */
};

/* Map plan's PT_LOAD segments from file (Linux: elf_map, padzero,
 * set_brk).  bias: where p_vaddr 0 lands, when fixed; otherwise an ET_DYN
 * image goes wherever mmap finds room for all of it. */
lib::Result<image_layout> map_segments(struct file* file, const elf_plan& plan, unsigned long bias, bool fixed)
{
	image_layout l = {};
	l.start_code = ~0UL;
	bool first = true;
	for (unsigned i = 0; i < plan.nr_load; i++) {
		const elf_segment& s = plan.load[i];
		unsigned long prot = prot_of(s.flags);
		unsigned long pageoff = s.vaddr & (PAGE_SIZE - 1);
		unsigned long off = s.offset - pageoff;
		unsigned long size = PAGE_ALIGN(s.filesz + pageoff);
		if (first && !fixed) {
			/* reserve the whole image, then keep the first segment's part */
			unsigned long total = PAGE_ALIGN(plan.total_size);
			if (total < size)
				total = size;
			unsigned long addr = TRY(vm_mmap(file, 0, total, prot, MAP_PRIVATE, off));
			if (total > size)
				TRY(vm_munmap(addr + size, total - size));
			bias = addr - (s.vaddr & PAGE_MASK);
		} else if (size) {
			unsigned long want = (bias + s.vaddr) & PAGE_MASK;
			unsigned long flags = MAP_PRIVATE | (first ? MAP_FIXED_NOREPLACE : MAP_FIXED);
			lib::Result<unsigned long> addr = vm_mmap(file, want, size, prot, flags, off);
			if (addr.is_err()) {
				if (addr.error() == EEXIST)
					pr_info("%d (%s): Uhuuh, elf segment at %px requested but the memory is mapped "
					        "already\n",
					        current->pid, current->comm, (void*)want);
				return addr.error_value();
			}
		}
		first = false;

		unsigned long k = bias + s.vaddr;
		if (s.memsz > s.filesz) {
			/* the bss: zero the rest of the last file page, map the rest */
			unsigned long file_end = k + s.filesz;
			unsigned long page_end = PAGE_ALIGN(file_end);
			if (s.filesz && page_end > file_end && (s.flags & PF_W))
				if (clear_user(user_ptr<void>(file_end), page_end - file_end))
					return Error{EFAULT};
			unsigned long mem_end = PAGE_ALIGN(k + s.memsz);
			if (mem_end > page_end)
				TRY(vm_brk_flags(page_end, mem_end - page_end, (s.flags & PF_X) ? VM_EXEC : 0));
		}
		if ((s.flags & PF_X) && k < l.start_code)
			l.start_code = k;
		if (l.start_data < k)
			l.start_data = k;
		if ((s.flags & PF_X) && l.end_code < k + s.filesz)
			l.end_code = k + s.filesz;
		if (l.end_data < k + s.filesz)
			l.end_data = k + s.filesz;
		if (l.elf_brk < k + s.memsz)
			l.elf_brk = k + s.memsz;
	}
	if (l.start_code == ~0UL)
		l.start_code = 0;
	l.load_bias = bias;
	return l;
}

struct interp_info {
	struct file* file;
	Elf64_Phdr* ph;
	elf_plan plan;
	bool plan_ok;
};

/* PT_INTERP: the path, then the interpreter's headers (before the point of
 * no return: ENOEXEC, EIO, the open's errno, ELIBBAD) */
lib::Result<void> open_interpreter(struct linux_binprm* bprm, const elf_plan& plan, interp_info* in)
{
	char* name = static_cast<char*>(kmalloc(plan.interp_size, GFP_KERNEL));
	if (!name)
		return Error{ENOMEM};
	lib::scope_exit free_name([&] { kfree(name); });
	TRY(elf_read(bprm->file, name, plan.interp_size, loff_t(plan.interp_offset)));
	if (name[plan.interp_size - 1] != '\0')
		return Error{ENOEXEC};
	in->file = TRY(open_exec(name));
	Elf64_Ehdr ieh;
	TRY(elf_read(in->file, &ieh, sizeof(ieh), 0));
	uint64_t isize = file_size(in->file);
	/* load_elf_binary's "simple consistency checks": the magic, the
	 * machine and a readable program-header table of one page at most */
	if (lib::memcmp(ieh.e_ident, ELFMAG, SELFMAG) != 0 || ieh.e_machine != EM_X86_64)
		return Error{ELIBBAD};
	size_t phsize = size_t(ieh.e_phnum) * sizeof(Elf64_Phdr);
	if (ieh.e_phentsize != sizeof(Elf64_Phdr) || phsize == 0 || phsize > ELF_MIN_ALIGN)
		return Error{ELIBBAD};
	lib::Result<Elf64_Phdr*> ph = elf_read_phdrs(in->file, ieh);
	if (ph.is_err())
		return Error{ELIBBAD};
	in->ph = ph.value();
	/* the rest (its type, its layout) shows only while loading it, past
	 * the point of no return (Linux's load_elf_interp) */
	in->plan_ok = elf_check_header(ieh, isize).is_ok() && elf_plan_load(ieh, in->ph, isize, &in->plan).is_ok() &&
	              !in->plan.late_error;
	return lib::ok();
}

/* Linux 6.1 with IA32_EMULATION (Debian's): sizeof(struct sigframe_ia32)
 * + MAX_FRAME_PADDING, the FPU state with its fsave header and the XSAVE
 * magic, MAX_XSAVE_PADDING, rounded up to 16 (init_sigframe_size); 1440
 * with FXSAVE, 3632 on QEMU's -cpu max, as Linux reports there */
unsigned long minsigstksz()
{
	unsigned long fpstate = fpu_kernel_cfg.size + (fpu_kernel_cfg.xsave ? 4 : 0) + 112;
	return (732 + 15 + fpstate + 63 + 15) & ~15UL;
}

/* the walk create_elf_tables does for mm->arg_end: argv's strings' bytes */
unsigned long argv_bytes(const struct linux_binprm* bprm)
{
	const char* s = bprm->args.buf + bprm->args.cap - bprm->args.used;
	unsigned long n = 0;
	for (int i = 0; i < bprm->argc; i++) {
		unsigned long len = lib::strnlen(s + n, bprm->args.used - n) + 1;
		n += len;
	}
	return n;
}

lib::Result<void> load_elf_binary(struct linux_binprm* bprm)
{
	Elf64_Ehdr eh;
	lib::memcpy(&eh, bprm->buf, sizeof(eh));
	uint64_t fsize = file_size(bprm->file);
	TRY(elf_check_header(eh, fsize));
	Elf64_Phdr* ph = TRY(elf_read_phdrs(bprm->file, eh));
	lib::scope_exit free_ph([&] { kfree(ph); });
	elf_plan plan;
	TRY(elf_plan_load(eh, ph, fsize, &plan));

	interp_info interp = {};
	lib::scope_exit free_interp([&] {
		kfree(interp.ph);
		if (interp.file)
			fput(interp.file);
	});
	if (plan.has_interp)
		TRY(open_interpreter(bprm, plan, &interp));

	/* ---- the point of no return ---- */
	TRY(begin_new_exec(bprm));
	setup_new_exec(bprm);
	TRY(setup_arg_pages(bprm));
	if (plan.late_error)
		return Error{plan.late_error};
	struct mm_struct* mm = current->mm;
	bool rnd = current->flags & PF_RANDOMIZE;

	unsigned long bias = 0;
	bool fixed = plan.type == ET_EXEC;
	if (plan.type == ET_DYN && plan.has_interp) {
		bias = ELF_ET_DYN_BASE + arch_mmap_rnd();
		bias = (bias - plan.load[0].vaddr) & PAGE_MASK;
		fixed = true;
	}
	image_layout img = TRY(map_segments(bprm->file, plan, bias, fixed));

	unsigned long entry = plan.entry + img.load_bias;
	unsigned long interp_base = 0;
	if (plan.has_interp) {
		if (!interp.plan_ok)
			return Error{EINVAL};
		image_layout il = TRY(map_segments(interp.file, interp.plan, 0, interp.plan.type == ET_EXEC));
		interp_base = il.load_bias;
		entry = interp.plan.entry + il.load_bias;
	}

	mm->start_code = img.start_code;
	mm->end_code = img.end_code;
	mm->start_data = img.start_data;
	mm->end_data = img.end_data;
	mm->start_brk = mm->brk = PAGE_ALIGN(img.elf_brk);
	if (rnd && randomize_va_space > 1) {
		if (plan.type == ET_DYN && !plan.has_interp)
			mm->brk = mm->start_brk = ELF_ET_DYN_BASE;
		mm->brk = mm->start_brk = arch_randomize_brk(mm);
		current->brk_randomized = 1;
	}

	unsigned long vdso = TRY(arch_setup_additional_pages(bprm));

	/* create_elf_tables: the auxiliary vector in Linux's order */
	const struct cred* cred = current->cred;
	uint8_t rnd16[16];
	get_random_bytes(rnd16, sizeof(rnd16));
	auxv_entry auxv[24];
	unsigned n = 0;
	if (vdso)
		auxv[n++] = {AT_SYSINFO_EHDR, vdso};
	auxv[n++] = {AT_MINSIGSTKSZ, minsigstksz()};
	auxv[n++] = {AT_HWCAP, cpuid(1).edx}; /* ELF_HWCAP */
	auxv[n++] = {AT_PAGESZ, PAGE_SIZE};
	auxv[n++] = {AT_CLKTCK, USER_HZ};
	auxv[n++] = {AT_PHDR, img.load_bias + plan.phdr_vaddr};
	auxv[n++] = {AT_PHENT, sizeof(Elf64_Phdr)};
	auxv[n++] = {AT_PHNUM, plan.phnum};
	auxv[n++] = {AT_BASE, interp_base};
	auxv[n++] = {AT_FLAGS, 0};
	auxv[n++] = {AT_ENTRY, plan.entry + img.load_bias};
	auxv[n++] = {AT_UID, __kuid_val(cred->uid)};
	auxv[n++] = {AT_EUID, __kuid_val(cred->euid)};
	auxv[n++] = {AT_GID, __kgid_val(cred->gid)};
	auxv[n++] = {AT_EGID, __kgid_val(cred->egid)};
	auxv[n++] = {AT_SECURE, bprm->secureexec};
	auxv[n++] = {AT_RANDOM, 0};
	auxv[n++] = {AT_HWCAP2, 0}; /* no FSGSBASE for user space, no ring-3 MWAIT */
	auxv[n++] = {AT_EXECFN, bprm->exec};
	auxv[n++] = {AT_PLATFORM, 0}; /* ELF_PLATFORM "x86_64" */

	/* the tables' image: the pointers, the auxiliary vector, the random
	 * bytes and the platform string, below arch_align_stack's offset */
	uint64_t image_size = (uint64_t(bprm->argc) + bprm->envc + 3 + 2 * (n + 1)) * 8 + 8192 + 64;
	bool big = image_size > 32 * 1024;
	uint8_t* image = static_cast<uint8_t*>(big ? vmalloc(image_size) : kmalloc(image_size, GFP_KERNEL));
	if (!image)
		return Error{ENOMEM};
	lib::scope_exit free_image([&] { big ? vfree(image) : kfree(image); });
	elf_tables_input in = {bprm->p,
	                       uint64_t(bprm->argc),
	                       uint64_t(bprm->envc),
	                       bprm->args.buf + bprm->args.cap - bprm->args.used,
	                       bprm->args.used,
	                       rnd ? get_random_u32() % 8192 : 0,
	                       "x86_64",
	                       rnd16,
	                       auxv,
	                       n};
	elf_tables_output out;
	TRY(elf_create_tables(in, image, image_size, &out));
	TRY(copy_args_to_stack(bprm));
	if (copy_to_user(user_ptr<void>(out.sp), image, out.len))
		return Error{EFAULT};
	mm->arg_start = bprm->p;
	mm->arg_end = mm->env_start = bprm->p + argv_bytes(bprm);
	mm->env_end = bprm->exec;
	mm->start_stack = out.sp; /* where argc lies (Linux: bprm->p after create_elf_tables) */
	lib::memset(mm->saved_auxv, 0, sizeof(mm->saved_auxv));
	lib::memcpy(mm->saved_auxv, image + (out.auxv_at - out.sp), (n + 1) * 2 * sizeof(unsigned long));

	/* finalize_exec: the new program's stack limit stays the one it started with */
	current->signal->rlim[RLIMIT_STACK] = bprm->rlim_stack;
	start_thread(current_pt_regs(), entry, out.sp);
	return lib::ok();
}

struct linux_binfmt elf_format = {{}, "elf", load_elf_binary};
} // namespace

void init_elf_binfmt()
{
	register_binfmt(&elf_format);
}
