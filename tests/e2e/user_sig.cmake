# Signals (issue 13 part 3): the user/sig_*.c programs as init, each on
# monolith (user_*) and Linux 6.1 (linux_*).
foreach(v musl glibc)
	user_test(sig_basic_${v} --append "rdinit=/sig_basic-${v}"
		--expect "^# sig_basic: [0-9]+ passed, 0 failed$" --reject "^not ok")
	user_test(sig_time_${v} --append "rdinit=/sig_time-${v}"
		--expect "^# sig_time: [0-9]+ passed, 0 failed$" --reject "^not ok")
endforeach()
# between processes (needs fork, exit and wait): death by signal, stop and
# continue, SIGCHLD, autoreap, permissions as nobody, 100,000 signals
foreach(v musl glibc)
	user_test(sig_proc_${v} --append "rdinit=/sig_proc-${v}" --timeout 280
		--expect "^# sig_proc: [0-9]+ passed, 0 failed$" --reject "^not ok")
endforeach()
