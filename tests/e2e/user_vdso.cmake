# the vDSO (arch/x86_64/entry/vdso): found through AT_SYSINFO_EHDR, its
# functions agree with the system calls
foreach(v musl glibc)
	user_test(vdso_${v} --append "rdinit=/vdso-${v}"
		--expect "^# vdso: 15 passed, 0 failed$" --reject "^not ok")
endforeach()
