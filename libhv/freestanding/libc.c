/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The four functions GCC may emit calls to even in freestanding code
 * (structure copies, large initialisers). Built only into the freestanding
 * libhv.a, never into the host build of the core.
 */
#include <stddef.h>

#include "lib/string.h"

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);

void *memcpy(void *dst, const void *src, size_t n)
{
	return hv_memcpy(dst, src, n);
}

void *memmove(void *dst, const void *src, size_t n)
{
	return hv_memmove(dst, src, n);
}

void *memset(void *dst, int c, size_t n)
{
	return hv_memset(dst, c, n);
}

int memcmp(const void *a, const void *b, size_t n)
{
	return hv_memcmp(a, b, n);
}
