/*
 * ktests of the system-call entry and exit, the syscall table, the
 * user-memory accessors, user-mode exceptions and the FPU, in real ring 3
 * (user programs: user_test_progs.S; pages and tasks: the test-only
 * user_test_helpers until the mm work merges).
 *
 * Suites: user_entry (system calls, exits, traps, SYSRET vs IRET),
 * user_copy (copy_from_user ... on mapped, unmapped and partly mapped
 * ranges), user_fpu (initial state, two tasks keeping their registers).
 * Under QEMU's default CPU (qemu64: no SMAP, FXSAVE only) and under
 * -cpu max (SMEP, SMAP, XSAVE, AVX: tests/e2e runs these suites there).
 */
#include "user_test_helpers.h"
#include "../../../kernel/task_footprint_test.h"
#include <arch/fpu.h>
#include <arch/page.h>
#include <arch/segment.h>
#include <arch/smap.h>
#include <arch/syscall.h>
#include <kernel/entry-common.h>
#include <kernel/ktest.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/sched/task.h>
#include <kernel/smp.h>
#include <kernel/cpumask.h>
#include <kernel/uaccess.h>
#include <kernel/time.h>
#include <kernel/version.h>
#include <lib/scope.h>
#include <lib/string.h>
#include <uapi/asm-generic/errno.h>
#include <uapi/asm-generic/signal.h>
#include <uapi/linux/utsname.h>

#define DECLARE_PROG(n) extern "C" const char utprog_##n[], utprog_##n##_end[]
DECLARE_PROG(ids);
DECLARE_PROG(enosys);
DECLARE_PROG(exit3);
DECLARE_PROG(uname);
DECLARE_PROG(int80);
DECLARE_PROG(ud2);
DECLARE_PROG(div0);
DECLARE_PROG(int3);
DECLARE_PROG(kread);
DECLARE_PROG(fpuinit);
DECLARE_PROG(fpu);
DECLARE_PROG(tls);
DECLARE_PROG(getpid_loop);
DECLARE_PROG(fpudirty);
DECLARE_PROG(nxjump);

extern struct kmem_cache* fpstate_cachep; /* fpu/core.cc */

namespace
{
constexpr uintptr_t CODE = 0x400000;
constexpr uintptr_t STACK = 0x600000; /* the page above it stays unmapped */
constexpr uintptr_t STACK2 = 0x700000;

lib::Result<void> map_prog(const char* start, const char* end)
{
	return user_test::map_page(CODE, start, size_t(end - start), false, true);
}
#define MAP_PROG(n) map_prog(utprog_##n, utprog_##n##_end)

/* map prog n and a stack, run it, return its exit code (-1: could not) */
int run_prog(const char* start, const char* end, const char* comm = "utest")
{
	if (map_prog(start, end).is_err() || user_test::map_page(STACK, nullptr, 0, true, false).is_err())
		return -1;
	lib::Result<int> r = user_test::run(CODE, STACK + PAGE_SIZE, comm);
	return r.is_ok() ? r.value() : -1;
}
#define RUN_PROG(n) run_prog(utprog_##n, utprog_##n##_end)

long* results(uintptr_t page = STACK)
{
	return static_cast<long*>(user_test::kernel_view(page));
}
} // namespace

KTEST(user_entry, ids)
{
	lib::scope_exit cleanup([] { user_test::unmap_all(); });
	KASSERT_OK(MAP_PROG(ids));
	KASSERT_OK(user_test::map_page(STACK, nullptr, 0, true, false));
	user_test::user_task ut;
	KASSERT_OK(user_test::start(ut, CODE, STACK + PAGE_SIZE, "utest"));
	pid_t pid = ut.task->pid;
	KEXPECT_EQ(user_test::wait(ut), 42 << 8); /* exit_group(42) */
	long* r = results();
	KEXPECT_EQ(r[0], pid);           /* getpid: the tgid */
	KEXPECT_EQ(r[1], pid);           /* gettid: one thread */
	KEXPECT_EQ(r[2], current->tgid); /* getppid: this test's task made it */
	KEXPECT_EQ(r[4], pid);           /* set_tid_address returns the tid */
	KEXPECT_EQ(r[5], 0);             /* sched_yield */
	KEXPECT_EQ(r[6], pid);           /* 0x100000000 + 39: only the low 32 bits count */
}

KTEST(user_entry, enosys_logged_once)
{
	lib::scope_exit cleanup([] { user_test::unmap_all(); });
	KEXPECT_EQ(RUN_PROG(enosys), 0);
	long* r = results();
	KEXPECT_EQ(r[0], -ENOSYS); /* lookup_dcookie: nobody implements it */
	KEXPECT_EQ(r[1], -ENOSYS); /* 1000 >= NR_syscalls */
	KEXPECT_EQ(r[2], -ENOSYS); /* a hole in the table */
	KEXPECT_EQ(r[3], -ENOSYS); /* -1 */
	/* 100 calls, one line */
	KEXPECT_EQ(ktest_log_count("system call 212 (lookup_dcookie) is not implemented"), 1);
	KEXPECT_EQ(ktest_log_count("system call 1000 is out of range"), 1);
}

KTEST(user_entry, exit_status)
{
	lib::scope_exit cleanup([] { user_test::unmap_all(); });
	KEXPECT_EQ(RUN_PROG(exit3), 3 << 8);
}

KTEST(user_entry, uname_and_bad_buffers)
{
	lib::scope_exit cleanup([] { user_test::unmap_all(); });
	KEXPECT_EQ(RUN_PROG(uname), 0);
	long* r = results();
	KEXPECT_EQ(r[0], 0);
	auto* u = reinterpret_cast<const struct new_utsname*>(reinterpret_cast<char*>(r) + 2048);
	KEXPECT_STREQ(u->sysname, "Linux");
	KEXPECT_STREQ(u->nodename, "(none)");
	KEXPECT_STREQ(u->release, UTS_RELEASE);
	KEXPECT_STREQ(u->machine, "x86_64");
	KEXPECT_STREQ(u->domainname, "(none)");
	KEXPECT_EQ(r[1], -EFAULT); /* NULL */
	KEXPECT_EQ(r[2], -EFAULT); /* a kernel address */
	KEXPECT_EQ(r[3], -EFAULT); /* non-canonical */
	KEXPECT_EQ(r[4], -EFAULT); /* runs off the mapped page */
	KEXPECT_EQ(r[5], -EFAULT); /* past TASK_SIZE_MAX */
}

KTEST(user_entry, int80_is_sigsegv)
{
	lib::scope_exit cleanup([] { user_test::unmap_all(); });
	KEXPECT_EQ(RUN_PROG(int80), SIGSEGV);
	/* a #GP at the int instruction, with the IDT bit and the vector in the
	 * error code: 0x402 on hardware (as Linux logs it), 0x802 under QEMU's
	 * TCG, which scales the vector by the 16-byte gate size */
	KEXPECT_TRUE(ktest_log_contains("] general protection fault ip:400005 sp:601000 error:402") ||
	             ktest_log_contains("] general protection fault ip:400005 sp:601000 error:802"));
}

KTEST(user_entry, traps_are_signals)
{
	lib::scope_exit cleanup([] { user_test::unmap_all(); });
	KEXPECT_EQ(RUN_PROG(ud2), SIGILL);
	KEXPECT_TRUE(ktest_log_contains("] trap invalid opcode ip:400000 sp:601000 error:0"));
	user_test::unmap_all();
	KEXPECT_EQ(RUN_PROG(div0), SIGFPE);
	KEXPECT_TRUE(ktest_log_contains("] trap divide error ip:400009 sp:601000 error:0"));
	user_test::unmap_all();
	KEXPECT_EQ(RUN_PROG(int3), SIGTRAP);
	KEXPECT_TRUE(ktest_log_contains("] trap int3 ip:400001 sp:601000 error:0"));
	user_test::unmap_all();
	KEXPECT_EQ(RUN_PROG(kread), SIGSEGV); /* the kernel's pages are not the user's */
}

/* NX on: executing the (NX) stack page faults, and the program dies */
KTEST(user_entry, nx_stack_is_not_executable)
{
	lib::scope_exit cleanup([] { user_test::unmap_all(); });
	KEXPECT_EQ(RUN_PROG(nxjump), SIGSEGV);
	/* error 0x15: present, user, instruction fetch */
	KEXPECT_TRUE(ktest_log_contains("]: segfault at 600000 ip 0000000000600000 sp 0000000000601000 error 15"));
}

/* a user task gives back everything it took: task, pid, stack, fpstate,
 * pages (the test helper's pages go with unmap_all) */
KTEST(user_entry, gives_everything_back)
{
	lib::scope_exit cleanup([] { user_test::unmap_all(); });
	KEXPECT_EQ(RUN_PROG(ids), 42 << 8); /* warm up: first-use allocations */
	user_test::unmap_all();
	ktest_quiesce(); /* a task's fpstate is freed when it is released */
	kmem_cache_shrink(fpstate_cachep);
	unsigned long fpstates = task_footprint::active_objs(fpstate_cachep);
	struct task_footprint before = task_footprint::now();
	for (int i = 0; i < 3; i++) {
		KEXPECT_EQ(RUN_PROG(ids), 42 << 8);
		user_test::unmap_all();
	}
	KEXPECT_EQ(RUN_PROG(ud2), SIGILL); /* killed by a signal */
	user_test::unmap_all();
	ktest_quiesce();
	kmem_cache_shrink(fpstate_cachep);
	struct task_footprint after = task_footprint::now();
	expect_same_footprint(__ktest, before, after);
	KEXPECT_EQ(task_footprint::active_objs(fpstate_cachep), fpstates);
}

/* SYSRET only when Linux would use it */
KTEST(user_entry, sysret_predicate)
{
	struct pt_regs regs = {};
	regs.ip = regs.cx = 0x401000;
	regs.flags = regs.r11 = X86_EFLAGS_IF | X86_EFLAGS_FIXED;
	regs.cs = __USER_CS;
	regs.ss = __USER_DS;
	KEXPECT_TRUE(syscall_can_sysret(&regs));
	struct pt_regs r = regs;
	r.ip = r.cx = 0x800000000000UL; /* after a SYSCALL at the very end of the lower half */
	KEXPECT_FALSE(syscall_can_sysret(&r));
	r = regs;
	r.ip = r.cx = 0x7ffffffff000UL; /* canonical, but the unmappable last page */
	KEXPECT_FALSE(syscall_can_sysret(&r));
	r = regs;
	r.ip = 0x402000; /* exec or a signal moved it: RCX is stale */
	KEXPECT_FALSE(syscall_can_sysret(&r));
	r = regs;
	r.flags = r.r11 = regs.flags | X86_EFLAGS_TF;
	KEXPECT_FALSE(syscall_can_sysret(&r));
	r = regs;
	r.flags = r.r11 = regs.flags | X86_EFLAGS_RF;
	KEXPECT_FALSE(syscall_can_sysret(&r));
	r = regs;
	r.r11 = regs.flags | X86_EFLAGS_DF;
	KEXPECT_FALSE(syscall_can_sysret(&r));
	r = regs;
	r.cs = __USER32_CS;
	KEXPECT_FALSE(syscall_can_sysret(&r));
}

/*
 * CVE-2012-0217: a SYSCALL in the last two bytes below the hole leaves
 * RCX = 2^47, non-canonical.  The return must take IRET, whose fault (or
 * the fetch at 2^47 in user mode) is the user's: SIGSEGV, no oops.  (The
 * page is above TASK_SIZE_MAX: only this test helper can map it.)
 */
KTEST(user_entry, syscall_at_end_of_user_space)
{
	lib::scope_exit cleanup([] { user_test::unmap_all(); });
	static char code[PAGE_SIZE];
	lib::memset(code, 0x90, sizeof(code)); /* nop ... */
	code[PAGE_SIZE - 2] = 0x0f;            /* syscall */
	code[PAGE_SIZE - 1] = 0x05;
	constexpr uintptr_t LAST = 0x7ffffffff000UL;
	KASSERT_OK(user_test::map_page(LAST, code, sizeof(code), false, true));
	KASSERT_OK(user_test::map_page(STACK, nullptr, 0, true, false));
	lib::Result<int> r = user_test::run(LAST, STACK + PAGE_SIZE, "utest");
	KASSERT_OK(r);
	KEXPECT_EQ(r.value(), SIGSEGV);
}

KTEST(user_entry, arch_prctl_fs_gs)
{
	lib::scope_exit cleanup([] { user_test::unmap_all(); });
	KASSERT_OK(MAP_PROG(tls));
	KASSERT_OK(user_test::map_page(STACK, nullptr, 0, true, false));
	long* r = results();
	r[512 / 8] = 0x5afe5afe;  /* what %fs:0 reads */
	r[1024 / 8] = 0x6a6a6a6a; /* what %gs:0 reads */
	lib::Result<int> code = user_test::run(CODE, STACK + PAGE_SIZE, "utest");
	KASSERT_OK(code);
	KEXPECT_EQ(code.value(), 0);
	KEXPECT_EQ(r[0], 0);
	KEXPECT_EQ(r[1], 0);
	KEXPECT_EQ(r[2], 0x5afe5afe);
	KEXPECT_EQ(r[3], 0x6a6a6a6a);
	KEXPECT_EQ(r[4], long(STACK + 512));
	KEXPECT_EQ(r[5], long(STACK + 1024));
	KEXPECT_EQ(r[6], -EPERM);
	KEXPECT_EQ(r[7], -EFAULT);
	KEXPECT_EQ(r[8], -EINVAL);
	/* the kernel's own GS base survived all that */
	KEXPECT_EQ(rdmsr(MSR_GS_BASE), reinterpret_cast<uint64_t>(this_cpu_hot()));
}

KTEST(user_entry, table)
{
	KEXPECT_EQ(NR_syscalls, 451);
	KEXPECT_STREQ(syscall_name(0), "read");
	KEXPECT_STREQ(syscall_name(39), "getpid");
	KEXPECT_STREQ(syscall_name(63), "uname"); /* entry point sys_newuname */
	KEXPECT_STREQ(syscall_name(231), "exit_group");
	KEXPECT_STREQ(syscall_name(450), "set_mempolicy_home_node");
	KEXPECT_EQ(syscall_name(335), nullptr);
	KEXPECT_EQ(syscall_name(451), nullptr);
	KEXPECT_EQ(syscall_name(-1), nullptr);
	/* a defined call binds to its SYSCALL_DEFINE, a missing one to sys_ni_syscall */
	KEXPECT_NE(sys_call_table[__NR_getpid], sys_call_table[335]);
	KEXPECT_EQ(sys_call_table[__NR_lookup_dcookie], sys_call_table[335]);
	for (int nr = 0; nr < NR_syscalls; nr++)
		KEXPECT_NE(sys_call_table[nr], nullptr);
}

/* ---- usercopy on mapped, unmapped and partly mapped ranges ---- */

namespace
{
/* STACK mapped and filled with i & 0xff, STACK + PAGE_SIZE unmapped */
lib::Result<unsigned char*> map_pattern_page()
{
	TRY(user_test::map_page(STACK, nullptr, 0, true, false));
	auto* k = static_cast<unsigned char*>(user_test::kernel_view(STACK));
	for (unsigned i = 0; i < PAGE_SIZE; i++)
		k[i] = (unsigned char)i;
	return k;
}
} // namespace

KTEST(user_copy, copy_from_user)
{
	lib::scope_exit cleanup([] { user_test::unmap_all(); });
	lib::Result<unsigned char*> km = map_pattern_page();
	KASSERT_OK(km);
	unsigned char* k = km.value();
	unsigned char buf[64];
	KEXPECT_EQ(copy_from_user(buf, user_ptr<const void>(STACK + 16), 48), 0UL);
	KEXPECT_EQ(lib::memcmp(buf, k + 16, 48), 0);
	/* 10 bytes mapped, 20 not: 20 not copied, and zeroed */
	lib::memset(buf, 0xaa, sizeof(buf));
	KEXPECT_EQ(copy_from_user(buf, user_ptr<const void>(STACK + PAGE_SIZE - 10), 30), 20UL);
	KEXPECT_EQ(lib::memcmp(buf, k + PAGE_SIZE - 10, 10), 0);
	bool zeroed = true;
	for (int i = 10; i < 30; i++)
		zeroed &= buf[i] == 0;
	KEXPECT_TRUE(zeroed);
	KEXPECT_EQ(buf[30], 0xaa);
	KEXPECT_EQ(copy_from_user(buf, user_ptr<const void>(STACK + PAGE_SIZE), 16), 16UL);
	KEXPECT_EQ(copy_from_user(buf, user_ptr<const void>(0), 8), 8UL);
	KEXPECT_EQ(copy_from_user(buf, user_ptr<const void>(reinterpret_cast<uintptr_t>(k)), 8), 8UL); /* kernel */
	KEXPECT_EQ(copy_from_user(buf, user_ptr<const void>(0x8000000000000000UL), 8), 8UL); /* non-canonical */
	KEXPECT_EQ(copy_from_user(buf, user_ptr<const void>(TASK_SIZE_MAX - 4), 8), 8UL);    /* straddles the end */
	KEXPECT_EQ(copy_from_user(buf, user_ptr<const void>(STACK), 0), 0UL);
}

KTEST(user_copy, copy_to_user_and_clear_user)
{
	lib::scope_exit cleanup([] { user_test::unmap_all(); });
	lib::Result<unsigned char*> km = map_pattern_page();
	KASSERT_OK(km);
	unsigned char* k = km.value();
	unsigned char src[32];
	lib::memset(src, 0x5c, sizeof(src));
	KEXPECT_EQ(copy_to_user(user_ptr<void>(STACK + 100), src, 32), 0UL);
	KEXPECT_EQ(lib::memcmp(k + 100, src, 32), 0);
	KEXPECT_EQ(copy_to_user(user_ptr<void>(STACK + PAGE_SIZE - 10), src, 30), 20UL);
	KEXPECT_EQ(lib::memcmp(k + PAGE_SIZE - 10, src, 10), 0);
	KEXPECT_EQ(copy_to_user(user_ptr<void>(reinterpret_cast<uintptr_t>(src)), src, 4), 4UL);
	KEXPECT_EQ(clear_user(user_ptr<void>(STACK + PAGE_SIZE - 7), 20), 13UL);
	KEXPECT_EQ(k[PAGE_SIZE - 7], 0);
	KEXPECT_EQ(k[PAGE_SIZE - 1], 0);
	KEXPECT_EQ(k[PAGE_SIZE - 8], 0x5c); /* from the copy_to_user above */
	KEXPECT_EQ(clear_user(user_ptr<void>(STACK), 16), 0UL);
	KEXPECT_EQ(clear_user(user_ptr<void>(0x8000000000000000UL), 16), 16UL);
	/* a read-only user page: the write faults (CR0.WP), nothing written */
	unsigned char ro_bytes[8] = {1, 2, 3, 4, 5, 6, 7, 8};
	KASSERT_OK(user_test::map_page(STACK2, ro_bytes, sizeof(ro_bytes), false, false));
	KEXPECT_EQ(copy_to_user(user_ptr<void>(STACK2), src, 8), 8UL);
	KEXPECT_EQ(static_cast<unsigned char*>(user_test::kernel_view(STACK2))[0], 1);
}

KTEST(user_copy, strings)
{
	lib::scope_exit cleanup([] { user_test::unmap_all(); });
	lib::Result<unsigned char*> km = map_pattern_page();
	KASSERT_OK(km);
	unsigned char* k = km.value();
	lib::memcpy(k + 200, "hello", 6);
	char dst[64];
	lib::Result<long> n = strncpy_from_user(dst, user_ptr<const char>(STACK + 200), sizeof(dst));
	KEXPECT_OK(n);
	KEXPECT_EQ(n.value_or(-1), 5);
	KEXPECT_STREQ(dst, "hello");
	KEXPECT_EQ(strncpy_from_user(dst, user_ptr<const char>(STACK + 200), 3).value_or(-1), 3);
	/* no NUL before the unmapped page */
	lib::memset(k + PAGE_SIZE - 10, 'x', 10);
	KEXPECT_ERR(strncpy_from_user(dst, user_ptr<const char>(STACK + PAGE_SIZE - 10), sizeof(dst)), EFAULT);
	KEXPECT_EQ(strncpy_from_user(dst, user_ptr<const char>(STACK + PAGE_SIZE - 10), 10).value_or(-1), 10);
	KEXPECT_ERR(strncpy_from_user(dst, user_ptr<const char>(0), 8), EFAULT);
	KEXPECT_ERR(strncpy_from_user(dst, user_ptr<const char>(reinterpret_cast<uintptr_t>(k)), 8), EFAULT);

	KEXPECT_EQ(strnlen_user(user_ptr<const char>(STACK + 200), 64), 6);
	KEXPECT_EQ(strnlen_user(user_ptr<const char>(STACK + 200), 3), 4); /* n + 1: no NUL within n */
	KEXPECT_EQ(strnlen_user(user_ptr<const char>(STACK + PAGE_SIZE - 10), 64), 0);
	KEXPECT_EQ(strnlen_user(user_ptr<const char>(STACK + PAGE_SIZE), 64), 0);
	KEXPECT_EQ(strnlen_user(user_ptr<const char>(reinterpret_cast<uintptr_t>(k)), 64), 0);
}

KTEST(user_copy, get_user_put_user)
{
	lib::scope_exit cleanup([] { user_test::unmap_all(); });
	lib::Result<unsigned char*> km = map_pattern_page();
	KASSERT_OK(km);
	unsigned char* k = km.value();
	uint32_t v = 0;
	KEXPECT_OK(get_user(v, user_ptr<const uint32_t>(STACK + 4)));
	KEXPECT_EQ(v, 0x07060504u);
	uint64_t q = 0x1122334455667788ULL;
	KEXPECT_OK(put_user(q, user_ptr<uint64_t>(STACK + 64)));
	KEXPECT_EQ(*reinterpret_cast<uint64_t*>(k + 64), 0x1122334455667788ULL);
	uint8_t b = 0;
	KEXPECT_OK(get_user(b, user_ptr<const uint8_t>(STACK + 77)));
	KEXPECT_EQ(b, 77);
	v = 1;
	KEXPECT_ERR(get_user(v, user_ptr<const uint32_t>(STACK + PAGE_SIZE)), EFAULT);
	KEXPECT_EQ(v, 0u); /* zeroed on a fault, as Linux */
	KEXPECT_ERR(get_user(q, user_ptr<const uint64_t>(STACK + PAGE_SIZE - 4)), EFAULT); /* straddles */
	KEXPECT_ERR(put_user(q, user_ptr<uint64_t>(STACK + PAGE_SIZE)), EFAULT);
	KEXPECT_ERR(get_user(v, user_ptr<const uint32_t>(reinterpret_cast<uintptr_t>(k))), EFAULT);
	KEXPECT_ERR(put_user(q, user_ptr<uint64_t>(0x8000000000000000UL)), EFAULT);
}

/* with SMAP, the kernel reading a user page outside the accessors is an
 * oops (tests/e2e: user_smap_oops, under -cpu max) */
KTEST_EXPLICIT_ONLY(user_copy, smap_oops)
{
	if (!x86_smap_enabled)
		KTEST_SKIP("no SMAP on this CPU");
	KASSERT_OK(map_pattern_page());
	volatile const char* p = reinterpret_cast<volatile const char*>(STACK);
	(void)*p;
	KEXPECT_TRUE(false); /* not reached */
}

/* with SMEP, the kernel executing a user page is an oops (tests/e2e:
 * user_smep_oops, under -cpu max) */
KTEST_EXPLICIT_ONLY(user_copy, smep_oops)
{
	if (!x86_smep_enabled)
		KTEST_SKIP("no SMEP on this CPU");
	static const unsigned char ret = 0xc3;
	KASSERT_OK(user_test::map_page(CODE, &ret, 1, false, true));
	reinterpret_cast<void (*)()>(CODE)();
	KEXPECT_TRUE(false); /* not reached */
}

/* ---- the FPU ---- */

KTEST(user_fpu, initial_state)
{
	lib::scope_exit cleanup([] { user_test::unmap_all(); });
	KEXPECT_EQ(RUN_PROG(fpuinit), 0);
	long* r = results();
	KEXPECT_EQ(r[0] & 0xffffffff, MXCSR_DEFAULT);
	KEXPECT_EQ(r[1] & 0xffff, FCW_DEFAULT);
	KEXPECT_EQ(r[2], 0);
	KEXPECT_EQ(r[3], 0);
	KEXPECT_EQ(r[4] & 0xffff, 0); /* FSW: no exception, stack top 0 */
}

/* a new task on a CPU where another left its registers dirty starts from
 * the initial state all the same: nothing of another task's registers
 * leaks to it */
KTEST(user_fpu, new_task_does_not_inherit_registers)
{
	lib::scope_exit cleanup([] { user_test::unmap_all(); });
	int cpu = num_online_cpus() > 1 ? 1 : 0;
	KASSERT_OK(
	    user_test::map_page(CODE, utprog_fpudirty, size_t(utprog_fpudirty_end - utprog_fpudirty), false, true));
	KASSERT_OK(user_test::map_page(CODE + PAGE_SIZE, utprog_fpuinit, size_t(utprog_fpuinit_end - utprog_fpuinit),
	                               false, true));
	KASSERT_OK(user_test::map_page(STACK, nullptr, 0, true, false));
	KASSERT_OK(user_test::map_page(STACK2, nullptr, 0, true, false));
	user_test::user_task dirty, clean;
	KASSERT_OK(user_test::start(dirty, CODE, STACK + PAGE_SIZE, "fpu_dirty", cpu));
	KEXPECT_EQ(user_test::wait(dirty), 0);
	KASSERT_OK(user_test::start(clean, CODE + PAGE_SIZE, STACK2 + PAGE_SIZE, "fpu_clean", cpu));
	KEXPECT_EQ(user_test::wait(clean), 0);
	long* r = results(STACK2);
	KEXPECT_EQ(r[0] & 0xffffffff, MXCSR_DEFAULT);
	KEXPECT_EQ(r[1] & 0xffff, FCW_DEFAULT);
	KEXPECT_EQ(r[2], 0);          /* XMM0 */
	KEXPECT_EQ(r[3], 0);          /* XMM15 */
	KEXPECT_EQ(r[4] & 0x3800, 0); /* FSW's stack top: empty again */
}

namespace
{
/* two tasks on one CPU running utprog_fpu with their own seeds: both must
 * exit 0; returns the involuntary switches they had */
unsigned long run_two_fpu_tasks(ktest& __ktest, long rounds, long yield)
{
	lib::scope_exit cleanup([] { user_test::unmap_all(); });
	if (MAP_PROG(fpu).is_err() || user_test::map_page(STACK, nullptr, 0, true, false).is_err() ||
	    user_test::map_page(STACK2, nullptr, 0, true, false).is_err()) {
		__ktest.fail(__FILE__, __LINE__, "cannot map the user pages");
		return 0;
	}
	long avx = (fpu_kernel_cfg.features & XFEATURE_MASK_YMM) ? 1 : 0;
	long* a = results(STACK);
	long* b = results(STACK2);
	a[0] = 0x1111111100000001L; /* rounding mode 1 */
	b[0] = 0x2222222200000002L; /* rounding mode 2 */
	a[1] = b[1] = avx;
	a[3] = b[3] = rounds;
	a[4] = b[4] = yield;
	user_test::user_task ta, tb;
	/* not the ktest's CPU 0 when there is another: the two only compete
	 * with each other there */
	int cpu = num_online_cpus() > 1 ? 1 : 0;
	if (user_test::start(ta, CODE, STACK + PAGE_SIZE, "fpu_a", cpu).is_err())
		return 0;
	if (user_test::start(tb, CODE, STACK2 + PAGE_SIZE, "fpu_b", cpu).is_err()) {
		user_test::wait(ta);
		return 0;
	}
	struct task_struct* pa = ta.task;
	struct task_struct* pb = tb.task;
	get_task_struct(pa);
	get_task_struct(pb);
	KEXPECT_EQ(user_test::wait(ta), 0 << 8);
	KEXPECT_EQ(user_test::wait(tb), 0 << 8);
	unsigned long involuntary = pa->nivcsw + pb->nivcsw;
	put_task_struct(pa);
	put_task_struct(pb);
	pr_info("user_fpu: %s, %u-byte state%s\n", fpu_kernel_cfg.xsave ? "XSAVE" : "FXSAVE", fpu_kernel_cfg.size,
	        avx ? ", AVX checked" : "");
	return involuntary;
}
} // namespace

/* each with its own XMM/YMM/MXCSR values, yielding to each other: each
 * sees its own */
KTEST(user_fpu, two_tasks_keep_their_registers)
{
	run_two_fpu_tasks(__ktest, 50, 1);
}

/* the same, spinning in user mode until the timer preempts them: the
 * interrupt from user mode, its exit work's schedule() and the switch
 * save and restore the registers of a task that did not ask to stop */
KTEST(user_fpu, preempted_tasks_keep_their_registers)
{
	unsigned long involuntary = 0;
	/* a slow host may let one finish inside a time slice: more rounds then */
	for (long rounds = 200000; rounds <= 3200000 && !involuntary && !__ktest.failed(); rounds *= 4)
		involuntary = run_two_fpu_tasks(__ktest, rounds, 0);
	KEXPECT_GT(involuntary, 0UL);
}

/* a benchmark, not a test: the round trip of a raw getpid from ring 3
 * (under -icount shift=0, ns are instructions: Linux 6.1 takes 344) */
KTEST_EXPLICIT_ONLY(bench, getpid)
{
	lib::scope_exit cleanup([] { user_test::unmap_all(); });
	KASSERT_OK(MAP_PROG(getpid_loop));
	KASSERT_OK(user_test::map_page(STACK, nullptr, 0, true, false));
	constexpr long calls = 100000;
	results()[0] = calls;
	lib::Result<int> code = user_test::run(CODE, STACK + PAGE_SIZE, "bench");
	KASSERT_OK(code);
	KEXPECT_EQ(code.value(), 0);
	KASSERT_GT(tsc_khz, 0ULL);
	uint64_t ps = uint64_t(results()[1]) * 1000000000ULL / tsc_khz / calls; /* cycles -> ps per call */
	printk(KERN_INFO "# bench: kernel getpid (raw syscall from ring 3, SYSCALL/SYSRET): %llu.%llu ns\n",
	       (unsigned long long)(ps / 1000), (unsigned long long)(ps % 1000 / 100));
}
