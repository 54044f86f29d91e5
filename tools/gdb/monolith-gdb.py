"""gdb helpers for monolith (Linux: scripts/gdb/linux/*.py, lx-dmesg ...).

Loaded by `make debug` (tools/qemu/debug.sh).  Commands:
  mono-dmesg     print the kernel log buffer, as dmesg would
"""
import gdb


def _read(addr, size):
    return bytes(gdb.selected_inferior().read_memory(addr, size))


class MonoDmesg(gdb.Command):
    """Print the kernel log buffer (kernel/printk/printk_ringbuffer.cc)."""

    def __init__(self):
        super().__init__('mono-dmesg', gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        prb = gdb.parse_and_eval("'(anonymous namespace)::prb'")
        buf = int(prb['buf_'])
        size = int(prb['size_'])
        lpos = int(prb['tail_lpos_'])
        head = int(prb['head_lpos_'])
        line = ''
        while lpos < head:
            off = lpos % size
            hdr = _read(buf + off, 24)
            text_len = int.from_bytes(hdr[0:2], 'little')
            if text_len == 0xffff:  # padding to the end of the buffer
                lpos += size - off
                continue
            flags = hdr[3]
            ts = int.from_bytes(hdr[16:24], 'little')
            text = _read(buf + off + 24, text_len).decode('utf-8', 'replace')
            if not flags & 1:  # not LOG_CONT: a new line starts with a timestamp
                line = '[%5d.%06d] ' % (ts // 10**9, ts % 10**9 // 1000)
            line += text
            if flags & 2:  # LOG_NEWLINE
                gdb.write(line + '\n')
                line = ''
            lpos += (24 + text_len + 7) & ~7
        if line:
            gdb.write(line + '\n')


MonoDmesg()
