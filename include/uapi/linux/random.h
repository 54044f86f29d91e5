/*
 * uapi/linux/random.h - getrandom(2)'s flags (Linux: include/uapi/linux/random.h).
 */
#pragma once

#define GRND_NONBLOCK 0x0001 /* EAGAIN instead of waiting for the CRNG to be seeded */
#define GRND_RANDOM 0x0002   /* historical /dev/random; the same CRNG since Linux 5.6 */
#define GRND_INSECURE 0x0004 /* never wait, even before the CRNG is seeded (5.6) */
