# futexes (kernel/futex/, issue 13 part 4): futex(2) and futex_waitv(2)
foreach(v musl glibc)
	user_test(futex_basic_${v} --append "rdinit=/futex_basic-${v}"
		--expect "^# futex_basic: [0-9]+ passed, 0 failed$" --reject "^not ok")
endforeach()
