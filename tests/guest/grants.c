/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Grant tables from the granting side, in the control domain (see
 * grants.h): good and bad grants for the mapper, a revoke refused while
 * mapped and accepted after, the table kept while a grant is mapped, the
 * mapper's reply seen in the shared page, and grant copies between its
 * own pages through its own grants.
 */
#include "grants.h"

static uint8_t *page_a;
static uint8_t *page_b;
static uint8_t *page_c;

/* Writes an entry the way a guest would, whatever it says. */
static void raw_grant(uint32_t ref, uint16_t domid, uint64_t frame, uint16_t flags)
{
	const struct hv_start_info *si = hvg_start_info();
	/* The table is the first page hvg_grant_init() took: the first free-memory page. */
	struct hv_grant_entry *e = (struct hv_grant_entry *)(uintptr_t)si->mem_start + ref;

	e->frame = frame;
	e->domid = domid;
	__atomic_store_n(&e->flags, flags, __ATOMIC_RELEASE);
}

HVG_TEST(grants_pages)
{
	const struct hv_start_info *si = hvg_start_info();
	const uint64_t *frames = (const uint64_t *)(uintptr_t)si->frame_list;

	HVG_REQUIRE(si->domid == DOM_WITNESS);
	HVG_REQUIRE(hvg_grant_init(1) == 0);
	page_a = hvg_page_alloc();
	page_b = hvg_page_alloc();
	page_c = hvg_page_alloc();
	HVG_REQUIRE(page_a != NULL && page_b != NULL && page_c != NULL);
	for (unsigned int i = 0; i < HVG_PAGE_SIZE; i++) {
		page_a[i] = PATTERN_A;
		page_b[i] = PATTERN_B;
	}
	HVG_CHECK_EQ(hvg_grant_access(DOM_MAPPER, page_a, false), REF_RW);
	HVG_CHECK_EQ(hvg_grant_access(DOM_MAPPER, page_b, true), REF_RO);
	HVG_CHECK_EQ(hvg_grant_access(DOM_VICTIM, page_c, false), REF_OTHER);
	/* Garbage a guest may write: the hypervisor must refuse each at use. */
	raw_grant(REF_NOT_OWNED, DOM_MAPPER, 0, HV_GRANT_F_ACCESS);
	/* Page tables are the last frames of the list; the root is the very last. */
	raw_grant(REF_PAGE_TABLE, DOM_MAPPER, frames[si->frame_count - 1], HV_GRANT_F_ACCESS);
	raw_grant(REF_TABLE, DOM_MAPPER, hvg_frame_of((void *)(uintptr_t)si->mem_start),
	          HV_GRANT_F_ACCESS | HV_GRANT_F_READONLY);
	HVG_CHECK_EQ(hvg_grant_access(DOM_MAPPER, (void *)(uintptr_t)si->stack_top, false),
	             -HV_EFAULT);
}

HVG_TEST(refuses_to_revoke_a_mapped_grant)
{
	uint64_t deadline = hvg_time_ns() + 3000 * HVG_MS;

	/* The mapper maps page A, keeps it 20 ms, writes its reply, and unmaps it. */
	while (hvg_grant_mapped(REF_RW) == 0 && hvg_time_ns() < deadline) {
		hvg_sleep_ns(HVG_MS);
	}
	HVG_REQUIRE(hvg_grant_mapped(REF_RW) == 1);
	HVG_CHECK_EQ(hvg_grant_end(REF_RW), -HV_EBUSY);
	/* The table cannot be replaced either while one of its grants is mapped. */
	HVG_CHECK_EQ(hvg_grant_init(1), -HV_EBUSY);
	while (hvg_grant_mapped(REF_RW) > 0 && hvg_time_ns() < deadline) {
		hvg_sleep_ns(HVG_MS);
	}
	HVG_CHECK_EQ(hvg_grant_mapped(REF_RW), 0);
	HVG_CHECK_EQ(page_a[0], PATTERN_REPLY);
	HVG_CHECK_EQ(page_a[HVG_PAGE_SIZE - 1], PATTERN_REPLY);
	HVG_CHECK_EQ(hvg_grant_end(REF_RW), 0);
	HVG_CHECK_EQ(hvg_grant_end(HV_GRANT_ENTRIES_PER_PAGE), -HV_EINVAL);
	HVG_CHECK_EQ(hvg_grant_mapped(HV_GRANT_ENTRIES_PER_PAGE), -HV_EINVAL);
}

/* Grant copy needs a grant to itself: between two of its own pages. */
HVG_TEST(copies_through_its_own_grants)
{
	uint8_t *src = hvg_page_alloc();
	uint8_t *dst = hvg_page_alloc();
	struct hv_grant_copy ops[2];
	int src_ref;
	int dst_ref;

	HVG_REQUIRE(src != NULL && dst != NULL);
	src_ref = hvg_grant_access(DOM_WITNESS, src, true);
	dst_ref = hvg_grant_access(DOM_WITNESS, dst, false);
	HVG_REQUIRE(src_ref >= 0 && dst_ref >= 0);
	for (unsigned int i = 0; i < 256; i++) {
		src[i] = (uint8_t)i;
	}
	ops[0] = (struct hv_grant_copy){.src = {.addr = (uint64_t)src_ref,
	                                        .domid = DOM_WITNESS,
	                                        .flags = HV_GRANT_COPY_F_GREF},
	                                .dst = {.addr = (uint64_t)dst_ref,
	                                        .domid = DOM_WITNESS,
	                                        .flags = HV_GRANT_COPY_F_GREF,
	                                        .offset = 1000},
	                                .len = 256,
	                                .status = 1};
	/* Into the read-only grant: refused, the other op still done. */
	ops[1] = ops[0];
	ops[1].dst.addr = (uint64_t)src_ref;
	HVG_CHECK_EQ(hvg_grant_copy(ops, 2), 0);
	HVG_CHECK_EQ(ops[0].status, 0);
	HVG_CHECK_EQ(ops[1].status, -HV_EPERM);
	HVG_CHECK_EQ(dst[1000], 0);
	HVG_CHECK_EQ(dst[1000 + 255], 255);
	HVG_CHECK_EQ(dst[999], 0);
	HVG_CHECK_EQ(hvg_grant_end((uint32_t)src_ref), 0);
	HVG_CHECK_EQ(hvg_grant_end((uint32_t)dst_ref), 0);
}

HVG_TEST(waits_for_the_mapper)
{
	uint64_t deadline = hvg_time_ns() + 5000 * HVG_MS;

	/* The mapper ends when it is done; until then its grants stay. */
	while (hvg_sched_domain_pool(DOM_MAPPER) >= 0 && hvg_time_ns() < deadline) {
		hvg_sleep_ns(5 * HVG_MS);
	}
	HVG_CHECK_EQ(hvg_sched_domain_pool(DOM_MAPPER), -HV_ENOENT);
	HVG_CHECK_EQ(hvg_grant_mapped(REF_RO), 0);
}

HVG_TEST_MAIN()
