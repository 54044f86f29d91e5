/*
 * Kernel symbol table (Linux: include/linux/kallsyms.h).
 *
 * The table of every text symbol with its size is generated from the
 * linked image (tools/build/kallsyms.py) and linked into .kallsyms by a
 * second link pass.  Addresses are stored as offsets from _text so the
 * table survives relocation (KASLR).
 */
#pragma once
#include <cstddef>
#include <cstdint>

#define KSYM_NAME_LEN 128
#define KSYM_SYMBOL_LEN (KSYM_NAME_LEN + 64)

/* name, size and offset of the symbol containing addr; false if none */
bool kallsyms_lookup(uintptr_t addr, const char** name, size_t* size, size_t* offset);
/* address of a symbol by exact name, 0 if absent */
uintptr_t kallsyms_lookup_name(const char* name);
/* "func+0x1c/0x80", or "0x..." when unknown; returns the length */
int sprint_symbol(char* buf, size_t size, uintptr_t addr);
/* For a return address in a backtrace (Linux's %pB): the call may be the
 * last instruction of its function, so look up addr - 1 and print the
 * offset of addr. */
int sprint_backtrace(char* buf, size_t size, uintptr_t addr);
/* number of symbols in the table */
size_t kallsyms_count();
