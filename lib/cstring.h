/*
 * lib/cstring.h - the C string/memory functions lib/ may use. On the host
 * they come from libc; in the kernel from lib/kstring.c (kernel-only build
 * list). Only these are allowed in lib/: the freestanding build of lib/
 * fails to link if anything else creeps in.
 */
#ifndef LIB_CSTRING_H
#define LIB_CSTRING_H

#include "types.h"

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);

#endif
