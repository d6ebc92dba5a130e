/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of the formatter (libhv/lib/printf.c). Everything the header
 * promises (conversions d i u x X o c s p %, length modifiers hh h l ll z j
 * t, flags - 0 + space #, width and precision, both possibly '*') is
 * compared with the host C library's snprintf for the same format and
 * arguments: first hand-written rows, each also formatted into every smaller
 * buffer; then the full cross product of flags, width, precision, length
 * and integer conversion over a set of awkward values. Behaviour that C
 * leaves to the implementation (%p of NULL, unknown conversions) is checked
 * against libhv's own documented choice.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>

#include <hv/log.h>

#define BUF_SIZE 512

/* Rows that did not match; each is printed, and the test fails at the end. */
static unsigned int mismatches;

static void report(const char *fmt, size_t size, const char *what, const char *want, int want_len,
                   const char *got, int got_len)
{
	print_message("format \"%s\", size %zu: %s: want %d \"%.*s\", got %d \"%.*s\"\n", fmt, size,
	              what, want_len, want_len, want, got_len, got_len > 0 ? got_len : 0, got);
	mismatches++;
}

/*
 * Formats with the host and with libhv and compares the outputs and return
 * values; then formats with libhv into every buffer size from 0 up to the
 * full length + 1 and checks the return value, the prefix, the terminator
 * and that nothing past the buffer was written.
 */
static void row(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void row(const char *fmt, ...)
{
	char want[BUF_SIZE];
	char got[BUF_SIZE + 8];
	va_list ap;
	int want_len;
	int got_len;

	va_start(ap, fmt);
	want_len = vsnprintf(want, sizeof(want), fmt, ap);
	va_end(ap);
	assert_true(want_len >= 0 && want_len < BUF_SIZE);

	va_start(ap, fmt);
	got_len = hv_vsnprintf(got, BUF_SIZE, fmt, ap);
	va_end(ap);
	if (got_len != want_len || memcmp(got, want, (size_t)want_len + 1) != 0) {
		report(fmt, BUF_SIZE, "full buffer", want, want_len, got, got_len);
		return;
	}
	for (size_t size = 0; size <= (size_t)want_len + 1; size++) {
		size_t term =
		        size == 0 ? 0 : ((size_t)want_len < size - 1 ? (size_t)want_len : size - 1);

		memset(got, 0x5a, sizeof(got));
		va_start(ap, fmt);
		got_len = hv_vsnprintf(got, size, fmt, ap);
		va_end(ap);
		if (got_len != want_len) {
			report(fmt, size, "return value when truncated", want, want_len, got,
			       got_len);
			return;
		}
		if (size > 0 && (memcmp(got, want, term) != 0 || got[term] != '\0')) {
			report(fmt, size, "truncated output", want, want_len, got, (int)term);
			return;
		}
		for (size_t i = size; i < sizeof(got); i++) {
			if (got[i] != 0x5a) {
				report(fmt, size, "wrote past the buffer", want, want_len, got,
				       (int)i);
				return;
			}
		}
	}
}

static int reset_mismatches(void **state)
{
	(void)state;
	mismatches = 0;
	return 0;
}

static void test_rows_conversions(void **state)
{
	const char *volatile text = "hello";

	(void)state;
	row("plain text, no conversion");
	row("%%");
	row("a%%b%%%%c");
	row("%d %i", 0, 0);
	row("%d %i %d %i", 42, -42, INT_MAX, INT_MIN);
	row("%u %u %u", 0u, 42u, UINT_MAX);
	row("%x %X %x %X", 0u, 0u, 0xdeadbeefu, 0xdeadbeefu);
	row("%o %o %o", 0u, 8u, UINT_MAX);
	row("%c%c%c", 'a', ' ', '~');
	row("[%c]", 0);     /* a NUL character is output like any other */
	row("[%c]", 0x141); /* only the low byte */
	row("%s|%s|%s", "", text, "with spaces and %d");
	row("%p %p", (void *)0x1, (void *)(uintptr_t)0xffff800000001000ull);
	row("%d%s%x%c%u%%%o", -1, "mix", 255u, 'z', 7u, 9u);
	assert_int_equal(mismatches, 0);
}

static void test_rows_flags(void **state)
{
	(void)state;
	row("[%-5d][%05d][%+d][% d]", 42, 42, 42, 42);
	row("[%-5d][%05d][%+d][% d]", -42, -42, -42, -42);
	row("[%+d][% d][%+d][% d]", 0, 0, INT_MIN, INT_MIN);
	row("[%#x][%#X][%#o][%#x][%#o]", 255u, 255u, 8u, 0u, 0u);
	row("[%#10x][%#-10x][%#010x][%#010X]", 0xabcu, 0xabcu, 0xabcu, 0xabcu);
	row("[%#10o][%#-10o][%#010o]", 8u, 8u, 8u);
	row("[%-4c][%4c][%-1c][%1c]", 'x', 'y', 'z', 'w');
	row("[%-8s][%8s][%-2s][%2s]", "ab", "cd", "long", "long");
	row("[%20p][%-20p]", (void *)0x1234, (void *)0x1234);
	assert_int_equal(mismatches, 0);
}

static void test_rows_width_precision(void **state)
{
	(void)state;
	row("[%.0d][%.0u][%.0x][%.0o]", 0, 0u, 0u, 0u); /* no digits at all */
	row("[%5.0d][%-5.0d][%+.0d][% .0d]", 0, 0, 0, 0);
	row("[%#.0x][%#.0o][%#.3o][%#.5o][%#5.3o]", 0u, 0u, 8u, 8u, 8u);
	row("[%.5d][%.5d][%8.5d][%-8.5d]", 42, -42, 42, -42);
	row("[%+.3d][% .3d][%+8.3d][%#.6x][%#12.6X]", 5, 5, -5, 0x1fu, 0x1fu);
	row("[%.3s][%.0s][%.10s][%8.3s][%-8.3s]", "abcdef", "abc", "abc", "abcdef", "abcdef");
	row("[%*d][%-*d][%*d]", 6, 42, 6, 42, -6, 42); /* negative '*' width: left */
	row("[%.*d][%.*d][%.*d]", 4, 42, 0, 0, -1, 0); /* negative '*' precision: none */
	row("[%*.*d][%*.*s][%.*s]", 8, 3, -7, -6, 2, "xyz", 3, "abcdef");
	row("[%0*d][%0*x]", 6, -42, 6, 0xffu);
	row("[%12d][%-12d][%012d]", INT_MIN, INT_MIN, INT_MIN);
	row("[%40d][%-40u][%.30x]", 1, 2u, 3u);
	row("[%3c][%-3c]", 'q', 'r');
	assert_int_equal(mismatches, 0);
}

static void test_rows_length_modifiers(void **state)
{
	(void)state;
	row("%hhd %hhd %hhi", (signed char)127, (signed char)-128, (signed char)-1);
	row("%hhu %hhx %hho %hhX", (unsigned char)255, (unsigned char)0, (unsigned char)8,
	    (unsigned char)0xab);
	row("%hd %hd %hi", (short)32767, (short)-32768, (short)-1);
	row("%hu %hx %ho %hX", (unsigned short)65535, (unsigned short)0, (unsigned short)8,
	    (unsigned short)0xabc);
	row("%ld %li %lu %lx %lo %lX", LONG_MIN, LONG_MAX, ULONG_MAX, ULONG_MAX, ULONG_MAX,
	    0xabcul);
	row("%lld %lli %llu %llx %llo %llX", LLONG_MIN, LLONG_MAX, ULLONG_MAX, ULLONG_MAX,
	    ULLONG_MAX, 0xabcdefull);
	row("%zd %zi %zu %zx %zo", (ssize_t)-5, (ssize_t)SSIZE_MAX, SIZE_MAX, SIZE_MAX, (size_t)8);
	row("%jd %ji %ju %jx %jo", INTMAX_MIN, INTMAX_MAX, UINTMAX_MAX, UINTMAX_MAX, (uintmax_t)8);
	row("%td %ti %td", PTRDIFF_MIN, PTRDIFF_MAX, (ptrdiff_t)-1);
	row("%" PRId64 " %" PRIu64 " %" PRIx64, INT64_MIN, UINT64_MAX, UINT64_MAX);
	row("[%-+25lld][%+025lld][%#25llo][%#-25llX]", LLONG_MIN, LLONG_MAX, ULLONG_MAX,
	    ULLONG_MAX);
	assert_int_equal(mismatches, 0);
}

/*
 * hh and h take an int (the promoted argument) and convert it to char or
 * short. Compilers warn when the int does not fit, so these formats come
 * from a table at run time; every argument is an int.
 */
static void test_rows_narrowed_arguments(void **state)
{
	static const char *const fmts[] = {"[%hhd]", "[%hhi]", "[%hhu]", "[%hhx]", "[%hho]",
	                                   "[%hd]",  "[%hi]",  "[%hu]",  "[%hX]",  "[%#ho]"};
	static const int values[] = {128,    -129,  200,     256,     511,     0x1ab, 32768,
	                             -32769, 65536, 0x12345, INT_MIN, INT_MAX, -1};

	(void)state;
	for (size_t i = 0; i < sizeof(fmts) / sizeof(fmts[0]); i++) {
		for (size_t v = 0; v < sizeof(values) / sizeof(values[0]); v++) {
			row(fmts[i], values[v]);
		}
	}
	assert_int_equal(mismatches, 0);
}

/* Flag/width/precision/length/conversion cross product. */
enum arg_len {
	A_NONE,
	A_HH,
	A_H,
	A_L,
	A_LL,
	A_Z,
	A_J,
	A_T,
	A_COUNT
};

static const char *const len_text[A_COUNT] = {"", "hh", "h", "l", "ll", "z", "j", "t"};

/* Formats 'raw' as the C type that 'len' and signedness call for, both ways. */
static void format_both(const char *fmt, enum arg_len len, bool is_signed, uint64_t raw, char *want,
                        int *want_len, char *got, int *got_len, size_t got_size)
{
#define BOTH(v)                                                                                    \
	do {                                                                                       \
		*want_len = snprintf(want, BUF_SIZE, fmt, v);                                      \
		*got_len = hv_snprintf(got, got_size, fmt, v);                                     \
	} while (0)
	switch (len) {
	case A_NONE:
	case A_HH:
	case A_H:
		if (is_signed) {
			BOTH((int)raw);
		} else {
			BOTH((unsigned int)raw);
		}
		break;
	case A_L:
		if (is_signed) {
			BOTH((long)raw);
		} else {
			BOTH((unsigned long)raw);
		}
		break;
	case A_LL:
		if (is_signed) {
			BOTH((long long)raw);
		} else {
			BOTH((unsigned long long)raw);
		}
		break;
	case A_Z:
		if (is_signed) {
			BOTH((ssize_t)raw);
		} else {
			BOTH((size_t)raw);
		}
		break;
	case A_J:
		if (is_signed) {
			BOTH((intmax_t)raw);
		} else {
			BOTH((uintmax_t)raw);
		}
		break;
	default:
		BOTH((ptrdiff_t)raw);
		break;
	}
#undef BOTH
}

static void test_cross_product_integers(void **state)
{
	static const char flag_chars[] = "-0+ #";
	static const char *const widths[] = {"", "1", "9", "24"};
	static const char *const precisions[] = {"", ".", ".0", ".1", ".4", ".21"};
	static const char conversions[] = "diuxXo";
	static const uint64_t values[] = {
	        0,          1,
	        7,          8,
	        255,        256,
	        0x7fff,     0x8000,
	        0x7fffffff, 0x80000000,
	        0xffffffff, UINT64_C(0x123456789abcdef0),
	        INT64_MAX,  UINT64_C(1) << 63,
	        UINT64_MAX,
	};
	unsigned long checked = 0;

	(void)state;
	for (unsigned int flags = 0; flags < 32; flags++) {
		for (size_t w = 0; w < sizeof(widths) / sizeof(widths[0]); w++) {
			for (size_t p = 0; p < sizeof(precisions) / sizeof(precisions[0]); p++) {
				for (int len = 0; len < A_COUNT; len++) {
					for (const char *c = conversions; *c != '\0'; c++) {
						char fmt[32];
						size_t n = 0;

						fmt[n++] = '%';
						for (unsigned int f = 0; f < 5; f++) {
							if (flags & (1u << f)) {
								fmt[n++] = flag_chars[f];
							}
						}
						snprintf(fmt + n, sizeof(fmt) - n, "%s%s%s%c",
						         widths[w], precisions[p], len_text[len],
						         *c);
						for (size_t v = 0;
						     v < sizeof(values) / sizeof(values[0]); v++) {
							bool is_signed = *c == 'd' || *c == 'i';
							char want[BUF_SIZE];
							char got[BUF_SIZE];
							int want_len;
							int got_len;
							size_t cut;

							format_both(fmt, (enum arg_len)len,
							            is_signed, values[v], want,
							            &want_len, got, &got_len,
							            sizeof(got));
							checked++;
							if (got_len != want_len ||
							    strcmp(got, want) != 0) {
								report(fmt, BUF_SIZE,
								       "cross product", want,
								       want_len, got, got_len);
								continue;
							}
							/* And cut in the middle. */
							cut = (size_t)want_len / 2 + 1;
							format_both(fmt, (enum arg_len)len,
							            is_signed, values[v], want,
							            &want_len, got, &got_len, cut);
							if (got_len != want_len ||
							    strlen(got) != cut - 1 ||
							    memcmp(got, want, cut - 1) != 0) {
								report(fmt, cut,
								       "cross product cut", want,
								       want_len, got, got_len);
							}
						}
					}
				}
			}
		}
	}
	print_message("%lu formats and values compared\n", checked);
	assert_true(checked > 100000);
	assert_int_equal(mismatches, 0);
}

static void test_cross_product_strings_chars(void **state)
{
	static const char *const flags[] = {"", "-"};
	static const char *const widths[] = {"", "1", "3", "10", "*"};
	static const char *const precisions[] = {"", ".", ".0", ".2", ".9", ".*"};
	static const char *const strings[] = {"", "a", "abc", "a longer string"};
	unsigned long checked = 0;

	(void)state;
	for (size_t f = 0; f < 2; f++) {
		for (size_t w = 0; w < sizeof(widths) / sizeof(widths[0]); w++) {
			for (size_t p = 0; p < sizeof(precisions) / sizeof(precisions[0]); p++) {
				for (size_t s = 0; s < sizeof(strings) / sizeof(strings[0]); s++) {
					char fmt[32];
					char want[BUF_SIZE];
					char got[BUF_SIZE];
					int want_len;
					int got_len;
					bool star_w = widths[w][0] == '*';
					bool star_p =
					        precisions[p][0] != '\0' && precisions[p][1] == '*';

					snprintf(fmt, sizeof(fmt), "[%%%s%s%ss]", flags[f],
					         widths[w], precisions[p]);
					if (star_w && star_p) {
						want_len = snprintf(want, sizeof(want), fmt, -7, 2,
						                    strings[s]);
						got_len = hv_snprintf(got, sizeof(got), fmt, -7, 2,
						                      strings[s]);
					} else if (star_w || star_p) {
						want_len = snprintf(want, sizeof(want), fmt, 5,
						                    strings[s]);
						got_len = hv_snprintf(got, sizeof(got), fmt, 5,
						                      strings[s]);
					} else {
						want_len = snprintf(want, sizeof(want), fmt,
						                    strings[s]);
						got_len = hv_snprintf(got, sizeof(got), fmt,
						                      strings[s]);
					}
					checked++;
					if (got_len != want_len || strcmp(got, want) != 0) {
						report(fmt, BUF_SIZE, "string", want, want_len, got,
						       got_len);
					}
					if (star_p || precisions[p][0] != '\0') {
						continue;
					}
					/* The same flags and width for %c. */
					fmt[strlen(fmt) - 2] = 'c';
					if (star_w) {
						want_len = snprintf(want, sizeof(want), fmt, -4,
						                    'A' + (int)s);
						got_len = hv_snprintf(got, sizeof(got), fmt, -4,
						                      'A' + (int)s);
					} else {
						want_len = snprintf(want, sizeof(want), fmt,
						                    'A' + (int)s);
						got_len = hv_snprintf(got, sizeof(got), fmt,
						                      'A' + (int)s);
					}
					checked++;
					if (got_len != want_len || strcmp(got, want) != 0) {
						report(fmt, BUF_SIZE, "char", want, want_len, got,
						       got_len);
					}
				}
			}
		}
	}
	assert_true(checked > 200);
	assert_int_equal(mismatches, 0);
}

/*
 * C says '+' and ' ' only apply to signed conversions: for %u, %x, %X and %o
 * they have no effect. GCC warns about such formats, so they are built at
 * run time.
 */
static void test_sign_flags_ignored_for_unsigned(void **state)
{
	static const char *const fmts[] = {"%+u", "% u", "%+x", "% X", "%+o", "% #x", "%+08u"};
	char buf[64];

	(void)state;
	for (size_t i = 0; i < sizeof(fmts) / sizeof(fmts[0]); i++) {
		char want[64];

		snprintf(want, sizeof(want), fmts[i], 26u);
		assert_int_equal(hv_snprintf(buf, sizeof(buf), fmts[i], 26u), (int)strlen(want));
		assert_string_equal(buf, want);
	}
}

/*
 * Flags that C says are ignored in the presence of others: ' ' with '+', '0'
 * with '-', '0' with a precision. GCC warns about these formats, so they
 * are taken from a table at run time; every argument is an int.
 */
static void test_rows_overridden_flags(void **state)
{
	static const char *const fmts[] = {
	        "[%+ d]", "[% +d]", "[%-05d]", "[%0-5d]", "[%08.5d]", "[%-08.3d]", "[%0+ 8.0d]",
	};
	static const int values[] = {0, 7, -7, 12345, INT_MIN};

	(void)state;
	for (size_t i = 0; i < sizeof(fmts) / sizeof(fmts[0]); i++) {
		for (size_t v = 0; v < sizeof(values) / sizeof(values[0]); v++) {
			row(fmts[i], values[v]);
		}
	}
	assert_int_equal(mismatches, 0);
}

static void test_truncation(void **state)
{
	char buf[8];

	(void)state;
	memset(buf, 'x', sizeof(buf));
	assert_int_equal(hv_snprintf(buf, sizeof(buf), "%s", "0123456789abcdef"), 16);
	assert_string_equal(buf, "0123456");

	memset(buf, 'x', sizeof(buf));
	assert_int_equal(hv_snprintf(buf, 1, "%d", 12345), 5);
	assert_int_equal(buf[0], '\0');
	assert_int_equal(buf[1], 'x');

	/* Exactly fits, and one byte short. */
	assert_int_equal(hv_snprintf(buf, sizeof(buf), "%7d", 1), 7);
	assert_string_equal(buf, "      1");
	assert_int_equal(hv_snprintf(buf, sizeof(buf), "%8d", 1), 8);
	assert_string_equal(buf, "       ");

	/* A long padded field is counted in full but never written past. */
	assert_int_equal(hv_snprintf(buf, sizeof(buf), "%-1000d|", -1), 1001);
	assert_string_equal(buf, "-1     ");
}

static void test_size_zero_writes_nothing(void **state)
{
	char buf[4] = {'a', 'b', 'c', 'd'};

	(void)state;
	assert_int_equal(hv_snprintf(buf, 0, "hello %d", 42), 8);
	assert_memory_equal(buf, "abcd", 4);
	/* With size 0 the buffer may even be NULL, as with C's snprintf. */
	assert_int_equal(hv_snprintf(NULL, 0, "%s%s", "abc", "de"), 5);
	assert_int_equal(hv_snprintf(NULL, 0, "%s", ""), 0);
}

static void test_extremes(void **state)
{
	char buf[64];

	(void)state;
	assert_int_equal(hv_snprintf(buf, sizeof(buf), "%lld", (long long)INT64_MIN), 20);
	assert_string_equal(buf, "-9223372036854775808");
	assert_int_equal(hv_snprintf(buf, sizeof(buf), "%llu", (unsigned long long)UINT64_MAX), 20);
	assert_string_equal(buf, "18446744073709551615");
	hv_snprintf(buf, sizeof(buf), "%llx %#llo", (unsigned long long)UINT64_MAX,
	            (unsigned long long)UINT64_MAX);
	assert_string_equal(buf, "ffffffffffffffff 01777777777777777777777");
	hv_snprintf(buf, sizeof(buf), "%jd %zu", INTMAX_MIN, SIZE_MAX);
	assert_string_equal(buf, "-9223372036854775808 18446744073709551615");
	hv_snprintf(buf, sizeof(buf), "%d %hd %hhd", INT_MIN, (short)SHRT_MIN, (signed char)-128);
	assert_string_equal(buf, "-2147483648 -32768 -128");
}

static void test_null_string(void **state)
{
	const char *volatile null = NULL;
	char buf[32];

	(void)state;
	assert_int_equal(hv_snprintf(buf, sizeof(buf), "%s", null), 6);
	assert_string_equal(buf, "(null)");
	assert_int_equal(hv_snprintf(buf, sizeof(buf), "[%8s][%-7s]", null, null), 19);
	assert_string_equal(buf, "[  (null)][(null) ]");
}

static void test_pointer(void **state)
{
	void *volatile null = NULL;
	char buf[64];

	(void)state;
	/* libhv prints a null pointer as 0 (C leaves the text to the implementation). */
	assert_int_equal(hv_snprintf(buf, sizeof(buf), "%p", null), 1);
	assert_string_equal(buf, "0");
	hv_snprintf(buf, sizeof(buf), "%p|%5p|%-5p|", (void *)0xabc, null, null);
	assert_string_equal(buf, "0xabc|    0|0    |");
	hv_snprintf(buf, sizeof(buf), "%p", (void *)UINTPTR_MAX);
	assert_string_equal(buf, "0xffffffffffffffff");
}

/*
 * An unknown conversion is printed as written and consumes no argument, so
 * the conversions after it still get the right arguments. GCC warns about
 * such formats, so they are built at run time.
 */
static void test_unknown_conversion(void **state)
{
	const char *volatile fmt_y = "[%y]";
	const char *volatile fmt_mixed = "%d %y %s %w";
	const char *volatile fmt_spec = "[%-5y][%05.2k]%d";
	char buf[64];

	(void)state;
	assert_int_equal(hv_snprintf(buf, sizeof(buf), fmt_y, 99), 4);
	assert_string_equal(buf, "[%y]");
	assert_int_equal(hv_snprintf(buf, sizeof(buf), fmt_mixed, 1, "two"), 11);
	assert_string_equal(buf, "1 %y two %w");
	assert_int_equal(hv_snprintf(buf, sizeof(buf), fmt_spec, 3), 15);
	assert_string_equal(buf, "[%-5y][%05.2k]3");
}

/*
 * A '%' at the very end (also after flags or a length) is printed, and the
 * output ends. (The unused argument keeps compilers from warning about a
 * format that is not a literal.)
 */
static void test_lone_percent_at_end(void **state)
{
	const char *volatile fmt_plain = "abc%";
	const char *volatile fmt_len = "x%ll";
	const char *volatile fmt_width = "x%-5";
	char buf[16];

	(void)state;
	memset(buf, 'z', sizeof(buf));
	assert_int_equal(hv_snprintf(buf, sizeof(buf), fmt_plain, 0), 4);
	assert_string_equal(buf, "abc%");
	assert_int_equal(hv_snprintf(buf, sizeof(buf), fmt_len, 0), 2);
	assert_string_equal(buf, "x%");
	assert_int_equal(hv_snprintf(buf, sizeof(buf), fmt_width, 0), 2);
	assert_string_equal(buf, "x%");
}

static int call_vsnprintf(char *buf, size_t size, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
static int call_vsnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = hv_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

static void test_vsnprintf(void **state)
{
	char buf[32];

	(void)state;
	assert_int_equal(call_vsnprintf(buf, sizeof(buf), "%s=%d%c", "x", -3, '!'), 5);
	assert_string_equal(buf, "x=-3!");
	assert_int_equal(call_vsnprintf(buf, 3, "%s=%d%c", "x", -3, '!'), 5);
	assert_string_equal(buf, "x=");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup(test_rows_conversions, reset_mismatches),
	        cmocka_unit_test_setup(test_rows_flags, reset_mismatches),
	        cmocka_unit_test_setup(test_rows_width_precision, reset_mismatches),
	        cmocka_unit_test_setup(test_rows_length_modifiers, reset_mismatches),
	        cmocka_unit_test_setup(test_rows_overridden_flags, reset_mismatches),
	        cmocka_unit_test_setup(test_rows_narrowed_arguments, reset_mismatches),
	        cmocka_unit_test_setup(test_cross_product_integers, reset_mismatches),
	        cmocka_unit_test_setup(test_cross_product_strings_chars, reset_mismatches),
	        cmocka_unit_test(test_sign_flags_ignored_for_unsigned),
	        cmocka_unit_test(test_truncation),
	        cmocka_unit_test(test_size_zero_writes_nothing),
	        cmocka_unit_test(test_extremes),
	        cmocka_unit_test(test_null_string),
	        cmocka_unit_test(test_pointer),
	        cmocka_unit_test(test_unknown_conversion),
	        cmocka_unit_test(test_lone_percent_at_end),
	        cmocka_unit_test(test_vsnprintf),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
