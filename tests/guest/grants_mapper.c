/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Grant tables from the mapping side (see grants.h): maps the witness's
 * grants as allowed and is refused the rest (read-only mapped writable,
 * another domain's, frames not the granter's, page tables, the table
 * itself, bad references and domains, double unmaps, a full map area);
 * copies through grants; and loses the victim's page when the victim dies
 * (its own dead page stands in until it unmaps).
 */
#include "grants.h"

HVG_TEST(maps_and_replies)
{
	uint8_t *a = NULL;
	int h = tg_map_when_granted(DOM_WITNESS, REF_RW, false, (void **)&a);

	HVG_REQUIRE(h >= 0);
	HVG_CHECK_EQ(a[0], PATTERN_A);
	HVG_CHECK_EQ(a[HVG_PAGE_SIZE - 1], PATTERN_A);
	/* Give the witness time to see it mapped, then reply and unmap. */
	hvg_sleep_ns(20 * HVG_MS);
	for (unsigned int i = 0; i < HVG_PAGE_SIZE; i++) {
		a[i] = PATTERN_REPLY;
	}
	HVG_CHECK_EQ(hvg_grant_unmap((uint32_t)h), 0);
	HVG_CHECK(tg_read_faults(a));
	HVG_CHECK_EQ(hvg_grant_unmap((uint32_t)h), -HV_ENOENT);
	HVG_CHECK_EQ(hvg_grant_unmap(HV_GRANT_PAGE_SIZE), -HV_EINVAL);
}

HVG_TEST(maps_a_read_only_grant_read_only)
{
	uint8_t *b = NULL;
	int h;

	HVG_CHECK_EQ(tg_map_when_granted(DOM_WITNESS, REF_RO, false, (void **)&b), -HV_EPERM);
	h = hvg_grant_map(DOM_WITNESS, REF_RO, true, (void **)&b);
	HVG_REQUIRE(h >= 0);
	HVG_CHECK_EQ(b[0], PATTERN_B);
	HVG_CHECK(tg_write_faults(b));
	HVG_CHECK_EQ(b[0], PATTERN_B);
	HVG_CHECK_EQ(hvg_grant_unmap((uint32_t)h), 0);
}

HVG_TEST(is_refused_bad_grants)
{
	void *p = NULL;

	HVG_CHECK_EQ(hvg_grant_map(DOM_WITNESS, REF_OTHER, false, &p), -HV_EPERM);
	HVG_CHECK_EQ(hvg_grant_map(DOM_WITNESS, REF_OTHER, true, &p), -HV_EPERM);
	HVG_CHECK_EQ(hvg_grant_map(DOM_WITNESS, REF_NOT_OWNED, true, &p), -HV_EPERM);
	HVG_CHECK_EQ(hvg_grant_map(DOM_WITNESS, REF_PAGE_TABLE, false, &p), -HV_EPERM);
	HVG_CHECK_EQ(hvg_grant_map(DOM_WITNESS, REF_PAGE_TABLE, true, &p), -HV_EPERM);
	HVG_CHECK_EQ(hvg_grant_map(DOM_WITNESS, REF_TABLE, true, &p), -HV_EPERM);
	HVG_CHECK_EQ(hvg_grant_map(DOM_WITNESS, REF_COUNT, true, &p), -HV_EPERM); /* empty */
	HVG_CHECK_EQ(hvg_grant_map(DOM_WITNESS, HV_GRANT_ENTRIES_PER_PAGE, true, &p), -HV_EINVAL);
	HVG_CHECK_EQ(hvg_grant_map(DOM_MAPPER, 0, true, &p), -HV_EINVAL); /* it has no table */
	HVG_CHECK_EQ(hvg_grant_map(60, 0, true, &p), -HV_ENOENT);
	HVG_CHECK_EQ(hvg_grant_map(0xffff, 0, true, &p), -HV_EINVAL);
	HVG_CHECK_EQ(hvg_hypercall6(HV_HC_GRANT_OP, HV_GRANT_OP_MAP, DOM_WITNESS, REF_RO, 2, 0, 0),
	             -HV_EINVAL); /* unknown flag */
	HVG_CHECK_EQ(hvg_hypercall2(HV_HC_GRANT_OP, 99, 0), -HV_EINVAL);
}

HVG_TEST(maps_at_a_chosen_page)
{
	uint64_t base = hvg_start_info()->map_base;
	int h = (int)hvg_hypercall6(HV_HC_GRANT_OP, HV_GRANT_OP_MAP, DOM_WITNESS, REF_RO,
	                            HV_GRANT_MAP_READONLY, base + 5ull * HVG_PAGE_SIZE, 0);

	HVG_REQUIRE(h == 5);
	HVG_CHECK_EQ(tg_read8(base + 5ull * HVG_PAGE_SIZE), PATTERN_B);
	HVG_CHECK_EQ(hvg_hypercall6(HV_HC_GRANT_OP, HV_GRANT_OP_MAP, DOM_WITNESS, REF_RO,
	                            HV_GRANT_MAP_READONLY, base + 5ull * HVG_PAGE_SIZE, 0),
	             -HV_EBUSY);
	HVG_CHECK_EQ(hvg_hypercall6(HV_HC_GRANT_OP, HV_GRANT_OP_MAP, DOM_WITNESS, REF_RO,
	                            HV_GRANT_MAP_READONLY, base + 5ull * HVG_PAGE_SIZE + 8, 0),
	             -HV_EINVAL);
	HVG_CHECK_EQ(hvg_hypercall6(HV_HC_GRANT_OP, HV_GRANT_OP_MAP, DOM_WITNESS, REF_RO,
	                            HV_GRANT_MAP_READONLY, base - (uint64_t)HVG_PAGE_SIZE, 0),
	             -HV_EINVAL);
	HVG_CHECK_EQ(hvg_hypercall6(HV_HC_GRANT_OP, HV_GRANT_OP_MAP, DOM_WITNESS, REF_RO,
	                            HV_GRANT_MAP_READONLY,
	                            base + hvg_start_info()->map_slots * (uint64_t)HVG_PAGE_SIZE,
	                            0),
	             -HV_EINVAL);
	HVG_CHECK_EQ(hvg_grant_unmap(5), 0);
}

HVG_TEST(fills_the_map_area)
{
	uint64_t slots = hvg_start_info()->map_slots;
	void *p = NULL;
	uint64_t n = 0;
	int h;

	while ((h = hvg_grant_map(DOM_WITNESS, REF_RO, true, &p)) >= 0) {
		n++;
	}
	HVG_CHECK_EQ(h, -HV_ENOSPC);
	HVG_CHECK_EQ(n, slots);
	for (uint64_t i = 0; i < slots; i++) {
		HVG_CHECK_EQ(hvg_grant_unmap((uint32_t)i), 0);
	}
}

HVG_TEST(copies_through_grants)
{
	uint8_t buf[64] = {0};
	struct hv_grant_copy op = {.src = {.addr = REF_RO,
	                                   .domid = DOM_WITNESS,
	                                   .flags = HV_GRANT_COPY_F_GREF,
	                                   .offset = 8},
	                           .dst = {.addr = (uint64_t)(uintptr_t)buf},
	                           .len = sizeof(buf),
	                           .status = 1};
	struct hv_grant_copy bad = op;

	HVG_CHECK_EQ(hvg_grant_copy(&op, 1), 0);
	HVG_CHECK_EQ(op.status, 0);
	HVG_CHECK_EQ(buf[0], PATTERN_B);
	HVG_CHECK_EQ(buf[sizeof(buf) - 1], PATTERN_B);
	/* Into a read-only grant; past the page's end; no grant on either side. */
	bad.dst = (struct hv_grant_copy_ptr){
	        .addr = REF_RO, .domid = DOM_WITNESS, .flags = HV_GRANT_COPY_F_GREF};
	bad.src = (struct hv_grant_copy_ptr){.addr = (uint64_t)(uintptr_t)buf};
	HVG_CHECK_EQ(hvg_grant_copy(&bad, 1), 0);
	HVG_CHECK_EQ(bad.status, -HV_EPERM);
	bad = op;
	bad.src.offset = HVG_PAGE_SIZE - 8;
	HVG_CHECK_EQ(hvg_grant_copy(&bad, 1), 0);
	HVG_CHECK_EQ(bad.status, -HV_EINVAL);
	bad = op;
	bad.src.flags = 0;
	HVG_CHECK_EQ(hvg_grant_copy(&bad, 1), 0);
	HVG_CHECK_EQ(bad.status, -HV_EINVAL);
	bad = op;
	bad.dst.addr = TG_HV_IMAGE;
	HVG_CHECK_EQ(hvg_grant_copy(&bad, 1), 0);
	HVG_CHECK_EQ(bad.status, -HV_EFAULT);
	HVG_CHECK_EQ(hvg_grant_copy(&op, HV_GRANT_COPY_MAX_OPS + 1), -HV_E2BIG);
	HVG_CHECK_EQ(hvg_grant_copy(NULL, 1), -HV_EFAULT);
}

HVG_TEST(loses_the_victims_page_when_it_dies)
{
	uint64_t deadline = hvg_time_ns() + 3000 * HVG_MS;
	uint8_t *v = NULL;
	void *again = NULL;
	int h = tg_map_when_granted(DOM_VICTIM, REF_VICTIM, false, (void **)&v);
	int rc;

	HVG_REQUIRE(h >= 0);
	/* The victim writes its pattern, sees the mapping, and crashes. */
	while ((rc = hvg_grant_map(DOM_VICTIM, REF_VICTIM, true, &again)) >= 0 &&
	       hvg_time_ns() < deadline) {
		HVG_CHECK_EQ(hvg_grant_unmap((uint32_t)rc), 0);
		hvg_sleep_ns(HVG_MS);
	}
	HVG_CHECK_EQ(rc, -HV_ENOENT);
	/* Its own dead page stands in: no fault, zeros, writable, until the unmap. */
	HVG_CHECK(!tg_read_faults(v));
	HVG_CHECK_EQ(v[0], 0);
	HVG_CHECK(!tg_write_faults(v));
	HVG_CHECK_EQ(hvg_grant_unmap((uint32_t)h), 0);
	HVG_CHECK(tg_read_faults(v));
	HVG_CHECK_EQ(hvg_grant_unmap((uint32_t)h), -HV_ENOENT);
}

HVG_TEST_MAIN()
