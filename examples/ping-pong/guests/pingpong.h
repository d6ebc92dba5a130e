/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the ping-pong appliance's domains agree on.
 *
 * Domain identifiers come from the appliance description (main.c): domain
 * 0 is the control domain, then "ping" and "pong". Until domain 0 has a
 * control interface to broker connections (a store of connection details,
 * as Xen's xenstore), it uses rings to do it: it offers each guest a
 * one-page **control ring** (domain 0 is the frontend, so no guest page is
 * ever mapped into domain 0), to domain 1 and then to domain 2, so the
 * connection page of guest d's control ring has grant reference
 * PP_CTL_REF(d). Over it, domain 0 sends commands and each guest answers:
 *
 *   PP_OFFER   to ping: offer a data ring to domain `peer`; the answer
 *              carries its connection reference (`conn_ref`)
 *   PP_ACCEPT  to pong: accept the data ring of domain `peer` at `conn_ref`
 *   PP_RESULT  to both: answered once the exchange is over, with the
 *              round trips made (ping) or answered (pong)
 *
 * The data ring between ping and pong is the guests' own: ping sends
 * PP_ROUNDS pings, pong answers each with a pong.
 */
#ifndef PINGPONG_H
#define PINGPONG_H

#include <hv/guest/guest.h>

#define PP_DOM0 0
#define PP_PING 1
#define PP_PONG 2

/* Control rings: one page each, offered by domain 0 to domains 1 and 2 in order. */
#define PP_CTL_PAGES  1u
#define PP_CTL_REF(d) (((uint32_t)(d)-1u) * (1u + PP_CTL_PAGES))

/* The data ring: one page of 64-byte slots (32 slots). */
#define PP_DATA_PAGES 1u
#define PP_ROUNDS     1000u

/* How long anyone waits for anyone: generous, for loaded machines. */
#define PP_PATIENCE (10 * HVG_S)

#define PP_OFFER  1
#define PP_ACCEPT 2
#define PP_RESULT 3

/* A control message: a command from domain 0, and the guest's answer in the same slot. */
struct pp_ctl {
	uint32_t op;       /* PP_* */
	int32_t status;    /* answer: 0 or a negated HV_E* code */
	uint32_t peer;     /* the other guest's domain */
	uint32_t conn_ref; /* the data ring's connection reference */
	uint32_t rounds;   /* answer to PP_RESULT: round trips made or answered */
	uint32_t pad;
	char name[16]; /* answer: the guest's name */
	uint8_t reserved[24];
};
_Static_assert(sizeof(struct pp_ctl) == 64, "a control message is a 64-byte slot");

/* A message of the data ring. */
struct pp_data {
	uint32_t seq;
	char text[60]; /* "ping <seq>" or "pong <seq>" */
};
_Static_assert(sizeof(struct pp_data) == 64, "a data message is a 64-byte slot");

/* Whether the text received (its first `size` bytes, perhaps not terminated) is `want`. */
static inline bool pp_text_is(const char *text, size_t size, const char *want)
{
	for (size_t i = 0; i < size; i++) {
		if (text[i] != want[i]) {
			return false;
		}
		if (want[i] == '\0') {
			return true;
		}
	}
	return false;
}

#endif /* PINGPONG_H */
