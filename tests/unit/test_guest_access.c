/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of the guest-memory access layer (libhv/guest/access.c) over a
 * real domain built in fake RAM: good copies (also unaligned and across
 * pages), and every way a guest range can be bad — NULL, in the first page,
 * at or above the guest limit, in the hypervisor half, wrapping around,
 * too long, partly unmapped, read-only for a write — plus a copy for a
 * vCPU whose address space is not loaded. A bad range must never reach the
 * port as a hypervisor address.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "domain_fixture.h"

static struct hv_domain *dom;
static struct hv_vcpu *vcpu;

static int setup(void **state)
{
	(void)state;
	df_setup();
	dom = df_create("g", 2u << 20, HV_CRASH_DESTROY, 0);
	vcpu = df_enter(dom);
	return 0;
}

static void test_copy_round_trip(void **state)
{
	uint64_t va = dom->layout.mem_start + 0x1000 - 5; /* unaligned, across a page */
	unsigned char out[64];
	unsigned char in[64];

	(void)state;
	for (size_t i = 0; i < sizeof(out); i++) {
		out[i] = (unsigned char)(i * 7 + 1);
	}
	assert_int_equal(hv_guest_copy_to(vcpu, va, out, sizeof(out)), 0);
	memset(in, 0, sizeof(in));
	df_read(dom, va, in, sizeof(in));
	assert_memory_equal(in, out, sizeof(out));
	memset(in, 0, sizeof(in));
	assert_int_equal(hv_guest_copy_from(vcpu, in, va, sizeof(in)), 0);
	assert_memory_equal(in, out, sizeof(out));
	/* Odd sizes and single bytes. */
	assert_int_equal(hv_guest_copy_from(vcpu, in, va + 3, 1), 0);
	assert_int_equal(in[0], out[3]);
	/* The read-only start info can be read, and says who we are. */
	assert_int_equal(hv_guest_copy_from(vcpu, in, DF_START_INFO, 8), 0);
	assert_memory_equal(in, HV_START_MAGIC, 8);
	assert_int_equal(fake_copy_outside_limit(), 0);
}

static void test_null_and_first_page(void **state)
{
	unsigned char buf[16] = {0};
	unsigned int before = fake_copy_count();

	(void)state;
	assert_int_equal(hv_guest_copy_from(vcpu, buf, 0, 8), -HV_EFAULT);
	assert_int_equal(hv_guest_copy_to(vcpu, 0, buf, 8), -HV_EFAULT);
	assert_int_equal(hv_guest_copy_from(vcpu, buf, 0x10, 8), -HV_EFAULT);
	assert_int_equal(hv_guest_copy_from(vcpu, buf, 0xfff, 1), -HV_EFAULT);
	/* Nothing to copy is fine, whatever the pointer. */
	assert_int_equal(hv_guest_copy_from(vcpu, buf, 0, 0), 0);
	assert_int_equal(hv_guest_copy_to(vcpu, UINT64_MAX, buf, 0), 0);
	/* None of these reached the port. */
	assert_int_equal(fake_copy_count(), before);
}

static void test_limit_and_hypervisor_half(void **state)
{
	static const uint64_t bad[] = {
	        FAKE_GUEST_VA_LIMIT,          FAKE_GUEST_VA_LIMIT + 0x1000,
	        UINT64_C(0x0000800000000000), UINT64_C(0xffff800000000000),
	        UINT64_C(0xffffffff80001000), UINT64_MAX - 7,
	};
	unsigned char buf[16] = {0};
	unsigned int before = fake_copy_count();

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(hv_guest_copy_from(vcpu, buf, bad[i], 8), -HV_EFAULT);
		assert_int_equal(hv_guest_copy_to(vcpu, bad[i], buf, 8), -HV_EFAULT);
	}
	/* Straddling the limit. */
	assert_int_equal(hv_guest_copy_from(vcpu, buf, FAKE_GUEST_VA_LIMIT - 4, 8), -HV_EFAULT);
	assert_int_equal(fake_copy_count(), before);
	assert_int_equal(fake_copy_outside_limit(), 0);
	assert_true(hv_guest_addr_ok(FAKE_GUEST_VA_LIMIT - 1));
	assert_false(hv_guest_addr_ok(FAKE_GUEST_VA_LIMIT));
}

static void test_overflowing_lengths(void **state)
{
	unsigned char buf[16] = {0};
	unsigned int before = fake_copy_count();

	(void)state;
	assert_false(hv_guest_range_ok(0x1000, UINT64_MAX));
	assert_false(hv_guest_range_ok(UINT64_MAX - 0xfff, 0x2000));
	assert_false(hv_guest_range_ok(FAKE_GUEST_VA_LIMIT - 1, 2));
	assert_true(hv_guest_range_ok(FAKE_GUEST_VA_LIMIT - 1, 1));
	assert_true(hv_guest_range_ok(FAKE_GUEST_VA_LIMIT, 0));
	/* Too long for one copy: refused before the range is even looked at. */
	assert_int_equal(hv_guest_copy_from(vcpu, buf, dom->layout.mem_start, SIZE_MAX), -HV_E2BIG);
	assert_int_equal(hv_guest_copy_to(vcpu, dom->layout.mem_start, buf, HV_GUEST_COPY_MAX + 1),
	                 -HV_E2BIG);
	/* A length that wraps the address around. */
	assert_int_equal(hv_guest_copy_from(vcpu, buf, UINT64_MAX - 0x7ff, 0x1000), -HV_EFAULT);
	assert_int_equal(fake_copy_count(), before);
}

static void test_partly_mapped(void **state)
{
	unsigned char buf[64] = {0};
	uint64_t stack_bottom = DF_STACK_TOP - HV_DOMAIN_STACK_SIZE;
	uint64_t mem_end = dom->layout.mem_start + dom->layout.mem_size;

	(void)state;
	/* Into the guard page below the stack. */
	assert_int_equal(hv_guest_copy_to(vcpu, stack_bottom - 8, buf, 16), -HV_EFAULT);
	assert_int_equal(hv_guest_copy_from(vcpu, buf, DF_GUARD, 8), -HV_EFAULT);
	assert_int_equal(hv_guest_copy_to(vcpu, stack_bottom, buf, 16), 0);
	/* Off the end of free memory. */
	assert_int_equal(hv_guest_copy_from(vcpu, buf, mem_end - 8, 16), -HV_EFAULT);
	assert_int_equal(hv_guest_copy_from(vcpu, buf, mem_end - 8, 8), 0);
	/* Unmapped hole between the image and the start info. */
	assert_int_equal(hv_guest_copy_from(vcpu, buf, 0x500000, 8), -HV_EFAULT);
}

static void test_read_only_pages(void **state)
{
	unsigned char buf[16] = {0};

	(void)state;
	assert_int_equal(hv_guest_copy_to(vcpu, DF_START_INFO, buf, 8), -HV_EFAULT);
	assert_int_equal(hv_guest_copy_to(vcpu, dom->layout.frame_list, buf, 8), -HV_EFAULT);
	assert_int_equal(hv_guest_copy_to(vcpu, dom->layout.pt_base, buf, 8), -HV_EFAULT);
	assert_int_equal(hv_guest_copy_to(vcpu, 0x400000, buf, 8), -HV_EFAULT); /* text */
	assert_int_equal(hv_guest_copy_to(vcpu, 0x402000, buf, 8), 0);          /* data */
	assert_int_equal(hv_guest_copy_to(vcpu, DF_SHARED, buf, 8), 0);
	/* A write that starts writable and runs into read-only memory. */
	assert_int_equal(hv_guest_copy_to(vcpu, DF_SHARED - 8, buf, 16), -HV_EFAULT);
}

static void test_not_the_loaded_vcpu(void **state)
{
	struct hv_domain *other = df_create("other", 1u << 20, HV_CRASH_DESTROY, 0);
	unsigned char buf[8] = {0};
	unsigned int before = fake_copy_count();

	(void)state;
	/* other's vCPU is not loaded: its copy must not land in g's memory. */
	assert_int_equal(hv_guest_copy_to(&other->vcpus[0], dom->layout.mem_start, buf, 8),
	                 -HV_EFAULT);
	hv_guest_set_current(NULL);
	assert_int_equal(hv_guest_copy_from(vcpu, buf, dom->layout.mem_start, 8), -HV_EFAULT);
	assert_int_equal(hv_guest_copy_from(NULL, buf, dom->layout.mem_start, 8), -HV_EFAULT);
	assert_int_equal(fake_copy_count(), before);
	console_assert_has("hv: error: guest copy for a vCPU whose address space is not loaded");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup(test_copy_round_trip, setup),
	        cmocka_unit_test_setup(test_null_and_first_page, setup),
	        cmocka_unit_test_setup(test_limit_and_hypervisor_half, setup),
	        cmocka_unit_test_setup(test_overflowing_lengths, setup),
	        cmocka_unit_test_setup(test_partly_mapped, setup),
	        cmocka_unit_test_setup(test_read_only_pages, setup),
	        cmocka_unit_test_setup(test_not_the_loaded_vcpu, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
