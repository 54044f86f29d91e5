#!/bin/sh
# /init of the user-space test image: Debian's busybox sh running a
# script (through the kernel's "#!" loader); builtins only, then exec of
# busybox's poweroff applet.  The same on monolith and Linux 6.1.
echo "busybox sh runs: $0 $# $HOME"
x=$((6*7)); echo "arithmetic $x"
for i in 1 2 3; do echo "loop $i"; done
exec poweroff -f
