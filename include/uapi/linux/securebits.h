/*
 * The securebits of a cred (Linux: include/uapi/linux/securebits.h; the
 * same numbers): each bit has a "locked" bit above it that freezes it.
 */
#ifndef _UAPI_LINUX_SECUREBITS_H
#define _UAPI_LINUX_SECUREBITS_H

#define issecure_mask(X) (1 << (X))
/* uid 0 gets no capabilities from exec */
#define SECURE_NOROOT 0
#define SECURE_NOROOT_LOCKED 1
/* set*uid does not adjust the capability sets */
#define SECURE_NO_SETUID_FIXUP 2
#define SECURE_NO_SETUID_FIXUP_LOCKED 3
/* leaving uid 0 keeps the permitted set (PR_SET_KEEPCAPS; exec clears it) */
#define SECURE_KEEP_CAPS 4
#define SECURE_KEEP_CAPS_LOCKED 5
/* PR_CAP_AMBIENT_RAISE is refused */
#define SECURE_NO_CAP_AMBIENT_RAISE 6
#define SECURE_NO_CAP_AMBIENT_RAISE_LOCKED 7

#define SECBIT_NOROOT (issecure_mask(SECURE_NOROOT))
#define SECBIT_NO_SETUID_FIXUP (issecure_mask(SECURE_NO_SETUID_FIXUP))
#define SECBIT_KEEP_CAPS (issecure_mask(SECURE_KEEP_CAPS))
#define SECBIT_KEEP_CAPS_LOCKED (issecure_mask(SECURE_KEEP_CAPS_LOCKED))
#define SECBIT_NO_CAP_AMBIENT_RAISE (issecure_mask(SECURE_NO_CAP_AMBIENT_RAISE))

#define SECURE_ALL_BITS                                                                                  \
	(issecure_mask(SECURE_NOROOT) | issecure_mask(SECURE_NO_SETUID_FIXUP) |                          \
	 issecure_mask(SECURE_KEEP_CAPS) | issecure_mask(SECURE_NO_CAP_AMBIENT_RAISE))
#define SECURE_ALL_LOCKS (SECURE_ALL_BITS << 1)
#endif
