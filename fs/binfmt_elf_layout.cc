/*
 * The pure half of the ELF loader (Linux: fs/binfmt_elf.c): header checks,
 * the load plan and create_elf_tables' stack layout.  See
 * <fs/binfmt_elf_layout.h> for the contract and for which errors Linux
 * reports before and after the point of no return.
 *
 * Invariant: every read is of the caller's header copies or of
 * in.strings[0, strings_len), every write of image[0, image_size); all
 * address arithmetic on file-controlled values is checked for overflow.
 * Builds for the kernel and the host (tests/host/test_binfmt_elf.cc, and
 * the fuzz target that feeds it arbitrary files).
 */
#include <arch/page.h>
#include <fs/binfmt_elf_layout.h>
#include <lib/string.h>
#include <uapi/asm-generic/errno.h>

using lib::Error;

lib::Result<void> elf_check_header(const Elf64_Ehdr& eh, uint64_t file_size)
{
	if (lib::memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0)
		return Error{ENOEXEC};
	if (eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_ident[EI_DATA] != ELFDATA2LSB)
		return Error{ENOEXEC};
	if (eh.e_type != ET_EXEC && eh.e_type != ET_DYN)
		return Error{ENOEXEC};
	if (eh.e_machine != EM_X86_64)
		return Error{ENOEXEC};
	/* load_elf_phdrs: the table must be ours and fit in one page */
	if (eh.e_phentsize != sizeof(Elf64_Phdr))
		return Error{ENOEXEC};
	if (eh.e_phnum < 1 || eh.e_phnum > 65536U / sizeof(Elf64_Phdr))
		return Error{ENOEXEC};
	uint64_t size = uint64_t(eh.e_phnum) * sizeof(Elf64_Phdr);
	if (size > ELF_MIN_ALIGN)
		return Error{ENOEXEC};
	if (eh.e_phoff > file_size || file_size - eh.e_phoff < size)
		return Error{ENOEXEC}; /* Linux: a short read of the table */
	return lib::ok();
}

namespace
{
void late(struct elf_plan* plan, int err)
{
	if (!plan->late_error)
		plan->late_error = err;
}
} // namespace

lib::Result<void> elf_plan_load(const Elf64_Ehdr& eh, const Elf64_Phdr* ph, uint64_t file_size, struct elf_plan* plan)
{
	*plan = {};
	plan->type = eh.e_type;
	plan->entry = eh.e_entry;
	plan->phnum = eh.e_phnum;
	plan->stack = exec_stack::deflt;

	uint64_t prev_end = 0;
	for (unsigned i = 0; i < eh.e_phnum; i++) {
		const Elf64_Phdr& p = ph[i];
		switch (p.p_type) {
		case PT_INTERP:
			if (plan->has_interp)
				break; /* Linux uses the first */
			if (p.p_filesz > ELF_PATH_MAX || p.p_filesz < 2)
				return Error{ENOEXEC};
			if (p.p_offset > file_size || file_size - p.p_offset < p.p_filesz)
				return Error{EIO}; /* Linux's elf_read: a short read */
			plan->has_interp = true;
			plan->interp_offset = p.p_offset;
			plan->interp_size = p.p_filesz;
			break;
		case PT_GNU_STACK:
			/* every one counts; the last wins, as in Linux's loop */
			plan->stack = (p.p_flags & PF_X) ? exec_stack::enable : exec_stack::disable;
			break;
		case PT_LOAD: {
			uint64_t end = p.p_vaddr + p.p_memsz;
			bool wraps = end < p.p_vaddr;
			if (plan->nr_load && p.p_vaddr < prev_end)
				return Error{ENOEXEC}; /* out of order or overlapping */
			prev_end = wraps ? ~0ULL : end;
			/* e_phnum <= ELF_MAX_LOADS (elf_check_header), so this fits */
			plan->load[plan->nr_load++] = {p.p_vaddr, p.p_memsz, p.p_filesz, p.p_offset,
			                               p.p_flags & (PF_R | PF_W | PF_X)};

			/* what Linux's mapping loop meets after the point of no return */
			if (p.p_filesz > p.p_memsz || p.p_memsz > TASK_SIZE || wraps)
				late(plan, EINVAL);
			if (eh.e_type == ET_EXEC && (p.p_vaddr >= TASK_SIZE || TASK_SIZE - p.p_memsz < p.p_vaddr))
				late(plan, EINVAL);
			if (((p.p_vaddr - p.p_offset) & (PAGE_SIZE - 1)) != 0 && p.p_filesz)
				late(plan, EINVAL); /* vm_mmap's offset would not be page aligned */
			if (p.p_offset > file_size || file_size - p.p_offset < p.p_filesz)
				late(plan, EIO); /* segment bytes past the end of the file */
			if (p.p_offset <= eh.e_phoff && eh.e_phoff - p.p_offset < p.p_filesz)
				plan->phdr_vaddr = eh.e_phoff - p.p_offset + p.p_vaddr;
			break;
		}
		default:
			break;
		}
	}
	if (!plan->nr_load)
		return Error{ENOEXEC};

	const struct elf_segment& first = plan->load[0];
	const struct elf_segment& last = plan->load[plan->nr_load - 1];
	uint64_t start = first.vaddr & PAGE_MASK;
	uint64_t end = last.vaddr + last.memsz;
	if (end < last.vaddr || end - start > TASK_SIZE)
		late(plan, ENOMEM); /* no room for the image in one piece */
	else
		plan->total_size = end - start;
	return lib::ok();
}

lib::Result<void> elf_create_tables(const struct elf_tables_input& in, uint8_t* image, uint64_t image_size,
                                    struct elf_tables_output* out)
{
	if (in.argc > image_size || in.envc > image_size || in.nr_auxv > image_size || in.align_rnd >= 8192 ||
	    in.p < 65536)
		return Error{E2BIG};
	/* arch_align_stack, then the platform string and the random bytes */
	uint64_t p = (in.p - in.align_rnd) & ~15ULL;
	uint64_t plat_len = in.platform ? lib::strlen(in.platform) + 1 : 0;
	if (plat_len > 256)
		return Error{E2BIG};
	p -= plat_len;
	uint64_t platform_at = p;
	p -= 16;
	uint64_t random_at = p;

	/* the tables: argc, argv[] + NULL, envp[] + NULL, then the auxiliary
	 * vector and its AT_NULL; %rsp 16-byte aligned (Linux's STACK_ROUND) */
	uint64_t ei_words = (uint64_t(in.nr_auxv) + 1) * 2;
	uint64_t items = (in.argc + 1) + (in.envc + 1) + 1;
	uint64_t need = (ei_words + items) * 8;
	if (need > p)
		return Error{E2BIG};
	uint64_t sp = (p - need) & ~15ULL;
	if (in.p - sp > image_size)
		return Error{E2BIG};
	uint64_t len = in.p - sp;
	lib::memset(image, 0, len);

	auto put = [&](uint64_t addr, uint64_t v) { lib::memcpy(image + (addr - sp), &v, 8); };
	uint64_t at = sp;
	put(at, in.argc);
	at += 8;
	/* argv[] and envp[]: pointers into the strings, each list NULL-ended */
	uint64_t off = 0;
	for (int list = 0; list < 2; list++) {
		uint64_t n = list == 0 ? in.argc : in.envc;
		for (uint64_t i = 0; i < n; i++) {
			if (off >= in.strings_len)
				return Error{E2BIG};
			uint64_t slen = lib::strnlen(in.strings + off, in.strings_len - off);
			if (slen == in.strings_len - off)
				return Error{E2BIG}; /* not NUL-ended within the block */
			put(at, in.p + off);
			at += 8;
			off += slen + 1;
		}
		put(at, 0);
		at += 8;
	}
	uint64_t auxv_at = at;
	for (unsigned i = 0; i < in.nr_auxv; i++) {
		uint64_t v = in.auxv[i].val;
		if (in.auxv[i].type == AT_RANDOM)
			v = random_at;
		else if (in.auxv[i].type == AT_PLATFORM)
			v = platform_at;
		put(at, in.auxv[i].type);
		put(at + 8, v);
		at += 16;
	}
	put(at, AT_NULL);
	put(at + 8, 0);
	lib::memcpy(image + (random_at - sp), in.random16, 16);
	if (plat_len)
		lib::memcpy(image + (platform_at - sp), in.platform, plat_len);

	out->sp = sp;
	out->auxv_at = auxv_at;
	out->platform_at = platform_at;
	out->random_at = random_at;
	out->len = len;
	return lib::ok();
}
