# pipes, FIFOs, poll/select and the generic ioctls (fs/pipe.cc, fs/select.cc,
# fs/ioctl.cc) in one process, on monolith and on Linux 6.1
foreach(v musl glibc)
	user_test(pipe_${v} --append "rdinit=/pipe-${v}"
		--expect "^# pipe: [0-9]+ passed, 0 failed$" --reject "^not ok")
endforeach()
# epoll and eventfd (fs/eventpoll.cc, fs/eventfd.cc)
foreach(v musl glibc)
	user_test(epoll_${v} --append "rdinit=/epoll-${v}"
		--expect "^# epoll: [0-9]+ passed, 0 failed$" --reject "^not ok")
endforeach()
# sendfile, splice, tee, copy_file_range, preadv/pwritev[2] (fs/splice.cc, fs/read_write.cc)
foreach(v musl glibc)
	user_test(splice_${v} --append "rdinit=/splice-${v}"
		--expect "^# splice: [0-9]+ passed, 0 failed$" --reject "^not ok")
endforeach()
# timerfd (fs/timerfd.cc)
foreach(v musl glibc)
	user_test(timerfd_${v} --append "rdinit=/timerfd-${v}"
		--expect "^# timerfd: [0-9]+ passed, 0 failed$" --reject "^not ok")
endforeach()
# signalfd (fs/signalfd.cc)
foreach(v musl glibc)
	user_test(signalfd_${v} --append "rdinit=/signalfd-${v}"
		--expect "^# signalfd: [0-9]+ passed, 0 failed$" --reject "^not ok")
endforeach()
