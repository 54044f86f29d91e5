# Processes (issue 13, parts 1, 2, 6 and 7): clone, fork, vfork, clone3,
# threads, exit and exit_group, wait4/waitid, pidfds, reparenting,
# process groups and sessions, RLIMIT_NPROC.  Each program runs as init
# on monolith (user_*) and on Linux 6.1 (linux_*), as musl and glibc
# static binaries.
foreach(p proc_fork proc_more)
	foreach(v musl glibc)
		user_test(${p}_${v} --append "rdinit=/${p}-${v}"
			--expect "^# ${p}: [0-9]+ passed, 0 failed$" --reject "^not ok")
	endforeach()
endforeach()
# pthread_create/join: musl's join waits on CLONE_CHILD_CLEARTID's word
# and copes with futex(2) missing; glibc aborts without it ("The futex
# facility returned an unexpected error code"): its variant joins the
# list when the futex work is merged
foreach(v musl)
	user_test(proc_pthread_${v} --append "rdinit=/proc_pthread-${v}"
		--expect "^# proc_pthread: [0-9]+ passed, 0 failed$" --reject "^not ok")
endforeach()
