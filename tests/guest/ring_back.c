/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Rings between domains, from "back" (see rings.h): the backend of the
 * witness's ring A and of evil's ring C, served together from one loop
 * that waits on both (events masked, each ring tried without waiting,
 * then one block). Evil breaks C with a garbage request index: back must
 * see -HV_EPROTO, lose the mapping of C at once, and go on serving A
 * until the witness closes it.
 */
#include "rings.h"

static struct hvg_ring ring_a;
static struct hvg_ring ring_c;

HVG_TEST(accepts_rings)
{
	HVG_REQUIRE(hvg_start_info()->domid == DOM_BACK);
	HVG_CHECK_EQ(hvg_ring_accept(&ring_a, DOM_WITNESS, REF_A, hvg_time_ns() + TG_WAIT_NS), 0);
	HVG_CHECK_EQ(hvg_ring_accept(&ring_c, DOM_EVIL, REF_C, hvg_time_ns() + TG_WAIT_NS), 0);
	HVG_CHECK_EQ(hvg_ring_slot_count(&ring_a), TG_RING_SLOTS);
}

/* Answers one request of A; false if the ring ended (closed by the witness). */
static bool serve_a(const struct tg_msg *req, bool c_broke)
{
	struct tg_msg m = *req;

	if (m.op == OP_ECHO) {
		tg_echo(&m);
	} else if (m.op == OP_REPORT) {
		m.data[0] = c_broke ? 1 : 0;
	} else {
		hvg_test_fail("unknown operation %u on ring A", m.op);
		hvg_ring_disconnect(&ring_a);
		return false;
	}
	return hvg_ring_send(&ring_a, &m, sizeof(m)) == 0;
}

HVG_TEST(serves_a_and_survives_c)
{
	uint64_t deadline = hvg_time_ns() + 6 * TG_WAIT_NS;
	uint32_t served_a = 0;
	uint32_t served_c = 0;
	uint8_t *c_area = ring_c.area;
	bool a_open = true;
	bool c_broke = false;
	int rc_c = 0;

	while (a_open && hvg_time_ns() < deadline) {
		struct tg_msg m;
		bool busy = false;
		bool masked = hvg_events_disable();
		int rc = hvg_ring_recv(&ring_a, &m, sizeof(m), HVG_RING_NO_WAIT);

		if (rc == 0) {
			busy = true;
			a_open = serve_a(&m, c_broke);
			served_a++;
		} else if (rc != -HV_EAGAIN) {
			HVG_CHECK_EQ(rc, -HV_ENOTCONN); /* the witness closed A */
			a_open = false;
		}
		if (!c_broke) {
			rc_c = hvg_ring_recv(&ring_c, &m, sizeof(m), HVG_RING_NO_WAIT);
			if (rc_c == 0) {
				busy = true;
				HVG_CHECK(m.op == OP_ECHO && m.seq == served_c);
				tg_echo(&m);
				HVG_CHECK_EQ(hvg_ring_send(&ring_c, &m, sizeof(m)), 0);
				served_c++;
			} else if (rc_c != -HV_EAGAIN) {
				c_broke = true;
			}
		}
		if (!busy && a_open) {
			hvg_block(deadline);
		}
		if (!masked) {
			hvg_events_enable();
		}
	}
	HVG_CHECK(!a_open);
	hvg_test_note("served %u requests on A, %u on C", served_a, served_c);
	HVG_CHECK(served_a > 4000);
	HVG_CHECK(c_broke);
	HVG_CHECK_EQ(rc_c, -HV_EPROTO);
	HVG_CHECK_EQ(served_c, EVIL_GOOD);
	/* C stays disconnected; its pages went from the map area at once. */
	HVG_CHECK_EQ(hvg_ring_error(&ring_c), -HV_EPROTO);
	HVG_CHECK_EQ(hvg_ring_recv(&ring_c, NULL, 0, HVG_RING_NO_WAIT), -HV_EPROTO);
	HVG_CHECK(tg_read_faults(c_area));
	HVG_CHECK_EQ(hvg_ring_close(&ring_c), 0);
	HVG_CHECK_EQ(hvg_ring_close(&ring_a), 0);
}

HVG_TEST_MAIN()
