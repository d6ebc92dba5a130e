/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Virtual time and time slicing, with a second domain, "hog", that
 * computes from system time 1.0 s to 2.5 s. Alone, this domain's virtual
 * time grows with system time while it computes (fast hypercalls
 * included), is current at every read without a hypercall and never goes
 * back, and stands still while it sleeps; while both compute, the
 * scheduler shares the CPU, so virtual time grows markedly slower than
 * system time, and both domains keep their own SSE registers across every
 * preemption.
 *
 * Times are absolute system times, the only clock the two domains share.
 */
#include <hv/guest/guest.h>
#include <hv/guest/test.h>

#include "sse.h"

#define HOG_START (1000 * HVG_MS)
#define HOG_END   (2500 * HVG_MS)

/* Skips the test unless it can end (in 'need' ns) before the hog starts. */
static void need_the_cpu_alone(uint64_t need)
{
	if (hvg_time_ns() + need > HOG_START) {
		hvg_test_skip("started too late (%llu ns): the hog is about to run",
		              (unsigned long long)hvg_time_ns());
	}
}

HVG_TEST(grows_while_running_alone)
{
	uint64_t r0;
	uint64_t t0;
	uint64_t r1;
	uint64_t t1;

	need_the_cpu_alone(200 * HVG_MS);
	/* Virtual time is read inside the system-time interval. */
	t0 = hvg_time_ns();
	r0 = hvg_run_time_ns();
	hvg_spin_ns(100 * HVG_MS);
	r1 = hvg_run_time_ns();
	t1 = hvg_time_ns();
	hvg_test_note("alone: %llu ns of virtual time in %llu ns", (unsigned long long)(r1 - r0),
	              (unsigned long long)(t1 - t0));
	/* Nearly all of it: only the hypervisor's own work is missing. */
	HVG_CHECK(r1 - r0 >= (t1 - t0) * 8 / 10);
	HVG_CHECK(r1 - r0 <= t1 - t0);
}

HVG_TEST(current_and_monotonic_without_hypercalls)
{
	uint64_t end;
	uint64_t prev;
	uint64_t reads = 0;
	uint64_t steps = 0;

	need_the_cpu_alone(100 * HVG_MS);
	/* 30 ms alone: many time slices end meanwhile, each with an exit. */
	end = hvg_time_ns() + 30 * HVG_MS;
	prev = hvg_run_time_ns();
	while (hvg_time_ns() < end) {
		uint64_t now = hvg_run_time_ns();

		if (now < prev) {
			hvg_test_fail("virtual time went back from %llu to %llu ns",
			              (unsigned long long)prev, (unsigned long long)now);
			return;
		}
		steps += now > prev;
		reads++;
		prev = now;
	}
	hvg_test_note("%llu reads, %llu of them later than the one before",
	              (unsigned long long)reads, (unsigned long long)steps);
	/* It moves between reads, not only when the hypervisor republishes it. */
	HVG_CHECK(steps >= reads / 2);
}

HVG_TEST(counts_fast_hypercalls)
{
	uint64_t t0;
	uint64_t r0;
	uint64_t r1;
	uint64_t t1;
	uint64_t calls = 0;

	need_the_cpu_alone(100 * HVG_MS);
	t0 = hvg_time_ns();
	r0 = hvg_run_time_ns();
	while (hvg_time_ns() < t0 + 30 * HVG_MS) {
		hvg_version();
		calls++;
	}
	r1 = hvg_run_time_ns();
	t1 = hvg_time_ns();
	hvg_test_note("%llu version calls: %llu ns of virtual time in %llu ns",
	              (unsigned long long)calls, (unsigned long long)(r1 - r0),
	              (unsigned long long)(t1 - t0));
	/* The hypervisor's time in fast hypercalls is the vCPU's run time. */
	HVG_CHECK(r1 - r0 >= (t1 - t0) * 8 / 10);
	HVG_CHECK(r1 - r0 <= t1 - t0);
}

HVG_TEST(stands_still_while_blocked)
{
	uint64_t r0 = hvg_run_time_ns();
	uint64_t r1;

	hvg_sleep_ns(100 * HVG_MS);
	r1 = hvg_run_time_ns();
	hvg_test_note("asleep 100 ms: %llu ns of virtual time", (unsigned long long)(r1 - r0));
	HVG_CHECK(r1 - r0 < 10 * HVG_MS);
}

HVG_TEST(shared_cpu)
{
	uint64_t r0;
	uint64_t t0;
	uint64_t r1;
	uint64_t t1;
	unsigned int bad = 0;
	uint64_t rounds = 0;

	hvg_sleep_until(HOG_START + 200 * HVG_MS);
	t0 = hvg_time_ns();
	r0 = hvg_run_time_ns();
	while (hvg_time_ns() < HOG_END - 300 * HVG_MS) {
		bad += tg_sse_hold(0x1111000000000000ull + rounds, 200000);
		rounds++;
	}
	r1 = hvg_run_time_ns();
	t1 = hvg_time_ns();
	hvg_test_note("with the hog: %llu ns of virtual time in %llu ns, %llu rounds",
	              (unsigned long long)(r1 - r0), (unsigned long long)(t1 - t0),
	              (unsigned long long)rounds);
	HVG_CHECK_EQ(bad, 0);
	/* About half; anything from a fifth to four fifths shows slicing. */
	HVG_CHECK(r1 - r0 <= (t1 - t0) * 8 / 10);
	HVG_CHECK(r1 - r0 >= (t1 - t0) * 2 / 10);
}

HVG_TEST_MAIN()
