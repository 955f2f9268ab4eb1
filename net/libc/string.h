/*
 * net/libc/string.h - the <string.h> lwIP includes, mapped onto the
 * kernel's lib/cstring.h. Layer: net (lwIP port); only on the include path
 * of lwIP's own files and the net/ glue.
 */
#ifndef NET_LIBC_STRING_H
#define NET_LIBC_STRING_H
#include "lib/cstring.h"
#endif
