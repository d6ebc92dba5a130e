/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The vtime test's companion: sleeps until system time 1.0 s, then computes
 * until 2.5 s holding a pattern in every SSE register, which must survive
 * each preemption.
 */
#include <hv/guest/guest.h>
#include <hv/guest/test.h>

#include "sse.h"

HVG_TEST(computes_with_its_own_sse_state)
{
	unsigned int bad = 0;
	uint64_t rounds = 0;

	hvg_sleep_until(1000 * HVG_MS);
	while (hvg_time_ns() < 2500 * HVG_MS) {
		bad += tg_sse_hold(0x2222000000000000ull + rounds, 200000);
		rounds++;
	}
	hvg_test_note("%llu rounds", (unsigned long long)rounds);
	HVG_CHECK_EQ(bad, 0);
}

HVG_TEST_MAIN()
