/*
 * The pure half of the ELF loader (fs/binfmt_elf_layout.cc): header checks
 * with Linux's errnos, the load plan of real and malformed files, and the
 * stack layout of create_elf_tables against a layout computed by hand.
 */
#include <cstdio>
#include <cstring>
#include <fs/binfmt_elf_layout.h>
#include <gtest/gtest.h>
#include <uapi/asm-generic/errno.h>
#include <vector>

namespace
{
Elf64_Ehdr good_header(uint16_t phnum = 2)
{
	Elf64_Ehdr eh{};
	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS64;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_type = ET_EXEC;
	eh.e_machine = EM_X86_64;
	eh.e_version = EV_CURRENT;
	eh.e_entry = 0x401000;
	eh.e_phoff = sizeof(Elf64_Ehdr);
	eh.e_ehsize = sizeof(Elf64_Ehdr);
	eh.e_phentsize = sizeof(Elf64_Phdr);
	eh.e_phnum = phnum;
	return eh;
}

Elf64_Phdr load(uint64_t vaddr, uint64_t off, uint64_t filesz, uint64_t memsz, uint32_t flags)
{
	return Elf64_Phdr{PT_LOAD, flags, off, vaddr, vaddr, filesz, memsz, 0x1000};
}

std::vector<uint8_t> read_file(const char* path)
{
	std::vector<uint8_t> v;
	FILE* f = fopen(path, "rb");
	if (!f)
		return v;
	uint8_t buf[65536];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		v.insert(v.end(), buf, buf + n);
	fclose(f);
	return v;
}
} // namespace

TEST(elf_check_header, refuses_what_linux_refuses_with_enoexec)
{
	const uint64_t size = 1 << 20;
	Elf64_Ehdr eh = good_header();
	EXPECT_TRUE(elf_check_header(eh, size).is_ok());

	auto bad = [&](auto mutate) {
		Elf64_Ehdr h = good_header();
		mutate(h);
		return elf_check_header(h, size);
	};
	EXPECT_EQ(bad([](Elf64_Ehdr& h) { h.e_ident[1] = 'e'; }), lib::Error{ENOEXEC});
	EXPECT_EQ(bad([](Elf64_Ehdr& h) { h.e_ident[EI_CLASS] = 1; }), lib::Error{ENOEXEC});
	EXPECT_EQ(bad([](Elf64_Ehdr& h) { h.e_ident[EI_DATA] = 2; }), lib::Error{ENOEXEC});
	EXPECT_EQ(bad([](Elf64_Ehdr& h) { h.e_type = ET_REL; }), lib::Error{ENOEXEC});
	EXPECT_EQ(bad([](Elf64_Ehdr& h) { h.e_type = ET_CORE; }), lib::Error{ENOEXEC});
	EXPECT_EQ(bad([](Elf64_Ehdr& h) { h.e_machine = EM_386; }), lib::Error{ENOEXEC});
	EXPECT_EQ(bad([](Elf64_Ehdr& h) { h.e_phentsize = 32; }), lib::Error{ENOEXEC});
	EXPECT_EQ(bad([](Elf64_Ehdr& h) { h.e_phnum = 0; }), lib::Error{ENOEXEC});
	/* 74 entries are 4144 bytes: more than Linux's one page */
	EXPECT_EQ(bad([](Elf64_Ehdr& h) { h.e_phnum = 74; }), lib::Error{ENOEXEC});
	EXPECT_TRUE(bad([](Elf64_Ehdr& h) { h.e_phnum = 73; }).is_ok());
	/* the table past the end of the file, or wrapping */
	EXPECT_EQ(elf_check_header(eh, sizeof(Elf64_Ehdr) + sizeof(Elf64_Phdr)), lib::Error{ENOEXEC});
	EXPECT_EQ(bad([](Elf64_Ehdr& h) { h.e_phoff = ~0ULL - 8; }), lib::Error{ENOEXEC});
}

TEST(elf_plan_load, a_two_segment_executable)
{
	Elf64_Ehdr eh = good_header(3);
	Elf64_Phdr ph[3] = {
	    load(0x400000, 0, 0x1234, 0x1234, PF_R | PF_X),
	    load(0x402e10, 0x1e10, 0x300, 0x2000, PF_R | PF_W),
	    {PT_GNU_STACK, PF_R | PF_W, 0, 0, 0, 0, 0, 16},
	};
	elf_plan plan;
	ASSERT_TRUE(elf_plan_load(eh, ph, 0x3000, &plan).is_ok());
	EXPECT_EQ(plan.nr_load, 2u);
	EXPECT_EQ(plan.late_error, 0);
	EXPECT_FALSE(plan.has_interp);
	EXPECT_EQ(plan.stack, exec_stack::disable);
	EXPECT_EQ(plan.total_size, 0x402e10u + 0x2000 - 0x400000);
	EXPECT_EQ(plan.phdr_vaddr, 0x400040u); /* e_phoff 64 inside the first segment */
	EXPECT_EQ(plan.load[1].flags, uint32_t(PF_R | PF_W));
}

TEST(elf_plan_load, early_and_late_errors_at_linux_s_moments)
{
	Elf64_Ehdr eh = good_header(2);
	elf_plan plan;
	/* out of order / overlapping PT_LOADs: refused before the point of no return */
	Elf64_Phdr overlap[2] = {load(0x400000, 0, 0x2000, 0x2000, PF_R), load(0x401000, 0x1000, 0x10, 0x10, PF_R)};
	EXPECT_EQ(elf_plan_load(eh, overlap, 0x3000, &plan), lib::Error{ENOEXEC});
	/* no PT_LOAD at all */
	Elf64_Phdr none[2] = {{PT_NOTE, 0, 0, 0, 0, 0, 0, 0}, {PT_GNU_STACK, PF_X, 0, 0, 0, 0, 0, 0}};
	EXPECT_EQ(elf_plan_load(eh, none, 0x3000, &plan), lib::Error{ENOEXEC});
	/* PT_INTERP too short, too long, outside the file */
	Elf64_Phdr interp[2] = {{PT_INTERP, PF_R, 0x200, 0, 0, 1, 1, 1}, load(0x400000, 0, 0x10, 0x10, PF_R)};
	EXPECT_EQ(elf_plan_load(eh, interp, 0x3000, &plan), lib::Error{ENOEXEC});
	interp[0].p_filesz = 4097;
	EXPECT_EQ(elf_plan_load(eh, interp, 0x3000, &plan), lib::Error{ENOEXEC});
	interp[0].p_filesz = 28;
	EXPECT_EQ(elf_plan_load(eh, interp, 0x210, &plan), lib::Error{EIO});
	ASSERT_TRUE(elf_plan_load(eh, interp, 0x3000, &plan).is_ok());
	EXPECT_TRUE(plan.has_interp);
	EXPECT_EQ(plan.interp_offset, 0x200u);
	EXPECT_EQ(plan.interp_size, 28u);

	/* p_filesz > p_memsz, a huge p_memsz, a wrapping segment: late EINVAL */
	Elf64_Phdr fs[2] = {load(0x400000, 0, 0x2000, 0x1000, PF_R), load(0x800000, 0, 0x10, 0x10, PF_R)};
	ASSERT_TRUE(elf_plan_load(eh, fs, 0x3000, &plan).is_ok());
	EXPECT_EQ(plan.late_error, EINVAL);
	Elf64_Phdr huge[2] = {load(0x400000, 0, 0x10, 1ULL << 50, PF_R), load(0x800000, 0, 0x10, 0x10, PF_R)};
	EXPECT_EQ(elf_plan_load(eh, huge, 0x3000, &plan), lib::Error{ENOEXEC}); /* overlaps the next */
	huge[1].p_vaddr = (1ULL << 50) + 0x400000;
	ASSERT_TRUE(elf_plan_load(eh, huge, 0x3000, &plan).is_ok());
	EXPECT_EQ(plan.late_error, EINVAL);
	Elf64_Phdr wrap[2] = {load(0x400000, 0, 0x10, 0x10, PF_R), load(~0ULL - 0xfff, 0, 0x10, 0x2000, PF_R)};
	ASSERT_TRUE(elf_plan_load(eh, wrap, 0x3000, &plan).is_ok());
	EXPECT_EQ(plan.late_error, EINVAL);
	/* offset and address disagree modulo the page size */
	Elf64_Phdr skew[2] = {load(0x400000, 0, 0x10, 0x10, PF_R), load(0x401010, 0x20, 0x10, 0x10, PF_R)};
	ASSERT_TRUE(elf_plan_load(eh, skew, 0x3000, &plan).is_ok());
	EXPECT_EQ(plan.late_error, EINVAL);
	/* segment bytes past the end of the file (a truncated binary) */
	Elf64_Phdr trunc[2] = {load(0x400000, 0, 0x10, 0x10, PF_R), load(0x401000, 0x1000, 0x3000, 0x3000, PF_R)};
	ASSERT_TRUE(elf_plan_load(eh, trunc, 0x3000, &plan).is_ok());
	EXPECT_EQ(plan.late_error, EIO);
}

TEST(elf_plan_load, debians_busybox_static)
{
	std::vector<uint8_t> f = read_file("/bin/busybox");
	if (f.empty())
		GTEST_SKIP() << "no /bin/busybox (busybox-static is installed by tools/install-deps.sh)";
	Elf64_Ehdr eh;
	memcpy(&eh, f.data(), sizeof(eh));
	ASSERT_TRUE(elf_check_header(eh, f.size()).is_ok());
	std::vector<Elf64_Phdr> ph(eh.e_phnum);
	memcpy(ph.data(), f.data() + eh.e_phoff, eh.e_phnum * sizeof(Elf64_Phdr));
	elf_plan plan;
	ASSERT_TRUE(elf_plan_load(eh, ph.data(), f.size(), &plan).is_ok());
	EXPECT_EQ(plan.type, ET_EXEC);
	EXPECT_EQ(plan.late_error, 0);
	EXPECT_FALSE(plan.has_interp);
	EXPECT_GE(plan.nr_load, 2u);
	EXPECT_EQ(plan.stack, exec_stack::disable);
	EXPECT_EQ(plan.phdr_vaddr, plan.load[0].vaddr + eh.e_phoff);
	EXPECT_GE(plan.entry, plan.load[0].vaddr);
}

TEST(elf_create_tables, the_layout_linux_builds)
{
	const char strings[] = "a\0bc\0X=1"; /* argv "a" "bc", envp "X=1" */
	const uint64_t p = 0x7fffffffe000;
	const uint8_t rnd[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
	const auxv_entry auxv[] = {{AT_PAGESZ, 4096}, {AT_RANDOM, 0}, {AT_PLATFORM, 0}};
	elf_tables_input in{p, 2, 1, strings, sizeof(strings), 0, "x86_64", rnd, auxv, 3};
	uint8_t image[4096];
	elf_tables_output out;
	ASSERT_TRUE(elf_create_tables(in, image, sizeof(image), &out).is_ok());

	/* by hand: platform "x86_64\0" ends at p, AT_RANDOM's 16 bytes below
	 * it, then 6 words of argc/argv/envp and 8 of auxv below, rounded
	 * down to 16 */
	EXPECT_EQ(out.platform_at, p - 7);
	EXPECT_EQ(out.random_at, p - 7 - 16);
	EXPECT_EQ(out.sp, (p - 7 - 16 - 14 * 8) & ~15ULL);
	EXPECT_EQ(out.sp, 0x7fffffffdf70u);
	EXPECT_EQ(out.len, p - out.sp);
	auto word = [&](uint64_t addr) {
		uint64_t v;
		memcpy(&v, image + (addr - out.sp), 8);
		return v;
	};
	const uint64_t expect[] = {2, p, p + 2, 0, p + 5, 0, AT_PAGESZ, 4096, AT_RANDOM, p - 23, AT_PLATFORM, p - 7, 0, 0};
	for (unsigned i = 0; i < 14; i++)
		EXPECT_EQ(word(out.sp + 8 * i), expect[i]) << "word " << i;
	EXPECT_EQ(out.auxv_at, out.sp + 48);
	EXPECT_EQ(memcmp(image + (out.random_at - out.sp), rnd, 16), 0);
	EXPECT_STREQ(reinterpret_cast<const char*>(image + (out.platform_at - out.sp)), "x86_64");

	/* with arch_align_stack's random offset the whole block moves down */
	in.align_rnd = 100;
	ASSERT_TRUE(elf_create_tables(in, image, sizeof(image), &out).is_ok());
	EXPECT_EQ(out.platform_at, ((p - 100) & ~15ULL) - 7);
	EXPECT_EQ(out.sp % 16, 0u);
}

TEST(elf_create_tables, e2big_when_it_does_not_fit_or_strings_run_short)
{
	const char strings[] = "a\0bc";
	const uint8_t rnd[16] = {};
	elf_tables_input in{0x7fffffffe000, 3, 0, strings, sizeof(strings), 0, "x86_64", rnd, nullptr, 0};
	uint8_t image[4096];
	elf_tables_output out;
	EXPECT_EQ(elf_create_tables(in, image, sizeof(image), &out), lib::Error{E2BIG}); /* 3 strings claimed, 2 there */
	in.argc = 2;
	EXPECT_TRUE(elf_create_tables(in, image, sizeof(image), &out).is_ok());
	EXPECT_EQ(elf_create_tables(in, image, 64, &out), lib::Error{E2BIG});
}
