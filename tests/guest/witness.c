/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The witness of the containment tests: a healthy domain that runs next to
 * an offender. It is the control domain, so the run passes when it powers
 * off whatever the offender did, and the hypervisor tells it with
 * HV_VIRQ_DOM_EXC when the offender has crashed. It waits for that, fills
 * memory with a pattern, sleeps and computes for a while, then checks that
 * its memory, its time and its exception handling are still as they were.
 */
#include <hv/guest/guest.h>
#include <hv/guest/test.h>

#define PATTERN_WORDS 8192 /* 64 KiB */

static uint64_t pattern[PATTERN_WORDS];

static volatile uint64_t dom_exc_events;

static void on_dom_exc(uint32_t port, void *arg)
{
	(void)port;
	(void)arg;
	dom_exc_events++;
}

static uint64_t word(size_t i)
{
	return 0x9e3779b97f4a7c15ull * (i + 1);
}

HVG_TEST(told_of_the_crash)
{
	uint64_t deadline = hvg_time_ns() + 5 * HVG_S;

	if (!(hvg_start_info()->flags & HV_START_F_CONTROL)) {
		hvg_test_skip("not the control domain: no HV_VIRQ_DOM_EXC");
	}
	while (dom_exc_events == 0 && hvg_time_ns() < deadline) {
		hvg_sleep_ns(10 * HVG_MS);
	}
	HVG_CHECK(dom_exc_events > 0);
}

HVG_TEST(outlives_offender)
{
	struct hvg_fault f;
	uint64_t start = hvg_time_ns();
	uint64_t prev = start;
	size_t bad = 0;

	for (size_t i = 0; i < PATTERN_WORDS; i++) {
		pattern[i] = word(i);
	}
	/* 200 ms in 10 ms steps, half asleep and half computing. */
	for (int step = 0; step < 20; step++) {
		uint64_t now;

		if (step % 2 == 0) {
			hvg_sleep_ns(10 * HVG_MS);
		} else {
			hvg_spin_ns(10 * HVG_MS);
		}
		now = hvg_time_ns();
		HVG_CHECK(now >= prev);
		prev = now;
	}
	HVG_CHECK(prev - start >= 200 * HVG_MS);
	for (size_t i = 0; i < PATTERN_WORDS; i++) {
		bad += pattern[i] != word(i);
	}
	HVG_CHECK_EQ(bad, 0);
	HVG_CATCH_FAULT(HVG_VEC_UD, &f, __asm__ volatile("ud2"));
	HVG_CHECK(f.happened);
	HVG_CHECK_EQ(f.vector, HVG_VEC_UD);
}

int main(const struct hv_start_info *si)
{
	/* Before the runner enables events: the offender may have crashed
	 * already, and its event must not arrive with no handler. */
	if (si->flags & HV_START_F_CONTROL) {
		hvg_on_event(si->virq_port[HV_VIRQ_DOM_EXC], on_dom_exc, NULL);
	}
	return hvg_test_main(si);
}
