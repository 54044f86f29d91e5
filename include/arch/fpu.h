/*
 * The user's FPU, SSE and AVX registers (Linux: arch/x86/include/asm/fpu/
 * types.h struct fpu, struct fpstate, struct fxregs_state, struct
 * xregs_state; asm/fpu/api.h, asm/fpu/sched.h).
 *
 * Data structures:
 *   struct fpu        in thread_struct: fpstate, the saved registers of a
 *                     task that runs user code; NULL for a kernel thread,
 *                     which never touches them (-mgeneral-regs-only)
 *   struct fpstate    the XSAVE (or, without XSAVE, FXSAVE) image, 64-byte
 *                     aligned, fpu_kernel_cfg.size bytes of regs; from the
 *                     "fpstate" kmem_cache (Linux keeps it at the end of
 *                     task_struct, whose size grows with it)
 *   fpu_kernel_cfg    what this machine saves: the XCR0 features (x87, SSE,
 *                     AVX, AVX-512 when present) and the image size from
 *                     CPUID 0xD, the same on every CPU
 *
 * Invariants: switching, the registers are eager: switch_fpu_prepare
 * saves prev's registers into prev->fpstate (if it has one and is not
 * exiting), switch_fpu_finish loads next's (if it has one), so a task with
 * an fpstate always runs with its own registers loaded.  A kernel thread
 * runs with whatever user registers were loaded last; it never reads or
 * changes them.  A new fpstate holds Linux's initial state: FCW 0x37f,
 * MXCSR 0x1f80, everything else zero.
 */
#pragma once
#include <cstddef>
#include <cstdint>
#include <lib/result.h>

struct task_struct;

/* XCR0 / XSTATE_BV feature bits (Linux: asm/fpu/types.h enum xfeature) */
#define XFEATURE_MASK_FP (1ULL << 0)
#define XFEATURE_MASK_SSE (1ULL << 1)
#define XFEATURE_MASK_YMM (1ULL << 2)
#define XFEATURE_MASK_OPMASK (1ULL << 5)
#define XFEATURE_MASK_ZMM_Hi256 (1ULL << 6)
#define XFEATURE_MASK_Hi16_ZMM (1ULL << 7)
#define XFEATURE_MASK_AVX512 (XFEATURE_MASK_OPMASK | XFEATURE_MASK_ZMM_Hi256 | XFEATURE_MASK_Hi16_ZMM)

#define MXCSR_DEFAULT 0x1f80 /* all exceptions masked, round to nearest */
#define FCW_DEFAULT 0x37f    /* FNINIT's control word: extended precision, all masked */

/* the legacy 512-byte FXSAVE area, the start of every XSAVE image */
struct fxregs_state {
	uint16_t cwd, swd, twd, fop;
	uint64_t rip, rdp;
	uint32_t mxcsr, mxcsr_mask;
	uint32_t st_space[32];  /* 8 x87 registers, 16 bytes each */
	uint32_t xmm_space[64]; /* 16 XMM registers, 16 bytes each */
	uint32_t padding[24];
};
static_assert(sizeof(struct fxregs_state) == 512);

struct xstate_header {
	uint64_t xfeatures; /* XSTATE_BV: components not in their init state */
	uint64_t xcomp_bv;  /* 0: the standard (non-compacted) format */
	uint64_t reserved[6];
};
static_assert(sizeof(struct xstate_header) == 64);

struct alignas(64) xregs_state {
	struct fxregs_state i387;
	struct xstate_header header;
	/* the extended components follow, at the offsets CPUID 0xD gives */
};

struct alignas(64) fpstate {
	unsigned int size;       /* bytes of regs in use (fpu_kernel_cfg.size) */
	uint64_t xfeatures;      /* the features it holds (fpu_kernel_cfg.features) */
	struct xregs_state regs; /* really fpu_kernel_cfg.size bytes */
};

struct fpu {
	unsigned int last_cpu;   /* the CPU whose registers hold it after a restore */
	struct fpstate* fpstate; /* NULL: a kernel thread, nothing to save */
};

struct fpu_state_config {
	uint64_t features; /* XCR0: the features saved and restored */
	unsigned int size; /* bytes of the XSAVE image (512 with FXSAVE only) */
	bool xsave;        /* XSAVE/XRSTOR (else FXSAVE/FXRSTOR) */
	bool xsaveopt;     /* XSAVEOPT for saving */
};
extern struct fpu_state_config fpu_kernel_cfg;

/* boot CPU, before any other CPU starts: what the machine supports (CPUID) */
void fpu__init_system();
/* every CPU: CR0 (MP, NE, no TS/EM), CR4 (OSFXSR, OSXMMEXCPT, OSXSAVE), XCR0 */
void fpu__init_cpu();
/* fork_init: the kmem_cache fpstates come from */
void fpstate_cache_init();

/* give tsk a fresh fpstate (Linux's initial values) if it has none: a task
 * about to run user code for the first time (start_thread); ENOMEM */
lib::Result<void> fpstate_alloc_init(struct task_struct* tsk);
/* the child's copy of the parent's registers (Linux: fpu_clone, from
 * arch_dup_task_struct/copy_thread); a kernel thread's child gets none */
lib::Result<void> fpu_clone(struct task_struct* dst, struct task_struct* src);
/* free tsk's fpstate (the task_struct is going away) */
void fpstate_free(struct task_struct* tsk);
/* exec: reset current's registers to the initial state (Linux:
 * fpu__clear_user_states) */
void fpu__clear_user_states(struct task_struct* tsk);
/* exit: current's registers are no longer worth saving (Linux: fpu__drop) */
void fpu__drop(struct task_struct* tsk);

/* the context switch (process.cc __switch_to), interrupts off */
void switch_fpu_prepare(struct task_struct* prev, unsigned int cpu);
void switch_fpu_finish(struct task_struct* next, unsigned int cpu);

/* current's live registers into its fpstate (signal frames, fork) */
void save_fpregs_to_fpstate(struct fpu* fpu);
/* fpstate into the registers */
void restore_fpregs_from_fpstate(struct fpstate* fps);
/* the initial register image (Linux: init_fpstate), NULL before fork_init */
extern struct fpstate* init_fpstate;
/* current's fpstate into this CPU's registers, current the owner;
 * interrupts or preemption off (rt_sigreturn) */
void fpregs_load_current();

/* ---- signal frames (arch/x86_64/kernel/fpu/signal.cc; Linux:
 * arch/x86/kernel/fpu/signal.c) ----
 * The user's copy is the XSAVE image (FXSAVE without XSAVE), 64-byte
 * aligned, with Linux's software-reserved bytes (struct _fpx_sw_bytes at
 * offset 464: FP_XSTATE_MAGIC1, extended_size, xfeatures, xstate_size)
 * and FP_XSTATE_MAGIC2 after it. */
#ifndef FP_XSTATE_MAGIC1 /* glibc's <bits/sigcontext.h> in the host tests */
#define FP_XSTATE_MAGIC1 0x46505853U
#define FP_XSTATE_MAGIC2 0x46505845U
#define FP_XSTATE_MAGIC2_SIZE sizeof(FP_XSTATE_MAGIC2)
#endif
/* the bytes a signal frame needs for it */
unsigned long fpu_sigframe_size();
/* current's registers to the user buffer buf (64-byte aligned); false on a fault */
bool copy_fpstate_to_sigframe(unsigned long buf);
/* rt_sigreturn: the registers from the user buffer (0: the initial
 * state); false for a fault or a state XRSTOR would refuse */
bool fpu__restore_sig(unsigned long buf);
