# futexes (kernel/futex/, issue 13 part 4): futex(2) and futex_waitv(2)
# from one thread, between raw clone threads and pthreads, between
# processes, robust lists at exit; futex_pthread runs on 4 CPUs (8 threads contend for a mutex)
foreach(v musl glibc)
	user_test(futex_basic_${v} --append "rdinit=/futex_basic-${v}"
		--expect "^# futex_basic: [0-9]+ passed, 0 failed$" --reject "^not ok")
	user_test(futex_threads_${v} --append "rdinit=/futex_threads-${v}"
		--expect "^# futex_threads: [0-9]+ passed, 0 failed$" --reject "^not ok")
	user_test(futex_pthread_${v} --smp 4 --append "rdinit=/futex_pthread-${v}"
		--expect "^# futex_pthread: [0-9]+ passed, 0 failed$" --reject "^not ok")
	user_test(futex_shared_${v} --append "rdinit=/futex_shared-${v}"
		--expect "^# futex_shared: [0-9]+ passed, 0 failed$" --reject "^not ok")
	user_test(futex_pi_boost_${v} --append "rdinit=/futex_pi_boost-${v}"
		--expect "^# futex_pi_boost: [0-9]+ passed, 0 failed$" --reject "^not ok")
	user_test(futex_signal_${v} --append "rdinit=/futex_signal-${v}"
		--expect "^# futex_signal: [0-9]+ passed, 0 failed$" --reject "^not ok")
	user_test(futex_robust_${v} --append "rdinit=/futex_robust-${v}"
		--expect "^# futex_robust: [0-9]+ passed, 0 failed$" --reject "^not ok")
endforeach()
