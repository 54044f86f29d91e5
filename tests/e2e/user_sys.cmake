# The first system calls (issue 12, part 10): ids and capabilities,
# resource limits, clocks and sleeps, scheduling, prctl and friends.
# Each program runs as init on monolith (user_*) and on Linux 6.1
# (linux_*), as musl and glibc static binaries.
foreach(p clocks sched sysmisc)
	foreach(v musl glibc)
		user_test(sys_${p}_${v} --append "rdinit=/${p}-${v}"
			--expect "^# ${p}: [0-9]+ passed, 0 failed$" --reject "^not ok")
	endforeach()
endforeach()
# these end as an ordinary user, who may not power off: init exits and
# both kernels panic
foreach(p creds limits)
	foreach(v musl glibc)
		user_test(sys_${p}_${v} --append "rdinit=/${p}-${v}"
			--expect "^# ${p}: [0-9]+ passed, 0 failed$" --reject "^not ok"
			--expect-failure "Attempted to kill init! exitcode=0x00000000")
	endforeach()
endforeach()
