/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of the static-partition memory module (hv_mem_static): assign
 * errors, allocations confined to the owner's partition, the hypervisor's
 * allocations confined to memory outside every partition, and isolation
 * between partitions.
 *
 * Every test starts from a 1024-frame table with RAM at frames 0-511 and
 * 640-1023 (a hole at 512-639).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <hv/mem.h>
#include "mem_fixture.h"

#define TABLE_FRAMES 1024
#define P(pfn)       HV_PADDR(pfn)
#define FRAMES(n)    ((uint64_t)(n)*HV_PAGE_SIZE)

static int setup(void **state)
{
	struct mem_fixture *fx = mem_fixture_new(TABLE_FRAMES);

	mem_fixture_init(fx, &hv_mem_static);
	assert_int_equal(hv_mem_add_range(&fx->mem, 0, 512), 0);
	assert_int_equal(hv_mem_add_range(&fx->mem, 640, 384), 0);
	for (hv_domid_t d = 0; d < HV_MEM_MAX_OWNERS; d++) {
		assert_int_equal(hv_mem_set_reservation(&fx->mem, d, TABLE_FRAMES), 0);
	}
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	mem_fixture_free(*state);
	return 0;
}

/* Allocates order-0 frames for owner until refused; returns how many it got. */
static unsigned int alloc_all(struct hv_mem *mem, hv_domid_t owner, hv_pfn_t first, hv_pfn_t end)
{
	unsigned int n = 0;
	hv_pfn_t pfn;

	while (hv_mem_alloc(mem, owner, 0, &pfn) == 0) {
		if (pfn < first || pfn >= end) {
			fail_msg("owner %u got frame %#llx outside %#llx-%#llx",
			         (unsigned int)owner, (unsigned long long)pfn,
			         (unsigned long long)first, (unsigned long long)end);
		}
		n++;
	}
	return n;
}

static void test_assign_unaligned(void **state)
{
	struct mem_fixture *fx = *state;
	struct mem_snapshot snap;

	mem_snapshot_take(fx, &snap);
	assert_int_equal(hv_mem_assign(&fx->mem, 1, P(16) + 0x10, FRAMES(4)), -HV_EINVAL);
	assert_int_equal(hv_mem_assign(&fx->mem, 1, P(16), FRAMES(4) + 0x800), -HV_EINVAL);
	assert_int_equal(hv_mem_assign(&fx->mem, 1, P(16), 0), -HV_EINVAL);
	assert_int_equal(hv_mem_assign(&fx->mem, 1, P(16), UINT64_MAX - HV_PAGE_SIZE + 1),
	                 -HV_EINVAL); /* wraps around */
	mem_snapshot_check(fx, &snap);
}

static void test_assign_outside_ram(void **state)
{
	struct mem_fixture *fx = *state;
	struct mem_snapshot snap;

	mem_snapshot_take(fx, &snap);
	assert_int_equal(hv_mem_assign(&fx->mem, 1, P(TABLE_FRAMES), FRAMES(1)), -HV_ERANGE);
	assert_int_equal(hv_mem_assign(&fx->mem, 1, P(1000), FRAMES(100)), -HV_ERANGE);
	assert_int_equal(hv_mem_assign(&fx->mem, 1, P(500), FRAMES(20)), -HV_ERANGE); /* hole */
	assert_int_equal(hv_mem_assign(&fx->mem, 1, P(600), FRAMES(8)), -HV_ERANGE);
	mem_snapshot_check(fx, &snap);
	assert_int_equal(hv_mem_assign(&fx->mem, 1, P(640), FRAMES(384)), 0);
}

static void test_assign_overlap(void **state)
{
	struct mem_fixture *fx = *state;
	struct mem_snapshot snap;

	assert_int_equal(hv_mem_assign(&fx->mem, 1, P(16), FRAMES(16)), 0);
	mem_snapshot_take(fx, &snap);
	assert_int_equal(hv_mem_assign(&fx->mem, 2, P(24), FRAMES(16)), -HV_EBUSY);
	assert_int_equal(hv_mem_assign(&fx->mem, 2, P(0), FRAMES(17)), -HV_EBUSY);
	assert_int_equal(hv_mem_assign(&fx->mem, 2, P(20), FRAMES(1)), -HV_EBUSY);
	assert_int_equal(hv_mem_assign(&fx->mem, 2, P(0), FRAMES(64)), -HV_EBUSY);
	/* One partition per owner. */
	assert_int_equal(hv_mem_assign(&fx->mem, 1, P(100), FRAMES(4)), -HV_EEXIST);
	mem_snapshot_check(fx, &snap);
	/* Adjacent partitions are fine. */
	assert_int_equal(hv_mem_assign(&fx->mem, 2, P(0), FRAMES(16)), 0);
	assert_int_equal(hv_mem_assign(&fx->mem, 3, P(32), FRAMES(16)), 0);
}

static void test_assign_bad_owner(void **state)
{
	struct mem_fixture *fx = *state;
	struct mem_snapshot snap;

	mem_snapshot_take(fx, &snap);
	assert_int_equal(hv_mem_assign(&fx->mem, HV_MEM_MAX_OWNERS, P(0), FRAMES(4)), -HV_EINVAL);
	assert_int_equal(hv_mem_assign(&fx->mem, HV_DOMID_HV, P(0), FRAMES(4)), -HV_EINVAL);
	assert_int_equal(hv_mem_assign(&fx->mem, HV_DOMID_FREE, P(0), FRAMES(4)), -HV_EINVAL);
	mem_snapshot_check(fx, &snap);
}

static void test_assign_over_allocated_frames(void **state)
{
	struct mem_fixture *fx = *state;
	struct mem_snapshot snap;
	hv_pfn_t pfn;

	assert_int_equal(hv_mem_alloc(&fx->mem, HV_DOMID_HV, 0, &pfn), 0);
	assert_int_equal(pfn, 0);
	mem_snapshot_take(fx, &snap);
	assert_int_equal(hv_mem_assign(&fx->mem, 1, P(0), FRAMES(16)), -HV_EBUSY);
	mem_snapshot_check(fx, &snap);
	assert_int_equal(hv_mem_assign(&fx->mem, 1, P(1), FRAMES(15)), 0);
}

static void test_alloc_inside_partition(void **state)
{
	struct mem_fixture *fx = *state;
	hv_pfn_t pfn;

	/* An unaligned partition, 101-137. */
	assert_int_equal(hv_mem_assign(&fx->mem, 5, P(101), FRAMES(37)), 0);

	/* Aligned blocks: the first 8-aligned run of 8 is 104, the first 32-run does not fit. */
	assert_int_equal(hv_mem_alloc(&fx->mem, 5, 3, &pfn), 0);
	assert_int_equal(pfn, 104);
	assert_int_equal(hv_mem_alloc(&fx->mem, 5, 5, &pfn), -HV_ENOMEM);
	assert_int_equal(hv_mem_alloc(&fx->mem, 5, 4, &pfn), 0);
	assert_int_equal(pfn, 112);
	assert_int_equal(hv_mem_frame(&fx->mem, 112)->owner, 5);

	/* The rest, frame by frame: 101-103, 128-137. */
	assert_int_equal(alloc_all(&fx->mem, 5, 101, 138), 37 - 24);
	assert_int_equal(hv_mem_account(&fx->mem, 5)->used_frames, 37);
	assert_int_equal(hv_mem_frame(&fx->mem, 100)->owner, HV_DOMID_FREE);
	assert_int_equal(hv_mem_frame(&fx->mem, 138)->owner, HV_DOMID_FREE);

	/* Freed frames come back to the same partition. */
	assert_int_equal(hv_mem_free(&fx->mem, 112, 4), 0);
	assert_int_equal(alloc_all(&fx->mem, 5, 112, 128), 16);
}

static void test_owner_without_partition(void **state)
{
	struct mem_fixture *fx = *state;
	struct mem_snapshot snap;
	hv_pfn_t pfn;

	assert_int_equal(hv_mem_assign(&fx->mem, 1, P(0), FRAMES(64)), 0);
	mem_snapshot_take(fx, &snap);
	/* Plenty of free memory, but none of it is domain 2's. */
	assert_int_equal(hv_mem_alloc(&fx->mem, 2, 0, &pfn), -HV_ENOMEM);
	mem_snapshot_check(fx, &snap);
}

static void test_hv_never_in_partition(void **state)
{
	struct mem_fixture *fx = *state;
	struct mem_snapshot snap;
	hv_pfn_t pfn;

	assert_int_equal(hv_mem_assign(&fx->mem, 1, P(0), FRAMES(256)), 0);
	assert_int_equal(hv_mem_assign(&fx->mem, 2, P(640), FRAMES(384)), 0);

	/* The pool is 256-511; larger blocks too come only from it. */
	assert_int_equal(hv_mem_alloc(&fx->mem, HV_DOMID_HV, 7, &pfn), 0);
	assert_int_equal(pfn, 256);
	assert_int_equal(hv_mem_alloc(&fx->mem, HV_DOMID_HV, 8, &pfn), -HV_ENOMEM);
	assert_int_equal(alloc_all(&fx->mem, HV_DOMID_HV, 384, 512), 128);

	/* The pool is empty although both partitions are entirely free. */
	mem_snapshot_take(fx, &snap);
	assert_int_equal(hv_mem_alloc(&fx->mem, HV_DOMID_HV, 0, &pfn), -HV_ENOMEM);
	mem_snapshot_check(fx, &snap);
	assert_int_equal(hv_mem_free_count(&fx->mem), 256 + 384);
	assert_int_equal(alloc_all(&fx->mem, 1, 0, 256), 256);
	assert_int_equal(alloc_all(&fx->mem, 2, 640, 1024), 384);
}

static void test_partition_isolation(void **state)
{
	struct mem_fixture *fx = *state;
	struct mem_snapshot snap;
	hv_pfn_t pfn;

	assert_int_equal(hv_mem_assign(&fx->mem, 1, P(64), FRAMES(32)), 0);
	assert_int_equal(hv_mem_assign(&fx->mem, 2, P(96), FRAMES(32)), 0);
	assert_int_equal(alloc_all(&fx->mem, 1, 64, 96), 32);

	/* Domain 1 is exhausted; domain 2 is not affected, and vice versa. */
	assert_int_equal(hv_mem_alloc(&fx->mem, 2, 5, &pfn), 0);
	assert_int_equal(pfn, 96);
	mem_snapshot_take(fx, &snap);
	assert_int_equal(hv_mem_alloc(&fx->mem, 1, 0, &pfn), -HV_ENOMEM);
	assert_int_equal(hv_mem_alloc(&fx->mem, 2, 0, &pfn), -HV_ENOMEM);
	mem_snapshot_check(fx, &snap);

	assert_int_equal(hv_mem_free(&fx->mem, 70, 0), 0);
	assert_int_equal(hv_mem_alloc(&fx->mem, 2, 0, &pfn), -HV_ENOMEM);
	assert_int_equal(hv_mem_alloc(&fx->mem, 1, 0, &pfn), 0);
	assert_int_equal(pfn, 70);

	/* A reservation below the partition size still limits the domain. */
	assert_int_equal(hv_mem_assign(&fx->mem, 3, P(128), FRAMES(32)), 0);
	assert_int_equal(hv_mem_set_reservation(&fx->mem, 3, 10), 0);
	assert_int_equal(alloc_all(&fx->mem, 3, 128, 160), 10);
}

static void test_max_partitions(void **state)
{
	struct mem_fixture *fx = *state;

	for (hv_domid_t d = 0; d < HV_MEM_MAX_OWNERS; d++) {
		assert_int_equal(hv_mem_assign(&fx->mem, d, P((hv_pfn_t)d * 4), FRAMES(4)), 0);
	}
	for (hv_domid_t d = 0; d < HV_MEM_MAX_OWNERS; d++) {
		assert_int_equal(alloc_all(&fx->mem, d, (hv_pfn_t)d * 4, (hv_pfn_t)d * 4 + 4), 4);
	}
	assert_int_equal(hv_mem_free_count(&fx->mem), 896 - 256);
	assert_int_equal(hv_mem_free_owner(&fx->mem, 17), 0);
	assert_int_equal(alloc_all(&fx->mem, 17, 68, 72), 4);
	hv_mem_dump(&fx->mem);
}

static void test_free_errors(void **state)
{
	struct mem_fixture *fx = *state;
	struct mem_snapshot snap;
	hv_pfn_t pfn;

	assert_int_equal(hv_mem_assign(&fx->mem, 1, P(0), FRAMES(16)), 0);
	assert_int_equal(hv_mem_alloc(&fx->mem, 1, 2, &pfn), 0);
	mem_snapshot_take(fx, &snap);
	assert_int_equal(hv_mem_free(&fx->mem, pfn, 1), -HV_EINVAL);
	assert_int_equal(hv_mem_free(&fx->mem, pfn + 1, 0), -HV_EINVAL);
	assert_int_equal(hv_mem_free(&fx->mem, 8, 0), -HV_EINVAL);
	mem_snapshot_check(fx, &snap);
	assert_int_equal(hv_mem_free(&fx->mem, pfn, 2), 0);
	mem_snapshot_take(fx, &snap);
	assert_int_equal(hv_mem_free(&fx->mem, pfn, 2), -HV_EINVAL);
	mem_snapshot_check(fx, &snap);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(test_assign_unaligned, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_assign_outside_ram, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_assign_overlap, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_assign_bad_owner, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_assign_over_allocated_frames, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_alloc_inside_partition, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_owner_without_partition, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_hv_never_in_partition, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_partition_isolation, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_max_partitions, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_free_errors, setup, teardown),
	};

	return cmocka_run_group_tests_name("mem_static", tests, NULL, NULL);
}
