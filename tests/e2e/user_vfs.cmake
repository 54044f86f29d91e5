# The VFS from user space (issue 14): user/devices.c and friends as init,
# on monolith (user_*) and on Debian's Linux 6.1 (linux_*).
foreach(v musl glibc)
	user_test(devices_${v} --append "rdinit=/devices-${v}"
		--expect "^# devices: [0-9]+ passed, 0 failed$" --reject "^not ok")
endforeach()
# devtmpfs.mount=1 mounts /dev when the initramfs has no init (Linux's
# prepare_namespace path; Linux itself then wants a root= device, so
# this one runs on monolith only)
qemu_test(devtmpfs_mount_param --initrd ${USER_INITRAMFS} --no-ktap --no-debug-exit --timeout 60
	--append "rdinit=/no-such-init init=/devices-musl devtmpfs.mount=1 -- premounted"
	--expect "^devtmpfs: mounted$" --expect "^# devices: [0-9]+ passed, 0 failed$" --reject "^not ok")
# attributes: chmod/chown/truncate/utimensat, statfs, statx, fsync, close_range
foreach(v musl glibc)
	user_test(fsattr_${v} --append "rdinit=/fsattr-${v}"
		--expect "^# fsattr: [0-9]+ passed, 0 failed$" --reject "^not ok")
endforeach()
