/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of the fake port's hv_port_as_unmap() and hv_port_as_query()
 * (port interface 4), so that core tests built on them can trust the
 * fake: the contract of include/hv/port.h on a bare address space (errors,
 * the frame given back, intermediate tables kept, a remap), the counts
 * that tell a test where a real port would flush the TLB, and the effect
 * on the core's guest copies in a domain it built. The x86 port is checked
 * against the same contract in the boot test boot.port_as.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "domain_fixture.h"

#define ROOT    UINT64_C(0x100000)
#define FRAME_A UINT64_C(0x180000)
#define FRAME_B UINT64_C(0x181000)
#define VA      UINT64_C(0x400000)

/* Page tables come from a bump allocator over zeroed fake RAM. */
static uint64_t next_table;

static int bump_alloc(void *ctx, hv_paddr_t *pa)
{
	(void)ctx;
	*pa = next_table;
	next_table += 0x1000;
	return 0;
}

static const struct hv_port_pt_alloc alloc = {.alloc = bump_alloc};

static int setup_bare(void **state)
{
	(void)state;
	fake_port_reset();
	next_table = 0x110000;
	assert_int_equal(hv_port_as_init(ROOT), 0);
	return 0;
}

static void test_map_query_unmap(void **state)
{
	hv_paddr_t pa = 1;
	uint32_t flags = 99;
	size_t tables;

	(void)state;
	assert_int_equal(hv_port_as_query(ROOT, VA, &pa, &flags), -HV_ENOENT);
	assert_int_equal(pa, 1); /* untouched on failure */
	assert_int_equal(hv_port_as_map(ROOT, VA, FRAME_A, HV_PORT_MAP_WRITE, &alloc), 0);
	tables = fake_as_table_count(ROOT);
	assert_int_equal(tables, 3);

	assert_int_equal(hv_port_as_query(ROOT, VA, &pa, &flags), 0);
	assert_int_equal(pa, FRAME_A);
	assert_int_equal(flags, HV_PORT_MAP_WRITE);
	/* Any address inside the page finds it; NULL outputs are allowed. */
	assert_int_equal(hv_port_as_query(ROOT, VA + 0xfff, &pa, NULL), 0);
	assert_int_equal(pa, FRAME_A);
	assert_int_equal(hv_port_as_query(ROOT, VA, NULL, NULL), 0);
	assert_int_equal(hv_port_as_query(ROOT, VA + 0x1000, NULL, NULL), -HV_ENOENT);

	pa = 0;
	assert_int_equal(hv_port_as_unmap(ROOT, VA, &pa), 0);
	assert_int_equal(pa, FRAME_A);
	assert_int_equal(hv_port_as_query(ROOT, VA, &pa, &flags), -HV_ENOENT);
	assert_int_equal(hv_port_as_unmap(ROOT, VA, &pa), -HV_ENOENT);
	assert_int_equal(hv_port_as_unmap(ROOT, VA, NULL), -HV_ENOENT);
	assert_int_equal(fake_as_mapping_count(ROOT), 0);
	assert_int_equal(fake_as_unmap_count(), 1);
	/* The tables stay; a new mapping there needs none. */
	assert_int_equal(fake_as_table_count(ROOT), tables);
	assert_int_equal(hv_port_as_map(ROOT, VA, FRAME_B, HV_PORT_MAP_EXEC, &alloc), 0);
	assert_int_equal(fake_as_table_count(ROOT), tables);
	assert_int_equal(hv_port_as_query(ROOT, VA, &pa, &flags), 0);
	assert_int_equal(pa, FRAME_B);
	assert_int_equal(flags, HV_PORT_MAP_EXEC);
	assert_int_equal(hv_port_as_unmap(ROOT, VA, NULL), 0);
}

static void test_bad_addresses(void **state)
{
	hv_paddr_t pa = 1;
	uint32_t flags = 99;

	(void)state;
	assert_int_equal(hv_port_as_map(ROOT, VA, FRAME_A, 0, &alloc), 0);
	assert_int_equal(hv_port_as_unmap(ROOT, VA + 8, &pa), -HV_EINVAL);
	assert_int_equal(hv_port_as_unmap(ROOT, FAKE_GUEST_VA_LIMIT, &pa), -HV_EINVAL);
	assert_int_equal(hv_port_as_unmap(ROOT, UINT64_C(0xffff800000000000), &pa), -HV_EINVAL);
	assert_int_equal(hv_port_as_query(ROOT, FAKE_GUEST_VA_LIMIT, &pa, &flags), -HV_EINVAL);
	assert_int_equal(hv_port_as_query(ROOT, UINT64_MAX, &pa, &flags), -HV_EINVAL);
	assert_int_equal(pa, 1);
	assert_int_equal(flags, 99);
	/* The refused calls left the mapping alone. */
	assert_int_equal(hv_port_as_query(ROOT, VA, &pa, &flags), 0);
	assert_int_equal(pa, FRAME_A);
	assert_int_equal(flags, 0);
	assert_int_equal(fake_as_unmap_count(), 0);
}

static void test_other_roots_and_frames(void **state)
{
	const uint64_t root2 = ROOT + 0x1000;

	(void)state;
	assert_int_equal(hv_port_as_init(root2), 0);
	/* The same frame in two address spaces, and twice in one. */
	assert_int_equal(hv_port_as_map(ROOT, VA, FRAME_A, 0, &alloc), 0);
	assert_int_equal(hv_port_as_map(ROOT, VA + 0x1000, FRAME_A, 0, &alloc), 0);
	assert_int_equal(hv_port_as_map(root2, VA, FRAME_A, HV_PORT_MAP_WRITE, &alloc), 0);
	assert_int_equal(fake_as_frame_map_count(FRAME_A), 3);
	assert_int_equal(fake_as_frame_map_count(FRAME_A + 0x10), 3);

	assert_int_equal(hv_port_as_unmap(root2, VA, NULL), 0);
	assert_int_equal(fake_as_frame_map_count(FRAME_A), 2);
	assert_int_equal(hv_port_as_query(ROOT, VA, NULL, NULL), 0);
	assert_int_equal(hv_port_as_query(root2, VA, NULL, NULL), -HV_ENOENT);

	/* Only an unmap in the loaded address space is one a real port flushes. */
	assert_int_equal(fake_as_unmap_loaded_count(), 0);
	fake_as_load(ROOT);
	assert_int_equal(hv_port_as_unmap(ROOT, VA + 0x1000, NULL), 0);
	assert_int_equal(fake_as_unmap_count(), 2);
	assert_int_equal(fake_as_unmap_loaded_count(), 1);
	assert_int_equal(fake_as_frame_map_count(FRAME_A), 1);
}

static int setup_domain(void **state)
{
	(void)state;
	df_setup();
	return 0;
}

/* A page the core mapped for a domain, unmapped: the core's copies see it go. */
static void test_domain_page(void **state)
{
	struct hv_domain *d;
	struct hv_vcpu *v;
	unsigned char buf[8];
	hv_paddr_t pa = 0;
	hv_paddr_t pa2 = 0;
	uint32_t flags = 0;

	(void)state;
	d = df_create("g", 2u << 20, HV_CRASH_DESTROY, 0);
	v = df_enter(d);
	/* The start info is read-only data; the shared page is writable. */
	assert_int_equal(hv_port_as_query(d->layout.root, DF_START_INFO, &pa, &flags), 0);
	assert_int_equal(flags, 0);
	assert_true(fake_as_lookup(d->layout.root, DF_START_INFO, &pa2, NULL));
	assert_int_equal(pa, pa2);
	assert_int_equal(hv_port_as_query(d->layout.root, DF_SHARED, NULL, &flags), 0);
	assert_int_equal(flags, HV_PORT_MAP_WRITE);
	assert_int_equal(hv_port_as_query(d->layout.root, DF_GUARD, NULL, NULL), -HV_ENOENT);

	assert_int_equal(hv_guest_copy_from(v, buf, DF_START_INFO, sizeof(buf)), 0);
	assert_int_equal(fake_as_loaded(), d->layout.root);
	assert_int_equal(hv_port_as_unmap(d->layout.root, DF_START_INFO, &pa2), 0);
	assert_int_equal(pa2, pa);
	assert_int_equal(fake_as_unmap_loaded_count(), 1);
	assert_int_equal(hv_guest_copy_from(v, buf, DF_START_INFO, sizeof(buf)), -HV_EFAULT);
	assert_int_equal(hv_port_as_unmap(d->layout.root, DF_START_INFO, NULL), -HV_ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup(test_map_query_unmap, setup_bare),
	        cmocka_unit_test_setup(test_bad_addresses, setup_bare),
	        cmocka_unit_test_setup(test_other_roots_and_frames, setup_bare),
	        cmocka_unit_test_setup(test_domain_page, setup_domain),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
