/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Events on the domain's own ports: a sent event reaches its handler
 * through the upcall; a masked port keeps its event pending until it is
 * unmasked; the vCPU's upcall mask defers delivery; bad ports and
 * operations are refused.
 */
#include <hv/guest/guest.h>
#include <hv/guest/test.h>

static volatile uint64_t hits;
static volatile uint32_t last_port;
static volatile uint64_t nested_mask;

static void on_event(uint32_t port, void *arg)
{
	(void)arg;
	hits++;
	last_port = port;
	/* Upcalls run with events masked. */
	nested_mask = hvg_vcpu_info()->upcall_mask;
}

static uint32_t port_under_test(void)
{
	uint32_t port = hvg_virq_port(HV_VIRQ_TIMER);

	if (port >= HV_EVENT_PORTS) {
		hvg_test_error("no event port for HV_VIRQ_TIMER (%u)", port);
	}
	hvg_on_event(port, on_event, NULL);
	hits = 0;
	return port;
}

/* Lets the hypervisor deliver what is pending: a few null hypercalls. */
static void settle(uint64_t want)
{
	for (int i = 0; i < 100 && hits < want; i++) {
		hvg_version();
	}
}

HVG_TEST(send_to_self)
{
	uint32_t port = port_under_test();
	uint64_t upcalls = hvg_upcall_count();

	HVG_CHECK_EQ(hvg_event_send(port), 0);
	settle(1);
	HVG_CHECK_EQ(hits, 1);
	HVG_CHECK_EQ(last_port, port);
	HVG_CHECK_EQ(nested_mask, 1);
	HVG_CHECK(hvg_upcall_count() > upcalls);
	HVG_CHECK(!hvg_event_pending(port));
	HVG_CHECK_EQ(hvg_vcpu_info()->upcall_mask, 0);
	hvg_on_event(port, NULL, NULL);
}

HVG_TEST(send_many)
{
	uint32_t port = port_under_test();

	for (int i = 0; i < 100; i++) {
		hvg_event_send(port);
		settle((uint64_t)i + 1);
	}
	HVG_CHECK_EQ(hits, 100);
	/* Events do not count: two sends before a delivery are one event. */
	hvg_events_disable();
	hvg_event_send(port);
	hvg_event_send(port);
	hvg_events_enable();
	settle(102);
	HVG_CHECK_EQ(hits, 101);
	hvg_on_event(port, NULL, NULL);
}

HVG_TEST(masked_port_stays_pending)
{
	uint32_t port = port_under_test();

	hvg_event_mask(port);
	HVG_CHECK(hvg_event_masked(port));
	HVG_CHECK_EQ(hvg_event_send(port), 0);
	settle(1);
	HVG_CHECK_EQ(hits, 0);
	HVG_CHECK(hvg_event_pending(port));
	/* Unmasking delivers it. */
	HVG_CHECK_EQ(hvg_event_unmask(port), 0);
	settle(1);
	HVG_CHECK(!hvg_event_masked(port));
	HVG_CHECK_EQ(hits, 1);
	HVG_CHECK(!hvg_event_pending(port));
	/* Unmasking an unmasked port with nothing pending does nothing. */
	HVG_CHECK_EQ(hvg_event_unmask(port), 0);
	settle(2);
	HVG_CHECK_EQ(hits, 1);
	hvg_on_event(port, NULL, NULL);
}

HVG_TEST(upcall_mask_defers_delivery)
{
	uint32_t port = port_under_test();

	hvg_events_disable();
	HVG_CHECK_EQ(hvg_event_send(port), 0);
	for (int i = 0; i < 10; i++) {
		hvg_version();
		hvg_yield();
	}
	HVG_CHECK_EQ(hits, 0);
	HVG_CHECK(hvg_event_pending(port));
	HVG_CHECK_EQ(hvg_vcpu_info()->upcall_pending, 1);
	hvg_events_enable();
	settle(1);
	HVG_CHECK_EQ(hits, 1);
	hvg_on_event(port, NULL, NULL);
}

HVG_TEST(stray_event_counted)
{
	uint32_t port = hvg_virq_port(HV_VIRQ_TIMER);
	uint64_t strays = hvg_event_stray_count();

	/* No handler installed for the port: the runtime counts and drops it. */
	hvg_on_event(port, NULL, NULL);
	HVG_CHECK_EQ(hvg_event_send(port), 0);
	for (int i = 0; i < 100 && hvg_event_stray_count() == strays; i++) {
		hvg_version();
	}
	HVG_CHECK_EQ(hvg_event_stray_count(), strays + 1);
}

HVG_TEST(bad_ports_and_ops)
{
	const uint64_t bad_ports[] = {HV_EVENT_PORTS, HV_EVENT_PORTS + 1, 0xffffffffull, 1ull << 32,
	                              UINT64_MAX};
	int64_t rc;

	for (size_t i = 0; i < sizeof(bad_ports) / sizeof(bad_ports[0]); i++) {
		rc = hvg_hypercall6(HV_HC_EVENT_OP, HV_EVENT_OP_SEND, bad_ports[i], 0, 0, 0, 0);
		HVG_CHECK_EQ(rc, -HV_EINVAL);
		rc = hvg_hypercall6(HV_HC_EVENT_OP, HV_EVENT_OP_UNMASK, bad_ports[i], 0, 0, 0, 0);
		HVG_CHECK_EQ(rc, -HV_EINVAL);
	}
	rc = hvg_hypercall6(HV_HC_EVENT_OP, 99, hvg_virq_port(HV_VIRQ_TIMER), 0, 0, 0, 0);
	HVG_CHECK(rc == -HV_EINVAL || rc == -HV_ENOSYS);
	rc = hvg_hypercall6(HV_HC_EVENT_OP, UINT64_MAX, 0, 0, 0, 0, 0);
	HVG_CHECK(rc == -HV_EINVAL || rc == -HV_ENOSYS);
	/* A port bound to nothing: sending there is refused, or a no-op. */
	rc = hvg_event_send(HV_EVENT_PORTS - 1);
	hvg_test_note("send to unbound port %u: %lld", HV_EVENT_PORTS - 1, (long long)rc);
	HVG_CHECK(rc <= 0);
}

HVG_TEST(shared_page_scribbled)
{
	struct hv_shared_info *sh = hvg_shared_info();
	volatile uint8_t *bytes = (volatile uint8_t *)sh->vcpu;
	uint64_t strays = hvg_event_stray_count();
	uint64_t t0;
	uint64_t t1;

	/*
	 * The page is the guest's to scribble on, and the hypervisor must
	 * trust nothing in it: every vCPU record (time included) becomes
	 * 0xff bytes, every port pending and unmasked. Events stay masked
	 * (0xff in upcall_mask) until the hypervisor has run over the mess.
	 */
	hvg_events_disable();
	for (size_t i = 0; i < sizeof(sh->vcpu); i++) {
		bytes[i] = 0xff;
	}
	for (unsigned int w = 0; w < HV_EVENT_PORTS / 64; w++) {
		sh->evtchn_mask[w] = 0;
		sh->evtchn_pending[w] = ~0ull;
	}
	sh->wc_version = 1;
	HVG_CHECK_EQ(hvg_version(), HV_ABI_VERSION);
	HVG_CHECK_EQ(hvg_yield(), 0);
	/* Returns at once: upcall_pending is set. */
	HVG_CHECK_EQ(hvg_block(0), 0);
	/* The hypervisor has republished time on the way back. */
	HVG_CHECK_EQ(hvg_vcpu_info()->time.version & 1, 0);
	/* Every port arrives once, with no handler installed. */
	hvg_events_enable();
	HVG_CHECK_EQ(hvg_event_stray_count(), strays + HV_EVENT_PORTS);
	t0 = hvg_time_ns();
	hvg_sleep_ns(5 * HVG_MS);
	t1 = hvg_time_ns();
	HVG_CHECK(t1 >= t0 + 5 * HVG_MS && t1 < t0 + 500 * HVG_MS);
	/* And events work as before. */
	port_under_test();
	HVG_CHECK_EQ(hvg_event_send(hvg_virq_port(HV_VIRQ_TIMER)), 0);
	settle(1);
	HVG_CHECK_EQ(hits, 1);
	hvg_on_event(hvg_virq_port(HV_VIRQ_TIMER), NULL, NULL);
}

HVG_TEST_MAIN()
