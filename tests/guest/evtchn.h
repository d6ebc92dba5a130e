/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The event-channel test's cast (evtchn*.c), one appliance: the control
 * domain "witness" (evtchn.c), "peer" (evtchn_peer.c), "intruder"
 * (evtchn_intruder.c) and "crasher" (evtchn_crasher.c), built in that
 * order, so with these domain identifiers. The witness makes its offers
 * first, so they get its first free ports; the others poll for them.
 */
#ifndef TG_EVTCHN_H
#define TG_EVTCHN_H

#include <hv/guest/guest.h>
#include <hv/guest/test.h>

#define DOM_WITNESS  0
#define DOM_PEER     1
#define DOM_INTRUDER 2
#define DOM_CRASHER  3

/* The witness's offers: ping-pong with the peer, one the peer never takes, the crasher's. */
#define PORT_PING       HV_VIRQ_COUNT
#define PORT_UNTAKEN    (HV_VIRQ_COUNT + 1)
#define PORT_TO_CRASHER (HV_VIRQ_COUNT + 2)

/*
 * The intruder offers its first free port to the peer, and its next one
 * once it has been refused the witness's untaken offer (a signal to the
 * witness, which then withdraws that offer).
 */
#define PORT_INTRUDERS_OFFER  HV_VIRQ_COUNT
#define PORT_INTRUDER_REFUSED (HV_VIRQ_COUNT + 1)

/* Round trips of the ping-pong. */
#define PING_ROUNDS 100

/*
 * Binds to 'port' of 'remote' once it is offered: retries while it is not
 * (-HV_EBUSY) for up to 2 s of system time. Returns the bind's result.
 */
static inline int tg_bind_when_offered(uint16_t remote, uint32_t port)
{
	uint64_t deadline = hvg_time_ns() + 2000 * HVG_MS;
	int rc;

	while ((rc = hvg_evtchn_bind_interdomain(remote, port)) == -HV_EBUSY &&
	       hvg_time_ns() < deadline) {
		hvg_sleep_ns(HVG_MS);
	}
	return rc;
}

/* Waits up to 2 s for 'port' to reach 'state'; true if it did. */
static inline bool tg_wait_state(uint32_t port, uint32_t state)
{
	uint64_t deadline = hvg_time_ns() + 2000 * HVG_MS;
	struct hv_evtchn_status st = {.state = UINT32_MAX};

	while (hvg_evtchn_status(port, &st) == 0 && st.state != state && hvg_time_ns() < deadline) {
		hvg_sleep_ns(HVG_MS);
	}
	return st.state == state;
}

#endif /* TG_EVTCHN_H */
