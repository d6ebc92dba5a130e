/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The event-channel test's peer (see evtchn.h): binds to the witness's
 * offer, answers PING_ROUNDS pings, then closes its end. It may not take
 * the witness's offer to the crasher (or it has already been taken).
 */
#include "evtchn.h"

static volatile uint64_t pings;

static void answer(uint32_t port, void *arg)
{
	(void)arg;
	pings++;
	hvg_event_send(port);
}

HVG_TEST(answers_pings)
{
	uint64_t deadline;
	int port = tg_bind_when_offered(DOM_WITNESS, PORT_PING);

	HVG_REQUIRE(port >= 0);
	hvg_on_event((uint32_t)port, answer, NULL);
	deadline = hvg_time_ns() + 5000 * HVG_MS;
	while (pings < PING_ROUNDS && hvg_time_ns() < deadline) {
		hvg_block(deadline);
	}
	HVG_CHECK_EQ(pings, PING_ROUNDS);
	hvg_on_event((uint32_t)port, NULL, NULL);
	HVG_CHECK_EQ(hvg_evtchn_close((uint32_t)port), 0);
}

HVG_TEST(cannot_take_others_offers)
{
	/* Offered to the crasher, whether it has bound yet or not. */
	int rc = hvg_evtchn_bind_interdomain(DOM_WITNESS, PORT_TO_CRASHER);

	HVG_CHECK(rc == -HV_EPERM || rc == -HV_EBUSY);
}

HVG_TEST_MAIN()
