# execve (issue 12 part 7): user/exec.c as init, on monolith and on Linux 6.1.
# The files it executes (a tiny hand-made ELF, its malformed variants, "#!"
# scripts) are written at build time by mkexec.py into build/exec/ and go
# into the image under /exec/.
set(EXEC_DATA ${CMAKE_BINARY_DIR}/exec)
set(EXEC_FILES tiny not-exec bad-magic truncated wrong-machine bad-type bad-phentsize phdrs-outside
	too-many-phdrs interp-missing interp-text interp-machine interp-nonul interp-short interp-outside
	filesz-memsz script-arg script-noint script-empty chain1 chain2 chain3 chain4 chain5 chain6)
set(exec_outputs)
set(exec_entries dir:exec:755)
foreach(f ${EXEC_FILES})
	list(APPEND exec_outputs ${EXEC_DATA}/${f})
	if(f STREQUAL not-exec)
		list(APPEND exec_entries host:exec/${f}:644:${EXEC_DATA}/${f})
	else()
		list(APPEND exec_entries host:exec/${f}:755:${EXEC_DATA}/${f})
	endif()
endforeach()
add_custom_command(OUTPUT ${exec_outputs}
	COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/mkexec.py ${EXEC_DATA} /exec-musl
	DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/mkexec.py
	COMMENT "Making the execve test files (tests/e2e/mkexec.py)" VERBATIM)
set_property(GLOBAL APPEND PROPERTY USER_IMAGE_EXTRA_ENTRIES ${exec_entries})
set_property(GLOBAL APPEND PROPERTY USER_IMAGE_EXTRA_DEPS ${exec_outputs})

# the errors that leave the program running, the tiny ELF, a "#!" script
# with an argument, a chain of five scripts
user_test(exec --append "rdinit=/exec-musl"
	--expect "^# exec: [0-9]+ passed, 0 failed$" --reject "^not ok")
# past the point of no return (p_filesz > p_memsz): SIGSEGV
user_test(exec_late_segv --append "rdinit=/exec-musl late"
	--expect-failure "Attempted to kill init! exitcode=0x0000000b" --reject "^not ok")

# ASLR (issue 12 part 6): user/aslr.c executes itself four times and
# compares where things landed (randomize_va_space 2, then setarch -R's
# personality(ADDR_NO_RANDOMIZE); norandmaps; randomize_va_space=1)
foreach(v musl dyn)
	user_test(aslr_${v} --append "rdinit=/aslr-${v} rnd2"
		--expect "^# aslr: [0-9]+ passed, 0 failed$" --reject "^not ok")
endforeach()
user_test(aslr_norandmaps --append "rdinit=/aslr-dyn norandmaps none"
	--expect "^# aslr: [0-9]+ passed, 0 failed$" --reject "^not ok")
user_test(aslr_level1 --append "rdinit=/aslr-musl sysctl.kernel.randomize_va_space=1 rnd1"
	--expect "^# aslr: [0-9]+ passed, 0 failed$" --reject "^not ok")
