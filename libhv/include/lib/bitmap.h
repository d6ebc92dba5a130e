/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Bitmaps of any length, stored in 64-bit words, bit i in word i / 64. The
 * functions are not atomic: callers hold whatever lock protects the bitmap.
 * Indices at or beyond nbits are never touched; lookups return nbits when
 * nothing is found.
 */
#ifndef HV_LIB_BITMAP_H
#define HV_LIB_BITMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HV_BITMAP_WORD_BITS 64
/* Number of words needed for a bitmap of n bits. */
#define HV_BITMAP_WORDS(n) (((n) + HV_BITMAP_WORD_BITS - 1) / HV_BITMAP_WORD_BITS)

void hv_bitmap_set(uint64_t *map, size_t bit);
void hv_bitmap_clear(uint64_t *map, size_t bit);
bool hv_bitmap_test(const uint64_t *map, size_t bit);
/* Sets the bit and returns its previous value. */
bool hv_bitmap_test_and_set(uint64_t *map, size_t bit);
/* Clears the bit and returns its previous value. */
bool hv_bitmap_test_and_clear(uint64_t *map, size_t bit);
void hv_bitmap_set_range(uint64_t *map, size_t first, size_t count);
void hv_bitmap_clear_range(uint64_t *map, size_t first, size_t count);
void hv_bitmap_zero(uint64_t *map, size_t nbits);
/* First set (or clear) bit at or after 'from', or nbits if there is none. */
size_t hv_bitmap_find_next_set(const uint64_t *map, size_t nbits, size_t from);
size_t hv_bitmap_find_next_zero(const uint64_t *map, size_t nbits, size_t from);
/* First run of 'count' clear bits at or after 'from', or nbits. */
size_t hv_bitmap_find_zero_run(const uint64_t *map, size_t nbits, size_t from, size_t count);
size_t hv_bitmap_count(const uint64_t *map, size_t nbits);

#endif /* HV_LIB_BITMAP_H */
