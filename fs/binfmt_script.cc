/*
 * "#!" scripts (Linux: fs/binfmt_script.c load_script).
 *
 * A file starting with "#!interpreter [argument]" runs the interpreter
 * instead, with argv rewritten from { argv[0], argv[1]... } to
 * { interpreter, [argument,] path, argv[1]... }: the path is the name
 * execve was given, argv[0] is dropped.  The line's rules are
 * <fs/binfmt_script.h>'s (parse_shebang, host-tested and fuzzed).  The
 * interpreter is opened here and offered to the loaders by exec_binprm in
 * turn (a script may name a script, 5 deep at most: ELOOP).
 */
#include <fs/binfmt_script.h>
#include <fs/binfmts.h>
#include <fs/fs.h>
#include <lib/string.h>
#include <mm/slab.h>
#include <uapi/asm-generic/errno.h>

namespace
{
lib::Result<void> load_script(struct linux_binprm* bprm)
{
	if (bprm->buf[0] != '#' || bprm->buf[1] != '!')
		return lib::Error{ENOEXEC};
	char buf[BINPRM_BUF_SIZE];
	lib::memcpy(buf, bprm->buf, sizeof(buf));
	shebang sb = TRY(parse_shebang(buf));
	/* execveat of a close-on-exec fd: the interpreter could not open the
	 * script's /dev/fd name (Linux: BINPRM_FLAGS_PATH_INACCESSIBLE) */
	if (bprm->path_inaccessible)
		return lib::Error{ENOENT};

	bprm_remove_arg_zero(bprm);
	TRY(bprm_push_arg(bprm, bprm->interp)); /* the script's own path */
	if (sb.arg)
		TRY(bprm_push_arg(bprm, sb.arg));
	TRY(bprm_push_arg(bprm, sb.interp));

	size_t len = lib::strlen(sb.interp) + 1;
	char* name = static_cast<char*>(kmalloc(len, GFP_KERNEL));
	if (!name)
		return lib::Error{ENOMEM};
	lib::memcpy(name, sb.interp, len);
	kfree(bprm->interp_buf);
	bprm->interp_buf = name;
	bprm->interp = name;
	bprm->interpreter = TRY(open_exec(name));
	return lib::ok();
}

struct linux_binfmt script_format = {{}, "script", load_script};
} // namespace

void init_script_binfmt()
{
	register_binfmt(&script_format);
}
