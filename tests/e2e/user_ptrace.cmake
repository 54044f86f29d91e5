# ptrace (issue 13 part 8): user/ptrace_basic.c as init, on monolith
# (user_*) and Linux 6.1 (linux_*).
foreach(v musl glibc)
	user_test(ptrace_basic_${v} --append "rdinit=/ptrace_basic-${v}"
		--expect "^# ptrace_basic: [0-9]+ passed, 0 failed$" --reject "^not ok")
endforeach()
foreach(v musl glibc)
	user_test(ptrace_more_${v} --append "rdinit=/ptrace_more-${v}"
		--expect "^# ptrace_more: [0-9]+ passed, 0 failed$" --reject "^not ok")
endforeach()
