/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Rings between domains, from the control domain (see rings.h for the
 * cast): the frontend of ring A to "back" and of ring B to "evil".
 * Messages go both ways over A with up to every slot in flight, so the
 * slots wrap around many times; evil breaks B with garbage response
 * indices, and the witness must see -HV_EPROTO, stay disconnected, and
 * get its pages back once evil has unmapped them; A carries on, before
 * and after back has been attacked in turn (ring C), and closes cleanly.
 */
#include "rings.h"

static struct hvg_ring ring_a;
static struct hvg_ring ring_b;
static uint32_t next_seq;

/*
 * Sends 'count' echo requests over A, keeping up to 'window' in flight
 * (some written in place), and checks every answer. False on a failure.
 */
static bool exchange(uint32_t count, uint32_t window)
{
	uint64_t deadline = hvg_time_ns() + 4 * TG_WAIT_NS;
	uint32_t sent = 0;
	uint32_t received = 0;
	struct tg_msg m;
	int rc;

	while (received < count) {
		while (sent < count && sent - received < window) {
			uint32_t seq = next_seq + sent;

			if (seq % 3 == 0) {
				void *slot;

				rc = hvg_ring_reserve(&ring_a, &slot);
				if (rc == 0) {
					tg_fill(slot, OP_ECHO, seq);
					rc = hvg_ring_commit(&ring_a);
				}
				if (rc == 0 && (sent + 1) % 4 == 0) {
					rc = hvg_ring_flush(&ring_a);
				}
			} else {
				tg_fill(&m, OP_ECHO, seq);
				rc = hvg_ring_send(&ring_a, &m, sizeof(m));
			}
			if (rc != 0) {
				hvg_test_fail("sending %u: %d", seq, rc);
				return false;
			}
			sent++;
		}
		/* Receiving publishes what was committed in place before it waits. */
		rc = hvg_ring_recv(&ring_a, &m, sizeof(m), deadline);
		if (rc != 0 || !tg_echo_ok(&m, next_seq + received)) {
			hvg_test_fail("answer %u: %d (seq %u)", next_seq + received, rc, m.seq);
			return false;
		}
		received++;
	}
	next_seq += count;
	return true;
}

/* Asks back over A whether ring C has broken on its side. */
static bool back_saw_c_break(void)
{
	struct tg_msg m = {.op = OP_REPORT, .seq = next_seq};

	if (hvg_ring_send(&ring_a, &m, sizeof(m)) != 0 ||
	    hvg_ring_recv(&ring_a, &m, sizeof(m), hvg_time_ns() + TG_WAIT_NS) != 0 ||
	    m.op != OP_REPORT || m.seq != next_seq) {
		hvg_test_fail("no report from back");
		hvg_test_end();
	}
	next_seq++;
	return m.data[0] == 1;
}

HVG_TEST(offers_rings)
{
	HVG_REQUIRE(hvg_start_info()->domid == DOM_WITNESS);
	HVG_REQUIRE(hvg_grant_init(1) == 0);
	/* In this order: the references are the rendezvous (rings.h). */
	HVG_CHECK_EQ(hvg_ring_offer(&ring_a, DOM_BACK, TG_RING_PAGES, TG_RING_SLOT_SIZE), REF_A);
	HVG_CHECK_EQ(hvg_ring_offer(&ring_b, DOM_EVIL, TG_RING_PAGES, TG_RING_SLOT_SIZE), REF_B);
	HVG_CHECK_EQ(hvg_ring_wait_peer(&ring_a, hvg_time_ns() + TG_WAIT_NS), 0);
	HVG_CHECK_EQ(hvg_ring_wait_peer(&ring_b, hvg_time_ns() + TG_WAIT_NS), 0);
}

/* 3000 round trips with windows of 1 to 32: the 32 slots wrap around about 100 times. */
HVG_TEST(exchanges_with_back)
{
	static const uint32_t windows[] = {1, 2, 7, TG_RING_SLOTS, 5, TG_RING_SLOTS - 1};

	for (unsigned int i = 0; i < sizeof(windows) / sizeof(windows[0]); i++) {
		HVG_REQUIRE(exchange(500, windows[i]));
	}
	hvg_test_note("%u messages each way, %u events from back", next_seq, ring_a.event_count);
	HVG_CHECK_EQ(hvg_ring_error(&ring_a), 0);
}

HVG_TEST(disconnects_a_hostile_backend)
{
	struct tg_msg m;
	int rc;

	for (uint32_t seq = 0; seq < EVIL_GOOD; seq++) {
		tg_fill(&m, OP_ECHO, seq);
		HVG_REQUIRE(hvg_ring_send(&ring_b, &m, sizeof(m)) == 0);
		HVG_REQUIRE(hvg_ring_recv(&ring_b, &m, sizeof(m), hvg_time_ns() + TG_WAIT_NS) == 0);
		HVG_CHECK(tg_echo_ok(&m, seq));
	}
	/* Evil answers the next one with responses nobody asked for. */
	tg_fill(&m, OP_ECHO, EVIL_GOOD);
	HVG_REQUIRE(hvg_ring_send(&ring_b, &m, sizeof(m)) == 0);
	rc = hvg_ring_recv(&ring_b, &m, sizeof(m), hvg_time_ns() + TG_WAIT_NS);
	HVG_CHECK_EQ(rc, -HV_EPROTO);
	/* Disconnected for good: no call touches the ring, the port is closed. */
	HVG_CHECK_EQ(hvg_ring_error(&ring_b), -HV_EPROTO);
	HVG_CHECK_EQ(hvg_ring_recv(&ring_b, &m, sizeof(m), 0), -HV_EPROTO);
	HVG_CHECK_EQ(hvg_ring_send(&ring_b, &m, sizeof(m)), -HV_EPROTO);
	HVG_CHECK_EQ(hvg_ring_flush(&ring_b), -HV_EPROTO);
	HVG_CHECK_EQ(hvg_ring_port(&ring_b), UINT32_MAX);
	/* Evil unmaps once it sees its port disconnected; then the pages come back. */
	HVG_CHECK_EQ(tg_close(&ring_b), 0);
	HVG_CHECK_EQ(ring_b.state, HVG_RING_CLOSED);
}

HVG_TEST(carries_on_with_back)
{
	uint64_t deadline = hvg_time_ns() + 2 * TG_WAIT_NS;
	bool broke;

	/* Ring A meanwhile, while evil attacks back over ring C. */
	HVG_REQUIRE(exchange(300, 4));
	while (!(broke = back_saw_c_break()) && hvg_time_ns() < deadline) {
		HVG_REQUIRE(exchange(10, 10));
		hvg_sleep_ns(HVG_MS);
	}
	HVG_CHECK(broke);
	/* Back was attacked, and serves A as before. */
	HVG_REQUIRE(exchange(1000, TG_RING_SLOTS));
	HVG_CHECK_EQ(hvg_ring_error(&ring_a), 0);
}

HVG_TEST(closes)
{
	uint64_t pages = hvg_pages_free();

	/* Back sees the port disconnected, unmaps and closes. */
	HVG_CHECK_EQ(tg_close(&ring_a), 0);
	HVG_CHECK_EQ(hvg_pages_free(), pages + 1 + TG_RING_PAGES);
	HVG_CHECK_EQ(hvg_ring_send(&ring_a, NULL, 0), -HV_ENOTCONN);
}

HVG_TEST_MAIN()
