/*
 * cred_caps: the capability sets from user space (capget(2), capset(2),
 * capabilities(7)): the version handshake, capset's rules, the bounding
 * and ambient sets and the securebits through prctl(2), no_new_privs,
 * the timer slack, and what leaving uid 0 does to the sets with and
 * without PR_SET_KEEPCAPS.  Runs as init (root) and ends as an ordinary
 * user (ut_done_unprivileged).
 */
#define _GNU_SOURCE
#include "syscheck.h"
#include <grp.h>
#include <stdint.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#define V1 0x19980330
#define V2 0x20071026
#define V3 0x20080522
struct cap_hdr {
	uint32_t version;
	int pid;
};
struct cap_data {
	uint32_t effective, permitted, inheritable;
};
#define FULL_LO 0xffffffffu
#define FULL_HI 0x1ffu /* capabilities 32..40 (CAP_CHECKPOINT_RESTORE) */
#define BIT(c) (1u << ((c) % 32))
#define CAP_SETGID 6
#define CAP_SETUID 7
#define CAP_SETPCAP 8
#define CAP_NET_RAW 13
#define CAP_SYS_NICE 23
#define CAP_SYS_TIME 25
#ifndef PR_CAP_AMBIENT
#define PR_CAP_AMBIENT 47
#define PR_CAP_AMBIENT_IS_SET 1
#define PR_CAP_AMBIENT_RAISE 2
#define PR_CAP_AMBIENT_LOWER 3
#define PR_CAP_AMBIENT_CLEAR_ALL 4
#endif
#define SECBIT_KEEP_CAPS (1 << 4)
#define SECBIT_KEEP_CAPS_LOCKED (1 << 5)

static long capget_(uint32_t version, int pid, struct cap_data* d)
{
	struct cap_hdr h = {version, pid};
	return syscall(SYS_capget, &h, d);
}
static long capset_(int pid, uint32_t e0, uint32_t p0, uint32_t i0, uint32_t e1, uint32_t p1, uint32_t i1)
{
	struct cap_hdr h = {V3, pid};
	struct cap_data d[2] = {{e0, p0, i0}, {e1, p1, i1}};
	return syscall(SYS_capset, &h, d);
}
/* current's sets as 64-bit values */
static int sets(uint64_t* e, uint64_t* p, uint64_t* i)
{
	struct cap_data d[2];
	if (capget_(V3, 0, d))
		return 0;
	*e = d[0].effective | (uint64_t)d[1].effective << 32;
	*p = d[0].permitted | (uint64_t)d[1].permitted << 32;
	*i = d[0].inheritable | (uint64_t)d[1].inheritable << 32;
	return 1;
}
static int resuid(uid_t r, uid_t e, uid_t s)
{
	uid_t a, b, c;
	return getresuid(&a, &b, &c) == 0 && a == r && b == e && c == s;
}

int main(void)
{
	ut_prog = "cred_caps";
	struct cap_data d[2];
	memset(d, 0xaa, sizeof(d));

	/* capget: the version handshake */
	UT_EXPECT(capget_(V3, 0, d) == 0 && d[0].effective == FULL_LO && d[0].permitted == FULL_LO &&
	              d[1].effective == FULL_HI && d[1].permitted == FULL_HI && d[0].inheritable == 0 &&
	              d[1].inheritable == 0,
	          "capget v3: root has all 41 capabilities effective and permitted, none inheritable (%x %x)",
	          d[1].effective, d[1].permitted);
	memset(d, 0xaa, sizeof(d));
	UT_EXPECT(capget_(V2, 0, d) == 0 && d[1].permitted == FULL_HI, "capget v2 is v3");
	memset(d, 0xaa, sizeof(d));
	UT_EXPECT(capget_(V1, 0, d) == 0 && d[0].permitted == FULL_LO && d[1].permitted == 0xaaaaaaaau,
	          "capget v1 writes one word (capabilities 0..31)");
	struct cap_hdr h = {0x12345678, 0};
	errno = 0;
	UT_EXPECT(syscall(SYS_capget, &h, d) == -1 && errno == EINVAL && h.version == V3,
	          "an unknown version: EINVAL and the header says v3 (%#x)", h.version);
	h.version = 0;
	UT_EXPECT(syscall(SYS_capget, &h, NULL) == 0 && h.version == V3,
	          "capget(version 0, NULL): 0, the preferred version written back");
	h.version = V3;
	UT_EXPECT(syscall(SYS_capget, &h, NULL) == 0, "capget(v3, NULL): 0");
	UT_EXPECT(capget_(V3, getpid(), d) == 0 && d[0].permitted == FULL_LO, "capget of our own pid");
	UT_EXPECT_ERR(capget_(V3, -1, d), EINVAL, "capget pid -1: EINVAL");
	UT_EXPECT_ERR(capget_(V3, 0x3ffffff0, d), ESRCH, "capget of no such pid: ESRCH");
	UT_EXPECT_ERR(syscall(SYS_capget, (void*)8, d), EFAULT, "capget with a bad header: EFAULT");
	UT_EXPECT_ERR(capget_(V3, 0, (void*)8), EFAULT, "capget to bad data: EFAULT");
	h.version = 1;
	UT_EXPECT_ERR(syscall(SYS_capset, &h, d), EINVAL, "capset with an unknown version: EINVAL");
	UT_EXPECT_ERR(capset_(0x3ffffff0, 0, 0, 0, 0, 0, 0), EPERM, "capset of another pid: EPERM");
	h.version = V3;
	UT_EXPECT_ERR(syscall(SYS_capset, &h, (void*)8), EFAULT, "capset from bad data: EFAULT");

	/* capset's rules */
	UT_EXPECT_ERR(capset_(0, FULL_LO, FULL_LO & ~BIT(CAP_SYS_TIME), 0, FULL_HI, FULL_HI, 0), EPERM,
	              "effective beyond the new permitted: EPERM");
	UT_EXPECT(capset_(0, FULL_LO & ~BIT(CAP_SYS_TIME), FULL_LO & ~BIT(CAP_SYS_TIME), BIT(CAP_NET_RAW), FULL_HI,
	                  FULL_HI, 0) == 0,
	          "capset: drop CAP_SYS_TIME from permitted, CAP_NET_RAW inheritable");
	uint64_t e, p, i;
	UT_EXPECT(sets(&e, &p, &i) && !(p & (1ull << CAP_SYS_TIME)) && i == (1ull << CAP_NET_RAW),
	          "capget reads the new sets back");
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	UT_EXPECT_ERR(clock_settime(CLOCK_REALTIME, &ts), EPERM, "without CAP_SYS_TIME: clock_settime EPERM");
	UT_EXPECT_ERR(capset_(0, FULL_LO, FULL_LO, 0, FULL_HI, FULL_HI, 0), EPERM,
	              "permitted cannot grow back: EPERM");
	UT_EXPECT(capset_(0, FULL_LO & ~BIT(CAP_SYS_TIME), FULL_LO & ~BIT(CAP_SYS_TIME),
	                  BIT(CAP_NET_RAW) | BIT(CAP_SYS_NICE), FULL_HI, FULL_HI, 0) == 0,
	          "inheritable may gain a permitted capability");
	/* the bounding set */
	UT_EXPECT(prctl(PR_CAPBSET_READ, CAP_SYS_NICE) == 1, "PR_CAPBSET_READ: CAP_SYS_NICE is bounded in");
	UT_EXPECT_ERR(prctl(PR_CAPBSET_READ, 41), EINVAL, "PR_CAPBSET_READ 41: EINVAL");
	UT_EXPECT(prctl(PR_CAPBSET_DROP, CAP_SYS_TIME) == 0 && prctl(PR_CAPBSET_READ, CAP_SYS_TIME) == 0,
	          "PR_CAPBSET_DROP CAP_SYS_TIME");
	UT_EXPECT_ERR(prctl(PR_CAPBSET_DROP, 64), EINVAL, "PR_CAPBSET_DROP 64: EINVAL");
	UT_EXPECT_ERR(capset_(0, 0, FULL_LO & ~BIT(CAP_SYS_TIME) & ~BIT(CAP_SETPCAP),
	                      BIT(CAP_NET_RAW) | BIT(CAP_SYS_NICE) | BIT(CAP_SYS_TIME), 0, FULL_HI, 0),
	              EPERM, "inheritable outside the bounding set: EPERM (even with CAP_SETPCAP)");
	/* without CAP_SETPCAP (effective), inheritable only within permitted */
	UT_EXPECT(capset_(0, BIT(CAP_SETUID) | BIT(CAP_SETGID), FULL_LO & ~BIT(CAP_SYS_TIME),
	                  BIT(CAP_NET_RAW) | BIT(CAP_SYS_NICE), 0, FULL_HI, 0) == 0,
	          "effective down to CAP_SETUID|CAP_SETGID");
	UT_EXPECT_ERR(prctl(PR_CAPBSET_DROP, CAP_NET_RAW), EPERM, "PR_CAPBSET_DROP without CAP_SETPCAP: EPERM");
	UT_EXPECT_ERR(prctl(PR_SET_SECUREBITS, SECBIT_KEEP_CAPS), EPERM, "PR_SET_SECUREBITS without CAP_SETPCAP: EPERM");
	UT_EXPECT(capset_(0, FULL_LO & ~BIT(CAP_SYS_TIME), FULL_LO & ~BIT(CAP_SYS_TIME), BIT(CAP_NET_RAW) | BIT(CAP_SYS_NICE),
	                  FULL_HI, FULL_HI, 0) == 0,
	          "effective back from permitted");

	/* the ambient set: only what is permitted and inheritable */
	UT_EXPECT(prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, CAP_NET_RAW, 0, 0) == 0, "nothing ambient at start");
	UT_EXPECT(prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_NET_RAW, 0, 0) == 0 &&
	              prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, CAP_NET_RAW, 0, 0) == 1,
	          "PR_CAP_AMBIENT_RAISE CAP_NET_RAW (permitted and inheritable)");
	UT_EXPECT_ERR(prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_SETUID, 0, 0), EPERM,
	              "raising a capability that is not inheritable: EPERM");
	UT_EXPECT_ERR(prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, 99, 0, 0), EINVAL, "capability 99: EINVAL");
	UT_EXPECT_ERR(prctl(PR_CAP_AMBIENT, 9, CAP_NET_RAW, 0, 0), EINVAL, "an unknown PR_CAP_AMBIENT op: EINVAL");
	UT_EXPECT_ERR(prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 1, 0, 0), EINVAL, "CLEAR_ALL with arg3: EINVAL");
	UT_EXPECT(capset_(0, FULL_LO & ~BIT(CAP_SYS_TIME), FULL_LO & ~BIT(CAP_SYS_TIME), BIT(CAP_SYS_NICE), FULL_HI,
	                  FULL_HI, 0) == 0 &&
	              prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, CAP_NET_RAW, 0, 0) == 0,
	          "dropping CAP_NET_RAW from inheritable drops it from ambient");
	UT_EXPECT(prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_SYS_NICE, 0, 0) == 0 &&
	              prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) == 0 &&
	              prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, CAP_SYS_NICE, 0, 0) == 0,
	          "PR_CAP_AMBIENT_CLEAR_ALL");

	/* securebits and keepcaps */
	UT_EXPECT(prctl(PR_GET_SECUREBITS) == 0 && prctl(PR_GET_KEEPCAPS) == 0, "no securebits, no keepcaps");
	UT_EXPECT(prctl(PR_SET_KEEPCAPS, 1) == 0 && prctl(PR_GET_KEEPCAPS) == 1 &&
	              prctl(PR_GET_SECUREBITS) == SECBIT_KEEP_CAPS,
	          "PR_SET_KEEPCAPS 1 is SECBIT_KEEP_CAPS");
	UT_EXPECT_ERR(prctl(PR_SET_KEEPCAPS, 2), EINVAL, "PR_SET_KEEPCAPS 2: EINVAL");
	UT_EXPECT_ERR(prctl(PR_SET_SECUREBITS, 1 << 8), EPERM, "an unknown securebit: EPERM");
	UT_EXPECT(prctl(PR_SET_SECUREBITS, SECBIT_KEEP_CAPS | SECBIT_KEEP_CAPS_LOCKED) == 0, "lock SECBIT_KEEP_CAPS");
	UT_EXPECT_ERR(prctl(PR_SET_KEEPCAPS, 0), EPERM, "a locked keepcaps cannot change: EPERM");
	UT_EXPECT_ERR(prctl(PR_SET_SECUREBITS, SECBIT_KEEP_CAPS), EPERM, "nor be unlocked: EPERM");

	/* no_new_privs and the timer slack */
	UT_EXPECT(prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 0, "no_new_privs is off");
	UT_EXPECT_ERR(prctl(PR_SET_NO_NEW_PRIVS, 0, 0, 0, 0), EINVAL, "PR_SET_NO_NEW_PRIVS 0: EINVAL");
	UT_EXPECT_ERR(prctl(PR_SET_NO_NEW_PRIVS, 1, 1, 0, 0), EINVAL, "PR_SET_NO_NEW_PRIVS with arg3: EINVAL");
	UT_EXPECT(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0 && prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1,
	          "PR_SET_NO_NEW_PRIVS 1");
	UT_EXPECT_ERR(prctl(PR_GET_NO_NEW_PRIVS, 1, 0, 0, 0), EINVAL, "PR_GET_NO_NEW_PRIVS with arg2: EINVAL");
	UT_EXPECT(prctl(PR_GET_TIMERSLACK) == 50000, "the default timer slack is 50 us (%d)", prctl(PR_GET_TIMERSLACK));
	UT_EXPECT(prctl(PR_SET_TIMERSLACK, 1000) == 0 && prctl(PR_GET_TIMERSLACK) == 1000, "PR_SET_TIMERSLACK 1000");
	UT_EXPECT(prctl(PR_SET_TIMERSLACK, 0) == 0 && prctl(PR_GET_TIMERSLACK) == 50000, "0 restores the default");

	/* leaving uid 0 with keepcaps: permitted stays, effective goes */
	UT_EXPECT(setresuid(1000, 1000, 1000) == 0 && resuid(1000, 1000, 1000), "setresuid(1000, 1000, 1000)");
	UT_EXPECT(sets(&e, &p, &i) && e == 0 && p == (((uint64_t)FULL_HI << 32 | FULL_LO) & ~(1ull << CAP_SYS_TIME)),
	          "keepcaps: permitted kept, effective cleared (%llx %llx)", (unsigned long long)e,
	          (unsigned long long)p);
	UT_EXPECT_ERR(setuid(0), EPERM, "no effective CAP_SETUID: setuid(0) EPERM");
	UT_EXPECT(capset_(0, BIT(CAP_SETUID), FULL_LO & ~BIT(CAP_SYS_TIME), BIT(CAP_SYS_NICE), 0, FULL_HI, 0) == 0,
	          "raise CAP_SETUID into effective from permitted");
	UT_EXPECT(setuid(0) == 0 && resuid(0, 0, 0), "setuid(0) with CAP_SETUID: root again");
	UT_EXPECT(sets(&e, &p, &i) && e == p, "euid 0 again: effective = permitted");

	/* the same without keepcaps (a fresh cred cannot unlock it: use
	 * SECBIT_NO_SETUID_FIXUP's absence instead — the lock stays, so
	 * show the rule through the saved uid: all three ids leave 0) */
	UT_EXPECT(setresuid(65534, 65534, 65534) == 0, "to nobody (keepcaps still locked on)");
	UT_EXPECT(sets(&e, &p, &i) && e == 0 && p != 0, "keepcaps: permitted kept again");
	UT_EXPECT(capset_(0, 0, 0, 0, 0, 0, 0) == 0 && sets(&e, &p, &i) && p == 0, "capset drops every permitted");
	UT_EXPECT_ERR(setuid(0), EPERM, "nobody without capabilities: setuid(0) EPERM");
	UT_EXPECT_ERR(capset_(0, 0, BIT(CAP_SETUID), 0, 0, 0, 0), EPERM, "capset cannot get it back: EPERM");
	UT_EXPECT_ERR(setgroups(0, NULL), EPERM, "setgroups: EPERM");
	UT_EXPECT_ERR(prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_SYS_NICE, 0, 0), EPERM,
	              "ambient raise of a capability not permitted: EPERM");
	UT_EXPECT_ERR(setpriority(PRIO_PROCESS, 0, -1), EACCES, "lowering nice: EACCES");
	return ut_done_unprivileged();
}
