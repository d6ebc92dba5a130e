/* SPDX-License-Identifier: Apache-2.0 */
/*
 * "ping", the frontend of the data ring (see pingpong.h): on domain 0's
 * command it offers a ring to "pong", then sends PP_ROUNDS pings, one at a
 * time, and checks each pong; it reports the round trips to domain 0.
 */
#include "pingpong.h"

static struct hvg_ring ctl;
static struct hvg_ring data;

/* The round trips; each message is checked on the copy received. */
static uint32_t exchange(uint16_t peer)
{
	uint64_t deadline = hvg_time_ns() + PP_PATIENCE;
	uint64_t start;
	uint64_t elapsed;
	uint32_t rounds;

	if (hvg_ring_wait_peer(&data, deadline) != 0) {
		hvg_printf("domain %u never connected\n", peer);
		return 0;
	}
	start = hvg_time_ns();
	for (rounds = 0; rounds < PP_ROUNDS; rounds++) {
		struct pp_data m = {.seq = rounds};
		char want[sizeof(m.text)];

		hvg_snprintf(m.text, sizeof(m.text), "ping %u", rounds);
		if (hvg_ring_send(&data, &m, sizeof(m)) != 0 ||
		    hvg_ring_recv(&data, &m, sizeof(m), deadline) != 0) {
			break;
		}
		/* m is our copy of the answer: check it, then trust it. */
		hvg_snprintf(want, sizeof(want), "pong %u", rounds);
		m.text[sizeof(m.text) - 1] = '\0';
		if (m.seq != rounds || !pp_text_is(m.text, sizeof(m.text), want)) {
			hvg_printf("round %u: got %u '%s'\n", rounds, m.seq, m.text);
			break;
		}
		if (rounds == 0) {
			hvg_printf("sent 'ping 0', got '%s'\n", m.text);
		}
	}
	elapsed = hvg_time_ns() - start;
	hvg_printf("%u round trips with domain %u in %llu us (%llu ns each)\n", rounds, peer,
	           (unsigned long long)(elapsed / HVG_US),
	           (unsigned long long)(rounds != 0 ? elapsed / rounds : 0));
	return rounds;
}

int main(const struct hv_start_info *si)
{
	uint64_t deadline = hvg_time_ns() + PP_PATIENCE;
	struct pp_ctl m;
	uint32_t rounds;
	int rc;

	if (hvg_trap_init() != 0 || hvg_grant_init(1) != 0 ||
	    hvg_ring_accept(&ctl, PP_DOM0, PP_CTL_REF(si->domid), deadline) != 0) {
		hvg_printf("no control ring from domain 0\n");
		return 1;
	}
	rc = hvg_ring_recv(&ctl, &m, sizeof(m), deadline);
	if (rc != 0 || m.op != PP_OFFER) {
		hvg_printf("expected an offer command: %d\n", rc);
		return 1;
	}
	/* The copy is ours: check what domain 0 asked before acting on it. */
	rc = m.peer == si->domid || m.peer > UINT16_MAX
	             ? -HV_EINVAL
	             : hvg_ring_offer(&data, (uint16_t)m.peer, PP_DATA_PAGES,
	                              sizeof(struct pp_data));
	m.status = rc < 0 ? rc : 0;
	m.conn_ref = rc < 0 ? 0 : (uint32_t)rc;
	hvg_snprintf(m.name, sizeof(m.name), "%s", si->name);
	if (hvg_ring_send(&ctl, &m, sizeof(m)) != 0 || rc < 0) {
		return 1;
	}
	rounds = exchange((uint16_t)m.peer);
	/* Closing the data ring ends pong's loop; wait until it has unmapped the pages. */
	deadline = hvg_time_ns() + PP_PATIENCE;
	while (hvg_ring_close(&data) == -HV_EBUSY && hvg_time_ns() < deadline) {
		hvg_sleep_ns(HVG_MS);
	}
	rc = hvg_ring_recv(&ctl, &m, sizeof(m), hvg_time_ns() + PP_PATIENCE);
	if (rc != 0 || m.op != PP_RESULT) {
		return 1;
	}
	m.status = 0;
	m.rounds = rounds;
	hvg_ring_send(&ctl, &m, sizeof(m));
	/* Domain 0 closes the control ring when it is done: then unmap it. */
	hvg_ring_recv(&ctl, &m, sizeof(m), hvg_time_ns() + PP_PATIENCE);
	hvg_ring_close(&ctl);
	return rounds == PP_ROUNDS ? 0 : 1;
}
