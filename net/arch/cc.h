/*
 * net/arch/cc.h - lwIP's compiler/platform port for the monos kernel:
 * freestanding types (no inttypes/ctype/limits headers), diagnostics to
 * the kernel log, assertions as kernel panics, randomness from the
 * kernel's ChaCha20 stream. Layer: net (lwIP port). Included by lwIP's
 * arch.h for every lwIP and net/ glue file.
 */
#ifndef NET_ARCH_CC_H
#define NET_ARCH_CC_H

#include <stddef.h>
#include <stdint.h>

#define LWIP_NO_INTTYPES_H 1
#define LWIP_NO_CTYPE_H	   1
#define LWIP_NO_LIMITS_H   1
#define LWIP_NO_UNISTD_H   1

#define INT_MAX 0x7fffffff
#define X8_F	"02x"
#define U16_F	"u"
#define S16_F	"d"
#define X16_F	"x"
#define U32_F	"u"
#define S32_F	"d"
#define X32_F	"x"
#define SZT_F	"lu"

#define BYTE_ORDER LITTLE_ENDIAN
#define LWIP_ERR_T int

void net_lwip_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void net_lwip_assert(const char *msg, const char *file, int line) __attribute__((noreturn));
uint32_t net_rand32(void);

#define LWIP_PLATFORM_DIAG(x)                                                                      \
	do {                                                                                       \
		net_lwip_diag x;                                                                   \
	} while (0)
#define LWIP_PLATFORM_ASSERT(x) net_lwip_assert(x, __FILE__, __LINE__)
#define LWIP_RAND()		net_rand32()

#endif
