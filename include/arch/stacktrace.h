/*
 * Frame-pointer unwinding (Linux: arch/x86/kernel/unwind_frame.c,
 * dumpstack.c show_trace_log_lvl).
 */
#pragma once
#include <cstdint>

struct pt_regs;

/* Print " func+0x1c/0x80" lines for the frame chain starting at bp, never
 * leaving the stack that contains sp.  Stops at a zero or backwards link. */
void show_trace_log_lvl(uintptr_t sp, uintptr_t bp, const char* log_lvl);

/* Save up to max return addresses of the chain at bp into trace; returns count. */
unsigned stack_trace_save_bp(uintptr_t sp, uintptr_t bp, uintptr_t* trace, unsigned max);

/* the full oops register dump and backtrace */
void show_regs(const pt_regs* regs);
/* "Code: ..." with the 64 bytes around regs->ip, the faulting one in <>
 * (Linux: show_opcodes); user code is read through copy_from_user */
void show_opcodes(const pt_regs* regs, const char* loglvl);

/* Report an unrecoverable kernel exception and panic ("Oops", "invalid opcode"...). */
[[noreturn]] void die(const char* str, const pt_regs* regs, long err);

/* run fn(arg) on the stack whose top is stack_top (16-byte aligned) */
extern "C" void call_on_stack(void (*fn)(void*), void* arg, uintptr_t stack_top);

/* Linux's handle_stack_overflow: "BUG: TASK stack guard page was hit at
 * ..." then die(message); never returns */
[[noreturn]] void handle_stack_overflow(const char* message, const pt_regs* regs, uintptr_t fault_address);
