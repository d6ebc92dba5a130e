/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Memory and string helpers of the core. They carry an hv_ prefix so that the
 * host build of the core (unit tests) never replaces the host C library; the
 * freestanding build also exports memcpy/memset/memmove/memcmp, which GCC may
 * call on its own (libhv/freestanding/libc.c).
 */
#ifndef HV_LIB_STRING_H
#define HV_LIB_STRING_H

#include <stddef.h>

void *hv_memcpy(void *dst, const void *src, size_t n);
void *hv_memmove(void *dst, const void *src, size_t n);
void *hv_memset(void *dst, int c, size_t n);
int hv_memcmp(const void *a, const void *b, size_t n);
size_t hv_strlen(const char *s);
size_t hv_strnlen(const char *s, size_t max);
int hv_strcmp(const char *a, const char *b);
int hv_strncmp(const char *a, const char *b, size_t n);
char *hv_strchr(const char *s, int c);
/* Copies at most size - 1 bytes and always terminates; returns strlen(src). */
size_t hv_strlcpy(char *dst, const char *src, size_t size);

/*
 * Parses an unsigned number in decimal, or hex with 0x, with an optional
 * binary size suffix (K, M, G, T; case-insensitive). The whole string up to
 * 'end' (or NUL if end is NULL) must be consumed. Returns 0, or -HV_EINVAL
 * for a malformed number and -HV_ERANGE on overflow.
 */
int hv_parse_size(const char *s, const char *end, unsigned long long *value);

#endif /* HV_LIB_STRING_H */
