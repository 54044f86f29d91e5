# file locks (fs/locks.cc): flock, POSIX and OFD record locks in one process
foreach(v musl glibc)
	user_test(locks_${v} --append "rdinit=/locks-${v}"
		--expect "^# locks: [0-9]+ passed, 0 failed$" --reject "^not ok")
endforeach()
