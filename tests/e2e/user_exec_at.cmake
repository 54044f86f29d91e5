# execveat(2) (fs/exec.cc): errnos and an exec through an fd
foreach(v musl glibc)
	user_test(execveat_${v} --append "rdinit=/execveat-${v}"
		--expect "^# execveat: 7 checks before the exec, 0 failed$"
		--expect "^# execveat: 3 passed, 0 failed$" --reject "^not ok")
endforeach()
