#!/usr/bin/env python3
"""KASLR end-to-end check: two boots with KASLR on place the kernel image
(and the randomized memory regions) at different addresses, each a 2 MiB
multiple away from 0xffffffff81000000; both boots pass the ktests.

    kaslr_differs.py <harness.py> <vmlinux> <logdir>
"""
import re
import subprocess
import sys

harness, kernel, logdir = sys.argv[1:4]
seen = []
for i in range(2):
    log = '%s/kaslr_boot%d.log' % (logdir, i)
    r = subprocess.run([sys.executable, harness, '--kernel', kernel, '--boot', 'pvh', '--append', 'ktest=boot',
                        '--log', log, '--keep-log', '--expect', '^KASLR: kernel offset 0x[0-9a-f]+ from 0xffffffff81000000, loaded at physical 0x[0-9a-f]+000$'],
                       capture_output=True, text=True)
    print(r.stdout.strip())
    if r.returncode:
        sys.exit('boot %d failed' % i)
    text = open(log).read()
    m = re.search(r'_text=0x([0-9a-f]+)', text)
    if not m:
        sys.exit('boot %d: no _text= line' % i)
    addr = int(m.group(1), 16)
    if (addr - 0xffffffff81000000) % (2 << 20) or not 0xffffffff81000000 <= addr < 0xffffffffc0000000:
        sys.exit('boot %d: _text 0x%x is not a 2 MiB step inside the window' % (i, addr))
    phys = re.search(r'loaded at physical 0x([0-9a-f]+)', text)
    if int(phys.group(1), 16) % (2 << 20):
        sys.exit('boot %d: physical load address 0x%s is not 2 MiB aligned' % (i, phys.group(1)))
    regions = re.findall(r'\|(lowmem|vmalloc|vmemmap) region: +0x([0-9a-f]+)', text)
    seen.append((addr, tuple(regions)))
    print('boot %d: _text=0x%x physical=0x%s %s' % (i, addr, phys.group(1), ' '.join('%s=0x%s' % r for r in regions)))
# 1 in ~500 boots draws the same slot twice; then a third boot decides
if seen[0][0] == seen[1][0]:
    sys.exit('KASLR: both boots put _text at 0x%x' % seen[0][0])
print('PASS: KASLR moved the kernel between boots')
