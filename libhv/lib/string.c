/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Byte and string helpers. The compiler must not turn them back into calls
 * to themselves, which is why libhv is built with -ffreestanding (no
 * builtin assumptions) and -fno-tree-loop-distribute-patterns.
 *
 * hv_memcpy() and hv_memset() are on hot paths (grant copies, rings, page
 * zeroing): they move 8 bytes a step, 32 per loop turn, and finish with
 * bytes. The 8-byte accesses go through __builtin_memcpy() of a constant
 * size, which GCC and clang expand to one unaligned load or store (x86
 * allows those; they would be wrong only on a strict-alignment port), so
 * they never call memcpy() and stay visible to the sanitizers.
 */
#include <stdint.h>

#include <hv/abi/errno.h>
#include "lib/string.h"

static inline uint64_t load64(const unsigned char *p)
{
	uint64_t w;

	__builtin_memcpy(&w, p, sizeof(w));
	return w;
}

static inline void store64(unsigned char *p, uint64_t w)
{
	__builtin_memcpy(p, &w, sizeof(w));
}

void *hv_memcpy(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	for (; n >= 32; n -= 32, d += 32, s += 32) {
		uint64_t a = load64(s);
		uint64_t b = load64(s + 8);
		uint64_t c = load64(s + 16);
		uint64_t e = load64(s + 24);

		store64(d, a);
		store64(d + 8, b);
		store64(d + 16, c);
		store64(d + 24, e);
	}
	for (; n >= 8; n -= 8, d += 8, s += 8) {
		store64(d, load64(s));
	}
	while (n--) {
		*d++ = *s++;
	}
	return dst;
}

void *hv_memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (d == s || n == 0) {
		return dst;
	}
	if ((uintptr_t)d < (uintptr_t)s || (uintptr_t)d >= (uintptr_t)s + n) {
		return hv_memcpy(dst, src, n);
	}
	while (n--) {
		d[n] = s[n];
	}
	return dst;
}

void *hv_memset(void *dst, int c, size_t n)
{
	unsigned char *d = dst;
	uint64_t w = (unsigned char)c * UINT64_C(0x0101010101010101);

	for (; n >= 32; n -= 32, d += 32) {
		store64(d, w);
		store64(d + 8, w);
		store64(d + 16, w);
		store64(d + 24, w);
	}
	for (; n >= 8; n -= 8, d += 8) {
		store64(d, w);
	}
	while (n--) {
		*d++ = (unsigned char)c;
	}
	return dst;
}

int hv_memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a;
	const unsigned char *y = b;

	for (size_t i = 0; i < n; i++) {
		if (x[i] != y[i]) {
			return x[i] < y[i] ? -1 : 1;
		}
	}
	return 0;
}

size_t hv_strlen(const char *s)
{
	size_t n = 0;

	while (s[n] != '\0') {
		n++;
	}
	return n;
}

size_t hv_strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n] != '\0') {
		n++;
	}
	return n;
}

int hv_strcmp(const char *a, const char *b)
{
	return hv_strncmp(a, b, SIZE_MAX);
}

int hv_strncmp(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char x = (unsigned char)a[i];
		unsigned char y = (unsigned char)b[i];

		if (x != y) {
			return x < y ? -1 : 1;
		}
		if (x == '\0') {
			break;
		}
	}
	return 0;
}

char *hv_strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c) {
			return (char *)s;
		}
		if (*s == '\0') {
			return NULL;
		}
	}
}

size_t hv_strlcpy(char *dst, const char *src, size_t size)
{
	size_t len = hv_strlen(src);

	if (size > 0) {
		size_t n = len < size - 1 ? len : size - 1;

		hv_memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}

static int digit_value(char c)
{
	if (c >= '0' && c <= '9') {
		return c - '0';
	}
	if (c >= 'a' && c <= 'f') {
		return c - 'a' + 10;
	}
	if (c >= 'A' && c <= 'F') {
		return c - 'A' + 10;
	}
	return -1;
}

int hv_parse_size(const char *s, const char *end, unsigned long long *value)
{
	unsigned long long v = 0;
	unsigned int base = 10;
	unsigned int shift = 0;
	const char *p = s;

	if (end == NULL) {
		end = s + hv_strlen(s);
	}
	if (end - p > 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	}
	if (p == end) {
		return -HV_EINVAL;
	}
	/* A suffix is only a suffix in decimal: in hex, B..F are digits. */
	if (base == 10) {
		switch (end[-1]) {
		case 'k':
		case 'K':
			shift = 10;
			break;
		case 'm':
		case 'M':
			shift = 20;
			break;
		case 'g':
		case 'G':
			shift = 30;
			break;
		case 't':
		case 'T':
			shift = 40;
			break;
		default:
			break;
		}
		if (shift != 0) {
			end--;
		}
	}
	if (p == end) {
		return -HV_EINVAL;
	}
	for (; p < end; p++) {
		int d = digit_value(*p);

		if (d < 0 || (unsigned int)d >= base) {
			return -HV_EINVAL;
		}
		if (v > (~0ULL - (unsigned int)d) / base) {
			return -HV_ERANGE;
		}
		v = v * base + (unsigned int)d;
	}
	if (shift != 0 && v > (~0ULL >> shift)) {
		return -HV_ERANGE;
	}
	*value = v << shift;
	return 0;
}
