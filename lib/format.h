/*
 * lib/format.h - snprintf/vsnprintf for the kernel, boot stage2 and host
 * tests (lib/ layer; freestanding, no allocation). Supported conversions:
 * %d %i %u %x %X %o %p %s %c %% with length modifiers hh h l ll z t j,
 * flags '-' '0' ' ' '+' '#', a field width and a precision (also '*').
 * Output is always NUL-terminated when size > 0; the return value is the
 * length the full output would have had (C99 semantics).
 */
#ifndef LIB_FORMAT_H
#define LIB_FORMAT_H

#include <stdarg.h>
#include "types.h"

int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int fmt_snprintf(char *buf, size_t size, const char *fmt, ...) PRINTF_LIKE(3, 4);

#ifdef MONOS_KERNEL
/* the kernel and stage2 use the familiar names */
#define vsnprintf fmt_vsnprintf
#define snprintf fmt_snprintf
#endif

#endif
