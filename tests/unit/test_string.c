/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of the byte and string helpers (libhv/lib/string.c): each is
 * checked on its edge cases (zero lengths, bytes above 0x7f, overlapping
 * moves in both directions, truncation), and hv_parse_size() on every form
 * it accepts and every way it refuses.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include <hv/abi/errno.h>
#include "lib/string.h"

static void fill_pattern(unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		p[i] = (unsigned char)(i * 7 + 1);
	}
}

static void test_memcpy(void **state)
{
	unsigned char src[64];
	unsigned char dst[64 + 2];

	(void)state;
	fill_pattern(src, sizeof(src));
	memset(dst, 0xee, sizeof(dst));
	assert_ptr_equal(hv_memcpy(dst + 1, src, sizeof(src)), dst + 1);
	assert_memory_equal(dst + 1, src, sizeof(src));
	assert_int_equal(dst[0], 0xee);
	assert_int_equal(dst[sizeof(dst) - 1], 0xee);

	/* n = 0 touches nothing. */
	assert_ptr_equal(hv_memcpy(dst, src, 0), dst);
	assert_int_equal(dst[0], 0xee);
}

static void test_memmove_overlap_forward(void **state)
{
	unsigned char buf[32];
	unsigned char want[32];

	(void)state;
	/* dst above src: must copy from the end. */
	fill_pattern(buf, sizeof(buf));
	fill_pattern(want, sizeof(want));
	memmove(want + 5, want, 20);
	assert_ptr_equal(hv_memmove(buf + 5, buf, 20), buf + 5);
	assert_memory_equal(buf, want, sizeof(buf));

	/* By one byte. */
	fill_pattern(buf, sizeof(buf));
	fill_pattern(want, sizeof(want));
	memmove(want + 1, want, 31);
	hv_memmove(buf + 1, buf, 31);
	assert_memory_equal(buf, want, sizeof(buf));
}

static void test_memmove_overlap_backward(void **state)
{
	unsigned char buf[32];
	unsigned char want[32];

	(void)state;
	/* dst below src: must copy from the start. */
	fill_pattern(buf, sizeof(buf));
	fill_pattern(want, sizeof(want));
	memmove(want, want + 7, 25);
	assert_ptr_equal(hv_memmove(buf, buf + 7, 25), buf);
	assert_memory_equal(buf, want, sizeof(buf));

	fill_pattern(buf, sizeof(buf));
	fill_pattern(want, sizeof(want));
	memmove(want, want + 1, 31);
	hv_memmove(buf, buf + 1, 31);
	assert_memory_equal(buf, want, sizeof(buf));
}

static void test_memmove_disjoint_same_and_empty(void **state)
{
	unsigned char buf[64];
	unsigned char want[64];

	(void)state;
	fill_pattern(buf, sizeof(buf));
	fill_pattern(want, sizeof(want));
	memmove(want + 40, want, 16); /* disjoint, dst above */
	hv_memmove(buf + 40, buf, 16);
	assert_memory_equal(buf, want, sizeof(buf));

	memmove(want, want + 32, 32); /* adjacent, dst below */
	hv_memmove(buf, buf + 32, 32);
	assert_memory_equal(buf, want, sizeof(buf));

	assert_ptr_equal(hv_memmove(buf, buf, sizeof(buf)), buf);
	assert_memory_equal(buf, want, sizeof(buf));
	assert_ptr_equal(hv_memmove(buf + 1, buf, 0), buf + 1);
	assert_memory_equal(buf, want, sizeof(buf));
}

static void test_memset(void **state)
{
	unsigned char buf[16];

	(void)state;
	memset(buf, 0, sizeof(buf));
	assert_ptr_equal(hv_memset(buf + 2, 0x1ab, 10), buf + 2); /* only the low byte */
	assert_int_equal(buf[0], 0);
	assert_int_equal(buf[1], 0);
	for (size_t i = 2; i < 12; i++) {
		assert_int_equal(buf[i], 0xab);
	}
	assert_int_equal(buf[12], 0);
	hv_memset(buf, -1, 0);
	assert_int_equal(buf[0], 0);
	hv_memset(buf, -1, 1);
	assert_int_equal(buf[0], 0xff);
}

static void test_memcmp(void **state)
{
	(void)state;
	assert_int_equal(hv_memcmp("abc", "abc", 3), 0);
	assert_int_equal(hv_memcmp("abc", "abd", 3), -1);
	assert_int_equal(hv_memcmp("abd", "abc", 3), 1);
	assert_int_equal(hv_memcmp("abc", "abd", 2), 0);
	assert_int_equal(hv_memcmp("x", "y", 0), 0);
	/* Bytes compare as unsigned: 0x80 is greater than 0x01. */
	assert_int_equal(hv_memcmp("\x80", "\x01", 1), 1);
	assert_int_equal(hv_memcmp("\x01", "\xff", 1), -1);
	/* Embedded NULs are bytes like any other. */
	assert_int_equal(hv_memcmp("a\0b", "a\0c", 3), -1);
}

static void test_strlen_strnlen(void **state)
{
	(void)state;
	assert_int_equal(hv_strlen(""), 0);
	assert_int_equal(hv_strlen("hello"), 5);
	assert_int_equal(hv_strlen("a\0b"), 1);
	assert_int_equal(hv_strnlen("hello", 10), 5);
	assert_int_equal(hv_strnlen("hello", 5), 5);
	assert_int_equal(hv_strnlen("hello", 3), 3);
	assert_int_equal(hv_strnlen("hello", 0), 0);
	assert_int_equal(hv_strnlen("", 4), 0);

	/* strnlen reads no further than max: an unterminated array. */
	{
		const char raw[4] = {'a', 'b', 'c', 'd'};

		assert_int_equal(hv_strnlen(raw, sizeof(raw)), 4);
	}
}

static void test_strcmp_strncmp(void **state)
{
	(void)state;
	assert_int_equal(hv_strcmp("", ""), 0);
	assert_int_equal(hv_strcmp("abc", "abc"), 0);
	assert_int_equal(hv_strcmp("abc", "abd"), -1);
	assert_int_equal(hv_strcmp("abd", "abc"), 1);
	assert_int_equal(hv_strcmp("ab", "abc"), -1); /* a prefix sorts first */
	assert_int_equal(hv_strcmp("abc", "ab"), 1);
	assert_int_equal(hv_strcmp("\xe9", "z"), 1); /* unsigned chars */

	assert_int_equal(hv_strncmp("abcX", "abcY", 3), 0);
	assert_int_equal(hv_strncmp("abcX", "abcY", 4), -1);
	assert_int_equal(hv_strncmp("abc", "abd", 0), 0);
	assert_int_equal(hv_strncmp("ab", "abc", 2), 0);
	assert_int_equal(hv_strncmp("ab", "abc", 3), -1);
	/* Stops at the terminator even if n is larger. */
	assert_int_equal(hv_strncmp("a\0x", "a\0y", 3), 0);
	assert_int_equal(hv_strncmp("abc", "abc", SIZE_MAX), 0);
}

static void test_strchr(void **state)
{
	const char *s = "hello, world";
	const char *high = "a\xff";

	(void)state;
	assert_ptr_equal(hv_strchr(s, 'h'), s);
	assert_ptr_equal(hv_strchr(s, 'o'), s + 4); /* the first one */
	assert_ptr_equal(hv_strchr(s, 'd'), s + 11);
	assert_null(hv_strchr(s, 'z'));
	assert_ptr_equal(hv_strchr(s, '\0'), s + 12);     /* the terminator is part of the string */
	assert_ptr_equal(hv_strchr(s, 'w' + 256), s + 7); /* c is converted to char */
	assert_null(hv_strchr("", 'a'));
	/* A byte above 0x7f is found whether c is given as 0xff or as -1. */
	assert_ptr_equal(hv_strchr(high, 0xff), high + 1);
	assert_ptr_equal(hv_strchr(high, -1), high + 1);
}

static void test_strlcpy(void **state)
{
	char buf[8];

	(void)state;
	memset(buf, 'x', sizeof(buf));
	assert_int_equal(hv_strlcpy(buf, "abc", sizeof(buf)), 3);
	assert_string_equal(buf, "abc");
	assert_int_equal(buf[4], 'x'); /* nothing past the terminator */

	/* Exactly fits. */
	assert_int_equal(hv_strlcpy(buf, "1234567", sizeof(buf)), 7);
	assert_string_equal(buf, "1234567");

	/* Truncated: size - 1 bytes and a terminator; returns strlen(src). */
	memset(buf, 'x', sizeof(buf));
	assert_int_equal(hv_strlcpy(buf, "0123456789", sizeof(buf)), 10);
	assert_string_equal(buf, "0123456");

	assert_int_equal(hv_strlcpy(buf, "abc", 1), 3);
	assert_string_equal(buf, "");

	/* Size 0 writes nothing. */
	memset(buf, 'x', sizeof(buf));
	assert_int_equal(hv_strlcpy(buf, "abc", 0), 3);
	assert_int_equal(buf[0], 'x');

	assert_int_equal(hv_strlcpy(buf, "", sizeof(buf)), 0);
	assert_string_equal(buf, "");
}

/* Parses 's' (to its NUL) and returns the result; *v is set to a canary first. */
static int parse(const char *s, unsigned long long *v)
{
	*v = 0xdeadbeef;
	return hv_parse_size(s, NULL, v);
}

static void test_parse_size_decimal_and_hex(void **state)
{
	unsigned long long v;

	(void)state;
	assert_int_equal(parse("0", &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(parse("42", &v), 0);
	assert_int_equal(v, 42);
	assert_int_equal(parse("007", &v), 0);
	assert_int_equal(v, 7);
	assert_int_equal(parse("18446744073709551615", &v), 0);
	assert_true(v == UINT64_MAX);
	assert_int_equal(parse("0x0", &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(parse("0x1f", &v), 0);
	assert_int_equal(v, 0x1f);
	assert_int_equal(parse("0XABCdef", &v), 0);
	assert_int_equal(v, 0xabcdef);
	assert_int_equal(parse("0xffffffffffffffff", &v), 0);
	assert_true(v == UINT64_MAX);
	assert_int_equal(parse("0x00000000000000001", &v), 0); /* leading zeros do not overflow */
	assert_int_equal(v, 1);
}

static void test_parse_size_suffixes(void **state)
{
	unsigned long long v;

	(void)state;
	assert_int_equal(parse("1K", &v), 0);
	assert_int_equal(v, 1024);
	assert_int_equal(parse("3k", &v), 0);
	assert_int_equal(v, 3 * 1024);
	assert_int_equal(parse("16M", &v), 0);
	assert_int_equal(v, 16ull << 20);
	assert_int_equal(parse("2m", &v), 0);
	assert_int_equal(v, 2ull << 20);
	assert_int_equal(parse("5G", &v), 0);
	assert_true(v == 5ull << 30);
	assert_int_equal(parse("1g", &v), 0);
	assert_true(v == 1ull << 30);
	assert_int_equal(parse("7T", &v), 0);
	assert_true(v == 7ull << 40);
	assert_int_equal(parse("1t", &v), 0);
	assert_true(v == 1ull << 40);
	assert_int_equal(parse("0K", &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(parse("16777215T", &v), 0); /* the largest T that fits */
	assert_true(v == 16777215ull << 40);
}

static void test_parse_size_hex_digits_are_not_suffixes(void **state)
{
	unsigned long long v;

	(void)state;
	/* In hex, B..F are digits: no suffix is taken off. */
	assert_int_equal(parse("0x1B", &v), 0);
	assert_int_equal(v, 0x1b);
	assert_int_equal(parse("0xC", &v), 0);
	assert_int_equal(v, 0xc);
	assert_int_equal(parse("0x1D", &v), 0);
	assert_int_equal(v, 0x1d);
	assert_int_equal(parse("0x2e", &v), 0);
	assert_int_equal(v, 0x2e);
	assert_int_equal(parse("0xF", &v), 0);
	assert_int_equal(v, 0xf);
	/* Hex takes no size suffix at all. */
	assert_int_equal(parse("0x10K", &v), -HV_EINVAL);
	assert_int_equal(parse("0x10M", &v), -HV_EINVAL);
	assert_int_equal(parse("0x1G", &v), -HV_EINVAL);
	assert_int_equal(parse("0x1T", &v), -HV_EINVAL);
	/* And in decimal, B..F are neither digits nor suffixes. */
	assert_int_equal(parse("1B", &v), -HV_EINVAL);
	assert_int_equal(parse("1E", &v), -HV_EINVAL);
	assert_int_equal(parse("12f", &v), -HV_EINVAL);
	assert_int_equal(v, 0xdeadbeef); /* untouched on error */
}

static void test_parse_size_overflow(void **state)
{
	unsigned long long v;

	(void)state;
	assert_int_equal(parse("18446744073709551616", &v), -HV_ERANGE);
	assert_int_equal(parse("99999999999999999999999", &v), -HV_ERANGE);
	assert_int_equal(parse("0x10000000000000000", &v), -HV_ERANGE);
	assert_int_equal(parse("16777216T", &v), -HV_ERANGE); /* 2^64 */
	assert_int_equal(parse("17179869184G", &v), -HV_ERANGE);
	assert_int_equal(parse("17592186044416M", &v), -HV_ERANGE);
	assert_int_equal(parse("18014398509481984K", &v), -HV_ERANGE);
	assert_int_equal(v, 0xdeadbeef);
	assert_int_equal(parse("18014398509481983K", &v), 0);
	assert_true(v == 18014398509481983ull << 10);
}

static void test_parse_size_malformed(void **state)
{
	static const char *const bad[] = {
	        "",   "K",   "m",   "0x",   "0X",  "x10", "-1",  "+1",  " 1",   "1 ",  "1KK",
	        "K1", "1.5", "1_0", "0x-1", "0xg", "abc", "1Ki", "1KB", "0x 1", "1\t",
	};
	unsigned long long v;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int rc = parse(bad[i], &v);

		if (rc != -HV_EINVAL || v != 0xdeadbeef) {
			fail_msg("'%s': rc %d, value %#llx", bad[i], rc, v);
		}
	}
}

static void test_parse_size_end_pointer(void **state)
{
	const char *s = "16M,rest";
	const char *h = "0x20 trailing";
	unsigned long long v = 0;

	(void)state;
	assert_int_equal(hv_parse_size(s, s + 3, &v), 0);
	assert_int_equal(v, 16ull << 20);
	assert_int_equal(hv_parse_size(s, s + 2, &v), 0);
	assert_int_equal(v, 16);
	assert_int_equal(hv_parse_size(h, h + 4, &v), 0);
	assert_int_equal(v, 0x20);
	/* An empty range, and a range that holds only "0x". */
	assert_int_equal(hv_parse_size(s, s, &v), -HV_EINVAL);
	assert_int_equal(hv_parse_size(h, h + 2, &v), -HV_EINVAL);
	/* The whole range must be a number. */
	assert_int_equal(hv_parse_size(s, s + 4, &v), -HV_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_memcpy),
	        cmocka_unit_test(test_memmove_overlap_forward),
	        cmocka_unit_test(test_memmove_overlap_backward),
	        cmocka_unit_test(test_memmove_disjoint_same_and_empty),
	        cmocka_unit_test(test_memset),
	        cmocka_unit_test(test_memcmp),
	        cmocka_unit_test(test_strlen_strnlen),
	        cmocka_unit_test(test_strcmp_strncmp),
	        cmocka_unit_test(test_strchr),
	        cmocka_unit_test(test_strlcpy),
	        cmocka_unit_test(test_parse_size_decimal_and_hex),
	        cmocka_unit_test(test_parse_size_suffixes),
	        cmocka_unit_test(test_parse_size_hex_digits_are_not_suffixes),
	        cmocka_unit_test(test_parse_size_overflow),
	        cmocka_unit_test(test_parse_size_malformed),
	        cmocka_unit_test(test_parse_size_end_pointer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
