/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Shared by the ring tests (ring*.c): the test protocol and helpers.
 *
 * The loopback test (ring_loop.c) is both ends of its rings in one domain.
 * The cross-domain test is one appliance: the control domain "witness"
 * (ring.c), "back" (ring_back.c) and "evil" (ring_evil.c), built in that
 * order, so with these identifiers.
 *
 *   ring A  witness -> back   the good pair, before and after the attacks
 *   ring B  witness -> evil   evil, as backend, answers twice and then
 *                             publishes garbage responses: the witness
 *                             must see -HV_EPROTO
 *   ring C  evil -> back      evil, as frontend, sends twice and then
 *                             publishes a garbage request index: back
 *                             must see -HV_EPROTO and go on serving A
 *
 * Rendezvous: each frontend offers its rings first thing after
 * hvg_grant_init(), in a fixed order, so the connection pages' grant
 * references are known: the witness's A (REF_A, the convention's
 * HVG_RING_FIRST_CONN_REF) and then B, evil's C.
 */
#ifndef TG_RINGS_H
#define TG_RINGS_H

#include <hv/guest/guest.h>
#include <hv/guest/probe.h>
#include <hv/guest/test.h>

#include "probes.h"

#define DOM_WITNESS 0
#define DOM_BACK    1
#define DOM_EVIL    2

/* One-page rings of 64-byte slots: 32 slots. */
#define TG_RING_PAGES     1
#define TG_RING_SLOT_SIZE 64
#define TG_RING_SLOTS     32

/* Connection references: a one-page ring takes two grants (connection, page). */
#define REF_A HVG_RING_FIRST_CONN_REF
#define REF_B (REF_A + 1 + TG_RING_PAGES)
#define REF_C HVG_RING_FIRST_CONN_REF

/* Operations of the test protocol. */
#define OP_ECHO   1 /* answer with the same sequence number and the payload inverted */
#define OP_REPORT 2 /* answer with data[0] = 1 once ring C broke on back */

/* Good requests evil sends (on C) or answers (on B) before it turns. */
#define EVIL_GOOD 2

/* A message of the test protocol: exactly one slot. */
struct tg_msg {
	uint32_t op;
	uint32_t seq;
	uint8_t data[TG_RING_SLOT_SIZE - 8];
};
_Static_assert(sizeof(struct tg_msg) == TG_RING_SLOT_SIZE, "a message is a slot");

/* Generous deadlines: the tests must pass on a loaded machine. */
#define TG_WAIT_NS (5 * HVG_S)

static inline uint8_t tg_pattern(uint32_t seq, unsigned int i)
{
	return (uint8_t)(seq * 31u + i * 7u + 1u);
}

static inline void tg_fill(struct tg_msg *m, uint32_t op, uint32_t seq)
{
	m->op = op;
	m->seq = seq;
	for (unsigned int i = 0; i < sizeof(m->data); i++) {
		m->data[i] = tg_pattern(seq, i);
	}
}

/* The answer to an OP_ECHO request, in place. */
static inline void tg_echo(struct tg_msg *m)
{
	for (unsigned int i = 0; i < sizeof(m->data); i++) {
		m->data[i] = (uint8_t)~m->data[i];
	}
}

/* Whether m is the answer to the OP_ECHO request seq. */
static inline bool tg_echo_ok(const struct tg_msg *m, uint32_t seq)
{
	if (m->op != OP_ECHO || m->seq != seq) {
		return false;
	}
	for (unsigned int i = 0; i < sizeof(m->data); i++) {
		if ((uint8_t)(m->data[i] ^ tg_pattern(seq, i)) != 0xffu) {
			return false;
		}
	}
	return true;
}

/* True if reading 'addr' faults. */
static inline bool tg_read_faults(const void *addr)
{
	struct hvg_fault f;

	HVG_CATCH_FAULT(HVG_VEC_ANY, &f, (void)tg_read8(tg_addr(addr)));
	return f.happened;
}

/* Closes a ring, retrying while the peer still maps its pages, up to TG_WAIT_NS. */
static inline int tg_close(struct hvg_ring *r)
{
	uint64_t deadline = hvg_time_ns() + TG_WAIT_NS;
	int rc;

	while ((rc = hvg_ring_close(r)) == -HV_EBUSY && hvg_time_ns() < deadline) {
		hvg_sleep_ns(HVG_MS);
	}
	return rc;
}

/* Waits up to TG_WAIT_NS for 'port' to reach 'state'; true if it did. */
static inline bool tg_port_state(uint32_t port, uint32_t state)
{
	uint64_t deadline = hvg_time_ns() + TG_WAIT_NS;
	struct hv_evtchn_status st = {.state = UINT32_MAX};

	while (hvg_evtchn_status(port, &st) == 0 && st.state != state && hvg_time_ns() < deadline) {
		hvg_sleep_ns(HVG_MS);
	}
	return st.state == state;
}

#endif /* TG_RINGS_H */
