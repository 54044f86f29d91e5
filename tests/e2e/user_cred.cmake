# Credentials, scheduling from user space and CPU time (issue 13, parts 5
# and 7): capabilities and securebits, set-id executables, sched_setattr
# and the unprivileged limits, times() and RLIMIT_CPU.  Each program runs
# as init on monolith (user_*) and on Linux 6.1 (linux_*), as musl and
# glibc static binaries.
# set-id copies of cred_suid in the image: /suid/cred_suid-<libc>, mode
# 06755, owned by root
# (glibc only: musl's secure-mode start needs poll(2), not there yet)
set_property(GLOBAL APPEND PROPERTY USER_IMAGE_EXTRA_ENTRIES
	dir:suid:755 host:suid/cred_suid-glibc:6755:${CMAKE_BINARY_DIR}/user/cred_suid-glibc)
set_property(GLOBAL APPEND PROPERTY USER_IMAGE_EXTRA_DEPS ${CMAKE_BINARY_DIR}/user/cred_suid-glibc)

foreach(v musl glibc)
	# these end as an ordinary user, who may not power off: init exits
	# and both kernels panic
	foreach(p cred_caps sched_attr)
		user_test(${p}_${v} --append "rdinit=/${p}-${v}"
			--expect "^# ${p}: [0-9]+ passed, 0 failed$" --reject "^not ok"
			--expect-failure "Attempted to kill init! exitcode=0x00000000")
	endforeach()
	user_test(sched_cputime_${v} --append "rdinit=/sched_cputime-${v}"
		--expect "^# sched_cputime: [0-9]+ passed, 0 failed$" --reject "^not ok")
endforeach()
user_test(cred_suid_glibc --append "rdinit=/cred_suid-glibc"
	--expect "^# cred_suid: [0-9]+ passed, 0 failed$" --reject "^not ok"
	--expect-failure "Attempted to kill init! exitcode=0x00000000")
