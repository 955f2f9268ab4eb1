/*
 * libgcc.c - the 64-bit division helpers that gcc calls from 32-bit code
 * (__udivdi3, __umoddi3, __divdi3, __moddi3, __udivmoddi4, __divmoddi4).
 * stage2 is built -m32 and the shared lib/ TFS code divides u64 values;
 * Debian's 32-bit libgcc needs gcc-multilib, so stage2 carries its own.
 * Layer: boot (stage2), leaf. Division by zero returns 0 (lib/ never
 * divides by zero; this keeps a bug from faulting).
 */
#include "types.h"

u64 __udivmoddi4(u64 n, u64 d, u64 *rem);
u64 __udivdi3(u64 n, u64 d);
u64 __umoddi3(u64 n, u64 d);
s64 __divmoddi4(s64 n, s64 d, s64 *rem);
s64 __divdi3(s64 n, s64 d);
s64 __moddi3(s64 n, s64 d);

/* 64 / 32 -> 32 with the hardware divide; requires hi < d */
static u32 div_64_32(u32 hi, u32 lo, u32 d, u32 *r)
{
	u32 q;

	__asm__("divl %4" : "=a"(q), "=d"(*r) : "a"(lo), "d"(hi), "rm"(d));
	return q;
}

u64 __udivmoddi4(u64 n, u64 d, u64 *rem)
{
	u64 q = 0;

	if (d == 0) {
		if (rem)
			*rem = 0;
		return 0;
	}
	if (d >> 32 == 0) {
		u32 d32 = (u32)d, r;
		u32 qhi = div_64_32(0, (u32)(n >> 32), d32, &r);
		u32 qlo = div_64_32(r, (u32)n, d32, &r);
		if (rem)
			*rem = r;
		return (u64)qhi << 32 | qlo;
	}
	/* d >= 2^32: quotient < 2^32; shift-subtract from the top */
	int shift = __builtin_clzll(d) - __builtin_clzll(n | 1);
	if (n < d) {
		if (rem)
			*rem = n;
		return 0;
	}
	for (; shift >= 0; shift--) {
		if (n >= (d << shift)) {
			n -= d << shift;
			q |= 1ull << shift;
		}
	}
	if (rem)
		*rem = n;
	return q;
}

u64 __udivdi3(u64 n, u64 d)
{
	return __udivmoddi4(n, d, NULL);
}

u64 __umoddi3(u64 n, u64 d)
{
	u64 r;

	__udivmoddi4(n, d, &r);
	return r;
}

s64 __divmoddi4(s64 n, s64 d, s64 *rem)
{
	bool nneg = n < 0, dneg = d < 0;
	u64 r;
	u64 q = __udivmoddi4(nneg ? -(u64)n : (u64)n, dneg ? -(u64)d : (u64)d, &r);

	if (rem)
		*rem = nneg ? -(s64)r : (s64)r;
	return nneg != dneg ? -(s64)q : (s64)q;
}

s64 __divdi3(s64 n, s64 d)
{
	return __divmoddi4(n, d, NULL);
}

s64 __moddi3(s64 n, s64 d)
{
	s64 r;

	__divmoddi4(n, d, &r);
	return r;
}
