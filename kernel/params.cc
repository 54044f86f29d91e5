/*
 * Boot command-line dispatch (Linux: init/main.c parse_early_param,
 * obsolete_checksetup, unknown_bootoption; kernel/params.c parse_args).
 *
 * Two passes over saved_command_line: the early pass runs early_param
 * handlers before memory management exists; the late pass runs __setup
 * handlers and collects parameters nobody claimed.  Like Linux, unknown
 * parameters are not errors: they are logged and handed to init ("foo" as
 * an argument, "foo=bar" as an environment variable), as is everything
 * after a bare "--".
 */
#define pr_fmt(fmt) fmt
#include <kernel/params.h>
#include <kernel/printk.h>
#include <arch/boot.h>
#include <lib/cmdline.h>
#include <lib/string.h>

extern const obs_kernel_param __setup_start[], __setup_end[];

const char* saved_command_line = "";
const char* argv_init[MAX_INIT_ARGS + 2] = {"init", nullptr};
const char* envp_init[MAX_INIT_ENVS + 2] = {"HOME=/", "TERM=linux", nullptr};

namespace
{
/* storage for the NUL-terminated copies handed to init */
char init_strings[COMMAND_LINE_SIZE * 2];
size_t init_strings_used;

const char* keep_string(std::string_view s)
{
	if (init_strings_used + s.size() + 1 > sizeof(init_strings))
		return nullptr;
	char* p = init_strings + init_strings_used;
	lib::memcpy(p, s.data(), s.size());
	p[s.size()] = '\0';
	init_strings_used += s.size() + 1;
	return p;
}

void add_to(const char** vec, int max, std::string_view s, const char* what)
{
	int i = 0;
	while (vec[i])
		i++;
	if (i >= max) {
		pr_warn("Too many boot %s vars at `%.*s'\n", what, int(s.size()), s.data());
		return;
	}
	vec[i] = keep_string(s);
	vec[i + 1] = nullptr;
}

/* "key" or "key=value" as it stood on the command line */
std::string_view whole_param(const lib::cmdline_param& a)
{
	if (!a.has_value)
		return a.key;
	return std::string_view(a.key.data(), size_t(a.value.data() + a.value.size() - a.key.data()));
}

const obs_kernel_param* find(std::string_view key)
{
	for (const obs_kernel_param* p = __setup_start; p < __setup_end; p++)
		if (key == p->str)
			return p;
	return nullptr;
}

void call(const obs_kernel_param* p, const lib::cmdline_param& a)
{
	if (p->setup_func(a.value).is_err())
		pr_warn("Malformed early option '%s'\n", p->str);
}
} // namespace

void parse_early_param()
{
	lib::cmdline_iter it(saved_command_line);
	lib::cmdline_param a;
	while (it.next(a)) {
		const obs_kernel_param* p = find(a.key);
		if (p && p->early)
			call(p, a);
	}
}

void parse_args()
{
	char unknown[COMMAND_LINE_SIZE];
	size_t ulen = 0;
	lib::cmdline_iter it(saved_command_line);
	lib::cmdline_param a;
	while (it.next(a)) {
		const obs_kernel_param* p = find(a.key);
		if (p) {
			if (!p->early && p->setup_func(a.value).is_err())
				pr_warn("Malformed option '%s'\n", p->str);
			continue;
		}
		/* module-style "mod.param=" belongs to modules, not init */
		if (a.key.find('.') != std::string_view::npos)
			continue;
		std::string_view whole = whole_param(a);
		if (ulen + whole.size() + 2 < sizeof(unknown)) {
			if (ulen)
				unknown[ulen++] = ' ';
			lib::memcpy(unknown + ulen, whole.data(), whole.size());
			ulen += whole.size();
		}
		if (a.has_value)
			add_to(envp_init, MAX_INIT_ENVS, whole, "environment");
		else
			add_to(argv_init, MAX_INIT_ARGS, whole, "command line");
	}
	/* everything after "--" is init's, verbatim */
	lib::cmdline_iter rest(it.rest_after_dashdash());
	while (rest.next(a))
		add_to(argv_init, MAX_INIT_ARGS, whole_param(a), "command line");
	if (ulen)
		pr_notice("Unknown kernel command line parameters \"%.*s\", will be passed to user space.\n", int(ulen),
		          unknown);
}
