/*
 * net/libc/stdlib.h - the <stdlib.h> lwIP includes: atoi (netif names)
 * only. Layer: net (lwIP port); only on the include path of lwIP's own
 * files and the net/ glue.
 */
#ifndef NET_LIBC_STDLIB_H
#define NET_LIBC_STDLIB_H

static inline int atoi(const char *s)
{
	int n = 0, neg = 0;

	if (*s == '-' || *s == '+')
		neg = *s++ == '-';
	while (*s >= '0' && *s <= '9')
		n = n * 10 + (*s++ - '0');
	return neg ? -n : n;
}

#endif
