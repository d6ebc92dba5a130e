/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of the bitmaps (libhv/lib/bitmap.c): single bits and ranges
 * across word boundaries, searches that must ignore bits at or beyond nbits
 * (the tests fill the rest of the last word with the wrong value on
 * purpose), zero runs, counts with a partial last word, and a long random
 * sequence checked against a one-byte-per-bit model.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "lib/bitmap.h"

#define NBITS 200 /* four words, the last one partial (200 = 3 * 64 + 8) */
#define WORDS HV_BITMAP_WORDS(NBITS)

_Static_assert(WORDS == 4, "200 bits take four words");

static void test_words_macro(void **state)
{
	(void)state;
	assert_int_equal(HV_BITMAP_WORDS(0), 0);
	assert_int_equal(HV_BITMAP_WORDS(1), 1);
	assert_int_equal(HV_BITMAP_WORDS(64), 1);
	assert_int_equal(HV_BITMAP_WORDS(65), 2);
	assert_int_equal(HV_BITMAP_WORDS(1024), 16);
}

static void test_set_clear_test_across_words(void **state)
{
	static const size_t bits[] = {0, 1, 62, 63, 64, 65, 127, 128, 191, 192, 199};
	uint64_t map[WORDS] = {0};

	(void)state;
	for (size_t i = 0; i < sizeof(bits) / sizeof(bits[0]); i++) {
		hv_bitmap_set(map, bits[i]);
	}
	assert_true(map[0] ==
	            (UINT64_C(1) << 0 | UINT64_C(1) << 1 | UINT64_C(1) << 62 | UINT64_C(1) << 63));
	assert_true(map[1] == (UINT64_C(1) << 0 | UINT64_C(1) << 1 | UINT64_C(1) << 63));
	assert_true(map[2] == (UINT64_C(1) << 0 | UINT64_C(1) << 63));
	assert_true(map[3] == (UINT64_C(1) << 0 | UINT64_C(1) << 7));
	for (size_t b = 0; b < NBITS; b++) {
		bool want = false;

		for (size_t i = 0; i < sizeof(bits) / sizeof(bits[0]); i++) {
			want = want || bits[i] == b;
		}
		assert_int_equal(hv_bitmap_test(map, b), want);
	}
	hv_bitmap_clear(map, 63);
	hv_bitmap_clear(map, 64);
	hv_bitmap_clear(map, 100); /* already clear */
	assert_true(map[0] == (UINT64_C(1) << 0 | UINT64_C(1) << 1 | UINT64_C(1) << 62));
	assert_true(map[1] == (UINT64_C(1) << 1 | UINT64_C(1) << 63));
	assert_false(hv_bitmap_test(map, 63));
	assert_false(hv_bitmap_test(map, 64));
	assert_true(hv_bitmap_test(map, 62));
	assert_true(hv_bitmap_test(map, 65));
}

static void test_test_and_set_clear(void **state)
{
	uint64_t map[WORDS] = {0};

	(void)state;
	assert_false(hv_bitmap_test_and_set(map, 64));
	assert_true(hv_bitmap_test(map, 64));
	assert_true(hv_bitmap_test_and_set(map, 64));
	assert_true(map[1] == 1);
	assert_true(hv_bitmap_test_and_clear(map, 64));
	assert_false(hv_bitmap_test(map, 64));
	assert_false(hv_bitmap_test_and_clear(map, 64));
	assert_true(map[0] == 0 && map[1] == 0 && map[2] == 0 && map[3] == 0);
}

static void test_set_range_spanning_words(void **state)
{
	uint64_t map[WORDS] = {0};

	(void)state;
	hv_bitmap_set_range(map, 60, 80); /* bits 60..139 */
	assert_true(map[0] == UINT64_C(0xf000000000000000));
	assert_true(map[1] == ~UINT64_C(0));
	assert_true(map[2] == UINT64_C(0xfff));
	assert_true(map[3] == 0);

	/* Whole words exactly, then an empty range. */
	memset(map, 0, sizeof(map));
	hv_bitmap_set_range(map, 64, 128);
	assert_true(map[0] == 0 && map[1] == ~UINT64_C(0) && map[2] == ~UINT64_C(0) && map[3] == 0);
	hv_bitmap_set_range(map, 5, 0);
	assert_true(map[0] == 0);

	/* Inside one word, and up to the last bit. */
	memset(map, 0, sizeof(map));
	hv_bitmap_set_range(map, 3, 4);
	assert_true(map[0] == UINT64_C(0x78));
	hv_bitmap_set_range(map, 190, 10);
	assert_true(map[2] == UINT64_C(0xc000000000000000));
	assert_true(map[3] == UINT64_C(0xff));
}

static void test_clear_range_spanning_words(void **state)
{
	uint64_t map[WORDS];

	(void)state;
	memset(map, 0xff, sizeof(map));
	hv_bitmap_clear_range(map, 1, 190); /* bits 1..190 */
	assert_true(map[0] == 1);
	assert_true(map[1] == 0);
	assert_true(map[2] == UINT64_C(0x8000000000000000));
	assert_true(map[3] == ~UINT64_C(0));

	memset(map, 0xff, sizeof(map));
	hv_bitmap_clear_range(map, 0, 64);
	assert_true(map[0] == 0 && map[1] == ~UINT64_C(0));
	hv_bitmap_clear_range(map, 70, 0);
	assert_true(map[1] == ~UINT64_C(0));
}

static void test_zero(void **state)
{
	uint64_t map[WORDS + 1];

	(void)state;
	memset(map, 0xff, sizeof(map));
	hv_bitmap_zero(map, NBITS);
	for (size_t i = 0; i < WORDS; i++) {
		assert_true(map[i] == 0);
	}
	assert_true(map[WORDS] == ~UINT64_C(0)); /* the word after the bitmap is untouched */
}

static void test_find_next_set(void **state)
{
	uint64_t map[WORDS] = {0};

	(void)state;
	/* Garbage beyond nbits must never be found, wherever it starts. */
	map[3] = UINT64_C(1) << 10; /* bit 202 */
	assert_int_equal(hv_bitmap_find_next_set(map, NBITS, 0), NBITS);
	assert_int_equal(hv_bitmap_find_next_set(map, NBITS, 199), NBITS);
	assert_int_equal(hv_bitmap_find_next_set(map, 195, 190), 195);
	map[3] = ~UINT64_C(0) << 8;
	assert_int_equal(hv_bitmap_find_next_set(map, NBITS, 0), NBITS);

	hv_bitmap_set(map, 5);
	hv_bitmap_set(map, 64);
	hv_bitmap_set(map, 130);
	hv_bitmap_set(map, 199);
	assert_int_equal(hv_bitmap_find_next_set(map, NBITS, 0), 5);
	assert_int_equal(hv_bitmap_find_next_set(map, NBITS, 5), 5);
	assert_int_equal(hv_bitmap_find_next_set(map, NBITS, 6), 64);
	assert_int_equal(hv_bitmap_find_next_set(map, NBITS, 65), 130);
	assert_int_equal(hv_bitmap_find_next_set(map, NBITS, 131), 199);
	assert_int_equal(hv_bitmap_find_next_set(map, NBITS, 200), NBITS);
	assert_int_equal(hv_bitmap_find_next_set(map, NBITS, 5000), NBITS);
	/* A smaller nbits cuts the search, even in the middle of a word. */
	assert_int_equal(hv_bitmap_find_next_set(map, 130, 65), 130);
	assert_int_equal(hv_bitmap_find_next_set(map, 131, 65), 130);
	assert_int_equal(hv_bitmap_find_next_set(map, 64, 6), 64);
	assert_int_equal(hv_bitmap_find_next_set(map, 0, 0), 0);
}

static void test_find_next_zero(void **state)
{
	uint64_t map[WORDS];

	(void)state;
	memset(map, 0xff, sizeof(map));
	/* Clear bits beyond nbits must never be found, wherever they start. */
	map[3] = 0x7ff; /* bits 192..202 set, the first clear one is 203 */
	assert_int_equal(hv_bitmap_find_next_zero(map, NBITS, 0), NBITS);
	assert_int_equal(hv_bitmap_find_next_zero(map, NBITS, 150), NBITS);
	map[3] = 0xff;
	assert_int_equal(hv_bitmap_find_next_zero(map, NBITS, 0), NBITS);

	hv_bitmap_clear(map, 0);
	hv_bitmap_clear(map, 127);
	hv_bitmap_clear(map, 128);
	hv_bitmap_clear(map, 198);
	assert_int_equal(hv_bitmap_find_next_zero(map, NBITS, 0), 0);
	assert_int_equal(hv_bitmap_find_next_zero(map, NBITS, 1), 127);
	assert_int_equal(hv_bitmap_find_next_zero(map, NBITS, 128), 128);
	assert_int_equal(hv_bitmap_find_next_zero(map, NBITS, 129), 198);
	assert_int_equal(hv_bitmap_find_next_zero(map, NBITS, 199), NBITS);
	assert_int_equal(hv_bitmap_find_next_zero(map, 198, 129), 198);
	assert_int_equal(hv_bitmap_find_next_zero(map, 150, 129), 150);
}

static void test_find_zero_run(void **state)
{
	uint64_t map[WORDS];

	(void)state;
	memset(map, 0xff, sizeof(map));
	map[3] = 0xff; /* bits 200..255 clear, beyond nbits */
	/* No run at all: the clear bits past the end do not count. */
	assert_int_equal(hv_bitmap_find_zero_run(map, NBITS, 0, 1), NBITS);

	hv_bitmap_clear_range(map, 10, 3);   /* run of 3 at 10 */
	hv_bitmap_clear_range(map, 60, 10);  /* run of 10 across words 0/1 */
	hv_bitmap_clear_range(map, 100, 90); /* run of 90 across words 1..2 */
	hv_bitmap_clear_range(map, 196, 4);  /* run of 4 at the very end */
	assert_int_equal(hv_bitmap_find_zero_run(map, NBITS, 0, 1), 10);
	assert_int_equal(hv_bitmap_find_zero_run(map, NBITS, 0, 3), 10);
	assert_int_equal(hv_bitmap_find_zero_run(map, NBITS, 0, 4), 60);
	assert_int_equal(hv_bitmap_find_zero_run(map, NBITS, 11, 2), 11);
	assert_int_equal(hv_bitmap_find_zero_run(map, NBITS, 11, 3), 60);
	assert_int_equal(hv_bitmap_find_zero_run(map, NBITS, 0, 10), 60);
	assert_int_equal(hv_bitmap_find_zero_run(map, NBITS, 0, 11), 100);
	assert_int_equal(hv_bitmap_find_zero_run(map, NBITS, 0, 90), 100);
	assert_int_equal(hv_bitmap_find_zero_run(map, NBITS, 0, 91), NBITS);
	assert_int_equal(hv_bitmap_find_zero_run(map, NBITS, 150, 40), 150);
	assert_int_equal(hv_bitmap_find_zero_run(map, NBITS, 151, 40), NBITS);
	assert_int_equal(hv_bitmap_find_zero_run(map, NBITS, 190, 4), 196);
	assert_int_equal(hv_bitmap_find_zero_run(map, NBITS, 190, 5), NBITS);
	/* A run may not continue past nbits. */
	assert_int_equal(hv_bitmap_find_zero_run(map, 199, 190, 4), 199);
	assert_int_equal(hv_bitmap_find_zero_run(map, 199, 190, 3), 196);
	/* A run of 0 is the next clear bit. */
	assert_int_equal(hv_bitmap_find_zero_run(map, NBITS, 14, 0), 60);
}

static void test_count_partial_word(void **state)
{
	uint64_t map[WORDS];

	(void)state;
	memset(map, 0xff, sizeof(map));
	assert_int_equal(hv_bitmap_count(map, NBITS), NBITS); /* not 256 */
	assert_int_equal(hv_bitmap_count(map, 64), 64);
	assert_int_equal(hv_bitmap_count(map, 65), 65);
	assert_int_equal(hv_bitmap_count(map, 1), 1);
	assert_int_equal(hv_bitmap_count(map, 0), 0);

	memset(map, 0, sizeof(map));
	map[3] = ~UINT64_C(0) << 8; /* only bits beyond nbits */
	assert_int_equal(hv_bitmap_count(map, NBITS), 0);
	hv_bitmap_set(map, 0);
	hv_bitmap_set(map, 63);
	hv_bitmap_set(map, 64);
	hv_bitmap_set(map, 199);
	assert_int_equal(hv_bitmap_count(map, NBITS), 4);
	assert_int_equal(hv_bitmap_count(map, 199), 3);
	map[1] = UINT64_C(0xaaaaaaaaaaaaaaaa);
	assert_int_equal(hv_bitmap_count(map, NBITS), 3 + 32);
}

/* A deterministic generator, so a failure can be reproduced. */
static uint64_t rng_state = UINT64_C(0x9e3779b97f4a7c15);

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* The model: one byte per bit. */
static size_t model_next(const unsigned char *m, size_t nbits, size_t from, unsigned char value)
{
	for (size_t b = from; b < nbits; b++) {
		if (m[b] == value) {
			return b;
		}
	}
	return nbits;
}

static size_t model_zero_run(const unsigned char *m, size_t nbits, size_t from, size_t count)
{
	for (size_t b = from; b < nbits && nbits - b >= count; b++) {
		size_t n = 0;

		while (n < count && m[b + n] == 0) {
			n++;
		}
		if (n == count) {
			return b;
		}
	}
	return nbits;
}

static void test_random_against_model(void **state)
{
	enum {
		BITS = 333
	};
	uint64_t map[HV_BITMAP_WORDS(BITS)];
	unsigned char model[BITS];

	(void)state;
	memset(map, 0, sizeof(map));
	memset(model, 0, sizeof(model));
	for (unsigned int step = 0; step < 20000; step++) {
		size_t a = (size_t)(rng() % BITS);
		size_t n = (size_t)(rng() % (BITS - a + 1)) % 100;
		size_t count = 0;

		switch (rng() % 6) {
		case 0:
			hv_bitmap_set(map, a);
			model[a] = 1;
			break;
		case 1:
			hv_bitmap_clear(map, a);
			model[a] = 0;
			break;
		case 2:
			hv_bitmap_set_range(map, a, n);
			memset(model + a, 1, n);
			break;
		case 3:
			hv_bitmap_clear_range(map, a, n);
			memset(model + a, 0, n);
			break;
		case 4:
			assert_int_equal(hv_bitmap_test_and_set(map, a), model[a]);
			model[a] = 1;
			break;
		default:
			assert_int_equal(hv_bitmap_test_and_clear(map, a), model[a]);
			model[a] = 0;
			break;
		}
		a = (size_t)(rng() % (BITS + 2));
		n = (size_t)(rng() % 40);
		assert_int_equal(hv_bitmap_find_next_set(map, BITS, a),
		                 model_next(model, BITS, a, 1));
		assert_int_equal(hv_bitmap_find_next_zero(map, BITS, a),
		                 model_next(model, BITS, a, 0));
		if (a < BITS) {
			assert_int_equal(hv_bitmap_find_zero_run(map, BITS, a, n + 1),
			                 model_zero_run(model, BITS, a, n + 1));
		}
		for (size_t b = 0; b < BITS; b++) {
			count += model[b];
		}
		assert_int_equal(hv_bitmap_count(map, BITS), count);
	}
	for (size_t b = 0; b < BITS; b++) {
		assert_int_equal(hv_bitmap_test(map, b), model[b]);
	}
	/* Nothing was ever written beyond bit 332. */
	assert_true((map[HV_BITMAP_WORDS(BITS) - 1] >> (BITS % 64)) == 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_words_macro),
	        cmocka_unit_test(test_set_clear_test_across_words),
	        cmocka_unit_test(test_test_and_set_clear),
	        cmocka_unit_test(test_set_range_spanning_words),
	        cmocka_unit_test(test_clear_range_spanning_words),
	        cmocka_unit_test(test_zero),
	        cmocka_unit_test(test_find_next_set),
	        cmocka_unit_test(test_find_next_zero),
	        cmocka_unit_test(test_find_zero_run),
	        cmocka_unit_test(test_count_partial_word),
	        cmocka_unit_test(test_random_against_model),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
