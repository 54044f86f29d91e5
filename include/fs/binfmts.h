/*
 * binfmts.h - executing a program (Linux: include/linux/binfmts.h):
 * struct linux_binprm, the state of one execve from its arguments to the
 * new program's first instruction, and struct linux_binfmt, one loader
 * (ELF: fs/binfmt_elf.cc; "#!": fs/binfmt_script.cc).
 *
 * The argument strings are gathered in a kernel buffer (bprm->args) laid
 * out exactly as they will lie at the top of the new stack — argv[0..],
 * envp[0..], the file name execfn — so the loaders can edit them
 * (binfmt_script replaces argv[0]) and create_elf_tables can compute the
 * pointers; fs/exec.cc copies the block into the new mm at the end.
 * Linux writes the strings into the new mm's pages at once, in a stack VMA
 * at the top of user space that setup_arg_pages later moves down to its
 * randomized place (shift_arg_pages); gathering them in the kernel first
 * lets setup_arg_pages, after the point of no return, make the stack VMA
 * where it belongs from the start, with the new program's PF_RANDOMIZE.
 *
 * Lifetime: a bprm lives on do_execveat_common's stack; it owns the new
 * mm until exec_mmap installs it, the executable and interpreter files,
 * and the argument buffer.
 */
#pragma once
#include <cstddef>
#include <cstdint>
#include <fs/binfmt_script.h>
#include <kernel/uaccess.h>
#include <lib/list.h>
#include <lib/result.h>
#include <uapi/linux/resource.h>

struct file;
struct mm_struct;
struct vm_area_struct;
struct pt_regs;

/* Linux's limits (include/uapi/linux/binfmts.h) */
inline constexpr size_t MAX_ARG_STRLEN = 32 * 4096; /* one string, with its NUL */
inline constexpr size_t MAX_ARG_STRINGS = 0x7fffffff;
inline constexpr size_t ARG_MAX = 131072; /* the least space argv + envp may have */
inline constexpr int BINPRM_MAX_RECURSION = 4; /* Linux's value; exec_binprm allows one more */

/* the argument block, filled from its end downwards (see above) */
struct bprm_args {
	char* buf;       /* kmalloc'ed (vmalloc'ed past 32 KiB), grows by doubling */
	size_t cap;      /* bytes in buf */
	size_t used;     /* the strings occupy buf[cap - used, cap) */
	size_t limit;    /* at most this many bytes (argv + envp + pointers: E2BIG) */
};

/* bprm->unsafe (Linux: include/linux/security.h) */
#define LSM_UNSAFE_SHARE 1        /* another task shares our fs_struct */
#define LSM_UNSAFE_PTRACE 2       /* traced */
#define LSM_UNSAFE_NO_NEW_PRIVS 4 /* no_new_privs */

struct linux_binprm {
	struct mm_struct* mm;        /* the new address space, until exec_mmap */
	struct vm_area_struct* vma;  /* its stack VMA (setup_arg_pages) */
	unsigned long stack_top;     /* the stack VMA's end (randomized) */
	unsigned long p;             /* the user address of argv[0]'s first byte */
	unsigned long exec;          /* the user address of the execfn string (AT_EXECFN) */
	unsigned long argmin;
	bool point_of_no_return;     /* the old program is gone: failures kill */
	bool path_inaccessible;      /* execveat of a close-on-exec fd: its /dev/fd name dies with the exec */
	bool secureexec;             /* AT_SECURE: a set-id or privilege-gaining exec */
	struct cred* cred;           /* the new credentials, committed in begin_new_exec */
	unsigned int per_clear;      /* personality flags to clear (PER_CLEAR_ON_SETID) */
	unsigned int unsafe;         /* LSM_UNSAFE_*: why a set-id exec may not raise privilege */
	struct file* file;           /* what is executed now (a script's interpreter after binfmt_script) */
	struct file* interpreter;    /* set by binfmt_script: what to run instead of file */
	int argc, envc;
	const char* filename;        /* the name execve was given (kernel copy) */
	const char* interp;          /* the name of what is executed (a script's own path for its interpreter) */
	char* interp_buf;            /* binfmt_script's copy of the interpreter's name */
	char* fdpath;                /* the "/dev/fd/N/name" execveat made, or NULL */
	struct rlimit rlim_stack;    /* RLIMIT_STACK at the start */
	struct bprm_args args;
	char buf[BINPRM_BUF_SIZE];   /* the file's first bytes, zero padded */
};

struct linux_binfmt {
	lib::list_head lh;
	const char* name;
	/* ENOEXEC: not this format, try the next */
	lib::Result<void> (*load_binary)(struct linux_binprm* bprm);
};

void register_binfmt(struct linux_binfmt* fmt);

/* fs/exec.cc, for the loaders */
lib::Result<void> begin_new_exec(struct linux_binprm* bprm); /* the point of no return */
void setup_new_exec(struct linux_binprm* bprm);
lib::Result<void> setup_arg_pages(struct linux_binprm* bprm);
/* write the argument block to the new stack; call after exec_mmap */
lib::Result<void> copy_args_to_stack(struct linux_binprm* bprm);
/* put a kernel string in front of argv (binfmt_script: the interpreter) */
lib::Result<void> bprm_push_arg(struct linux_binprm* bprm, const char* s);
/* drop argv[0] (binfmt_script) */
void bprm_remove_arg_zero(struct linux_binprm* bprm);
/* the vDSO and its data page, above the stack (arch/x86_64/entry/vdso/
 * vma.cc): the vDSO's address for AT_SYSINFO_EHDR, 0 with vdso=0 */
lib::Result<unsigned long> arch_setup_additional_pages(struct linux_binprm* bprm);
void init_vdso();
/* the loaders: ELF (fs/binfmt_elf.cc) and "#!" (fs/binfmt_script.cc) */
void init_elf_binfmt();
void init_script_binfmt();

/* open name (relative to dfd) for execution: a regular file on a mount
 * without noexec (EACCES), MAY_EXEC (not MAY_READ, as Linux); flags AT_EMPTY_PATH
 * (name "" is dfd itself) and AT_SYMLINK_NOFOLLOW (a symlink: ELOOP)
 * (Linux: do_open_execat; open_exec is the AT_FDCWD form) */
lib::Result<struct file*> do_open_execat(int dfd, const char* name, int flags);

/* execve from the kernel: argv and envp are kernel strings, NULL-ended
 * (Linux: kernel_execve; run_init_process uses it).  On success current
 * returns to user mode in the new program through its pt_regs. */
lib::Result<void> kernel_execve(const char* filename, const char* const* argv, const char* const* envp);
