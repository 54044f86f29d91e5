#!/usr/bin/env python3
"""Write the gzip fixtures of tests/host/test_inflate.cc into a directory.

Each fixture is NAME.gz (one or more gzip members made by Python's zlib and
gzip modules, which are zlib itself) and NAME.raw (what it decompresses
to).  Deterministic: the same bytes on every build (MTIME is 0, the data
comes from a seeded generator).

    gen_gzip_fixtures.py OUTDIR
"""
import gzip
import os
import random
import struct
import sys
import zlib


def deflate_raw(data, level=9, strategy=zlib.Z_DEFAULT_STRATEGY):
    c = zlib.compressobj(level, zlib.DEFLATED, -15, 9, strategy)
    return c.compress(data) + c.flush()


def member(data, level=9, strategy=zlib.Z_DEFAULT_STRATEGY, flags=0,
           name=b"", comment=b"", extra=b""):
    """One gzip member (RFC 1952) with the header fields the flags ask for."""
    hdr = bytes([0x1F, 0x8B, 8, flags]) + struct.pack("<I", 0) + bytes([0, 3])
    if flags & 4:
        hdr += struct.pack("<H", len(extra)) + extra
    if flags & 8:
        hdr += name + b"\0"
    if flags & 16:
        hdr += comment + b"\0"
    if flags & 2:
        hdr += struct.pack("<H", zlib.crc32(hdr) & 0xFFFF)
    body = deflate_raw(data, level, strategy)
    return hdr + body + struct.pack("<II", zlib.crc32(data), len(data) & 0xFFFFFFFF)


def text(rng, n):
    words = [b"kernel", b"initramfs", b"cpio", b"inode", b"dentry", b"page",
             b"the", b"a", b"of", b"monolith", b"\n", b"0123456789"]
    out = bytearray()
    while len(out) < n:
        out += rng.choice(words) + b" "
    return bytes(out[:n])


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    rng = random.Random(1951)
    small = b"Hello, monolith! " * 20
    big = text(rng, 300 * 1024)                      # > the 32 KiB window, long matches
    noise = bytes(rng.getrandbits(8) for _ in range(100 * 1024))
    # the repeat lies 70 000 bytes back, out of the window: coded afresh
    mixed = big[:50000] + noise[:20000] + big[:50000]

    fixtures = {
        "empty": (gzip.compress(b"", mtime=0), b""),
        "stored": (member(small, level=0), small),
        "stored_big": (member(noise, level=0), noise),  # several stored blocks of <= 64 KiB
        "fixed": (member(small, strategy=zlib.Z_FIXED), small),
        "fixed_big": (member(big, strategy=zlib.Z_FIXED), big),
        "dynamic": (member(big[:5000]), big[:5000]),
        "dynamic_big": (member(big), big),
        "mixed": (member(mixed, level=6), mixed),
        "huffman_only": (member(noise[:5000] + small, strategy=zlib.Z_HUFFMAN_ONLY), noise[:5000] + small),
        "rle": (member(b"\0" * 70000 + small, strategy=zlib.Z_RLE), b"\0" * 70000 + small),
        "all_flags": (member(small, flags=1 | 2 | 4 | 8 | 16, name=b"hello.txt",
                             comment=b"a comment", extra=b"AB\x02\x00xy"), small),
        "gzip_module": (gzip.compress(big[:40000], compresslevel=9, mtime=0), big[:40000]),
        "concatenated": (member(small) + member(big[:1000], level=1) + gzip.compress(b"", mtime=0),
                         small + big[:1000]),
    }
    for name, (gz, raw) in fixtures.items():
        with open(os.path.join(out, name + ".gz"), "wb") as f:
            f.write(gz)
        with open(os.path.join(out, name + ".raw"), "wb") as f:
            f.write(raw)


if __name__ == "__main__":
    main()
