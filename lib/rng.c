/*
 * lib/rng.c - ChaCha20 block function (RFC 8439 §2.3) and a keystream
 * generator over it (see lib/rng.h). Layer: lib (freestanding and hosted).
 * Callers: fs/special.c (kernel random source), tests/unit/test_rng.c.
 */
#include "lib/rng.h"
#include "lib/cstring.h"

static u32 rotl(u32 v, int n)
{
	return (v << n) | (v >> (32 - n));
}

#define QR(a, b, c, d)                                                                             \
	do {                                                                                       \
		a += b;                                                                            \
		d = rotl(d ^ a, 16);                                                               \
		c += d;                                                                            \
		b = rotl(b ^ c, 12);                                                               \
		a += b;                                                                            \
		d = rotl(d ^ a, 8);                                                                \
		c += d;                                                                            \
		b = rotl(b ^ c, 7);                                                                \
	} while (0)

static u32 load32(const u8 *p)
{
	return (u32)p[0] | (u32)p[1] << 8 | (u32)p[2] << 16 | (u32)p[3] << 24;
}

void chacha20_block(const u32 key[8], u32 counter, const u32 nonce[3], u8 out[64])
{
	u32 in[16], x[16];

	in[0] = 0x61707865;
	in[1] = 0x3320646e;
	in[2] = 0x79622d32;
	in[3] = 0x6b206574;
	for (int i = 0; i < 8; i++)
		in[4 + i] = key[i];
	in[12] = counter;
	in[13] = nonce[0];
	in[14] = nonce[1];
	in[15] = nonce[2];
	memcpy(x, in, sizeof(x));
	for (int i = 0; i < 10; i++) {
		QR(x[0], x[4], x[8], x[12]);
		QR(x[1], x[5], x[9], x[13]);
		QR(x[2], x[6], x[10], x[14]);
		QR(x[3], x[7], x[11], x[15]);
		QR(x[0], x[5], x[10], x[15]);
		QR(x[1], x[6], x[11], x[12]);
		QR(x[2], x[7], x[8], x[13]);
		QR(x[3], x[4], x[9], x[14]);
	}
	for (int i = 0; i < 16; i++) {
		u32 v = x[i] + in[i];

		out[4 * i] = (u8)v;
		out[4 * i + 1] = (u8)(v >> 8);
		out[4 * i + 2] = (u8)(v >> 16);
		out[4 * i + 3] = (u8)(v >> 24);
	}
}

void rng_seed(struct rng *r, const u8 seed[32], const u8 nonce[12])
{
	for (int i = 0; i < 8; i++)
		r->key[i] = load32(seed + 4 * i);
	for (int i = 0; i < 3; i++)
		r->nonce[i] = load32(nonce + 4 * i);
	r->counter = 0;
	r->avail = 0;
}

static void rng_refill(struct rng *r)
{
	chacha20_block(r->key, r->counter, r->nonce, r->buf);
	if (++r->counter == 0) { /* 256 GiB later: rekey from the stream */
		u8 k[64];

		chacha20_block(r->key, 0xffffffffu, r->nonce, k);
		for (int i = 0; i < 8; i++)
			r->key[i] = load32(k + 4 * i);
		r->nonce[0]++;
	}
	r->avail = 64;
}

void rng_fill(struct rng *r, void *buf, size_t len)
{
	u8 *out = buf;

	while (len) {
		size_t n;

		if (!r->avail)
			rng_refill(r);
		n = MIN(len, (size_t)r->avail);
		memcpy(out, r->buf + 64 - r->avail, n);
		memset(r->buf + 64 - r->avail, 0, n); /* no reuse of output */
		r->avail -= (u32)n;
		out += n;
		len -= n;
	}
}
