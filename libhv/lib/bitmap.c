/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Bitmap operations. The searches skip whole words when they can, which is
 * what keeps a scan of a 1024-port event bitmap to 16 word tests.
 */
#include "lib/bitmap.h"

#define WORD(bit) ((bit) / HV_BITMAP_WORD_BITS)
#define MASK(bit) (UINT64_C(1) << ((bit) % HV_BITMAP_WORD_BITS))

void hv_bitmap_set(uint64_t *map, size_t bit)
{
	map[WORD(bit)] |= MASK(bit);
}

void hv_bitmap_clear(uint64_t *map, size_t bit)
{
	map[WORD(bit)] &= ~MASK(bit);
}

bool hv_bitmap_test(const uint64_t *map, size_t bit)
{
	return (map[WORD(bit)] & MASK(bit)) != 0;
}

bool hv_bitmap_test_and_set(uint64_t *map, size_t bit)
{
	bool old = hv_bitmap_test(map, bit);

	hv_bitmap_set(map, bit);
	return old;
}

bool hv_bitmap_test_and_clear(uint64_t *map, size_t bit)
{
	bool old = hv_bitmap_test(map, bit);

	hv_bitmap_clear(map, bit);
	return old;
}

/* Applies 'set' or clear to [first, first + count), a word at a time. */
static void change_range(uint64_t *map, size_t first, size_t count, bool set)
{
	size_t bit = first;
	size_t end = first + count;

	while (bit < end) {
		size_t offset = bit % HV_BITMAP_WORD_BITS;
		size_t n = HV_BITMAP_WORD_BITS - offset;
		uint64_t mask;

		if (n > end - bit) {
			n = end - bit;
		}
		mask = n == HV_BITMAP_WORD_BITS ? ~UINT64_C(0) : ((UINT64_C(1) << n) - 1) << offset;
		if (set) {
			map[WORD(bit)] |= mask;
		} else {
			map[WORD(bit)] &= ~mask;
		}
		bit += n;
	}
}

void hv_bitmap_set_range(uint64_t *map, size_t first, size_t count)
{
	change_range(map, first, count, true);
}

void hv_bitmap_clear_range(uint64_t *map, size_t first, size_t count)
{
	change_range(map, first, count, false);
}

void hv_bitmap_zero(uint64_t *map, size_t nbits)
{
	for (size_t i = 0; i < HV_BITMAP_WORDS(nbits); i++) {
		map[i] = 0;
	}
}

/* Finds the next bit equal to 'value': XOR with 'invert' turns the wanted
 * bits into ones, so one search serves both. */
static size_t find_next(const uint64_t *map, size_t nbits, size_t from, bool value)
{
	uint64_t invert = value ? 0 : ~UINT64_C(0);
	size_t bit = from;

	while (bit < nbits) {
		uint64_t word = (map[WORD(bit)] ^ invert) & (~UINT64_C(0) << (bit % 64));

		if (word != 0) {
			size_t found =
			        WORD(bit) * HV_BITMAP_WORD_BITS + (size_t)__builtin_ctzll(word);

			return found < nbits ? found : nbits;
		}
		bit = (WORD(bit) + 1) * HV_BITMAP_WORD_BITS;
	}
	return nbits;
}

size_t hv_bitmap_find_next_set(const uint64_t *map, size_t nbits, size_t from)
{
	return find_next(map, nbits, from, true);
}

size_t hv_bitmap_find_next_zero(const uint64_t *map, size_t nbits, size_t from)
{
	return find_next(map, nbits, from, false);
}

size_t hv_bitmap_find_zero_run(const uint64_t *map, size_t nbits, size_t from, size_t count)
{
	size_t start = hv_bitmap_find_next_zero(map, nbits, from);

	if (count == 0) {
		return start;
	}
	while (start < nbits && nbits - start >= count) {
		size_t next_set = hv_bitmap_find_next_set(map, start + count, start);

		if (next_set >= start + count) {
			return start;
		}
		start = hv_bitmap_find_next_zero(map, nbits, next_set);
	}
	return nbits;
}

/* Population count without __builtin_popcountll, which needs libgcc on CPUs
 * without POPCNT, and the hypervisor links no libgcc. */
static size_t popcount(uint64_t x)
{
	x = x - ((x >> 1) & UINT64_C(0x5555555555555555));
	x = (x & UINT64_C(0x3333333333333333)) + ((x >> 2) & UINT64_C(0x3333333333333333));
	x = (x + (x >> 4)) & UINT64_C(0x0f0f0f0f0f0f0f0f);
	return (size_t)((x * UINT64_C(0x0101010101010101)) >> 56);
}

size_t hv_bitmap_count(const uint64_t *map, size_t nbits)
{
	size_t n = 0;
	size_t full = nbits / HV_BITMAP_WORD_BITS;

	for (size_t i = 0; i < full; i++) {
		n += popcount(map[i]);
	}
	if (nbits % HV_BITMAP_WORD_BITS != 0) {
		n += popcount(map[full] & (MASK(nbits) - 1));
	}
	return n;
}
