/*
 * host_alloc.c - lib/alloc.h for host programs (tools and unit tests):
 * plain malloc/free. The kernel has its own (kernel/mm/heap.c).
 */
#include <stdlib.h>
#include <string.h>

#include "lib/alloc.h"

void *lib_alloc(size_t size)
{
	return malloc(size ? size : 1);
}

void *lib_zalloc(size_t size)
{
	return calloc(1, size ? size : 1);
}

void *lib_realloc(void *p, size_t size)
{
	return realloc(p, size ? size : 1);
}

void lib_free(void *p)
{
	free(p);
}
