/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Domain 0 of the ping-pong appliance: it connects the two guests and
 * judges their exchange (see pingpong.h for the protocol).
 *
 * Domain 0 is the frontend of both control rings: the pages are its own,
 * the guests map them. So a guest that misbehaves or dies cannot make a
 * page vanish under domain 0; all it can do is break its control ring,
 * which the ring helper reports as -HV_EPROTO, or stop answering, which a
 * deadline catches.
 */
#include "pingpong.h"

static struct hvg_ring ctl[3]; /* by domain identifier; 0 unused */

/* Sends a command to guest d and waits for its answer (in *m). */
static int command(uint16_t d, struct pp_ctl *m)
{
	uint32_t op = m->op;
	int rc = hvg_ring_send(&ctl[d], m, sizeof(*m));

	if (rc == 0) {
		rc = hvg_ring_recv(&ctl[d], m, sizeof(*m), hvg_time_ns() + PP_PATIENCE);
	}
	if (rc == 0 && m->op != op) {
		hvg_ring_disconnect(&ctl[d]); /* an answer to another command */
		rc = -HV_EPROTO;
	}
	if (rc == 0) {
		m->name[sizeof(m->name) - 1] = '\0'; /* our copy: make it a string */
		rc = m->status;
	}
	if (rc != 0) {
		hvg_printf("domain %u: command %u failed: %d\n", d, op, rc);
	}
	return rc;
}

/* Closes a control ring, waiting a while for the guest to unmap it. */
static void close_ctl(uint16_t d)
{
	uint64_t deadline = hvg_time_ns() + PP_PATIENCE;

	while (hvg_ring_close(&ctl[d]) == -HV_EBUSY && hvg_time_ns() < deadline) {
		hvg_sleep_ns(HVG_MS);
	}
}

int main(const struct hv_start_info *si)
{
	struct pp_ctl ping = {.op = PP_OFFER, .peer = PP_PONG};
	struct pp_ctl pong = {.op = PP_ACCEPT, .peer = PP_PING};
	struct pp_ctl ping_result = {.op = PP_RESULT};
	struct pp_ctl pong_result = {.op = PP_RESULT};
	bool pass;
	int rc;

	if (hvg_trap_init() != 0 || hvg_grant_init(1) != 0) {
		hvg_printf("cannot set up exceptions, events or grants\n");
		return 1;
	}
	hvg_printf("domain %u '%s' up: connecting the guests (no control interface yet: "
	           "it brokers over rings)\n",
	           si->domid, si->name);
	/* Control rings, in the order the guests expect (PP_CTL_REF). */
	for (uint16_t d = PP_PING; d <= PP_PONG; d++) {
		rc = hvg_ring_offer(&ctl[d], d, PP_CTL_PAGES, sizeof(struct pp_ctl));
		if (rc != (int)PP_CTL_REF(d)) {
			hvg_printf("cannot offer a control ring to domain %u: %d\n", d, rc);
			return 1;
		}
	}
	for (uint16_t d = PP_PING; d <= PP_PONG; d++) {
		if (hvg_ring_wait_peer(&ctl[d], hvg_time_ns() + PP_PATIENCE) != 0) {
			hvg_printf("domain %u did not take its control ring\n", d);
			return 1;
		}
	}

	/* Set the data ring up: ping offers it, pong accepts it. */
	if (command(PP_PING, &ping) != 0) {
		return 1;
	}
	hvg_printf("'%s' (domain %u) offers a ring to domain %u: grant reference %u\n", ping.name,
	           PP_PING, PP_PONG, ping.conn_ref);
	pong.conn_ref = ping.conn_ref;
	if (command(PP_PONG, &pong) != 0) {
		return 1;
	}
	hvg_printf("'%s' (domain %u) accepted it: the guests are connected\n", pong.name, PP_PONG);

	/* Each answers once its side of the exchange is over. */
	if (command(PP_PING, &ping_result) != 0 || command(PP_PONG, &pong_result) != 0) {
		return 1;
	}
	pass = ping_result.rounds == PP_ROUNDS && pong_result.rounds == PP_ROUNDS;
	hvg_printf("ping-pong: %u round trips between '%s' and '%s', %u answered: %s\n",
	           ping_result.rounds, ping.name, pong.name, pong_result.rounds,
	           pass ? "PASS" : "FAIL");
	for (uint16_t d = PP_PING; d <= PP_PONG; d++) {
		close_ctl(d);
	}
	/* Powering off with 0 passes the run; anything else crashes domain 0 and fails it. */
	return pass ? 0 : 1;
}
