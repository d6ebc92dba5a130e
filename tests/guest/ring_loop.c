/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The ring helper (<hv/guest/ring.h>) with both ends in this domain: the
 * hypervisor lets a domain grant pages to itself, map its own grants and
 * bind a loopback event channel, so one kernel can drive a frontend and a
 * backend and play the hostile peer of either by writing into the shared
 * pages itself. Covers the rendezvous (connection reference, bad
 * connection pages refused with nothing left mapped), messages through
 * slots that wrap around many times, the in-place producer, full rings,
 * deadlines, closing from either end, garbage indices from either side
 * (-HV_EPROTO, the ring disconnected, the backend's mappings gone), and
 * every page given back.
 *
 * Nothing here blocks without a deadline: a loopback has no one else to
 * wake it.
 */
#include "rings.h"

static uint16_t self;
static struct hvg_ring front;
static struct hvg_ring back;

/* A page of this domain's, granted to itself, holding a connection page to forge. */
static struct hvg_ring_conn *fake;
static uint32_t fake_ref;

/* The first free page of the map area: nothing mapped leaks if it stays the same. */
static uint64_t first_free_map_slot(void)
{
	void *p = NULL;
	int h = hvg_grant_map(self, fake_ref, true, &p);

	if (h >= 0) {
		hvg_grant_unmap((uint32_t)h);
	}
	return (uint64_t)h;
}

/* Offers a ring to this domain and accepts it. */
static void connect(unsigned int pages, size_t slot_size)
{
	int ref = hvg_ring_offer(&front, self, pages, slot_size);

	HVG_REQUIRE(ref >= 0);
	HVG_REQUIRE(hvg_ring_accept(&back, self, (uint32_t)ref, HVG_RING_NO_WAIT) == 0);
}

static void close_both(void)
{
	HVG_CHECK_EQ(hvg_ring_close(&back), 0);
	HVG_CHECK_EQ(hvg_ring_close(&front), 0);
}

HVG_TEST(rendezvous)
{
	uint64_t pages = hvg_pages_free();
	struct hv_evtchn_status st;
	void *slot;
	int ref;

	self = hvg_start_info()->domid;
	HVG_REQUIRE(hvg_grant_init(1) == 0);
	/* Before any offer: nothing there, or nothing ready. */
	HVG_CHECK_EQ(hvg_ring_accept(&back, self, HVG_RING_FIRST_CONN_REF, HVG_RING_NO_WAIT),
	             -HV_EAGAIN);
	HVG_CHECK_EQ(hvg_ring_error(&back), -HV_ENOTCONN);
	pages = hvg_pages_free();
	ref = hvg_ring_offer(&front, self, 1, TG_RING_SLOT_SIZE);
	/* The first offer after hvg_grant_init() is the convention's. */
	HVG_CHECK_EQ(ref, HVG_RING_FIRST_CONN_REF);
	HVG_CHECK_EQ(hvg_pages_free(), pages - 2);
	HVG_CHECK_EQ(hvg_ring_error(&front), 0);
	HVG_CHECK_EQ(hvg_ring_slot_count(&front), TG_RING_SLOTS);
	HVG_CHECK_EQ(hvg_ring_slot_size(&front), TG_RING_SLOT_SIZE);
	HVG_CHECK_EQ(hvg_ring_send_count(&front), TG_RING_SLOTS);
	HVG_CHECK_EQ(hvg_ring_wait_peer(&front, HVG_RING_NO_WAIT), -HV_EAGAIN);
	HVG_CHECK_EQ(hvg_evtchn_status(hvg_ring_port(&front), &st), 0);
	HVG_CHECK_EQ(st.state, HV_EVTCHN_UNBOUND);
	/* A message sent before the backend is there waits in the ring. */
	HVG_CHECK_EQ(hvg_ring_send(&front, "early", 6), 0);
	HVG_REQUIRE(hvg_ring_accept(&back, self, (uint32_t)ref, HVG_RING_NO_WAIT) == 0);
	HVG_CHECK_EQ(hvg_ring_wait_peer(&front, HVG_RING_NO_WAIT), 0);
	HVG_CHECK_EQ(hvg_ring_wait_peer(&back, HVG_RING_NO_WAIT), 0);
	HVG_CHECK_EQ(hvg_ring_slot_count(&back), TG_RING_SLOTS);
	HVG_CHECK_EQ(hvg_ring_slot_size(&back), TG_RING_SLOT_SIZE);
	HVG_CHECK_EQ(hvg_ring_send_count(&back), 0);
	HVG_CHECK_EQ(hvg_ring_reserve(&back, &slot), -HV_ENOSPC);
	HVG_CHECK(slot == NULL);
	HVG_CHECK_EQ(hvg_ring_send(&back, "x", 1), -HV_ENOSPC);
	{
		char buf[6] = {0};

		HVG_CHECK_EQ(hvg_ring_recv(&back, buf, sizeof(buf), HVG_RING_NO_WAIT), 0);
		HVG_CHECK(buf[0] == 'e' && buf[4] == 'y' && buf[5] == '\0');
		HVG_CHECK_EQ(hvg_ring_send_count(&back), 1);
		HVG_CHECK_EQ(hvg_ring_send(&back, "ok", 3), 0);
		HVG_CHECK_EQ(hvg_ring_recv(&front, buf, 3, HVG_RING_NO_WAIT), 0);
		HVG_CHECK(buf[0] == 'o' && buf[1] == 'k' && buf[2] == '\0');
	}
	/* The backend's map area holds the ring; the connection page is unmapped again. */
	HVG_CHECK(back.area != NULL);
	HVG_CHECK_EQ(hvg_grant_mapped(front.conn_ref), 0);
	HVG_CHECK_EQ(hvg_grant_mapped(front.refs[0]), 1);
	close_both();
	HVG_CHECK_EQ(hvg_pages_free(), pages);
	HVG_CHECK_EQ(hvg_ring_error(&front), -HV_ENOTCONN);
	HVG_CHECK_EQ(hvg_ring_send(&front, "x", 1), -HV_ENOTCONN);
	HVG_CHECK_EQ(hvg_ring_recv(&back, NULL, 0, HVG_RING_NO_WAIT), -HV_ENOTCONN);
	HVG_CHECK_EQ(hvg_ring_close(&front), 0); /* twice: nothing to do */
}

HVG_TEST(refuses_bad_sizes)
{
	uint64_t pages = hvg_pages_free();

	HVG_CHECK_EQ(hvg_ring_offer(&front, self, 0, 64), -HV_EINVAL);
	HVG_CHECK_EQ(hvg_ring_offer(&front, self, HVG_RING_MAX_PAGES + 1, 64), -HV_EINVAL);
	HVG_CHECK_EQ(hvg_ring_offer(&front, self, 1, 12), -HV_EINVAL);
	HVG_CHECK_EQ(hvg_ring_offer(&front, self, 1, 0), -HV_EINVAL);
	HVG_CHECK_EQ(hvg_ring_offer(&front, self, 1, 8192), -HV_EINVAL);
	HVG_CHECK_EQ(hvg_ring_offer(&front, self, 1, 4096), -HV_EINVAL); /* the header takes 64 */
	HVG_CHECK_EQ(hvg_ring_offer(&front, 0x7fff, 1, 64), -HV_EINVAL);
	HVG_CHECK_EQ(hvg_ring_offer(&front, 60, 1, 64), -HV_ENOENT);
	HVG_CHECK_EQ(hvg_ring_error(&front), -HV_ENOTCONN);
	/* Every failed offer gave its pages and grants back. */
	HVG_CHECK_EQ(hvg_pages_free(), pages);
	HVG_CHECK_EQ(hvg_ring_offer(&front, self, 1, 64), HVG_RING_FIRST_CONN_REF);
	HVG_CHECK_EQ(hvg_ring_close(&front), 0);
	HVG_CHECK_EQ(hvg_pages_free(), pages);
}

/*
 * 5000 messages in uneven batches through 32 slots: the slots wrap around
 * more than 150 times, every message arrives once and in order, and the
 * notifications come by batch, not by message.
 */
HVG_TEST(messages_wrap_around)
{
	struct tg_msg m;
	uint32_t sent = 0;
	uint32_t answered = 0;
	uint32_t received = 0;

	connect(TG_RING_PAGES, TG_RING_SLOT_SIZE);
	while (received < 5000) {
		uint32_t batch = 1 + (received * 7) % TG_RING_SLOTS;

		for (uint32_t i = 0; i < batch && sent < 5000; i++) {
			tg_fill(&m, OP_ECHO, sent);
			if (hvg_ring_send(&front, &m, sizeof(m)) != 0) {
				break;
			}
			sent++;
		}
		while (hvg_ring_recv(&back, &m, sizeof(m), HVG_RING_NO_WAIT) == 0) {
			if (m.seq != answered || m.op != OP_ECHO) {
				hvg_test_fail("request %u came as %u", answered, m.seq);
				break;
			}
			tg_echo(&m);
			HVG_CHECK_EQ(hvg_ring_send(&back, &m, sizeof(m)), 0);
			answered++;
		}
		while (hvg_ring_recv(&front, &m, sizeof(m), HVG_RING_NO_WAIT) == 0) {
			if (!tg_echo_ok(&m, received)) {
				hvg_test_fail("answer %u is wrong (seq %u)", received, m.seq);
				hvg_test_end();
			}
			received++;
		}
	}
	HVG_CHECK_EQ(sent, 5000);
	HVG_CHECK_EQ(answered, 5000);
	HVG_CHECK_EQ(front.front.req_pushed, 5000);
	HVG_CHECK_EQ(hvg_ring_error(&front), 0);
	HVG_CHECK_EQ(hvg_ring_error(&back), 0);
	hvg_test_note("events: %u to the backend, %u to the frontend, for 5000 messages",
	              back.event_count, front.event_count);
	HVG_CHECK(back.event_count < 2500 && front.event_count < 2500);
	close_both();
}

/* Messages written in place, published by batch; answers written in place too. */
HVG_TEST(in_place)
{
	struct tg_msg m;
	void *slot = NULL;

	connect(TG_RING_PAGES, TG_RING_SLOT_SIZE);
	for (uint32_t round = 0; round < 100; round++) {
		for (uint32_t i = 0; i < TG_RING_SLOTS; i++) {
			HVG_REQUIRE(hvg_ring_reserve(&front, &slot) == 0);
			tg_fill(slot, OP_ECHO, round * TG_RING_SLOTS + i);
			HVG_REQUIRE(hvg_ring_commit(&front) == 0);
		}
		HVG_CHECK_EQ(hvg_ring_reserve(&front, &slot), -HV_ENOSPC);
		HVG_CHECK(slot == NULL);
		HVG_CHECK_EQ(hvg_ring_commit(&front), -HV_ENOSPC);
		/* Nothing is published before the flush. */
		HVG_CHECK_EQ(hvg_ring_recv(&back, &m, sizeof(m), HVG_RING_NO_WAIT), -HV_EAGAIN);
		HVG_CHECK_EQ(hvg_ring_flush(&front), 0);
		for (uint32_t i = 0; i < TG_RING_SLOTS; i++) {
			HVG_REQUIRE(hvg_ring_recv(&back, &m, sizeof(m), HVG_RING_NO_WAIT) == 0);
			HVG_CHECK_EQ(m.seq, round * TG_RING_SLOTS + i);
			HVG_REQUIRE(hvg_ring_reserve(&back, &slot) == 0);
			tg_echo(&m);
			__builtin_memcpy(slot, &m, sizeof(m));
			HVG_REQUIRE(hvg_ring_commit(&back) == 0);
		}
		/* The backend's receive publishes its answers before it would wait. */
		HVG_CHECK_EQ(hvg_ring_recv(&back, &m, sizeof(m), HVG_RING_NO_WAIT), -HV_EAGAIN);
		for (uint32_t i = 0; i < TG_RING_SLOTS; i++) {
			HVG_REQUIRE(hvg_ring_recv(&front, &m, sizeof(m), HVG_RING_NO_WAIT) == 0);
			HVG_CHECK(tg_echo_ok(&m, round * TG_RING_SLOTS + i));
		}
	}
	close_both();
}

/* Full and empty rings, sizes, and a deadline. */
HVG_TEST(limits_and_deadlines)
{
	struct tg_msg m = {0};
	uint64_t start;
	uint64_t deadline;

	connect(TG_RING_PAGES, TG_RING_SLOT_SIZE);
	HVG_CHECK_EQ(hvg_ring_send(&front, &m, TG_RING_SLOT_SIZE + 1), -HV_E2BIG);
	HVG_CHECK_EQ(hvg_ring_recv(&back, &m, TG_RING_SLOT_SIZE + 1, HVG_RING_NO_WAIT), -HV_E2BIG);
	for (uint32_t i = 0; i < TG_RING_SLOTS; i++) {
		HVG_CHECK_EQ(hvg_ring_send(&front, &m, sizeof(m)), 0);
	}
	HVG_CHECK_EQ(hvg_ring_send(&front, &m, sizeof(m)), -HV_ENOSPC);
	HVG_CHECK_EQ(hvg_ring_send_count(&front), 0);
	/* Taken but not answered: the slots stay in flight. */
	for (uint32_t i = 0; i < TG_RING_SLOTS; i++) {
		HVG_CHECK_EQ(hvg_ring_recv(&back, NULL, 0, HVG_RING_NO_WAIT), 0);
	}
	HVG_CHECK_EQ(hvg_ring_send_count(&back), TG_RING_SLOTS);
	HVG_CHECK_EQ(hvg_ring_send(&front, &m, sizeof(m)), -HV_ENOSPC);
	/* Empty answers free them once received. */
	for (uint32_t i = 0; i < TG_RING_SLOTS; i++) {
		HVG_CHECK_EQ(hvg_ring_send(&back, NULL, 0), 0);
	}
	HVG_CHECK_EQ(hvg_ring_send(&back, NULL, 0), -HV_ENOSPC);
	for (uint32_t i = 0; i < TG_RING_SLOTS; i++) {
		HVG_CHECK_EQ(hvg_ring_recv(&front, NULL, 0, HVG_RING_NO_WAIT), 0);
	}
	HVG_CHECK_EQ(hvg_ring_send_count(&front), TG_RING_SLOTS);
	/* Nothing comes: the receive gives up at its deadline, not before. */
	start = hvg_time_ns();
	deadline = start + 20 * HVG_MS;
	HVG_CHECK_EQ(hvg_ring_recv(&front, &m, sizeof(m), deadline), -HV_EAGAIN);
	HVG_CHECK(hvg_time_ns() >= deadline);
	HVG_CHECK_EQ(hvg_ring_recv(&back, &m, sizeof(m), hvg_time_ns() + 5 * HVG_MS), -HV_EAGAIN);
	HVG_CHECK_EQ(hvg_ring_error(&front), 0);
	close_both();
}

/* Page-sized messages through the largest ring, and through one of nine pages. */
HVG_TEST(large_rings)
{
	static uint8_t buf[HVG_PAGE_SIZE];
	uint64_t pages = hvg_pages_free();

	connect(HVG_RING_MAX_PAGES, HVG_PAGE_SIZE);
	HVG_CHECK_EQ(hvg_ring_slot_count(&front), 64); /* 127 fit */
	HVG_CHECK_EQ(hvg_ring_slot_count(&back), 64);
	close_both();
	connect(9, HVG_PAGE_SIZE);
	HVG_CHECK_EQ(hvg_ring_slot_count(&back), 8);
	for (uint32_t seq = 0; seq < 100; seq++) {
		void *slot;

		HVG_REQUIRE(hvg_ring_reserve(&front, &slot) == 0);
		__builtin_memset(slot, (int)(seq & 0xff), HVG_PAGE_SIZE);
		HVG_REQUIRE(hvg_ring_commit(&front) == 0);
		HVG_REQUIRE(hvg_ring_flush(&front) == 0);
		HVG_REQUIRE(hvg_ring_recv(&back, buf, sizeof(buf), HVG_RING_NO_WAIT) == 0);
		HVG_CHECK(buf[0] == (uint8_t)seq && buf[HVG_PAGE_SIZE - 1] == (uint8_t)seq);
		HVG_REQUIRE(hvg_ring_send(&back, NULL, 0) == 0);
		HVG_REQUIRE(hvg_ring_recv(&front, NULL, 0, HVG_RING_NO_WAIT) == 0);
	}
	close_both();
	HVG_CHECK_EQ(hvg_pages_free(), pages);
}

/*
 * The frontend closes first: the backend learns it from the port, and the
 * frontend's close waits for the unmap, which a backend that never closes
 * refuses it (-HV_EBUSY, pages kept); once the backend has closed, it ends.
 */
HVG_TEST(closing)
{
	uint64_t pages = hvg_pages_free();
	uint32_t back_port;
	uint8_t *area;

	connect(TG_RING_PAGES, TG_RING_SLOT_SIZE);
	back_port = hvg_ring_port(&back);
	area = back.area;
	HVG_CHECK_EQ(hvg_ring_send(&front, "bye", 4), 0);
	HVG_CHECK_EQ(hvg_ring_close(&front), -HV_EBUSY); /* waits HVG_RING_CLOSE_WAIT_NS */
	HVG_CHECK_EQ(front.state, HVG_RING_CLOSING);
	HVG_CHECK(hvg_pages_free() < pages);
	HVG_CHECK(tg_port_state(back_port, HV_EVTCHN_DISCONNECTED));
	/* What was sent before the close still arrives; then the close shows. */
	HVG_CHECK_EQ(hvg_ring_recv(&back, NULL, 0, HVG_RING_NO_WAIT), 0);
	HVG_CHECK_EQ(hvg_ring_recv(&back, NULL, 0, hvg_time_ns() + TG_WAIT_NS), -HV_ENOTCONN);
	HVG_CHECK_EQ(hvg_ring_send(&back, NULL, 0), -HV_ENOTCONN);
	HVG_CHECK_EQ(hvg_ring_error(&back), 0);
	HVG_CHECK_EQ(hvg_ring_close(&back), 0);
	HVG_CHECK(tg_read_faults(area));
	HVG_CHECK(tg_port_state(back_port, HV_EVTCHN_FREE));
	HVG_CHECK_EQ(hvg_ring_close(&front), 0);
	HVG_CHECK_EQ(hvg_pages_free(), pages);

	/* The backend closes first: the frontend's receive sees it. */
	connect(TG_RING_PAGES, TG_RING_SLOT_SIZE);
	HVG_CHECK_EQ(hvg_ring_close(&back), 0);
	HVG_CHECK_EQ(hvg_ring_recv(&front, NULL, 0, hvg_time_ns() + TG_WAIT_NS), -HV_ENOTCONN);
	HVG_CHECK_EQ(hvg_ring_send(&front, "x", 1), -HV_ENOTCONN);
	HVG_CHECK_EQ(hvg_ring_wait_peer(&front, HVG_RING_NO_WAIT), -HV_ENOTCONN);
	HVG_CHECK_EQ(hvg_ring_close(&front), 0);
	HVG_CHECK_EQ(hvg_pages_free(), pages);
}

/* Every call on a disconnected end fails with -HV_EPROTO and touches nothing. */
static void check_broken(struct hvg_ring *r)
{
	uint8_t buf[8];
	void *slot = buf;

	HVG_CHECK_EQ(r->state, HVG_RING_BROKEN);
	HVG_CHECK_EQ(hvg_ring_error(r), -HV_EPROTO);
	HVG_CHECK_EQ(hvg_ring_recv(r, buf, sizeof(buf), HVG_RING_NO_WAIT), -HV_EPROTO);
	HVG_CHECK_EQ(hvg_ring_recv(r, buf, sizeof(buf), 0), -HV_EPROTO); /* would wait for ever */
	HVG_CHECK_EQ(hvg_ring_send(r, buf, sizeof(buf)), -HV_EPROTO);
	HVG_CHECK_EQ(hvg_ring_reserve(r, &slot), -HV_EPROTO);
	HVG_CHECK(slot == NULL);
	HVG_CHECK_EQ(hvg_ring_commit(r), -HV_EPROTO);
	HVG_CHECK_EQ(hvg_ring_flush(r), -HV_EPROTO);
	HVG_CHECK_EQ(hvg_ring_send_count(r), 0);
	HVG_CHECK_EQ(hvg_ring_port(r), UINT32_MAX); /* closed */
}

/*
 * The frontend (this domain, playing a hostile one) writes garbage into
 * req_prod: too far ahead (an index overflowing the ring), backwards,
 * wildly off. The backend must refuse it, disconnect, and unmap the ring.
 */
HVG_TEST(garbage_request_indices)
{
	static const int32_t garbage[] = {TG_RING_SLOTS + 1, -1, 0x40000000, INT32_MIN, -3};

	for (unsigned int k = 0; k < sizeof(garbage) / sizeof(garbage[0]); k++) {
		struct hv_ring_shared *s;
		uint32_t back_port;
		uint8_t *area;

		connect(TG_RING_PAGES, TG_RING_SLOT_SIZE);
		s = front.front.shared;
		back_port = hvg_ring_port(&back);
		area = back.area;
		/* Three good requests, answered and received: the indices are at 3. */
		for (uint32_t i = 0; i < 3; i++) {
			HVG_REQUIRE(hvg_ring_send(&front, NULL, 0) == 0);
			HVG_REQUIRE(hvg_ring_recv(&back, NULL, 0, HVG_RING_NO_WAIT) == 0);
			HVG_REQUIRE(hvg_ring_send(&back, NULL, 0) == 0);
			HVG_REQUIRE(hvg_ring_recv(&front, NULL, 0, HVG_RING_NO_WAIT) == 0);
		}
		__atomic_store_n(&s->req_prod, (uint32_t)(3 + garbage[k]), __ATOMIC_RELEASE);
		HVG_CHECK_EQ(hvg_ring_recv(&back, NULL, 0, HVG_RING_NO_WAIT), -HV_EPROTO);
		check_broken(&back);
		/* Restoring a good index does not reconnect it. */
		__atomic_store_n(&s->req_prod, 4, __ATOMIC_RELEASE);
		HVG_CHECK_EQ(hvg_ring_recv(&back, NULL, 0, HVG_RING_NO_WAIT), -HV_EPROTO);
		/* The ring is unmapped and the port closed: the frontend sees its peer gone. */
		HVG_CHECK(tg_read_faults(area));
		HVG_CHECK_EQ(hvg_grant_mapped(front.refs[0]), 0);
		HVG_CHECK(tg_port_state(hvg_ring_port(&front), HV_EVTCHN_DISCONNECTED));
		HVG_CHECK_EQ(hvg_ring_recv(&front, NULL, 0, HVG_RING_NO_WAIT), -HV_ENOTCONN);
		HVG_CHECK(tg_port_state(back_port, HV_EVTCHN_FREE));
		close_both();
	}
}

/*
 * The backend (played by this domain) publishes responses to requests
 * never made, or takes responses back: the frontend refuses, disconnects,
 * and its pages stay granted until the backend has unmapped them.
 */
HVG_TEST(garbage_response_indices)
{
	static const int32_t garbage[] = {1, 1000, -2, 0x7fffffff, -0x7fffffff};

	for (unsigned int k = 0; k < sizeof(garbage) / sizeof(garbage[0]); k++) {
		struct hv_ring_shared *s;
		uint64_t pages = hvg_pages_free();

		connect(TG_RING_PAGES, TG_RING_SLOT_SIZE);
		s = back.back.shared;
		for (uint32_t i = 0; i < 2; i++) {
			HVG_REQUIRE(hvg_ring_send(&front, NULL, 0) == 0);
		}
		HVG_REQUIRE(hvg_ring_recv(&back, NULL, 0, HVG_RING_NO_WAIT) == 0);
		HVG_REQUIRE(hvg_ring_send(&back, NULL, 0) == 0);
		HVG_REQUIRE(hvg_ring_recv(&front, NULL, 0, HVG_RING_NO_WAIT) == 0);
		/* One request is outstanding: rsp_prod may be 1 or 2, nothing else. */
		__atomic_store_n(&s->rsp_prod, (uint32_t)(2 + garbage[k]), __ATOMIC_RELEASE);
		HVG_CHECK_EQ(hvg_ring_recv(&front, NULL, 0, HVG_RING_NO_WAIT), -HV_EPROTO);
		check_broken(&front);
		HVG_CHECK(tg_port_state(hvg_ring_port(&back), HV_EVTCHN_DISCONNECTED));
		/* The backend takes the request still published, then sees its peer gone. */
		HVG_CHECK_EQ(hvg_ring_recv(&back, NULL, 0, HVG_RING_NO_WAIT), 0);
		HVG_CHECK_EQ(hvg_ring_recv(&back, NULL, 0, HVG_RING_NO_WAIT), -HV_ENOTCONN);
		/* The backend still maps the ring: the frontend keeps the pages, out of use. */
		HVG_CHECK_EQ(hvg_grant_mapped(front.refs[0]), 1);
		HVG_CHECK_EQ(hvg_ring_close(&back), 0);
		HVG_CHECK_EQ(hvg_ring_close(&front), 0);
		HVG_CHECK_EQ(hvg_pages_free(), pages);
	}
}

/* A protocol-level violation, seen above the ring, disconnects the same way. */
HVG_TEST(disconnect_by_protocol)
{
	connect(TG_RING_PAGES, TG_RING_SLOT_SIZE);
	hvg_ring_disconnect(&back);
	check_broken(&back);
	HVG_CHECK_EQ(hvg_ring_recv(&front, NULL, 0, HVG_RING_NO_WAIT), -HV_ENOTCONN);
	hvg_ring_disconnect(&back); /* again: nothing changes */
	HVG_CHECK_EQ(hvg_ring_error(&back), -HV_EPROTO);
	close_both();
	hvg_ring_disconnect(&front); /* closed: nothing happens */
	HVG_CHECK_EQ(hvg_ring_error(&front), -HV_ENOTCONN);
}

/* A ring to offer in the forged connection pages: a real one, so only the forged field is bad. */
static void forge(struct hvg_ring_conn *c)
{
	__atomic_store_n(&fake->magic, 0, __ATOMIC_RELEASE);
	__builtin_memcpy(fake, c, sizeof(*c));
}

/*
 * Forged connection pages: each breaks one rule, and accept refuses it
 * with -HV_EPROTO, leaving nothing mapped and no port bound.
 */
HVG_TEST(refuses_bad_connection_pages)
{
	struct hvg_ring_conn good;
	struct hvg_ring_conn c;
	uint64_t slot_before;
	int ref;

	fake = hvg_page_alloc();
	HVG_REQUIRE(fake != NULL);
	ref = hvg_grant_access(self, fake, true);
	HVG_REQUIRE(ref >= 0);
	fake_ref = (uint32_t)ref;
	/* A real offer provides good pages, refs and port to borrow. */
	HVG_REQUIRE(hvg_ring_offer(&front, self, 2, TG_RING_SLOT_SIZE) >= 0);
	good = *front.conn;
	slot_before = first_free_map_slot();

	/* Not complete yet (magic 0): not ready, not an error. */
	c = good;
	c.magic = 0;
	forge(&c);
	HVG_CHECK_EQ(hvg_ring_accept(&back, self, fake_ref, HVG_RING_NO_WAIT), -HV_EAGAIN);
	HVG_CHECK_EQ(hvg_ring_accept(&back, self, fake_ref, hvg_time_ns() + 10 * HVG_MS),
	             -HV_EAGAIN);

#define REFUSED(what)                                                                              \
	do {                                                                                       \
		c = good;                                                                          \
		what;                                                                              \
		forge(&c);                                                                         \
		HVG_CHECK_EQ(hvg_ring_accept(&back, self, fake_ref, HVG_RING_NO_WAIT),             \
		             -HV_EPROTO);                                                          \
		HVG_CHECK_EQ(hvg_ring_error(&back), -HV_ENOTCONN);                                 \
		HVG_CHECK_EQ(first_free_map_slot(), slot_before);                                  \
	} while (0)

	REFUSED(c.magic = 0x1234);
	REFUSED(c.version = 2);
	REFUSED(c.reserved[1] = 1);
	REFUSED(c.page_count = 0);
	REFUSED(c.page_count = HVG_RING_MAX_PAGES + 1);
	REFUSED(c.page_count = UINT32_MAX);
	REFUSED(c.slot_size = 12);
	REFUSED(c.slot_size = 0);
	REFUSED(c.slot_size = 8192);
	REFUSED(c.slot_size = 8192; c.page_count = 1);
	REFUSED(c.port = HV_EVENT_PORTS);
	REFUSED(c.port = UINT32_MAX);
	REFUSED(c.refs[1] = c.refs[0]);                 /* the same page twice */
	REFUSED(c.refs[1] = fake_ref);                  /* the connection page itself */
	REFUSED(c.refs[0] = HV_GRANT_REFS_MAX);         /* out of any table */
	REFUSED(c.refs[0] = HV_GRANT_ENTRIES_PER_PAGE); /* beyond this table */
	REFUSED(c.refs[1] = 200);                       /* an empty grant: the map is refused */
	REFUSED(c.refs[1] = fake_ref + 1000);
	REFUSED(c.port = hvg_ring_port(&front) + 1); /* a port nobody offered */
	REFUSED(c.port = 0);                         /* a VIRQ port */

	/* The real connection page still works, and its reference is the offer's. */
	HVG_CHECK_EQ(hvg_ring_accept(&back, self, front.conn_ref, HVG_RING_NO_WAIT), 0);
	HVG_CHECK_EQ(hvg_ring_wait_peer(&front, HVG_RING_NO_WAIT), 0);
	close_both();
	HVG_CHECK_EQ(hvg_grant_end(fake_ref), 0);
	hvg_page_free(fake);
}

/* Two rings at once, and rings offered one after another reuse pages and references. */
HVG_TEST(many_rings)
{
	static struct hvg_ring f2;
	static struct hvg_ring b2;
	uint64_t pages = hvg_pages_free();
	uint64_t strays = hvg_event_stray_count();
	char buf[4];

	for (unsigned int round = 0; round < 20; round++) {
		int r1 = hvg_ring_offer(&front, self, 1 + round % 3, TG_RING_SLOT_SIZE);
		int r2 = hvg_ring_offer(&f2, self, 2, 128);

		HVG_REQUIRE(r1 >= 0 && r2 >= 0 && r1 != r2);
		HVG_REQUIRE(hvg_ring_accept(&b2, self, (uint32_t)r2, HVG_RING_NO_WAIT) == 0);
		HVG_REQUIRE(hvg_ring_accept(&back, self, (uint32_t)r1, HVG_RING_NO_WAIT) == 0);
		HVG_CHECK(front.area + (size_t)front.page_count * HVG_PAGE_SIZE <= f2.area ||
		          f2.area + (size_t)f2.page_count * HVG_PAGE_SIZE <= front.area);
		HVG_CHECK_EQ(hvg_ring_send(&front, "one", 4), 0);
		HVG_CHECK_EQ(hvg_ring_send(&f2, "two", 4), 0);
		HVG_CHECK_EQ(hvg_ring_recv(&b2, buf, 4, HVG_RING_NO_WAIT), 0);
		HVG_CHECK(buf[0] == 't');
		HVG_CHECK_EQ(hvg_ring_recv(&back, buf, 4, HVG_RING_NO_WAIT), 0);
		HVG_CHECK(buf[0] == 'o');
		HVG_CHECK_EQ(hvg_ring_close(&b2), 0);
		HVG_CHECK_EQ(hvg_ring_close(&f2), 0);
		close_both();
	}
	HVG_CHECK_EQ(hvg_pages_free(), pages);
	HVG_CHECK_EQ(hvg_event_stray_count(), strays); /* every event found its ring's handler */
}

HVG_TEST_MAIN()
