/*
 * binfmt_elf_layout.h - the pure half of the ELF loader: checking an ELF
 * file's headers, planning where its segments go, and laying out the new
 * program's stack (Linux: fs/binfmt_elf.c load_elf_binary's checks,
 * load_elf_phdrs, total_mapping_size, create_elf_tables).
 *
 * Nothing here touches memory other than the buffers it is given, so the
 * same source builds into the kernel and into the host tests and the
 * libFuzzer target (tests/fuzz) that feed it arbitrary bytes.  fs/
 * binfmt_elf.cc does the I/O and the mapping around it.
 *
 * Errors are Linux's, at Linux's moment.  load_elf_binary refuses some
 * files before the point of no return (the old program gets the errno:
 * ENOEXEC for a bad header or program-header table, ELIBBAD for a bad
 * interpreter) and trips over others only while mapping, after it (the
 * process dies with SIGSEGV): a segment whose p_filesz exceeds p_memsz,
 * whose end passes TASK_SIZE, whose file offset and address disagree
 * modulo the page size.  elf_plan finds both kinds up front; it returns
 * the first kind as an error and records the second in
 * elf_plan::late_error, which the loader raises after the point of no
 * return so the program sees what it would see on Linux.
 *
 * Stricter than Linux, on purpose: PT_LOAD segments must be in ascending
 * p_vaddr order without overlapping bytes (the ELF specification's rule;
 * Linux maps them anyway and the later one wins) — ENOEXEC.
 */
#pragma once
#include <cstddef>
#include <cstdint>
#include <lib/result.h>
#include <uapi/linux/elf.h>

/* Linux's limits: the program-header table fits in ELF_MIN_ALIGN (one page) */
inline constexpr size_t ELF_MIN_ALIGN = 4096;
inline constexpr unsigned ELF_MAX_LOADS = ELF_MIN_ALIGN / sizeof(Elf64_Phdr); /* 73 */
inline constexpr size_t ELF_PATH_MAX = 4096;                                  /* PATH_MAX */

enum class exec_stack : uint8_t {
	deflt,   /* no PT_GNU_STACK: Linux's EXSTACK_DEFAULT (not executable on x86_64) */
	disable, /* PT_GNU_STACK without PF_X */
	enable,  /* PT_GNU_STACK with PF_X */
};

struct elf_segment {
	uint64_t vaddr;  /* p_vaddr (before the load bias) */
	uint64_t memsz;  /* p_memsz */
	uint64_t filesz; /* p_filesz */
	uint64_t offset; /* p_offset */
	uint32_t flags;  /* PF_R | PF_W | PF_X */
};

struct elf_plan {
	uint16_t type; /* ET_EXEC or ET_DYN */
	uint64_t entry;
	uint16_t phnum;
	unsigned nr_load;
	struct elf_segment load[ELF_MAX_LOADS];
	/* [first PT_LOAD's page start, last PT_LOAD's end): Linux's
	 * total_mapping_size, for placing an ET_DYN image in one piece */
	uint64_t total_size;
	/* the program headers' address in the image (before the bias), for
	 * AT_PHDR: found, as Linux 6.1 does, through the PT_LOAD whose file
	 * bytes hold e_phoff (the last such); 0 when none does */
	uint64_t phdr_vaddr;
	bool has_interp;
	uint64_t interp_offset; /* PT_INTERP: where the path lies in the file */
	uint64_t interp_size;   /* its length, with the NUL */
	enum exec_stack stack;
	int late_error; /* 0, or the errno load_elf_binary meets after the point of no return */
};

/* Check an ELF file header as Linux's load_elf_binary (and, for an
 * interpreter, load_elf_interp) does: magic, class, byte order, machine,
 * type ET_EXEC/ET_DYN, e_phentsize, e_phnum within one page.  file_size
 * bounds the program-header table.  ENOEXEC for all of it. */
lib::Result<void> elf_check_header(const Elf64_Ehdr& eh, uint64_t file_size);

/* Build the plan from a checked header and its program-header table
 * (eh.e_phnum entries read from e_phoff).  ENOEXEC: no PT_LOAD, PT_INTERP
 * with a size outside [2, PATH_MAX] or lying outside the file, PT_LOADs out
 * of order or overlapping.  Late errors as in the header comment. */
lib::Result<void> elf_plan_load(const Elf64_Ehdr& eh, const Elf64_Phdr* ph, uint64_t file_size, struct elf_plan* plan);

/* One auxiliary-vector entry. */
struct auxv_entry {
	uint64_t type;
	uint64_t val;
};

/* What create_elf_tables needs to lay out the stack below the strings. */
struct elf_tables_input {
	uint64_t p;           /* bprm->p: the user address just below argv[0]'s bytes */
	uint64_t argc, envc;  /* the strings from p upwards: argc, then envc NUL-ended strings */
	const char* strings;  /* a kernel copy of those strings, strings_len bytes from p */
	uint64_t strings_len;
	uint64_t align_rnd;   /* arch_align_stack's random offset (< 8192; 0 without ASLR) */
	const char* platform; /* "x86_64" (AT_PLATFORM), copied below the alignment */
	const uint8_t* random16; /* the 16 bytes of AT_RANDOM */
	/* the auxiliary vector without AT_NULL, in Linux's order; the entries
	 * AT_RANDOM and AT_PLATFORM get their value filled in here (the
	 * address the bytes landed at) */
	const struct auxv_entry* auxv;
	unsigned nr_auxv;
};

struct elf_tables_output {
	uint64_t sp;       /* the new program's %rsp: argc lies there */
	uint64_t auxv_at;  /* where the auxiliary vector starts (mm->saved_auxv's source) */
	uint64_t platform_at, random_at;
	uint64_t len;      /* bytes written to image: [sp, sp + len) */
};

/* Lay out [sp, p) — argc, argv[], NULL, envp[], NULL, the auxiliary vector
 * and AT_NULL, the AT_RANDOM bytes, the platform string — into image (the
 * caller copies it to user memory at out->sp).  The pointers to the
 * strings are computed from the kernel copy.  E2BIG when it does not fit
 * in image_size bytes or the strings do not hold argc + envc strings. */
lib::Result<void> elf_create_tables(const struct elf_tables_input& in, uint8_t* image, uint64_t image_size,
                                    struct elf_tables_output* out);
