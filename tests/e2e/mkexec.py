#!/usr/bin/env python3
"""mkexec.py - the files user/exec.c executes: a tiny valid ELF and its
malformed variants, and "#!" scripts, written at build time into OUTDIR
(tests/e2e/user_exec.cmake puts them into the user-space test image under
/exec/).

    mkexec.py OUTDIR PROGRAM

PROGRAM is the test program's path in the image (/exec-musl): the tiny
ELF and the scripts run it again, so each lands back in the test with its
state in argv.

The tiny ELF is an ET_EXEC at 0x400000 with one PT_LOAD (R+X) holding its
code and PROGRAM's path; the code does execve(PROGRAM, argv, envp) with
the argv and envp it was given (argv[0] too), then exit_group(1).  Each variant breaks one thing, so it fails for
that reason only (the tiny ELF itself is the positive control):

    bad-magic        plain bytes                                ENOEXEC
    truncated        the first 20 bytes of the ELF header       ENOEXEC
    wrong-machine    e_machine EM_AARCH64                       ENOEXEC
    bad-type         e_type ET_REL                              ENOEXEC
    bad-phentsize    e_phentsize 32                             ENOEXEC
    phdrs-outside    e_phoff past the end of the file           ENOEXEC
    too-many-phdrs   e_phnum 100 (over one page of headers)     ENOEXEC
    interp-missing   PT_INTERP /exec/no-such-ld.so              ENOENT
    interp-text      PT_INTERP names a text file (mode 755)     ELIBBAD
    interp-machine   PT_INTERP names wrong-machine              ELIBBAD
    interp-nonul     PT_INTERP's path not NUL-terminated        ENOEXEC
    interp-short     PT_INTERP p_filesz 1                       ENOEXEC
    interp-outside   PT_INTERP's bytes past the end of the file EIO
    filesz-memsz     p_filesz > p_memsz: past the point of no return, SIGSEGV
    not-exec         the tiny ELF, mode 644                     EACCES
    script-arg       "#!PROGRAM one-arg"
    chain1..chain6   chainN: "#!/exec/chain(N-1)", chain1: "#!PROGRAM chain"
    script-noint     "#!/exec/no-such-interpreter"              ENOENT
    script-empty     "#!"                                       ENOEXEC
"""
import os
import struct
import sys

BASE = 0x400000
EHDR = 64
PHDR = 56
EM_X86_64, EM_AARCH64 = 62, 183
ET_REL, ET_EXEC = 1, 2
PT_LOAD, PT_INTERP = 1, 3
PF_X, PF_W, PF_R = 1, 2, 4


def ehdr(phnum, e_type=ET_EXEC, machine=EM_X86_64, entry=0, phoff=EHDR, phentsize=PHDR):
    ident = b"\x7fELF" + bytes([2, 1, 1, 0]) + b"\0" * 8
    return ident + struct.pack("<HHIQQQIHHHHHH", e_type, machine, 1, entry, phoff, 0, 0, EHDR, phentsize, phnum,
                               64, 0, 0)


def phdr(p_type, flags, offset, vaddr, filesz, memsz, align=0x1000):
    return struct.pack("<IIQQQQQQ", p_type, flags, offset, vaddr, vaddr, filesz, memsz, align)


def code(program, data_at):
    """execve(program, argv, envp) with this program's own argv and envp
    (from the initial stack: argc at %rsp), then exit_group(1).
    data_at: the address of the data (the path) that follows the code."""
    path = program.encode() + b"\0"
    text = (b"\x48\xbf" + struct.pack("<Q", data_at)  # mov rdi, path
            + b"\x48\x8d\x74\x24\x08"                # lea rsi, [rsp + 8]: argv
            + b"\x48\x8b\x14\x24"                    # mov rdx, [rsp]: argc
            + b"\x48\x8d\x54\xd6\x08"                # lea rdx, [rsi + rdx * 8 + 8]: envp
            + b"\xb8\x3b\x00\x00\x00"                # mov eax, 59 (execve)
            + b"\x0f\x05"                              # syscall
            + b"\xbf\x01\x00\x00\x00"                # mov edi, 1
            + b"\xb8\xe7\x00\x00\x00"                # mov eax, 231 (exit_group)
            + b"\x0f\x05")                             # syscall
    return text, path


def tiny(program, interp=None, interp_filesz=None, interp_offset=None, filesz_gt_memsz=False, **hdr):
    """The tiny ELF: header, PT_INTERP (optional), PT_LOAD, code, data,
    the interpreter's path."""
    nph = 2 if interp is not None else 1
    code_off = EHDR + nph * PHDR
    text, _ = code(program, 0)
    data_off = code_off + len(text)
    text, data = code(program, BASE + data_off)
    body = text + data
    interp_off = code_off + len(body)
    size = interp_off + (len(interp) if interp is not None else 0)
    phs = b""
    if interp is not None:
        phs += phdr(PT_INTERP, PF_R, interp_off if interp_offset is None else interp_offset, 0,
                    len(interp) if interp_filesz is None else interp_filesz,
                    len(interp) if interp_filesz is None else interp_filesz, 1)
    memsz = size - 16 if filesz_gt_memsz else size
    phs += phdr(PT_LOAD, PF_R | PF_X, 0, BASE, size, memsz)
    out = ehdr(nph, entry=BASE + code_off, **hdr) + phs + body + (interp or b"")
    assert len(out) == size
    return out


def main():
    outdir, program = sys.argv[1], sys.argv[2]
    os.makedirs(outdir, exist_ok=True)
    files = {
        "tiny": tiny(program),
        "not-exec": tiny(program),
        "bad-magic": b"this is not an executable\n" * 4,
        "truncated": tiny(program)[:20],
        "wrong-machine": tiny(program, machine=EM_AARCH64),
        "bad-type": tiny(program, e_type=ET_REL),
        "bad-phentsize": tiny(program, phentsize=32),
        "phdrs-outside": tiny(program, phoff=4096),
        "too-many-phdrs": tiny(program)[:0x38] + struct.pack("<H", 100) + tiny(program)[0x3a:],
        "interp-missing": tiny(program, interp=b"/exec/no-such-ld.so\0"),
        "interp-text": tiny(program, interp=b"/exec/bad-magic\0"),
        "interp-machine": tiny(program, interp=b"/exec/wrong-machine\0"),
        "interp-nonul": tiny(program, interp=b"/exec/tiny"),
        "interp-short": tiny(program, interp=b"/exec/tiny\0", interp_filesz=1),
        "interp-outside": tiny(program, interp=b"/exec/tiny\0", interp_offset=8192),
        "filesz-memsz": tiny(program, filesz_gt_memsz=True),
        "script-arg": b"#!" + program.encode() + b" one-arg\n",
        "script-noint": b"#!/exec/no-such-interpreter\n",
        "script-empty": b"#!\n",
        "chain1": b"#!" + program.encode() + b" chain\n",
    }
    for n in range(2, 7):
        files["chain%d" % n] = b"#!/exec/chain%d\n" % (n - 1)
    for name, data in files.items():
        path = os.path.join(outdir, name)
        with open(path, "wb") as f:
            f.write(data)
    return 0


if __name__ == "__main__":
    sys.exit(main())
