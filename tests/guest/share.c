/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Weighted shares under BVT. Three domains run this kernel, named w1, w2
 * and w4 after their weights (weight=1, 2, 4 on their module command
 * lines). All three compute from system time 1.0 s to 3.5 s; each measures
 * the CPU time it got between 1.2 s and 3.2 s, while all three compete, and
 * checks it against its share of the weights (1/7, 2/7, 4/7) within 5 %.
 * The boot test runs under -icount, where time counts instructions: the
 * shares then do not depend on how busy the host is, and the hypervisor's
 * own share of the time is small (about 0.5 %). tests/guest/check-shares
 * also checks the hypervisor's accounting of the same run.
 */
#include <hv/guest/guest.h>
#include <hv/guest/test.h>

#define WEIGHT_SUM 7

static void spin_until(uint64_t t)
{
	while (hvg_time_ns() < t) {
		__asm__ volatile("pause");
	}
}

HVG_TEST(share_matches_weight)
{
	const struct hv_start_info *si = hvg_start_info();
	uint64_t weight = (uint64_t)(si->name[1] - '0');
	uint64_t sys0, run0, sys1, run1, share, expected;

	if (si->name[0] != 'w' || weight < 1 || weight > 4) {
		hvg_test_error("domain '%s' is not named after its weight", si->name);
	}
	hvg_sleep_until(1000 * HVG_MS);
	spin_until(1200 * HVG_MS);
	sys0 = hvg_time_ns();
	run0 = hvg_run_time_ns();
	spin_until(3200 * HVG_MS);
	sys1 = hvg_time_ns();
	run1 = hvg_run_time_ns();
	/* Keep competing until the others have measured too. */
	spin_until(3500 * HVG_MS);

	/* In units of 0.01 %. */
	share = (run1 - run0) * 10000 / (sys1 - sys0);
	expected = weight * 10000 / WEIGHT_SUM;
	hvg_test_note("weight %llu: %llu.%02llu %% of the CPU, expected %llu.%02llu %%",
	              (unsigned long long)weight, (unsigned long long)(share / 100),
	              (unsigned long long)(share % 100), (unsigned long long)(expected / 100),
	              (unsigned long long)(expected % 100));
	HVG_CHECK(share * 100 >= expected * 95 && share * 100 <= expected * 105);
}

HVG_TEST_MAIN()
