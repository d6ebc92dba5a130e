/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The event-channel test's intruder (see evtchn.h): offers a port to the
 * peer (which the control domain then fails to take), and tries to take
 * the witness's offer to the peer until the witness closes it: refused
 * every time, never bound.
 */
#include "evtchn.h"

HVG_TEST(offers_a_port_to_the_peer)
{
	HVG_CHECK_EQ(hvg_evtchn_alloc_unbound(DOM_PEER), PORT_INTRUDERS_OFFER);
}

HVG_TEST(cannot_take_the_peers_port)
{
	uint64_t deadline = hvg_time_ns() + 5000 * HVG_MS;
	unsigned int refusals = 0;
	int rc = tg_bind_when_offered(DOM_WITNESS, PORT_UNTAKEN);

	HVG_REQUIRE(rc == -HV_EPERM);
	HVG_CHECK_EQ(hvg_evtchn_alloc_unbound(DOM_PEER), PORT_INTRUDER_REFUSED);
	while (rc == -HV_EPERM && hvg_time_ns() < deadline) {
		refusals++;
		hvg_sleep_ns(HVG_MS);
		rc = hvg_evtchn_bind_interdomain(DOM_WITNESS, PORT_UNTAKEN);
	}
	hvg_test_note("refused %u times", refusals);
	HVG_CHECK(refusals > 0);
	/* Closed, or the witness has already ended: never bound. */
	HVG_CHECK(rc == -HV_EBUSY || rc == -HV_ENOENT);
}

HVG_TEST_MAIN()
