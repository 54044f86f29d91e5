// libFuzzer target: the ELF loader's parsing (fs/binfmt_elf_layout.cc:
// elf_check_header, elf_plan_load) and the "#!" parser
// (<fs/binfmt_script.h>) on any file.
//
// Beyond no crash, no out-of-bounds access and no undefined behaviour,
// each input checks the contract the kernel's loader relies on:
//   - a header that passes has its program-header table inside the file;
//   - a plan without an early error has 1..ELF_MAX_LOADS PT_LOADs in
//     ascending, non-overlapping order, a PT_INTERP path inside the file
//     and 2..PATH_MAX bytes long;
//   - a plan without a late error has no segment with p_filesz > p_memsz,
//     none wrapping the address space, every segment's file bytes inside
//     the file, and a total size within TASK_SIZE;
//   - the errors are Linux's: ENOEXEC or EIO early, EINVAL, EIO or ENOMEM late.
// The seeds are the project's own user programs (build/user: musl, glibc,
// static-pie, dynamic) and tests/fuzz/corpus/elf.
#include <arch/page.h>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fs/binfmt_elf_layout.h>
#include <fs/binfmt_script.h>
#include <uapi/asm-generic/errno.h>

namespace
{
[[noreturn]] void fail(const char* what)
{
	fprintf(stderr, "fuzz_elf: %s\n", what);
	abort();
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
	/* the loader sees the first BINPRM_BUF_SIZE bytes, zero padded */
	char buf[BINPRM_BUF_SIZE] = {};
	memcpy(buf, data, size < sizeof(buf) ? size : sizeof(buf));
	auto sb = parse_shebang(buf);
	if (sb.is_ok()) {
		const shebang& s = sb.value();
		/* an empty name is possible ("#!\0..."), as on Linux: open_exec
		 * then fails with ENOENT */
		if (!s.interp || s.interp < buf + 2 || s.interp >= buf + sizeof(buf))
			fail("shebang: interpreter outside the buffer");
		if (s.arg && (s.arg <= s.interp || s.arg >= buf + sizeof(buf)))
			fail("shebang: argument outside the buffer");
	} else if (sb.error() != ENOEXEC) {
		fail("shebang: error other than ENOEXEC");
	}

	if (size < sizeof(Elf64_Ehdr))
		return 0;
	Elf64_Ehdr eh;
	memcpy(&eh, data, sizeof(eh));
	auto hr = elf_check_header(eh, size);
	if (hr.is_err()) {
		if (hr.error() != ENOEXEC)
			fail("header: error other than ENOEXEC");
		return 0;
	}
	size_t phsize = size_t(eh.e_phnum) * sizeof(Elf64_Phdr);
	if (eh.e_phoff > size || size - eh.e_phoff < phsize || eh.e_phnum > ELF_MAX_LOADS)
		fail("header passed with the table outside the file");
	Elf64_Phdr* ph = static_cast<Elf64_Phdr*>(malloc(phsize));
	memcpy(ph, data + eh.e_phoff, phsize);
	elf_plan plan;
	auto pr = elf_plan_load(eh, ph, size, &plan);
	free(ph);
	if (pr.is_err()) {
		if (pr.error() != ENOEXEC && pr.error() != EIO)
			fail("plan: early error other than ENOEXEC/EIO");
		return 0;
	}
	if (plan.nr_load < 1 || plan.nr_load > ELF_MAX_LOADS)
		fail("plan: PT_LOAD count");
	for (unsigned i = 1; i < plan.nr_load; i++)
		if (plan.load[i].vaddr < plan.load[i - 1].vaddr ||
		    (plan.load[i - 1].vaddr + plan.load[i - 1].memsz >= plan.load[i - 1].vaddr &&
		     plan.load[i].vaddr < plan.load[i - 1].vaddr + plan.load[i - 1].memsz))
			fail("plan: PT_LOADs out of order or overlapping");
	if (plan.has_interp && (plan.interp_size < 2 || plan.interp_size > ELF_PATH_MAX ||
	                        plan.interp_offset > size || size - plan.interp_offset < plan.interp_size))
		fail("plan: PT_INTERP outside the file or of a bad length");
	if (plan.late_error) {
		if (plan.late_error != EINVAL && plan.late_error != EIO && plan.late_error != ENOMEM)
			fail("plan: late error other than EINVAL/EIO/ENOMEM");
		return 0;
	}
	for (unsigned i = 0; i < plan.nr_load; i++) {
		const elf_segment& s = plan.load[i];
		if (s.filesz > s.memsz || s.vaddr + s.memsz < s.vaddr || s.memsz > TASK_SIZE)
			fail("plan: a bad segment without a late error");
		if (s.offset > size || size - s.offset < s.filesz)
			fail("plan: segment bytes outside the file without a late error");
	}
	if (plan.total_size > TASK_SIZE)
		fail("plan: total size beyond TASK_SIZE");
	return 0;
}
