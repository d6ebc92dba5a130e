/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Event channels from the control domain (see evtchn.h for the cast):
 * offers to the other domains, a ping-pong of PING_ROUNDS round trips with
 * the peer, the peer's close and the crasher's death seen as disconnected
 * ports, the intruder refused, and every operation on its own ports with
 * bad input: loopback channels, masking, VIRQ rebinding, closed ports.
 */
#include "evtchn.h"

static volatile uint64_t hits[HV_EVENT_PORTS];

static void count(uint32_t port, void *arg)
{
	(void)arg;
	hits[port]++;
}

/* Waits up to 2 s for the handler of 'port' to have run 'n' times. */
static bool wait_hits(uint32_t port, uint64_t n)
{
	uint64_t deadline = hvg_time_ns() + 2000 * HVG_MS;

	while (hits[port] < n && hvg_time_ns() < deadline) {
		hvg_block(deadline);
	}
	return hits[port] >= n;
}

HVG_TEST(offers_ports)
{
	struct hv_evtchn_status st;

	HVG_REQUIRE(hvg_start_info()->domid == DOM_WITNESS);
	/* Handlers first: the peers may bind, which raises the port, at once. */
	for (uint32_t p = PORT_PING; p <= PORT_TO_CRASHER; p++) {
		hvg_on_event(p, count, NULL);
	}
	HVG_CHECK_EQ(hvg_evtchn_alloc_unbound(DOM_PEER), PORT_PING);
	HVG_CHECK_EQ(hvg_evtchn_alloc_unbound(DOM_PEER), PORT_UNTAKEN);
	HVG_CHECK_EQ(hvg_evtchn_alloc_unbound(DOM_CRASHER), PORT_TO_CRASHER);
	HVG_CHECK_EQ(hvg_evtchn_status(PORT_UNTAKEN, &st), 0);
	HVG_CHECK_EQ(st.state, HV_EVTCHN_UNBOUND);
	HVG_CHECK_EQ(st.remote_domid, DOM_PEER);
	HVG_CHECK_EQ(st.port, PORT_UNTAKEN);
	/* Not bound yet: nothing to notify. */
	HVG_CHECK_EQ(hvg_event_send(PORT_UNTAKEN), -HV_ENOTCONN);
}

/*
 * The intruder offered a port to the peer: control rights do not open it.
 * The intruder keeps trying the witness's untaken offer until it is closed
 * here, so it is alive meanwhile; it is closed once the intruder says it
 * has been refused.
 */
HVG_TEST(cannot_take_a_port_offered_to_another)
{
	HVG_CHECK_EQ(tg_bind_when_offered(DOM_INTRUDER, PORT_INTRUDERS_OFFER), -HV_EPERM);
	HVG_CHECK_EQ(hvg_evtchn_bind_interdomain(DOM_INTRUDER, HV_EVENT_PORTS), -HV_EINVAL);
	HVG_CHECK_EQ(hvg_evtchn_bind_interdomain(DOM_INTRUDER, 0), -HV_EBUSY); /* a VIRQ port */
	HVG_CHECK_EQ(hvg_evtchn_bind_interdomain(60, 0), -HV_ENOENT);
	HVG_CHECK_EQ(hvg_evtchn_bind_interdomain(0x7fff, 0), -HV_EINVAL);
	HVG_CHECK_EQ(tg_bind_when_offered(DOM_INTRUDER, PORT_INTRUDER_REFUSED), -HV_EPERM);
	HVG_CHECK_EQ(hvg_evtchn_close(PORT_UNTAKEN), 0);
}

HVG_TEST(ping_pong_with_the_peer)
{
	struct hv_evtchn_status st;

	/* The peer's bind raises the offered port. */
	HVG_REQUIRE(wait_hits(PORT_PING, 1));
	HVG_CHECK_EQ(hvg_evtchn_status(PORT_PING, &st), 0);
	HVG_CHECK_EQ(st.state, HV_EVTCHN_INTERDOMAIN);
	HVG_CHECK_EQ(st.remote_domid, DOM_PEER);
	hits[PORT_PING] = 0;
	for (uint64_t i = 1; i <= PING_ROUNDS; i++) {
		HVG_CHECK_EQ(hvg_event_send(PORT_PING), 0);
		if (!wait_hits(PORT_PING, i)) {
			hvg_test_fail("no answer to ping %llu", (unsigned long long)i);
			break;
		}
	}
	HVG_CHECK_EQ(hits[PORT_PING], PING_ROUNDS);
}

HVG_TEST(sees_the_peer_close)
{
	HVG_CHECK(tg_wait_state(PORT_PING, HV_EVTCHN_DISCONNECTED));
	HVG_CHECK_EQ(hvg_event_send(PORT_PING), -HV_ENOTCONN);
	/* The close raised it too, perhaps together with the last answer. */
	HVG_CHECK(hvg_event_pending(PORT_PING) || hits[PORT_PING] >= PING_ROUNDS);
	HVG_CHECK_EQ(hvg_evtchn_close(PORT_PING), 0);
	HVG_CHECK_EQ(hvg_evtchn_close(PORT_PING), -HV_ENOENT);
}

HVG_TEST(sees_the_crasher_die)
{
	HVG_CHECK(tg_wait_state(PORT_TO_CRASHER, HV_EVTCHN_DISCONNECTED));
	HVG_CHECK_EQ(hvg_event_send(PORT_TO_CRASHER), -HV_ENOTCONN);
	HVG_CHECK_EQ(hvg_evtchn_close(PORT_TO_CRASHER), 0);
}

HVG_TEST(loopback_channel)
{
	struct hv_evtchn_status st;
	int a = hvg_evtchn_alloc_unbound(DOM_WITNESS);
	int b;

	HVG_REQUIRE(a >= 0);
	hits[a] = 0;
	hvg_on_event((uint32_t)a, count, NULL);
	b = hvg_evtchn_bind_interdomain(DOM_WITNESS, (uint32_t)a);
	HVG_REQUIRE(b >= 0 && a != b);
	hits[b] = 0;
	hvg_on_event((uint32_t)b, count, NULL);
	HVG_CHECK(wait_hits((uint32_t)a, 1)); /* the bind */
	HVG_CHECK_EQ(hvg_evtchn_status((uint32_t)b, &st), 0);
	HVG_CHECK_EQ(st.state, HV_EVTCHN_INTERDOMAIN);
	HVG_CHECK_EQ(st.remote_domid, DOM_WITNESS);
	HVG_CHECK_EQ(st.remote_port, (uint32_t)a);
	HVG_CHECK_EQ(hvg_event_send((uint32_t)b), 0);
	HVG_CHECK(wait_hits((uint32_t)a, 2));
	HVG_CHECK_EQ(hvg_event_send((uint32_t)a), 0);
	HVG_CHECK(wait_hits((uint32_t)b, 1));
	/* Masked: the event stays pending, then comes on unmask. */
	HVG_CHECK_EQ(hvg_hypercall2(HV_HC_EVENT_OP, HV_EVENT_OP_MASK, (uint64_t)a), 0);
	HVG_CHECK(hvg_event_masked((uint32_t)a));
	HVG_CHECK_EQ(hvg_event_send((uint32_t)b), 0);
	HVG_CHECK_EQ(hvg_event_send((uint32_t)b), 0);
	hvg_sleep_ns(HVG_MS);
	HVG_CHECK_EQ(hits[a], 2);
	HVG_CHECK_EQ(hvg_evtchn_status((uint32_t)a, &st), 0);
	HVG_CHECK_EQ(st.pending, 1);
	HVG_CHECK_EQ(st.masked, 1);
	HVG_CHECK_EQ(hvg_event_unmask((uint32_t)a), 0);
	HVG_CHECK(wait_hits((uint32_t)a, 3));
	hvg_sleep_ns(HVG_MS);
	HVG_CHECK_EQ(hits[a], 3); /* two sends while masked: one event */
	/* Closing one end disconnects and raises the other. */
	HVG_CHECK_EQ(hvg_evtchn_close((uint32_t)a), 0);
	HVG_CHECK(wait_hits((uint32_t)b, 2));
	HVG_CHECK_EQ(hvg_evtchn_status((uint32_t)b, &st), 0);
	HVG_CHECK_EQ(st.state, HV_EVTCHN_DISCONNECTED);
	HVG_CHECK_EQ(hvg_event_send((uint32_t)b), -HV_ENOTCONN);
	HVG_CHECK_EQ(hvg_evtchn_close((uint32_t)b), 0);
	hvg_on_event((uint32_t)a, NULL, NULL);
	hvg_on_event((uint32_t)b, NULL, NULL);
}

HVG_TEST(rebinds_the_timer_virq)
{
	uint32_t old = hvg_virq_port(HV_VIRQ_TIMER);
	int port;

	HVG_CHECK_EQ(hvg_evtchn_bind_virq(HV_VIRQ_TIMER), -HV_EEXIST);
	HVG_CHECK_EQ(hvg_evtchn_bind_virq(HV_VIRQ_COUNT), -HV_EINVAL);
	HVG_CHECK_EQ(hvg_evtchn_close(old), 0);
	HVG_CHECK_EQ(hvg_virq_port(HV_VIRQ_TIMER), UINT32_MAX);
	port = hvg_evtchn_bind_virq(HV_VIRQ_TIMER);
	HVG_REQUIRE(port >= 0);
	HVG_CHECK_EQ(hvg_virq_port(HV_VIRQ_TIMER), (uint32_t)port);
	hvg_on_event((uint32_t)port, count, NULL);
	HVG_CHECK_EQ(hvg_set_timer(hvg_time_ns() + HVG_MS), 0);
	HVG_CHECK(wait_hits((uint32_t)port, 1));
	hvg_on_event((uint32_t)port, NULL, NULL);
}

HVG_TEST(refuses_bad_ports)
{
	struct hv_evtchn_status st;

	HVG_CHECK_EQ(hvg_event_send(HV_EVENT_PORTS), -HV_EINVAL);
	HVG_CHECK_EQ(hvg_event_send(HV_EVENT_PORTS - 1), -HV_ENOENT);
	HVG_CHECK_EQ(hvg_evtchn_close(HV_EVENT_PORTS), -HV_EINVAL);
	HVG_CHECK_EQ(hvg_evtchn_close(HV_EVENT_PORTS - 1), -HV_ENOENT);
	HVG_CHECK_EQ(hvg_evtchn_status(HV_EVENT_PORTS, &st), -HV_EINVAL);
	HVG_CHECK_EQ(hvg_evtchn_status(0, NULL), -HV_EFAULT);
	HVG_CHECK_EQ(hvg_evtchn_status(HV_EVENT_PORTS - 1, &st), 0);
	HVG_CHECK_EQ(st.state, HV_EVTCHN_FREE);
	HVG_CHECK_EQ(hvg_evtchn_alloc_unbound(60), -HV_ENOENT);
	HVG_CHECK_EQ(hvg_evtchn_alloc_unbound(0xffff), -HV_EINVAL);
	HVG_CHECK_EQ(hvg_hypercall2(HV_HC_EVENT_OP, HV_EVENT_OP_MASK, HV_EVENT_PORTS), -HV_EINVAL);
	HVG_CHECK_EQ(hvg_hypercall2(HV_HC_EVENT_OP, 99, 0), -HV_EINVAL);
}

/* Every port can be used, and given back. */
HVG_TEST(fills_the_port_table)
{
	int first = -1;
	int last = -1;
	int port;
	int n = 0;

	while ((port = hvg_evtchn_alloc_unbound(DOM_WITNESS)) >= 0) {
		first = first < 0 ? port : first;
		last = port;
		n++;
	}
	HVG_CHECK_EQ(port, -HV_ENOSPC);
	HVG_CHECK_EQ(last, HV_EVENT_PORTS - 1);
	hvg_test_note("%d ports taken, %d to %d", n, first, last);
	for (int p = first; p <= last; p++) {
		HVG_CHECK_EQ(hvg_evtchn_close((uint32_t)p), 0);
	}
	HVG_CHECK_EQ(hvg_evtchn_alloc_unbound(DOM_WITNESS), first);
	HVG_CHECK_EQ(hvg_evtchn_close((uint32_t)first), 0);
}

HVG_TEST_MAIN()
