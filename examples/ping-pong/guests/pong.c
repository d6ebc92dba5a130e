/* SPDX-License-Identifier: Apache-2.0 */
/*
 * "pong", the backend of the data ring (see pingpong.h): on domain 0's
 * command it accepts the ring "ping" offered, answers every ping with a
 * pong until ping closes the ring, and reports the count to domain 0.
 */
#include "pingpong.h"

static struct hvg_ring ctl;
static struct hvg_ring data;

/* Answers pings until the ring ends; returns how many. */
static uint32_t serve(void)
{
	uint64_t deadline = hvg_time_ns() + 3 * PP_PATIENCE;
	uint32_t answered = 0;
	struct pp_data m;
	int rc;

	while ((rc = hvg_ring_recv(&data, &m, sizeof(m), deadline)) == 0) {
		char want[sizeof(m.text)];

		/* Check the copy: the right sequence number and text, or the peer is broken. */
		hvg_snprintf(want, sizeof(want), "ping %u", answered);
		m.text[sizeof(m.text) - 1] = '\0';
		if (m.seq != answered || !pp_text_is(m.text, sizeof(m.text), want)) {
			hvg_printf("ping %u came as %u '%s': disconnecting\n", answered, m.seq,
			           m.text);
			hvg_ring_disconnect(&data);
			break;
		}
		hvg_snprintf(m.text, sizeof(m.text), "pong %u", answered);
		if (hvg_ring_send(&data, &m, sizeof(m)) != 0) {
			break;
		}
		answered++;
	}
	hvg_printf("answered %u pings; the ring ended (%d)\n", answered, rc);
	hvg_ring_close(&data);
	return answered;
}

int main(const struct hv_start_info *si)
{
	uint64_t deadline = hvg_time_ns() + PP_PATIENCE;
	struct pp_ctl m;
	uint32_t answered;
	int rc;

	if (hvg_trap_init() != 0 ||
	    hvg_ring_accept(&ctl, PP_DOM0, PP_CTL_REF(si->domid), deadline) != 0) {
		hvg_printf("no control ring from domain 0\n");
		return 1;
	}
	rc = hvg_ring_recv(&ctl, &m, sizeof(m), deadline);
	if (rc != 0 || m.op != PP_ACCEPT) {
		hvg_printf("expected an accept command: %d\n", rc);
		return 1;
	}
	rc = m.peer == si->domid || m.peer > UINT16_MAX
	             ? -HV_EINVAL
	             : hvg_ring_accept(&data, (uint16_t)m.peer, m.conn_ref, deadline);
	if (rc == 0) {
		hvg_printf("accepted the ring of domain %u (grant reference %u, %u slots)\n",
		           m.peer, m.conn_ref, hvg_ring_slot_count(&data));
	}
	m.status = rc;
	hvg_snprintf(m.name, sizeof(m.name), "%s", si->name);
	if (hvg_ring_send(&ctl, &m, sizeof(m)) != 0 || rc != 0) {
		return 1;
	}
	answered = serve();
	rc = hvg_ring_recv(&ctl, &m, sizeof(m), hvg_time_ns() + PP_PATIENCE);
	if (rc != 0 || m.op != PP_RESULT) {
		return 1;
	}
	m.status = 0;
	m.rounds = answered;
	hvg_ring_send(&ctl, &m, sizeof(m));
	hvg_ring_recv(&ctl, &m, sizeof(m), hvg_time_ns() + PP_PATIENCE);
	hvg_ring_close(&ctl);
	return answered == PP_ROUNDS ? 0 : 1;
}
