# the VFS, third part (issue 14): fallocate (fs/open.cc vfs_fallocate,
# mm/shmem.cc shmem_fallocate), openat2, inotify
foreach(v musl glibc)
	user_test(fallocate_${v} --append "rdinit=/fallocate-${v}"
		--expect "^# fallocate: [0-9]+ passed, 0 failed$" --reject "^not ok")
endforeach()
foreach(v musl glibc)
	user_test(openat2_${v} --append "rdinit=/openat2-${v}"
		--expect "^# openat2: [0-9]+ passed, 0 failed$" --reject "^not ok")
endforeach()
foreach(v musl glibc)
	user_test(inotify_${v} --append "rdinit=/inotify-${v}"
		--expect "^# inotify: [0-9]+ passed, 0 failed$" --reject "^not ok")
endforeach()
