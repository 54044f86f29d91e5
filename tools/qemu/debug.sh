#!/bin/sh
# make debug: QEMU halted at the first instruction with its gdb stub on
# :1234, the serial console in build/debug-serial.log, and gdb attached.
#   debug.sh <vmlinux> <command line>
set -eu
VMLINUX=$1 CMDLINE=$2
LOG=$(dirname "$VMLINUX")/debug-serial.log
qemu-system-x86_64 -machine pc -m 512M -smp "${SMP:-2}" -no-reboot -display none -serial "file:$LOG" \
	-kernel "$VMLINUX" -append "$CMDLINE" -s -S &
QPID=$!
trap 'kill $QPID 2>/dev/null || true' EXIT
echo "monolith: QEMU halted (pid $QPID); serial output goes to $LOG"
gdb -q "$VMLINUX" \
	-ex "set pagination off" \
	-ex "source $(dirname "$0")/../gdb/monolith-gdb.py" \
	-ex "target remote :1234" \
	-ex "hbreak start_kernel" \
	-ex "continue"
