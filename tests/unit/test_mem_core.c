/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of the memory core (libhv/mem/mem.c): module registration,
 * frame-table set-up, donation, reservations and accounting, frame fields,
 * refused frees of referenced frames, and the check that a buggy module
 * cannot hand out a frame that is not free RAM.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include <hv/mem.h>
#include "mem_fixture.h"

#define TABLE_FRAMES 256

static int setup(void **state)
{
	*state = mem_fixture_new(TABLE_FRAMES);
	return 0;
}

static int setup_buddy(void **state)
{
	struct mem_fixture *fx = mem_fixture_new(TABLE_FRAMES);

	mem_fixture_init(fx, &hv_mem_buddy);
	assert_int_equal(hv_mem_add_range(&fx->mem, 0, 128), 0);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	mem_fixture_free(*state);
	return 0;
}

static int init_with(struct mem_fixture *fx, const struct hv_mem_ops *ops)
{
	return hv_mem_init(&fx->mem, ops, fx->priv, fx->frames, fx->frame_count);
}

static void test_init_rejects_bad_module(void **state)
{
	struct mem_fixture *fx = *state;
	struct hv_mem_ops ops = hv_mem_buddy;

	assert_int_equal(init_with(fx, NULL), -HV_EINVAL);
	assert_null(fx->mem.ops);

	ops.api_version = HV_MEM_API_VERSION + 1;
	assert_int_equal(init_with(fx, &ops), -HV_EINVAL);
	ops.api_version = 0;
	assert_int_equal(init_with(fx, &ops), -HV_EINVAL);

	ops = hv_mem_buddy;
	ops.name = NULL;
	assert_int_equal(init_with(fx, &ops), -HV_EINVAL);

	ops = hv_mem_buddy;
	ops.priv_size = HV_MEM_PRIV_MAX_SIZE + 1;
	assert_int_equal(init_with(fx, &ops), -HV_EINVAL);
	assert_null(fx->mem.ops);

	/* A refused instance refuses everything. */
	assert_int_equal(hv_mem_add_range(&fx->mem, 0, 1), -HV_EINVAL);
	assert_int_equal(hv_mem_alloc(&fx->mem, HV_DOMID_HV, 0, &(hv_pfn_t){0}), -HV_EINVAL);
	assert_int_equal(hv_mem_free_count(&fx->mem), 0);
	assert_null(hv_mem_account(&fx->mem, HV_DOMID_HV));
}

static void test_init_rejects_missing_hooks(void **state)
{
	struct mem_fixture *fx = *state;
	struct hv_mem_ops ops;

	for (int hook = 0; hook < 4; hook++) {
		ops = hv_mem_buddy;
		switch (hook) {
		case 0:
			ops.init = NULL;
			break;
		case 1:
			ops.add_range = NULL;
			break;
		case 2:
			ops.alloc = NULL;
			break;
		default:
			ops.free = NULL;
			break;
		}
		assert_int_equal(init_with(fx, &ops), -HV_EINVAL);
		assert_null(fx->mem.ops);
	}

	/* assign and dump are optional. */
	ops = hv_mem_buddy;
	ops.assign = NULL;
	ops.dump = NULL;
	assert_int_equal(init_with(fx, &ops), 0);
	assert_ptr_equal(fx->mem.ops, &ops);
	hv_mem_dump(&fx->mem);
}

static void test_init_rejects_bad_priv_and_table(void **state)
{
	struct mem_fixture *fx = *state;

	assert_int_equal(hv_mem_init(&fx->mem, &hv_mem_buddy, NULL, fx->frames, fx->frame_count),
	                 -HV_EINVAL);
	assert_int_equal(hv_mem_init(&fx->mem, &hv_mem_buddy, (char *)fx->priv + 4, fx->frames,
	                             fx->frame_count),
	                 -HV_EINVAL);
	assert_int_equal(hv_mem_init(&fx->mem, &hv_mem_buddy, fx->priv, NULL, 16), -HV_EINVAL);
	assert_int_equal(
	        hv_mem_init(&fx->mem, &hv_mem_buddy, fx->priv, fx->frames, HV_MEM_MAX_FRAMES + 1),
	        -HV_EINVAL);
	assert_null(fx->mem.ops);
}

static int failing_init(struct hv_mem *mem)
{
	(void)mem;
	return -HV_ENOSPC;
}

static void test_init_failure_propagates(void **state)
{
	struct mem_fixture *fx = *state;
	struct hv_mem_ops ops = hv_mem_buddy;

	ops.init = failing_init;
	assert_int_equal(init_with(fx, &ops), -HV_ENOSPC);
	assert_null(fx->mem.ops);
	assert_int_equal(hv_mem_add_range(&fx->mem, 0, 1), -HV_EINVAL);
}

static void test_init_state(void **state)
{
	struct mem_fixture *fx = *state;

	/* Stale content must not survive. */
	memset(fx->frames, 0xa5, fx->frame_count * sizeof(*fx->frames));
	memset(&fx->mem, 0x5a, sizeof(fx->mem));
	assert_int_equal(init_with(fx, &hv_mem_buddy), 0);

	for (hv_pfn_t pfn = 0; pfn < TABLE_FRAMES; pfn++) {
		const struct hv_frame *f = hv_mem_frame(&fx->mem, pfn);

		assert_non_null(f);
		assert_int_equal(f->owner, HV_DOMID_IO);
		assert_int_equal(f->flags, 0);
		assert_int_equal(f->ref_count, 0);
		assert_int_equal(f->type_count, 0);
	}
	assert_null(hv_mem_frame(&fx->mem, TABLE_FRAMES));
	assert_null(hv_mem_frame(&fx->mem, UINT64_MAX));
	assert_int_equal(hv_mem_free_count(&fx->mem), 0);
	assert_int_equal(fx->mem.total_frames, 0);
	for (hv_domid_t d = 0; d < HV_MEM_MAX_OWNERS; d++) {
		const struct hv_mem_account *acc = hv_mem_account(&fx->mem, d);

		assert_non_null(acc);
		assert_false(acc->active);
		assert_int_equal(acc->reserved_frames, 0);
		assert_int_equal(acc->used_frames, 0);
	}
	assert_true(hv_mem_account(&fx->mem, HV_DOMID_HV)->active);
	assert_int_equal(hv_mem_account(&fx->mem, HV_DOMID_HV)->used_frames, 0);
	assert_null(hv_mem_account(&fx->mem, HV_MEM_MAX_OWNERS));
	assert_null(hv_mem_account(&fx->mem, HV_DOMID_FREE));
	assert_null(hv_mem_account(&fx->mem, HV_DOMID_IO));
}

static void test_add_range_errors(void **state)
{
	struct mem_fixture *fx = *state;
	struct mem_snapshot snap;

	assert_int_equal(init_with(fx, &hv_mem_buddy), 0);
	assert_int_equal(hv_mem_add_range(&fx->mem, 10, 20), 0);
	assert_int_equal(hv_mem_free_count(&fx->mem), 20);
	assert_int_equal(fx->mem.total_frames, 20);
	assert_int_equal(hv_mem_frame(&fx->mem, 10)->owner, HV_DOMID_FREE);
	assert_int_equal(hv_mem_frame(&fx->mem, 29)->owner, HV_DOMID_FREE);
	assert_int_equal(hv_mem_frame(&fx->mem, 30)->owner, HV_DOMID_IO);

	mem_snapshot_take(fx, &snap);
	assert_int_equal(hv_mem_add_range(&fx->mem, 0, 0), -HV_EINVAL);
	assert_int_equal(hv_mem_add_range(&fx->mem, TABLE_FRAMES, 1), -HV_EINVAL);
	assert_int_equal(hv_mem_add_range(&fx->mem, TABLE_FRAMES - 4, 5), -HV_EINVAL);
	assert_int_equal(hv_mem_add_range(&fx->mem, 100, UINT64_MAX), -HV_EINVAL);
	assert_int_equal(hv_mem_add_range(&fx->mem, 5, 6), -HV_EEXIST);   /* overlaps frame 10 */
	assert_int_equal(hv_mem_add_range(&fx->mem, 29, 10), -HV_EEXIST); /* overlaps frame 29 */
	assert_int_equal(hv_mem_add_range(&fx->mem, 12, 2), -HV_EEXIST);  /* inside */
	mem_snapshot_check(fx, &snap);

	assert_int_equal(hv_mem_add_range(&fx->mem, 30, 2), 0);
	assert_int_equal(hv_mem_free_count(&fx->mem), 22);
}

static void test_alloc_bad_args(void **state)
{
	struct mem_fixture *fx = *state;
	struct mem_snapshot snap;
	hv_pfn_t pfn;

	assert_int_equal(hv_mem_set_reservation(&fx->mem, 1, 64), 0);
	mem_snapshot_take(fx, &snap);
	assert_int_equal(hv_mem_alloc(&fx->mem, 1, HV_MEM_MAX_ORDER + 1, &pfn), -HV_EINVAL);
	assert_int_equal(hv_mem_alloc(&fx->mem, 1, 0, NULL), -HV_EINVAL);
	assert_int_equal(hv_mem_alloc(&fx->mem, HV_MEM_MAX_OWNERS, 0, &pfn), -HV_EINVAL);
	assert_int_equal(hv_mem_alloc(&fx->mem, HV_DOMID_FREE, 0, &pfn), -HV_EINVAL);
	assert_int_equal(hv_mem_alloc(&fx->mem, HV_DOMID_IO, 0, &pfn), -HV_EINVAL);
	assert_int_equal(hv_mem_alloc(NULL, 1, 0, &pfn), -HV_EINVAL);
	/* 128 frames of RAM: a 256-frame block cannot exist. */
	assert_int_equal(hv_mem_alloc(&fx->mem, HV_DOMID_HV, 8, &pfn), -HV_ENOMEM);
	mem_snapshot_check(fx, &snap);
}

static void test_reservation(void **state)
{
	struct mem_fixture *fx = *state;
	struct mem_snapshot snap;
	hv_pfn_t a, b, c;

	/* A domain without a reservation gets nothing. */
	mem_snapshot_take(fx, &snap);
	assert_int_equal(hv_mem_alloc(&fx->mem, 2, 0, &a), -HV_ENOMEM);
	mem_snapshot_check(fx, &snap);

	assert_int_equal(hv_mem_set_reservation(&fx->mem, 2, 5), 0);
	assert_true(hv_mem_account(&fx->mem, 2)->active);
	assert_int_equal(hv_mem_account(&fx->mem, 2)->reserved_frames, 5);
	assert_int_equal(hv_mem_alloc(&fx->mem, 2, 2, &a), 0);
	assert_int_equal(hv_mem_account(&fx->mem, 2)->used_frames, 4);

	/* 4 + 2 exceeds 5 by one frame: refused, nothing changes. */
	mem_snapshot_take(fx, &snap);
	assert_int_equal(hv_mem_alloc(&fx->mem, 2, 1, &b), -HV_ENOMEM);
	mem_snapshot_check(fx, &snap);

	assert_int_equal(hv_mem_alloc(&fx->mem, 2, 0, &b), 0);
	assert_int_equal(hv_mem_account(&fx->mem, 2)->used_frames, 5);
	assert_int_equal(hv_mem_alloc(&fx->mem, 2, 0, &c), -HV_ENOMEM);
	assert_int_equal(hv_mem_free_count(&fx->mem), 123);

	/* The reservation cannot drop below what is used. */
	assert_int_equal(hv_mem_set_reservation(&fx->mem, 2, 4), -HV_EBUSY);
	assert_int_equal(hv_mem_account(&fx->mem, 2)->reserved_frames, 5);
	assert_int_equal(hv_mem_set_reservation(&fx->mem, 2, 6), 0);
	assert_int_equal(hv_mem_alloc(&fx->mem, 2, 0, &c), 0);
	assert_int_equal(hv_mem_account(&fx->mem, 2)->used_frames, 6);

	/* Other accounts are untouched; the hypervisor has no limit. */
	assert_int_equal(hv_mem_account(&fx->mem, 3)->used_frames, 0);
	assert_int_equal(hv_mem_alloc(&fx->mem, HV_DOMID_HV, 6, &a), 0);
	assert_int_equal(hv_mem_account(&fx->mem, HV_DOMID_HV)->used_frames, 64);
	assert_int_equal(hv_mem_account(&fx->mem, 2)->used_frames, 6);

	assert_int_equal(hv_mem_free(&fx->mem, b, 0), 0);
	assert_int_equal(hv_mem_account(&fx->mem, 2)->used_frames, 5);
	assert_int_equal(hv_mem_set_reservation(&fx->mem, 2, 5), 0);

	assert_int_equal(hv_mem_set_reservation(&fx->mem, HV_MEM_MAX_OWNERS, 1), -HV_EINVAL);
	assert_int_equal(hv_mem_set_reservation(&fx->mem, HV_DOMID_HV, 1), -HV_EINVAL);
}

static void test_alloc_sets_frame_fields(void **state)
{
	struct mem_fixture *fx = *state;
	hv_pfn_t pfn;

	assert_int_equal(hv_mem_set_reservation(&fx->mem, 7, 16), 0);
	assert_int_equal(hv_mem_alloc(&fx->mem, 7, 3, &pfn), 0);
	for (hv_pfn_t i = 0; i < 8; i++) {
		const struct hv_frame *f = hv_mem_frame(&fx->mem, pfn + i);

		assert_int_equal(f->owner, 7);
		assert_int_equal(f->type, HV_FRAME_NONE);
		assert_int_equal(f->ref_count, 0);
		assert_int_equal(f->type_count, 0);
		assert_true(f->flags & HV_FRAME_F_ALLOCATED);
		assert_int_equal((f->flags & HV_FRAME_F_HEAD) != 0, i == 0);
	}
	assert_int_equal((hv_mem_frame(&fx->mem, pfn)->flags & HV_FRAME_F_ORDER_MASK) >>
	                         HV_FRAME_F_ORDER_SHIFT,
	                 3);

	assert_int_equal(hv_mem_free(&fx->mem, pfn, 3), 0);
	for (hv_pfn_t i = 0; i < 8; i++) {
		const struct hv_frame *f = hv_mem_frame(&fx->mem, pfn + i);

		assert_int_equal(f->owner, HV_DOMID_FREE);
		assert_int_equal(f->flags & ~HV_FRAME_F_MODULE, 0);
	}
}

static void test_free_referenced(void **state)
{
	struct mem_fixture *fx = *state;
	struct mem_snapshot snap;
	hv_pfn_t pfn;

	assert_int_equal(hv_mem_alloc(&fx->mem, HV_DOMID_HV, 2, &pfn), 0);

	hv_mem_frame(&fx->mem, pfn + 3)->ref_count = 1;
	mem_snapshot_take(fx, &snap);
	assert_int_equal(hv_mem_free(&fx->mem, pfn, 2), -HV_EBUSY);
	mem_snapshot_check(fx, &snap);
	hv_mem_frame(&fx->mem, pfn + 3)->ref_count = 0;

	hv_mem_frame(&fx->mem, pfn)->type = HV_FRAME_L1;
	hv_mem_frame(&fx->mem, pfn)->type_count = 1;
	mem_snapshot_take(fx, &snap);
	assert_int_equal(hv_mem_free(&fx->mem, pfn, 2), -HV_EBUSY);
	mem_snapshot_check(fx, &snap);
	hv_mem_frame(&fx->mem, pfn)->type_count = 0;

	assert_int_equal(hv_mem_free(&fx->mem, pfn, 2), 0);
	assert_int_equal(hv_mem_frame(&fx->mem, pfn)->type, HV_FRAME_NONE);
	assert_int_equal(hv_mem_free_count(&fx->mem), 128);
}

static void test_free_owner(void **state)
{
	struct mem_fixture *fx = *state;
	hv_pfn_t pfn, kept;

	assert_int_equal(hv_mem_set_reservation(&fx->mem, 1, 100), 0);
	assert_int_equal(hv_mem_set_reservation(&fx->mem, 2, 100), 0);
	for (unsigned int order = 0; order < 4; order++) {
		assert_int_equal(hv_mem_alloc(&fx->mem, 1, order, &pfn), 0);
		assert_int_equal(hv_mem_alloc(&fx->mem, 2, order, &pfn), 0);
	}
	assert_int_equal(hv_mem_alloc(&fx->mem, 1, 0, &kept), 0);
	hv_mem_frame(&fx->mem, kept)->ref_count = 1;
	assert_int_equal(hv_mem_account(&fx->mem, 1)->used_frames, 16);

	/* Everything but the referenced frame is freed. */
	assert_int_equal(hv_mem_free_owner(&fx->mem, 1), -HV_EBUSY);
	assert_int_equal(hv_mem_account(&fx->mem, 1)->used_frames, 1);
	assert_int_equal(hv_mem_account(&fx->mem, 2)->used_frames, 15);
	assert_int_equal(hv_mem_frame(&fx->mem, kept)->owner, 1);

	hv_mem_frame(&fx->mem, kept)->ref_count = 0;
	assert_int_equal(hv_mem_free_owner(&fx->mem, 1), 0);
	assert_int_equal(hv_mem_account(&fx->mem, 1)->used_frames, 0);
	assert_int_equal(hv_mem_free_owner(&fx->mem, 2), 0);
	assert_int_equal(hv_mem_free_count(&fx->mem), 128);
	assert_int_equal(hv_mem_buddy_verify(&fx->mem), 0);
	assert_int_equal(hv_mem_free_owner(&fx->mem, HV_DOMID_FREE), -HV_EINVAL);
}

static void test_assign_without_hook(void **state)
{
	struct mem_fixture *fx = *state;
	struct mem_snapshot snap;

	mem_snapshot_take(fx, &snap);
	assert_int_equal(hv_mem_assign(&fx->mem, 1, 0, 16 * HV_PAGE_SIZE), -HV_ENOSYS);
	/* Argument errors come first, whatever the module. */
	assert_int_equal(hv_mem_assign(&fx->mem, 1, 0x800, HV_PAGE_SIZE), -HV_EINVAL);
	assert_int_equal(hv_mem_assign(&fx->mem, HV_DOMID_HV, 0, HV_PAGE_SIZE), -HV_EINVAL);
	assert_int_equal(hv_mem_assign(&fx->mem, 1, HV_PADDR(200), HV_PAGE_SIZE), -HV_ERANGE);
	mem_snapshot_check(fx, &snap);
}

/* A module that returns whatever block the test tells it to. */
static hv_pfn_t rogue_pfn;

static int rogue_init(struct hv_mem *mem)
{
	(void)mem;
	return 0;
}

static int rogue_add_range(struct hv_mem *mem, hv_pfn_t first, uint64_t count)
{
	(void)mem;
	(void)first;
	(void)count;
	return 0;
}

static int rogue_alloc(struct hv_mem *mem, hv_domid_t owner, unsigned int order, hv_pfn_t *pfn)
{
	(void)mem;
	(void)owner;
	(void)order;
	*pfn = rogue_pfn;
	return 0;
}

static void rogue_free(struct hv_mem *mem, hv_pfn_t pfn, unsigned int order)
{
	(void)mem;
	(void)pfn;
	(void)order;
}

static const struct hv_mem_ops rogue_ops = {
        .name = "rogue",
        .api_version = HV_MEM_API_VERSION,
        .init = rogue_init,
        .add_range = rogue_add_range,
        .alloc = rogue_alloc,
        .free = rogue_free,
};

static void test_bad_module_block_refused(void **state)
{
	struct mem_fixture *fx = *state;
	struct mem_snapshot snap;
	hv_pfn_t pfn;

	assert_int_equal(init_with(fx, &rogue_ops), 0);
	assert_int_equal(hv_mem_add_range(&fx->mem, 0, 64), 0);
	assert_int_equal(hv_mem_set_reservation(&fx->mem, 1, 64), 0);
	rogue_pfn = 8;
	assert_int_equal(hv_mem_alloc(&fx->mem, 1, 2, &pfn), 0);
	assert_int_equal(pfn, 8);

	mem_snapshot_take(fx, &snap);
	rogue_pfn = 8; /* already allocated to domain 1 */
	assert_int_equal(hv_mem_alloc(&fx->mem, HV_DOMID_HV, 0, &pfn), -HV_EIO);
	rogue_pfn = 10; /* inside that block */
	assert_int_equal(hv_mem_alloc(&fx->mem, HV_DOMID_HV, 0, &pfn), -HV_EIO);
	rogue_pfn = 4; /* overlaps it */
	assert_int_equal(hv_mem_alloc(&fx->mem, HV_DOMID_HV, 3, &pfn), -HV_EIO);
	rogue_pfn = 64; /* not RAM */
	assert_int_equal(hv_mem_alloc(&fx->mem, HV_DOMID_HV, 0, &pfn), -HV_EIO);
	rogue_pfn = 60; /* runs past RAM */
	assert_int_equal(hv_mem_alloc(&fx->mem, HV_DOMID_HV, 3, &pfn), -HV_EIO);
	rogue_pfn = TABLE_FRAMES; /* past the table */
	assert_int_equal(hv_mem_alloc(&fx->mem, HV_DOMID_HV, 0, &pfn), -HV_EIO);
	rogue_pfn = 1; /* misaligned */
	assert_int_equal(hv_mem_alloc(&fx->mem, HV_DOMID_HV, 1, &pfn), -HV_EIO);
	mem_snapshot_check(fx, &snap);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(test_init_rejects_bad_module, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_init_rejects_missing_hooks, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_init_rejects_bad_priv_and_table, setup,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(test_init_failure_propagates, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_init_state, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_add_range_errors, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_alloc_bad_args, setup_buddy, teardown),
	        cmocka_unit_test_setup_teardown(test_reservation, setup_buddy, teardown),
	        cmocka_unit_test_setup_teardown(test_alloc_sets_frame_fields, setup_buddy,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(test_free_referenced, setup_buddy, teardown),
	        cmocka_unit_test_setup_teardown(test_free_owner, setup_buddy, teardown),
	        cmocka_unit_test_setup_teardown(test_assign_without_hook, setup_buddy, teardown),
	        cmocka_unit_test_setup_teardown(test_bad_module_block_refused, setup, teardown),
	};

	return cmocka_run_group_tests_name("mem_core", tests, NULL, NULL);
}
