/*
 * struct sysinfo, sysinfo(2)'s answer (Linux: include/uapi/linux/sysinfo.h).
 * The layout is ABI: 112 bytes of fields on x86_64, padded to 120.
 */
#ifndef _UAPI_LINUX_SYSINFO_H
#define _UAPI_LINUX_SYSINFO_H

#define SI_LOAD_SHIFT 16
struct sysinfo {
	long uptime;             /* seconds since boot */
	unsigned long loads[3];  /* 1, 5 and 15 minute load averages, << SI_LOAD_SHIFT */
	unsigned long totalram;  /* total usable main memory, in mem_unit */
	unsigned long freeram;   /* available memory */
	unsigned long sharedram; /* shared memory (shmem/tmpfs pages) */
	unsigned long bufferram; /* memory used by buffers */
	unsigned long totalswap; /* total swap space */
	unsigned long freeswap;  /* swap space still available */
	unsigned short procs;    /* number of current threads */
	unsigned short pad;
	unsigned long totalhigh; /* total high memory (none on x86_64) */
	unsigned long freehigh;
	unsigned int mem_unit;   /* the unit of the memory fields, in bytes */
	char _f[20 - 2 * sizeof(unsigned long) - sizeof(unsigned int)];
};

#endif /* _UAPI_LINUX_SYSINFO_H */
