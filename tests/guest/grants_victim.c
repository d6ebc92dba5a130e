/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The grant-table test's victim (see grants.h): grants a page to the
 * mapper, waits until it is mapped, and crashes with the grant in use. The
 * mapper must lose the mapping, and every frame must come back. It prints
 * no verdict: a verdict would mean it did not crash.
 */
#include "grants.h"

int main(const struct hv_start_info *si)
{
	uint64_t deadline = hvg_time_ns() + 3000 * HVG_MS;
	uint8_t *page;

	(void)si;
	page = hvg_page_alloc();
	if (hvg_grant_init(1) != 0 || page == NULL ||
	    hvg_grant_access(DOM_MAPPER, page, false) != REF_VICTIM) {
		hvg_puts("victim: could not grant\n");
		hvg_test_verdict(HVG_ERROR);
	}
	page[0] = PATTERN_A;
	while (hvg_grant_mapped(REF_VICTIM) == 0 && hvg_time_ns() < deadline) {
		hvg_sleep_ns(HVG_MS);
	}
	if (hvg_grant_mapped(REF_VICTIM) == 0) {
		hvg_puts("victim: never mapped\n");
		hvg_test_verdict(HVG_ERROR);
	}
	__asm__ volatile("ud2");
	hvg_puts("victim: survived ud2\n");
	hvg_test_verdict(HVG_FAILURE);
	return 0;
}
