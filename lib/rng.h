/*
 * lib/rng.h - a ChaCha20 (RFC 8439 block function) stream used as the
 * kernel's random generator: seeded once from hardware entropy (RDRAND,
 * TSC) by fs/special.c, then /dev/urandom, /dev/random and getrandom read
 * the keystream. Pure code (lib/ rules), tested on the host against the
 * RFC test vector. Implemented in lib/rng.c.
 */
#ifndef LIB_RNG_H
#define LIB_RNG_H

#include "types.h"

struct rng {
	u32 key[8];
	u32 nonce[3];
	u32 counter;
	u8 buf[64];
	u32 avail; /* unread bytes at the end of buf */
};

/* one 64-byte ChaCha20 block */
void chacha20_block(const u32 key[8], u32 counter, const u32 nonce[3], u8 out[64]);
void rng_seed(struct rng *r, const u8 seed[32], const u8 nonce[12]);
/* the next len bytes of the keystream; every 2^32 blocks the key is
 * replaced from the stream itself */
void rng_fill(struct rng *r, void *buf, size_t len);

#endif
