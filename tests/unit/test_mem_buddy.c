/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of the buddy memory module (hv_mem_buddy) through the core API:
 * splitting and merging, unaligned ranges, fragmentation, exhaustion,
 * refused frees that must leave the state untouched, and a seeded random
 * run against a simple reference model (set HV_TEST_SEED to replay one).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <hv/log.h>
#include <hv/mem.h>
#include "mem_fixture.h"

#define TABLE_FRAMES 1024

static int setup_frames(void **state, hv_pfn_t frame_count)
{
	struct mem_fixture *fx = mem_fixture_new(frame_count);

	mem_fixture_init(fx, &hv_mem_buddy);
	*state = fx;
	return 0;
}

static int setup(void **state)
{
	return setup_frames(state, TABLE_FRAMES);
}

/* Two maximal blocks, so that every order up to the maximum can be allocated. */
#define BIG_FRAMES (UINT64_C(2) << HV_MEM_MAX_ORDER)

static int setup_big(void **state)
{
	return setup_frames(state, BIG_FRAMES);
}

static int teardown(void **state)
{
	mem_fixture_free(*state);
	return 0;
}

/* Asserts the free block count of every order; expected[k] for k <= HV_MEM_MAX_ORDER. */
static void assert_blocks(const struct hv_mem *mem, const uint64_t *expected)
{
	for (unsigned int k = 0; k <= HV_MEM_MAX_ORDER; k++) {
		if (hv_mem_buddy_free_blocks(mem, k) != expected[k]) {
			fail_msg("order %u: %llu free blocks, expected %llu", k,
			         (unsigned long long)hv_mem_buddy_free_blocks(mem, k),
			         (unsigned long long)expected[k]);
		}
	}
	assert_int_equal(hv_mem_buddy_verify(mem), 0);
}

static void test_every_order(void **state)
{
	const hv_pfn_t frames = BIG_FRAMES;
	struct mem_fixture *fx = *state;
	uint64_t initial[HV_MEM_MAX_ORDER + 1] = {0};

	assert_int_equal(hv_mem_add_range(&fx->mem, 0, frames), 0);
	initial[HV_MEM_MAX_ORDER] = 2;
	assert_blocks(&fx->mem, initial);
	assert_int_equal(hv_mem_set_reservation(&fx->mem, 3, UINT64_C(1) << HV_MEM_MAX_ORDER), 0);

	for (unsigned int order = 0; order <= HV_MEM_MAX_ORDER; order++) {
		uint64_t n = UINT64_C(1) << order;
		hv_pfn_t pfn = 0;

		assert_int_equal(hv_mem_alloc(&fx->mem, 3, order, &pfn), 0);
		assert_int_equal(pfn % n, 0);
		assert_true(pfn + n <= frames);
		assert_int_equal(hv_mem_free_count(&fx->mem), frames - n);
		assert_int_equal(hv_mem_account(&fx->mem, 3)->used_frames, n);
		assert_int_equal(hv_mem_frame(&fx->mem, pfn)->owner, 3);
		assert_int_equal(hv_mem_frame(&fx->mem, pfn + n - 1)->owner, 3);
		assert_int_equal(hv_mem_buddy_verify(&fx->mem), 0);
		assert_int_equal(hv_mem_free(&fx->mem, pfn, order), 0);
		assert_int_equal(hv_mem_free_count(&fx->mem), frames);
		assert_int_equal(hv_mem_account(&fx->mem, 3)->used_frames, 0);
		assert_blocks(&fx->mem, initial);
	}
	assert_int_equal(hv_mem_alloc(&fx->mem, 3, HV_MEM_MAX_ORDER + 1, &(hv_pfn_t){0}),
	                 -HV_EINVAL);
}

static void test_split_and_merge(void **state)
{
	struct mem_fixture *fx = *state;
	uint64_t blocks[HV_MEM_MAX_ORDER + 1] = {0};
	hv_pfn_t pfn[3];

	assert_int_equal(hv_mem_add_range(&fx->mem, 0, 1024), 0);
	blocks[10] = 1;
	assert_blocks(&fx->mem, blocks);

	/* One frame splits the 1024-frame block into one free block of each order 0..9. */
	assert_int_equal(hv_mem_alloc(&fx->mem, HV_DOMID_HV, 0, &pfn[0]), 0);
	assert_int_equal(pfn[0], 0);
	for (unsigned int k = 0; k < 10; k++) {
		blocks[k] = 1;
	}
	blocks[10] = 0;
	assert_blocks(&fx->mem, blocks);

	/* The next frame is its buddy, then an order-2 block comes from the order-2 list. */
	assert_int_equal(hv_mem_alloc(&fx->mem, HV_DOMID_HV, 0, &pfn[1]), 0);
	assert_int_equal(pfn[1], 1);
	assert_int_equal(hv_mem_alloc(&fx->mem, HV_DOMID_HV, 2, &pfn[2]), 0);
	assert_int_equal(pfn[2], 4);
	assert_int_equal(hv_mem_buddy_verify(&fx->mem), 0);

	/* Freed in any order, everything merges back into the single initial block. */
	assert_int_equal(hv_mem_free(&fx->mem, pfn[0], 0), 0);
	assert_int_equal(hv_mem_free(&fx->mem, pfn[2], 2), 0);
	assert_int_equal(hv_mem_buddy_verify(&fx->mem), 0);
	assert_int_equal(hv_mem_free(&fx->mem, pfn[1], 0), 0);
	memset(blocks, 0, sizeof(blocks));
	blocks[10] = 1;
	assert_blocks(&fx->mem, blocks);
	assert_int_equal(hv_mem_free_count(&fx->mem), 1024);
}

static void test_unaligned_ranges(void **state)
{
	struct mem_fixture *fx = *state;
	uint64_t blocks[HV_MEM_MAX_ORDER + 1] = {0};
	hv_pfn_t got[200];
	unsigned int n = 0;
	hv_pfn_t pfn;

	/* 3..15: 3 (order 0), 4..7 (2), 8..15 (3). */
	assert_int_equal(hv_mem_add_range(&fx->mem, 3, 13), 0);
	/* 21..120: 21 (0), 22 (1), 24 (3), 32 (5), 64 (5), 96 (4), 112 (3), 120 (0). */
	assert_int_equal(hv_mem_add_range(&fx->mem, 21, 100), 0);
	blocks[0] = 3;
	blocks[1] = 1;
	blocks[2] = 1;
	blocks[3] = 3;
	blocks[4] = 1;
	blocks[5] = 2;
	assert_blocks(&fx->mem, blocks);
	assert_int_equal(hv_mem_free_count(&fx->mem), 113);

	/* The smallest fitting block is used: order 4 comes from 96, not from a split. */
	assert_int_equal(hv_mem_alloc(&fx->mem, HV_DOMID_HV, 4, &pfn), 0);
	assert_int_equal(pfn, 96);
	assert_int_equal(hv_mem_free(&fx->mem, pfn, 4), 0);

	/* Every frame handed out is donated RAM, and there are exactly 113. */
	while (hv_mem_alloc(&fx->mem, HV_DOMID_HV, 0, &pfn) == 0) {
		assert_true(n < 200);
		assert_true((pfn >= 3 && pfn < 16) || (pfn >= 21 && pfn < 121));
		got[n++] = pfn;
	}
	assert_int_equal(n, 113);
	assert_int_equal(hv_mem_free_count(&fx->mem), 0);
	for (unsigned int i = 0; i < n; i++) {
		assert_int_equal(hv_mem_free(&fx->mem, got[i], 0), 0);
	}
	assert_blocks(&fx->mem, blocks);
}

static void test_adjacent_ranges_merge(void **state)
{
	struct mem_fixture *fx = *state;
	uint64_t blocks[HV_MEM_MAX_ORDER + 1] = {0};

	assert_int_equal(hv_mem_add_range(&fx->mem, 0, 3), 0);
	assert_int_equal(hv_mem_add_range(&fx->mem, 8, 8), 0);
	assert_int_equal(hv_mem_add_range(&fx->mem, 3, 5), 0);
	blocks[4] = 1;
	assert_blocks(&fx->mem, blocks);
}

static void test_fragmentation(void **state)
{
	struct mem_fixture *fx = *state;
	hv_pfn_t pfn;

	assert_int_equal(hv_mem_add_range(&fx->mem, 0, 64), 0);
	for (hv_pfn_t i = 0; i < 64; i++) {
		assert_int_equal(hv_mem_alloc(&fx->mem, HV_DOMID_HV, 0, &pfn), 0);
		assert_int_equal(pfn, i);
	}
	for (hv_pfn_t i = 0; i < 64; i += 2) {
		assert_int_equal(hv_mem_free(&fx->mem, i, 0), 0);
	}
	assert_int_equal(hv_mem_free_count(&fx->mem), 32);
	assert_int_equal(hv_mem_buddy_free_blocks(&fx->mem, 0), 32);

	/* Half the memory is free but no two free frames are buddies. */
	assert_int_equal(hv_mem_alloc(&fx->mem, HV_DOMID_HV, 1, &pfn), -HV_ENOMEM);
	assert_int_equal(hv_mem_free_count(&fx->mem), 32);

	assert_int_equal(hv_mem_free(&fx->mem, 41, 0), 0);
	assert_int_equal(hv_mem_buddy_free_blocks(&fx->mem, 1), 1);
	assert_int_equal(hv_mem_alloc(&fx->mem, HV_DOMID_HV, 1, &pfn), 0);
	assert_int_equal(pfn, 40);
	assert_int_equal(hv_mem_buddy_verify(&fx->mem), 0);
}

static void test_exhaustion(void **state)
{
	struct mem_fixture *fx = *state;
	struct mem_snapshot snap;
	hv_pfn_t pfn = 12345;

	assert_int_equal(hv_mem_add_range(&fx->mem, 0, 100), 0);

	/* 100 frames hold no block of 128. */
	mem_snapshot_take(fx, &snap);
	assert_int_equal(hv_mem_alloc(&fx->mem, HV_DOMID_HV, 7, &pfn), -HV_ENOMEM);
	assert_int_equal(pfn, 12345);
	mem_snapshot_check(fx, &snap);

	for (int i = 0; i < 100; i++) {
		assert_int_equal(hv_mem_alloc(&fx->mem, HV_DOMID_HV, 0, &pfn), 0);
	}
	assert_int_equal(hv_mem_free_count(&fx->mem), 0);
	assert_int_equal(hv_mem_account(&fx->mem, HV_DOMID_HV)->used_frames, 100);

	mem_snapshot_take(fx, &snap);
	assert_int_equal(hv_mem_alloc(&fx->mem, HV_DOMID_HV, 0, &pfn), -HV_ENOMEM);
	mem_snapshot_check(fx, &snap);
}

static void test_double_free(void **state)
{
	struct mem_fixture *fx = *state;
	struct mem_snapshot snap;
	hv_pfn_t pfn;

	assert_int_equal(hv_mem_add_range(&fx->mem, 0, 64), 0);
	assert_int_equal(hv_mem_alloc(&fx->mem, HV_DOMID_HV, 3, &pfn), 0);
	assert_int_equal(hv_mem_free(&fx->mem, pfn, 3), 0);

	mem_snapshot_take(fx, &snap);
	assert_int_equal(hv_mem_free(&fx->mem, pfn, 3), -HV_EINVAL);
	assert_int_equal(hv_mem_free(&fx->mem, pfn, 0), -HV_EINVAL);
	mem_snapshot_check(fx, &snap);
	assert_int_equal(hv_mem_free_count(&fx->mem), 64);
	assert_int_equal(hv_mem_buddy_verify(&fx->mem), 0);
}

static void test_free_never_allocated(void **state)
{
	struct mem_fixture *fx = *state;
	struct mem_snapshot snap;
	hv_pfn_t pfn;

	assert_int_equal(hv_mem_add_range(&fx->mem, 0, 64), 0);
	assert_int_equal(hv_mem_alloc(&fx->mem, HV_DOMID_HV, 0, &pfn), 0);

	mem_snapshot_take(fx, &snap);
	assert_int_equal(hv_mem_free(&fx->mem, 17, 0), -HV_EINVAL);   /* free RAM */
	assert_int_equal(hv_mem_free(&fx->mem, 32, 5), -HV_EINVAL);   /* free block */
	assert_int_equal(hv_mem_free(&fx->mem, 500, 0), -HV_EINVAL);  /* not RAM */
	assert_int_equal(hv_mem_free(&fx->mem, 4096, 0), -HV_EINVAL); /* past the table */
	assert_int_equal(hv_mem_free(&fx->mem, UINT64_MAX, 0), -HV_EINVAL);
	assert_int_equal(hv_mem_free(&fx->mem, 0, HV_MEM_MAX_ORDER + 1), -HV_EINVAL);
	mem_snapshot_check(fx, &snap);
	assert_int_equal(hv_mem_free_count(&fx->mem), 63);
}

static void test_misaligned_free(void **state)
{
	struct mem_fixture *fx = *state;
	struct mem_snapshot snap;
	hv_pfn_t pfn;

	assert_int_equal(hv_mem_add_range(&fx->mem, 0, 64), 0);
	assert_int_equal(hv_mem_alloc(&fx->mem, HV_DOMID_HV, 2, &pfn), 0);

	mem_snapshot_take(fx, &snap);
	assert_int_equal(hv_mem_free(&fx->mem, pfn + 1, 2), -HV_EINVAL);
	assert_int_equal(hv_mem_free(&fx->mem, pfn + 2, 1), -HV_EINVAL); /* aligned, not a head */
	assert_int_equal(hv_mem_free(&fx->mem, pfn + 3, 0), -HV_EINVAL);
	mem_snapshot_check(fx, &snap);
	assert_int_equal(hv_mem_free_count(&fx->mem), 60);
	assert_int_equal(hv_mem_free(&fx->mem, pfn, 2), 0);
}

static void test_wrong_order_free(void **state)
{
	struct mem_fixture *fx = *state;
	struct mem_snapshot snap;
	hv_pfn_t big, a, b;

	assert_int_equal(hv_mem_add_range(&fx->mem, 0, 64), 0);
	assert_int_equal(hv_mem_alloc(&fx->mem, HV_DOMID_HV, 2, &big), 0);
	assert_int_equal(hv_mem_alloc(&fx->mem, HV_DOMID_HV, 0, &a), 0);
	assert_int_equal(hv_mem_alloc(&fx->mem, HV_DOMID_HV, 0, &b), 0);
	assert_int_equal(a ^ b, 1);

	mem_snapshot_take(fx, &snap);
	assert_int_equal(hv_mem_free(&fx->mem, big, 1), -HV_EINVAL);
	assert_int_equal(hv_mem_free(&fx->mem, big, 3), -HV_EINVAL);
	/* Two order-0 blocks that happen to be buddies are not one order-1 block. */
	assert_int_equal(hv_mem_free(&fx->mem, a < b ? a : b, 1), -HV_EINVAL);
	mem_snapshot_check(fx, &snap);
	assert_int_equal(hv_mem_free_count(&fx->mem), 58);
}

static void test_verify_detects_corruption(void **state)
{
	struct mem_fixture *fx = *state;
	uint32_t saved;

	assert_int_equal(hv_mem_add_range(&fx->mem, 0, 3), 0); /* blocks at 0 (order 1), 2 */
	assert_int_equal(hv_mem_buddy_verify(&fx->mem), 0);
	saved = fx->frames[2].mod_word;
	fx->frames[2].mod_word = 0;
	assert_int_equal(hv_mem_buddy_verify(&fx->mem), -HV_EIO);
	fx->frames[2].mod_word = saved;
	fx->frames[1].mod_word = saved;
	assert_int_equal(hv_mem_buddy_verify(&fx->mem), -HV_EIO);
	fx->frames[1].mod_word = 0;
	assert_int_equal(hv_mem_buddy_verify(&fx->mem), 0);
	fx->frames[0].link_prev = 2;
	assert_int_equal(hv_mem_buddy_verify(&fx->mem), -HV_EIO);
}

/*
 * Random run against a model that only knows, per frame, who owns it. Every
 * result is predicted exactly: an allocation must fail if and only if the
 * owner's reservation would be exceeded or no aligned run of 2^order free
 * frames exists (eager merging guarantees the buddy finds any such run).
 */
#define STRESS_FRAMES 2048
#define STRESS_OPS    20000
#define STRESS_LIVE   4096
#define MODEL_IO      0xfffd

struct live_block {
	hv_pfn_t pfn;
	unsigned int order;
	hv_domid_t owner;
};

static uint64_t rng_state;

static uint64_t rng(void)
{
	/* xorshift64*: the same sequence on every host for a given seed. */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * UINT64_C(2685821657736338717);
}

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fail_msg("seed %llu (HV_TEST_SEED to replay), op %d: %s failed",           \
			         (unsigned long long)seed, op, #cond);                             \
		}                                                                                  \
	} while (0)

static int setup_stress(void **state)
{
	return setup_frames(state, STRESS_FRAMES);
}

static bool model_has_run(const hv_domid_t *model, uint64_t n)
{
	for (hv_pfn_t p = 0; p + n <= STRESS_FRAMES; p += n) {
		uint64_t i = 0;

		while (i < n && model[p + i] == HV_DOMID_FREE) {
			i++;
		}
		if (i == n) {
			return true;
		}
	}
	return false;
}

static void test_random_against_model(void **state)
{
	static const struct {
		hv_pfn_t first;
		uint64_t count;
	} ranges[] = {{5, 700}, {710, 1000}, {1800, 248}};
	static const hv_domid_t owners[] = {HV_DOMID_HV, 0, 1, 2, 63};
	static const uint64_t limits[] = {0, 300, 500, 100, 4096};
	struct mem_fixture *fx = *state;
	uint64_t initial[HV_MEM_MAX_ORDER + 1];
	static hv_domid_t model[STRESS_FRAMES];
	static struct live_block live[STRESS_LIVE];
	uint64_t used[5] = {0};
	unsigned int live_count = 0;
	uint64_t model_free = 0;
	const char *env = getenv("HV_TEST_SEED");
	unsigned long long seed;
	int op = -1;

	seed = env != NULL ? strtoull(env, NULL, 0)
	                   : (unsigned long long)time(NULL) ^ ((unsigned long long)getpid() << 20);
	if (seed == 0) {
		seed = 1;
	}
	rng_state = seed;
	print_message("random run: seed %llu\n", seed);
	/* Thousands of refused frees would each log a notice. */
	hv_log_set_level(HV_LOG_WARNING);

	for (hv_pfn_t p = 0; p < STRESS_FRAMES; p++) {
		model[p] = MODEL_IO;
	}
	for (size_t r = 0; r < sizeof(ranges) / sizeof(ranges[0]); r++) {
		CHECK(hv_mem_add_range(&fx->mem, ranges[r].first, ranges[r].count) == 0);
		for (uint64_t i = 0; i < ranges[r].count; i++) {
			model[ranges[r].first + i] = HV_DOMID_FREE;
		}
		model_free += ranges[r].count;
	}
	for (unsigned int o = 1; o < 5; o++) {
		CHECK(hv_mem_set_reservation(&fx->mem, owners[o], limits[o]) == 0);
	}
	for (unsigned int k = 0; k <= HV_MEM_MAX_ORDER; k++) {
		initial[k] = hv_mem_buddy_free_blocks(&fx->mem, k);
	}

	for (op = 0; op < STRESS_OPS; op++) {
		unsigned int r = (unsigned int)(rng() % 100);

		if (r < 55 || live_count == 0) {
			unsigned int o = (unsigned int)(rng() % 5);
			unsigned int order =
			        (unsigned int)(rng() % 100 < 75 ? rng() % 3 : rng() % 9);
			uint64_t n = UINT64_C(1) << order;
			bool over = o != 0 && used[o] + n > limits[o];
			bool expect_ok = !over && model_has_run(model, n);
			hv_pfn_t pfn = 0;
			int rc = hv_mem_alloc(&fx->mem, owners[o], order, &pfn);

			CHECK(rc == (expect_ok ? 0 : -HV_ENOMEM));
			if (rc == 0) {
				CHECK(pfn % n == 0 && pfn + n <= STRESS_FRAMES);
				CHECK(live_count < STRESS_LIVE);
				for (uint64_t i = 0; i < n; i++) {
					CHECK(model[pfn + i] == HV_DOMID_FREE);
					model[pfn + i] = owners[o];
				}
				live[live_count++] = (struct live_block){pfn, order, owners[o]};
				used[o] += n;
				model_free -= n;
			}
		} else if (r < 93) {
			unsigned int i = (unsigned int)(rng() % live_count);
			struct live_block b = live[i];
			uint64_t n = UINT64_C(1) << b.order;
			unsigned int o = 0;

			CHECK(hv_mem_free(&fx->mem, b.pfn, b.order) == 0);
			for (uint64_t j = 0; j < n; j++) {
				model[b.pfn + j] = HV_DOMID_FREE;
			}
			while (owners[o] != b.owner) {
				o++;
			}
			used[o] -= n;
			model_free += n;
			live[i] = live[--live_count];
		} else {
			/* A random free is refused unless it names exactly a live block. */
			hv_pfn_t pfn = rng() % (STRESS_FRAMES + 16);
			unsigned int order = (unsigned int)(rng() % 4);
			bool exact = false;

			for (unsigned int i = 0; i < live_count; i++) {
				exact |= live[i].pfn == pfn && live[i].order == order;
			}
			if (!exact) {
				CHECK(hv_mem_free(&fx->mem, pfn, order) == -HV_EINVAL);
			}
		}
		if (op % 500 == 0) {
			CHECK(hv_mem_buddy_verify(&fx->mem) == 0);
		}
		CHECK(hv_mem_free_count(&fx->mem) == model_free);
		for (unsigned int o = 0; o < 5; o++) {
			CHECK(hv_mem_account(&fx->mem, owners[o])->used_frames == used[o]);
		}
	}

	while (live_count > 0) {
		live_count--;
		CHECK(hv_mem_free(&fx->mem, live[live_count].pfn, live[live_count].order) == 0);
	}
	CHECK(hv_mem_buddy_verify(&fx->mem) == 0);
	for (unsigned int k = 0; k <= HV_MEM_MAX_ORDER; k++) {
		CHECK(hv_mem_buddy_free_blocks(&fx->mem, k) == initial[k]);
	}
	hv_log_set_level(HV_LOG_INFO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(test_every_order, setup_big, teardown),
	        cmocka_unit_test_setup_teardown(test_split_and_merge, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_unaligned_ranges, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_adjacent_ranges_merge, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_fragmentation, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_exhaustion, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_double_free, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_free_never_allocated, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_misaligned_free, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_wrong_order_free, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_verify_detects_corruption, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_random_against_model, setup_stress, teardown),
	};

	return cmocka_run_group_tests_name("mem_buddy", tests, NULL, NULL);
}
