#!/usr/bin/env python3
"""mkcpio.py - write a "newc" cpio archive (the initramfs format) from a
small description, without the host's cpio(1): our own writer, so the
tests control every byte (bad magic, truncation, hard links, padding).

    mkcpio.py OUT [--truncate N] [--gzip-magic] [--gzip [--bad-crc]] [--split K] ENTRY...

ENTRY is one of
    dir:NAME:MODE[:UID:GID:MTIME]
    file:NAME:MODE:CONTENT[:UID:GID:MTIME]      (CONTENT with \\n escapes)
    host:NAME:MODE:PATH                         (a regular file with the bytes of host file PATH)
    link:NAME:TARGET
    hard:NAME:MODE:CONTENT:INO                  (files sharing INO are hard links:
                                                 the data goes with the last, as GNU cpio)
    chr:NAME:MODE:MAJOR:MINOR / blk:... / fifo:NAME:MODE
MODE is octal permission bits.  The archive ends with TRAILER!!! and is
padded to 512 bytes; --truncate N keeps only the first N bytes,
--bad-magic corrupts the second entry's magic, --gzip-magic writes only
a gzip header's first bytes and NULs (a corrupt stream), --gzip compresses
the archive (as gzip -9 would), --bad-crc then spoils the member's CRC32,
--split K writes the first K entries and the rest as two archives (two
gzip members with --gzip) with 512 NULs between them.
"""
import argparse
import sys

S_IFDIR, S_IFREG, S_IFLNK, S_IFCHR, S_IFBLK, S_IFIFO = 0o040000, 0o100000, 0o120000, 0o020000, 0o060000, 0o010000


def header(ino, mode, uid, gid, nlink, mtime, size, rmaj, rmin, name):
    fields = [ino, mode, uid, gid, nlink, mtime, size, 0, 0, rmaj, rmin, len(name) + 1, 0]
    return b"070701" + b"".join(b"%08x" % f for f in fields)


def pad4(b):
    return b + b"\0" * ((4 - len(b) % 4) % 4)


class Writer:
    def __init__(self):
        self.out = b""
        self.ino = 1000

    def entry(self, name, mode, data=b"", uid=0, gid=0, mtime=0, nlink=1, rmaj=0, rmin=0, ino=None):
        if ino is None:
            self.ino += 1
            ino = self.ino
        nb = name.encode()
        self.out += header(ino, mode, uid, gid, nlink, mtime, len(data), rmaj, rmin, nb) + nb + b"\0"
        self.out = pad4(self.out)  # the name, padded from the archive's start
        self.out = pad4(self.out + data)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--truncate", type=int)
    ap.add_argument("--bad-magic", action="store_true")
    ap.add_argument("--gzip-magic", action="store_true")
    ap.add_argument("--gzip", action="store_true")
    ap.add_argument("--split", type=int)
    ap.add_argument("--bad-crc", action="store_true")
    ap.add_argument("entries", nargs="*")
    a = ap.parse_args()
    if a.gzip_magic:
        open(a.out, "wb").write(b"\x1f\x8b\x08\x00" + b"\0" * 60)
        return 0
    if a.split is not None:  # two archives (members with --gzip), NUL padding between
        first, rest = a.entries[: a.split], a.entries[a.split:]
        write(a, archive(a, first) + b"\0" * 512 + archive(a, rest))
        return 0
    write(a, archive(a, a.entries))
    return 0


def write(a, out):
    if a.truncate is not None:
        out = out[: a.truncate]
    open(a.out, "wb").write(out)


def archive(a, entries):
    w = Writer()
    hard = {}
    for e in entries:
        p = e.split(":")
        if p[0] == "hard":
            hard.setdefault(p[4], []).append(p)
    seen = {}
    for e in entries:
        p = e.split(":")
        kind = p[0]
        extra = [int(x) for x in p[4:7]] if kind in ("file",) and len(p) >= 7 else None
        if kind == "dir":
            uid, gid, mtime = (int(x) for x in p[3:6]) if len(p) >= 6 else (0, 0, 0)
            w.entry(p[1], S_IFDIR | int(p[2], 8), uid=uid, gid=gid, mtime=mtime, nlink=2)
        elif kind == "file":
            data = p[3].encode().decode("unicode_escape").encode("latin-1")
            uid, gid, mtime = extra if extra else (0, 0, 0)
            w.entry(p[1], S_IFREG | int(p[2], 8), data, uid=uid, gid=gid, mtime=mtime)
        elif kind == "host":
            with open(p[3], "rb") as f:
                w.entry(p[1], S_IFREG | int(p[2], 8), f.read())
        elif kind == "link":
            w.entry(p[1], S_IFLNK | 0o777, p[2].encode())
        elif kind == "hard":
            group = hard[p[4]]
            seen[p[4]] = seen.get(p[4], 0) + 1
            last = seen[p[4]] == len(group)
            data = p[3].encode().decode("unicode_escape").encode("latin-1") if last else b""
            w.entry(p[1], S_IFREG | int(p[2], 8), data, nlink=len(group), ino=5000 + int(p[4]))
        elif kind in ("chr", "blk"):
            w.entry(p[1], (S_IFCHR if kind == "chr" else S_IFBLK) | int(p[2], 8), rmaj=int(p[3]), rmin=int(p[4]))
        elif kind == "fifo":
            w.entry(p[1], S_IFIFO | int(p[2], 8))
        else:
            sys.exit("mkcpio: unknown entry kind %r" % kind)
    w.entry("TRAILER!!!", 0, nlink=1, ino=0)
    out = w.out + b"\0" * ((512 - len(w.out) % 512) % 512)
    if a.bad_magic:
        second = out.find(b"070701", 6)
        out = out[:second] + b"X" + out[second + 1:]
    if a.gzip:
        import gzip
        out = gzip.compress(out, compresslevel=9, mtime=0)
        if a.bad_crc:  # the trailer's CRC32 (its first byte) is wrong
            out = out[:-8] + bytes([out[-8] ^ 0xff]) + out[-7:]
    return out


if __name__ == "__main__":
    sys.exit(main())
