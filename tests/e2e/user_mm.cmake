# --- the memory system calls from user space (issue 12 parts 3-5):
# user/mm_mmap.c (anonymous memory), user/mm_file.c (file mappings on a
# tmpfs), user/mm_die.c (the accesses that kill: SIGBUS, SIGSEGV) ---
# (with lockdep: monolith checks the lock order; Linux passes the word to init)
foreach(v musl glibc)
	user_test(mm_mmap_${v} --append "rdinit=/mm_mmap-${v} lockdep"
		--expect "^# mm_mmap: [0-9]+ passed, 0 failed$" --reject "^not ok" --reject "lockdep: WARNING")
	user_test(mm_file_${v} --append "rdinit=/mm_file-${v} lockdep"
		--expect "^# mm_file: [0-9]+ passed, 0 failed$" --reject "^not ok" --reject "lockdep: WARNING")
endforeach()
# SIGBUS: a page past the end of a truncated file, a page wholly past EOF
user_test(mm_die_sigbus_truncate --append "rdinit=/mm_die-musl sigbus"
	--expect "^mm_die: truncated" --reject "^mm_die: still alive"
	--expect-failure "Attempted to kill init! exitcode=0x00000007")
user_test(mm_die_sigbus_eof --append "rdinit=/mm_die-glibc eof"
	--expect "^mm_die: the first page reads" --reject "^mm_die: still alive"
	--expect-failure "Attempted to kill init! exitcode=0x00000007")
# a write to a present read-only page: protection fault, user, write = error 7
user_test(mm_die_rowrite --append "rdinit=/mm_die-musl rowrite"
	--expect "^mm_die-musl\\[1\\]: segfault at [0-9a-f]+ ip [0-9a-f]{16} sp [0-9a-f]{16} error 7 in mm_die-musl\\[[0-9a-f]+\\+[0-9a-f]+\\]"
	--reject "^mm_die: still alive"
	--expect-failure "Attempted to kill init! exitcode=0x0000000b")
# PROT_NONE: the PTE is not present to the CPU (error 4), SEGV_ACCERR
user_test(mm_die_protnone --append "rdinit=/mm_die-glibc protnone"
	--expect "^mm_die-glibc\\[1\\]: segfault at [0-9a-f]+ ip [0-9a-f]{16} sp [0-9a-f]{16} error 4 in mm_die-glibc\\[[0-9a-f]+\\+[0-9a-f]+\\]"
	--reject "^mm_die: still alive"
	--expect-failure "Attempted to kill init! exitcode=0x0000000b")
# the stack stops growing at RLIMIT_STACK (8 MiB): SIGSEGV
user_test(mm_die_stack --append "rdinit=/mm_die-musl stack"
	--expect "^mm_die-musl\\[1\\]: segfault at [0-9a-f]+ ip [0-9a-f]{16} sp [0-9a-f]{16} error 6 in mm_die-musl\\[[0-9a-f]+\\+[0-9a-f]+\\]"
	--reject "^mm_die: still alive"
	--expect-failure "Attempted to kill init! exitcode=0x0000000b")

# RLIMIT_AS, RLIMIT_DATA and RLIMIT_MEMLOCK from user space
foreach(v musl glibc)
	user_test(mm_rlimit_${v} --append "rdinit=/mm_rlimit-${v}"
		--expect "^# mm_rlimit: 12 passed, 0 failed$" --reject "^not ok")
endforeach()
# memfd_create and file seals (mm/memfd.cc)
foreach(v musl glibc)
	user_test(memfd_${v} --append "rdinit=/memfd-${v}"
		--expect "^# memfd: [0-9]+ passed, 0 failed$" --reject "^not ok")
endforeach()
