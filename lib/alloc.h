/*
 * alloc.h - the allocator that lib/ code uses. lib/ never calls malloc
 * directly: the host tools link tools/common/host_alloc.c (malloc/free), the
 * kernel links its heap (kernel/mm/heap.c). Allocation failure returns NULL
 * and callers turn it into -ENOMEM.
 */
#ifndef LIB_ALLOC_H
#define LIB_ALLOC_H

#include "types.h"

void *lib_alloc(size_t size);          /* uninitialised, NULL on failure */
void *lib_zalloc(size_t size);         /* zeroed, NULL on failure */
void *lib_realloc(void *p, size_t size);
void lib_free(void *p);                /* NULL is fine */

#endif
