/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Time and the one-shot timer: system time read without hypercalls is
 * monotonic and plausible, set_timer + block wakes the domain with
 * HV_VIRQ_TIMER no earlier than the deadline, block with a deadline wakes
 * at the deadline, a cancelled timer stays quiet, and yield returns.
 *
 * Upper bounds are generous: QEMU's TCG runs the guest at a varying
 * fraction of real speed, and the host may be busy.
 */
#include <hv/guest/guest.h>
#include <hv/guest/test.h>

/* Most a wake-up may be late by before the test calls it broken. */
#define SLACK_NS (200 * HVG_MS)

static volatile uint64_t timer_events;
static volatile uint64_t timer_event_time;

static void on_timer(uint32_t port, void *arg)
{
	(void)port;
	(void)arg;
	timer_events++;
	timer_event_time = hvg_time_ns();
}

static uint32_t timer_port(void)
{
	uint32_t port = hvg_virq_port(HV_VIRQ_TIMER);

	if (port >= HV_EVENT_PORTS) {
		hvg_test_error("no event port for HV_VIRQ_TIMER (%u)", port);
	}
	hvg_on_event(port, on_timer, NULL);
	return port;
}

HVG_TEST(time_published)
{
	const struct hv_vcpu_time_info *t = &hvg_vcpu_info()->time;
	uint64_t now = hvg_time_ns();

	hvg_test_note("system time %llu ns, mul %u shift %d, version %u", (unsigned long long)now,
	              t->tsc_to_system_mul, t->tsc_shift, t->version);
	HVG_CHECK(t->tsc_to_system_mul != 0);
	HVG_CHECK(now > 0);
	/* The hypervisor has not been up for an hour. */
	HVG_CHECK(now < 3600 * HVG_S);
	HVG_CHECK_EQ(t->version & 1, 0);
}

HVG_TEST(time_monotonic)
{
	uint64_t prev = hvg_time_ns();
	uint64_t backwards = 0;

	for (int i = 0; i < 20000; i++) {
		uint64_t now = hvg_time_ns();

		backwards += now < prev;
		prev = now;
		if (i % 1000 == 0) {
			/* Across a reschedule, when the record is rewritten. */
			hvg_yield();
		}
	}
	HVG_CHECK_EQ(backwards, 0);
}

HVG_TEST(time_advances_with_the_tsc)
{
	uint64_t t0 = hvg_time_ns();
	uint64_t c0 = hvg_rdtsc();
	uint64_t t1;
	uint64_t c1;

	hvg_spin_ns(20 * HVG_MS);
	t1 = hvg_time_ns();
	c1 = hvg_rdtsc();
	HVG_CHECK(t1 - t0 >= 20 * HVG_MS);
	HVG_CHECK(t1 - t0 < 20 * HVG_MS + SLACK_NS);
	HVG_CHECK(c1 > c0);
	hvg_test_note("20 ms of spinning: %llu ns, %llu TSC ticks", (unsigned long long)(t1 - t0),
	              (unsigned long long)(c1 - c0));
}

HVG_TEST(timer_wakes_block)
{
	uint32_t port = timer_port();
	uint64_t start = hvg_time_ns();
	uint64_t deadline = start + 10 * HVG_MS;
	uint64_t woke;

	timer_events = 0;
	HVG_CHECK_EQ(hvg_set_timer(deadline), 0);
	/* No deadline: only the timer's event can end this block. */
	HVG_CHECK_EQ(hvg_block(0), 0);
	woke = hvg_time_ns();
	HVG_CHECK_EQ(timer_events, 1);
	HVG_CHECK(woke >= deadline);
	HVG_CHECK(timer_event_time >= deadline);
	HVG_CHECK(woke < deadline + SLACK_NS);
	hvg_test_note("woke %llu ns after the deadline", (unsigned long long)(woke - deadline));
	hvg_on_event(port, NULL, NULL);
}

HVG_TEST(timer_repeatedly)
{
	uint32_t port = timer_port();
	uint64_t late_max = 0;

	timer_events = 0;
	for (int i = 0; i < 20; i++) {
		uint64_t deadline = hvg_time_ns() + 2 * HVG_MS;
		uint64_t woke;

		hvg_set_timer(deadline);
		hvg_block(deadline + SLACK_NS);
		woke = hvg_time_ns();
		if (woke < deadline) {
			hvg_test_fail("round %d woke %llu ns early", i,
			              (unsigned long long)(deadline - woke));
		} else if (woke - deadline > late_max) {
			late_max = woke - deadline;
		}
	}
	HVG_CHECK_EQ(timer_events, 20);
	HVG_CHECK(late_max < SLACK_NS);
	hvg_test_note("latest wake-up %llu ns after its deadline", (unsigned long long)late_max);
	hvg_on_event(port, NULL, NULL);
}

HVG_TEST(timer_in_the_past)
{
	uint32_t port = timer_port();
	uint64_t start = hvg_time_ns();

	timer_events = 0;
	/* A deadline that has passed fires at once: the event may even arrive
	 * before set_timer returns, so wait for it without blocking (a block
	 * after the event was taken would sleep to its deadline). */
	HVG_CHECK_EQ(hvg_set_timer(1), 0);
	while (timer_events == 0 && hvg_time_ns() < start + SLACK_NS) {
		hvg_yield();
	}
	HVG_CHECK_EQ(timer_events, 1);
	HVG_CHECK(timer_event_time < start + SLACK_NS);
	hvg_on_event(port, NULL, NULL);
}

HVG_TEST(timer_cancelled)
{
	uint32_t port = timer_port();
	uint64_t start = hvg_time_ns();

	timer_events = 0;
	HVG_CHECK_EQ(hvg_set_timer(start + 5 * HVG_MS), 0);
	HVG_CHECK_EQ(hvg_set_timer(0), 0);
	hvg_block(start + 30 * HVG_MS);
	HVG_CHECK(hvg_time_ns() >= start + 30 * HVG_MS);
	HVG_CHECK_EQ(timer_events, 0);
	hvg_on_event(port, NULL, NULL);
}

HVG_TEST(timer_rearmed)
{
	uint32_t port = timer_port();
	uint64_t start = hvg_time_ns();

	/* Arming again replaces the deadline: one event, at the second one. */
	timer_events = 0;
	hvg_set_timer(start + 50 * HVG_MS);
	hvg_set_timer(start + 10 * HVG_MS);
	hvg_block(start + 40 * HVG_MS);
	HVG_CHECK_EQ(timer_events, 1);
	HVG_CHECK(timer_event_time < start + 40 * HVG_MS);
	hvg_block(start + 80 * HVG_MS);
	HVG_CHECK_EQ(timer_events, 1);
	hvg_on_event(port, NULL, NULL);
}

HVG_TEST(block_with_deadline)
{
	uint64_t start = hvg_time_ns();
	uint64_t deadline = start + 15 * HVG_MS;
	uint64_t woke;

	/* No timer armed: the deadline alone ends the block. */
	HVG_CHECK_EQ(hvg_block(deadline), 0);
	woke = hvg_time_ns();
	HVG_CHECK(woke >= deadline);
	HVG_CHECK(woke < deadline + SLACK_NS);
	/* A deadline in the past returns at once. */
	start = hvg_time_ns();
	HVG_CHECK_EQ(hvg_block(1), 0);
	HVG_CHECK(hvg_time_ns() < start + SLACK_NS);
}

HVG_TEST(block_with_event_pending)
{
	uint32_t port = timer_port();
	uint64_t start;
	bool was_masked;

	/* With events masked the event stays pending; block must still return. */
	timer_events = 0;
	was_masked = hvg_events_disable();
	HVG_CHECK(!was_masked);
	HVG_REQUIRE(hvg_event_send(port) == 0);
	start = hvg_time_ns();
	hvg_block(start + SLACK_NS + 100 * HVG_MS);
	HVG_CHECK(hvg_time_ns() < start + SLACK_NS);
	HVG_CHECK_EQ(timer_events, 0);
	hvg_events_enable();
	HVG_CHECK_EQ(timer_events, 1);
	hvg_on_event(port, NULL, NULL);
}

HVG_TEST(sleep)
{
	uint64_t start = hvg_time_ns();

	hvg_sleep_ns(25 * HVG_MS);
	HVG_CHECK(hvg_time_ns() - start >= 25 * HVG_MS);
	HVG_CHECK(hvg_time_ns() - start < 25 * HVG_MS + SLACK_NS);
}

HVG_TEST_MAIN()
