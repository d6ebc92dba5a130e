/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Rings between domains, from "evil" (see rings.h): a hostile peer on both
 * sides. As the backend of the witness's ring B it answers EVIL_GOOD
 * requests properly and then publishes responses nobody asked for (an
 * rsp_prod a thousand past the requests); as the frontend of ring C to
 * back it sends EVIL_GOOD requests and then a req_prod half the index
 * space ahead. Each victim must disconnect it: evil sees its ports
 * disconnected, and its grants unmapped by back. Evil itself is left
 * alone: the hypervisor has nothing against a domain that writes its own
 * shared pages.
 */
#include "rings.h"

static struct hvg_ring ring_b;
static struct hvg_ring ring_c;

HVG_TEST(offers_ring_c)
{
	HVG_REQUIRE(hvg_start_info()->domid == DOM_EVIL);
	HVG_REQUIRE(hvg_grant_init(1) == 0);
	HVG_CHECK_EQ(hvg_ring_offer(&ring_c, DOM_BACK, TG_RING_PAGES, TG_RING_SLOT_SIZE), REF_C);
}

HVG_TEST(breaks_ring_b_as_backend)
{
	struct tg_msg m;
	struct hv_ring_shared *s;
	uint32_t port;

	HVG_REQUIRE(hvg_ring_accept(&ring_b, DOM_WITNESS, REF_B, hvg_time_ns() + TG_WAIT_NS) == 0);
	for (uint32_t seq = 0; seq < EVIL_GOOD; seq++) {
		/* The witness turns to B after its 3000 messages with back: be patient. */
		HVG_REQUIRE(hvg_ring_recv(&ring_b, &m, sizeof(m), hvg_time_ns() + 4 * TG_WAIT_NS) ==
		            0);
		HVG_CHECK(m.op == OP_ECHO && m.seq == seq);
		tg_echo(&m);
		HVG_REQUIRE(hvg_ring_send(&ring_b, &m, sizeof(m)) == 0);
	}
	HVG_REQUIRE(hvg_ring_recv(&ring_b, &m, sizeof(m), hvg_time_ns() + TG_WAIT_NS) == 0);
	/* Instead of an answer: a thousand of them. */
	s = ring_b.back.shared;
	port = hvg_ring_port(&ring_b);
	__atomic_store_n(&s->rsp_prod, ring_b.back.rsp_pushed + 1000, __ATOMIC_RELEASE);
	HVG_CHECK_EQ(hvg_event_send(port), 0);
	/* The witness disconnects: the port closes on its side. */
	HVG_CHECK(tg_port_state(port, HV_EVTCHN_DISCONNECTED));
	HVG_CHECK_EQ(hvg_ring_recv(&ring_b, &m, sizeof(m), hvg_time_ns() + TG_WAIT_NS),
	             -HV_ENOTCONN);
	HVG_CHECK_EQ(hvg_ring_close(&ring_b), 0);
}

HVG_TEST(breaks_ring_c_as_frontend)
{
	struct tg_msg m;
	struct hv_ring_shared *s = ring_c.front.shared;
	uint32_t port = hvg_ring_port(&ring_c);

	HVG_REQUIRE(hvg_ring_wait_peer(&ring_c, hvg_time_ns() + TG_WAIT_NS) == 0);
	for (uint32_t seq = 0; seq < EVIL_GOOD; seq++) {
		tg_fill(&m, OP_ECHO, seq);
		HVG_REQUIRE(hvg_ring_send(&ring_c, &m, sizeof(m)) == 0);
		HVG_REQUIRE(hvg_ring_recv(&ring_c, &m, sizeof(m), hvg_time_ns() + TG_WAIT_NS) == 0);
		HVG_CHECK(tg_echo_ok(&m, seq));
	}
	/* A request index half the index space ahead: "2^31 requests". */
	__atomic_store_n(&s->req_prod, ring_c.front.req_pushed + 0x80000000u, __ATOMIC_RELEASE);
	HVG_CHECK_EQ(hvg_event_send(port), 0);
	/* Back disconnects and unmaps: the port closes, the grants end. */
	HVG_CHECK(tg_port_state(port, HV_EVTCHN_DISCONNECTED));
	HVG_CHECK_EQ(tg_close(&ring_c), 0);
}

HVG_TEST_MAIN()
