/* Path and name limits (Linux: include/uapi/linux/limits.h). */
#ifndef _UAPI_LINUX_LIMITS_H
#define _UAPI_LINUX_LIMITS_H
#define NR_OPEN 1024
#define NAME_MAX 255  /* chars in a file name */
#define PATH_MAX 4096 /* chars in a path name including the NUL */
#define MAXSYMLINKS 40 /* include/linux/namei.h: links followed in one walk */
#endif
