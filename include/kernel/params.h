/*
 * Kernel command-line parameters (Linux: include/linux/init.h early_param
 * and __setup, kernel/params.c, init/main.c parse_early_param/
 * unknown_bootoption).
 *
 * A parameter is registered beside the code that uses it:
 *     static lib::Result<void> setup_foo(std::string_view val)
 *     {
 *             foo = TRY(lib::parse_uint(val));
 *             return {};
 *     }
 *     early_param("foo", setup_foo);   // parsed in setup_arch, very early
 *     __setup("foo", setup_foo);       // parsed later in start_kernel
 * The handler gets the text after '=' (empty when there is none) and
 * returns success, or an error (EINVAL) for a malformed value, which is
 * logged (Linux's handlers return 0 or -EINVAL the same way).
 * Entries live in the .init.setup section between __setup_start/_end.
 */
#pragma once
#include <lib/result.h>
#include <string_view>

struct obs_kernel_param {
	const char* str;
	lib::Result<void> (*setup_func)(std::string_view val);
	bool early;
};

#define __setup_param(str, unique_id, fn, early)                                                                       \
	static const obs_kernel_param __setup_##unique_id                                                              \
	    __attribute__((used, section(".init.setup"), aligned(alignof(obs_kernel_param)))) = {str, fn, early}

#define early_param(str, fn) __setup_param(str, fn, fn, true)
#define __setup(str, fn) __setup_param(str, fn, fn, false)

/* the boot command line (boot_params.cmdline), saved for /proc/cmdline */
extern const char* saved_command_line;

void parse_early_param();
/* the rest of the parameters; logs the unknown ones, kept for init */
void parse_args();

inline constexpr int MAX_INIT_ARGS = 32;
inline constexpr int MAX_INIT_ENVS = 32;
/* "foo" and everything after "--" -> argv of init; "foo=bar" -> envp */
extern const char* argv_init[MAX_INIT_ARGS + 2];
extern const char* envp_init[MAX_INIT_ENVS + 2];
