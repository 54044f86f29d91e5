/*
 * struct new_utsname, what uname(2) fills (Linux: include/uapi/linux/
 * utsname.h): six NUL-terminated fields of 65 bytes.
 */
#pragma once

#define __NEW_UTS_LEN 64

struct new_utsname {
	char sysname[__NEW_UTS_LEN + 1];
	char nodename[__NEW_UTS_LEN + 1];
	char release[__NEW_UTS_LEN + 1];
	char version[__NEW_UTS_LEN + 1];
	char machine[__NEW_UTS_LEN + 1];
	char domainname[__NEW_UTS_LEN + 1];
};
static_assert(sizeof(struct new_utsname) == 390);
