# Processes (issue 13, parts 1, 2, 6 and 7): clone, fork, vfork, threads,
# exit and exit_group, wait4/waitid, reparenting, process groups and
# sessions, RLIMIT_NPROC.  Each program runs as init on monolith (user_*)
# and on Linux 6.1 (linux_*), as musl and glibc static binaries.
foreach(p proc_fork)
	foreach(v musl glibc)
		user_test(${p}_${v} --append "rdinit=/${p}-${v}"
			--expect "^# ${p}: [0-9]+ passed, 0 failed$" --reject "^not ok")
	endforeach()
endforeach()
