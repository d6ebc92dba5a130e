/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of the cyclic-partition scheduler module
 * (libhv/sched/cyclic.c), driven through its ops table on a fake clock
 * (sched_sim.h): windows exact over many major frames, also when the core
 * asks late; the window of a domain that cannot run stays idle; a domain's
 * vCPUs take turns; nothing runs without a schedule; parameter validation.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "sched_sim.h"

#define US UINT64_C(1000)

#define FRAME (10 * MS)

/*
 * Windows given out of order: domain 2 at 8-10 ms, domain 0 at 0-2 ms,
 * domain 1 at 3-7 ms; idle at 2-3 and 7-8 ms.
 */
static const struct hv_sched_cyclic_window windows[] = {
        {.domid = 2, .offset_ns = 8 * MS, .length_ns = 2 * MS},
        {.domid = 0, .offset_ns = 0, .length_ns = 2 * MS},
        {.domid = 1, .offset_ns = 3 * MS, .length_ns = 4 * MS},
};

static struct hv_sched_params plan(void)
{
	struct hv_sched_params p = {.kind = HV_SCHED_KIND_CYCLIC};

	p.cyclic.major_frame_ns = FRAME;
	p.cyclic.window_count = 3;
	for (int i = 0; i < 3; i++) {
		p.cyclic.windows[i] = windows[i];
	}
	return p;
}

/* Which domain owns time t (from the epoch), or -1 for idle time. */
static int owner(uint64_t t)
{
	uint64_t pos = t % FRAME;

	for (int i = 0; i < 3; i++) {
		if (pos >= windows[i].offset_ns &&
		    pos < windows[i].offset_ns + windows[i].length_ns) {
			return windows[i].domid;
		}
	}
	return -1;
}

static void setup_three(void)
{
	struct hv_sched_params p = plan();

	sim_init(&hv_sched_cyclic, MS);
	/* The schedule may come before the vCPUs. */
	assert_int_equal(hv_sched_call_set_params(&sim.s, 0, &p), 0);
	sim_add_runnable(3);
}

static void test_cyclic_registers(void **state)
{
	(void)state;
	fake_port_reset();
	assert_int_equal(hv_sched_setup(&hv_sched_cyclic, MS), 0);
}

static void test_cyclic_windows_exact(void **state)
{
	uint32_t seed = 7;
	uint64_t late_total = 0;

	(void)state;
	setup_three();
	/* The epoch is the first decision; start it away from 0. */
	sim.now = 123 * US;
	for (int k = 0; sim.now < 123 * US + 1000 * FRAME; k++) {
		uint64_t slice = 0;
		uint64_t t;
		struct hv_sched_vcpu *v;
		int want;

		/* Now and then the core asks late (an exit came after the deadline). */
		if (k % 5 == 4) {
			seed = seed * 1103515245u + 12345u;
			sim.now += (seed >> 8) % (50 * US);
			late_total += 1;
		}
		t = sim.now - 123 * US;
		v = hv_sched_cyclic.pick_next(&sim.s, sim.now, &slice);
		want = owner(t);
		assert_true(slice > 0);
		if (want < 0) {
			assert_null(v);
		} else {
			assert_non_null(v);
			assert_int_equal(v->domid, want);
		}
		/* The slice ends exactly where the window (or the idle time) does. */
		assert_true(owner(t + slice - 1) == want);
		assert_true(owner(t + slice) != want);
		if (v != NULL) {
			sim.ran[v->domid] += slice;
		} else {
			sim.idle += slice;
		}
		sim.now += slice;
	}
	assert_true(late_total > 100);
	/* Over 1000 frames: no window drifted, so each domain's time is its windows' less lateness.
	 */
	assert_true(sim.ran[0] <= 1000 * 2 * MS && sim.ran[0] > 1000 * 2 * MS * 98 / 100);
	assert_true(sim.ran[1] <= 1000 * 4 * MS && sim.ran[1] > 1000 * 4 * MS * 98 / 100);
	assert_true(sim.ran[2] <= 1000 * 2 * MS && sim.ran[2] > 1000 * 2 * MS * 98 / 100);
}

static void test_cyclic_exact_on_time(void **state)
{
	(void)state;
	setup_three();
	sim_run_until(1000 * FRAME);
	assert_int_equal(sim.now, 1000 * FRAME);
	assert_int_equal(sim.ran[0], 1000 * 2 * MS);
	assert_int_equal(sim.ran[1], 1000 * 4 * MS);
	assert_int_equal(sim.ran[2], 1000 * 2 * MS);
	assert_int_equal(sim.idle, 1000 * 2 * MS);
}

static void test_cyclic_absent_domain_idles(void **state)
{
	(void)state;
	setup_three();
	sim_sleep(1);
	sim_run_until(100 * FRAME);
	/* Domain 1's window stays idle: nobody else gets it. */
	assert_int_equal(sim.ran[0], 100 * 2 * MS);
	assert_int_equal(sim.ran[1], 0);
	assert_int_equal(sim.ran[2], 100 * 2 * MS);
	assert_int_equal(sim.idle, 100 * 6 * MS);
	/* It wakes mid-window: the rest of its window is its own. */
	sim.wake_at[1] = 100 * FRAME + 4 * MS;
	sim_run_until(101 * FRAME);
	assert_int_equal(sim.ran[1], 3 * MS);
	/* And it blocks mid-window: the rest stays idle. */
	sim.burst[1] = MS;
	sim_sleep(1);
	sim_wake(1);
	sim_run_until(102 * FRAME);
	assert_int_equal(sim.ran[1], 4 * MS);
	assert_int_equal(sim.idle, 100 * 6 * MS + 3 * MS + 5 * MS);
}

static void test_cyclic_vcpus_take_turns(void **state)
{
	struct hv_sched_params p = plan();

	(void)state;
	sim_init(&hv_sched_cyclic, MS);
	assert_int_equal(hv_sched_call_set_params(&sim.s, 0, &p), 0);
	/* Domain 1 has two vCPUs (indices 1 and 3). */
	sim_add_runnable(3);
	sim_add(3, 1);
	sim_wake(3);
	sim_run_until(100 * FRAME);
	assert_int_equal(sim.ran[1] + sim.ran[3], 100 * 4 * MS);
	assert_int_equal(sim.ran[1], sim.ran[3]);
	hv_sched_cyclic.dump(&sim.s);
	assert_true(fake_console_contains("hv: sched cyclic: major frame 10000000 ns, 3 windows\n"
	                                  "hv: sched cyclic:   +0 ns for 2000000 ns: domain 0\n"));
	sim_sleep(0);
	hv_sched_cyclic.remove_vcpu(&sim.s, &sim.v[0]);
	hv_sched_cyclic.remove_vcpu(&sim.s, &sim.v[0]); /* no longer queued */
	hv_sched_cyclic.dump(&sim.s);
	assert_true(fake_console_contains("domain 0 (not runnable)\n"));
}

static void test_cyclic_no_schedule(void **state)
{
	uint64_t slice = 99;
	struct hv_sched_params p;
	struct hv_sched_vcpu alien = {.domid = HV_CONFIG_MAX_DOMAINS, .priv = sim.vpriv[0]};

	(void)state;
	sim_init(&hv_sched_cyclic, MS);
	assert_int_equal(hv_sched_cyclic.add_vcpu(&sim.s, &alien), -HV_EINVAL);
	sim_add_runnable(2);
	assert_null(hv_sched_cyclic.pick_next(&sim.s, 0, &slice));
	assert_int_equal(slice, 0);
	assert_int_equal(hv_sched_call_get_params(&sim.s, 0, &p), 0);
	assert_int_equal(p.kind, HV_SCHED_KIND_CYCLIC);
	assert_int_equal(p.cyclic.window_count, 0);
}

static void test_cyclic_params(void **state)
{
	struct hv_sched_params p = plan();
	struct hv_sched_params before;
	struct hv_sched_params got;

	(void)state;
	sim_init(&hv_sched_cyclic, MS);
	assert_int_equal(hv_sched_call_set_params(&sim.s, 0, &p), 0);
	assert_int_equal(hv_sched_call_get_params(&sim.s, 5, &before), 0);
	/* Read back sorted by offset. */
	assert_int_equal(before.cyclic.major_frame_ns, FRAME);
	assert_int_equal(before.cyclic.window_count, 3);
	assert_int_equal(before.cyclic.windows[0].domid, 0);
	assert_int_equal(before.cyclic.windows[1].domid, 1);
	assert_int_equal(before.cyclic.windows[2].domid, 2);

	for (int k = 0; k < 11; k++) {
		struct hv_sched_params bad = plan();
		struct hv_sched_cyclic_params *c = &bad.cyclic;

		switch (k) {
		case 0:
			bad.kind = HV_SCHED_KIND_FAIR;
			break;
		case 1:
			c->major_frame_ns = 0;
			break;
		case 2:
			c->window_count = 0;
			break;
		case 3:
			c->window_count = HV_SCHED_CYCLIC_MAX_WINDOWS + 1;
			break;
		case 4:
			c->windows[1].length_ns = 0;
			break;
		case 5:
			/* Overlaps domain 1's window (3-7 ms). */
			c->windows[1].length_ns = 3 * MS + 1;
			break;
		case 6:
			/* Ends after the major frame. */
			c->windows[0].length_ns = 2 * MS + 1;
			break;
		case 7:
			c->windows[0].offset_ns = FRAME;
			break;
		case 8:
			/* Does not fit and would overflow. */
			c->windows[0].length_ns = UINT64_MAX;
			break;
		case 9:
			c->windows[2].domid = HV_CONFIG_MAX_DOMAINS;
			break;
		default:
			/* A smaller frame the windows do not fit. */
			c->major_frame_ns = 9 * MS;
			break;
		}
		assert_int_equal(hv_sched_call_set_params(&sim.s, 0, &bad), -HV_EINVAL);
		assert_int_equal(hv_sched_call_get_params(&sim.s, 0, &got), 0);
		assert_memory_equal(&got, &before, sizeof(got));
	}
	/* Touching windows are fine, and so is a window filling the frame. */
	p.cyclic.windows[1].length_ns = 3 * MS;
	assert_int_equal(hv_sched_call_set_params(&sim.s, 0, &p), 0);
	p.cyclic.window_count = 1;
	p.cyclic.windows[0] = (struct hv_sched_cyclic_window){.domid = 4, .length_ns = FRAME};
	assert_int_equal(hv_sched_call_set_params(&sim.s, 0, &p), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_cyclic_registers),
	        cmocka_unit_test(test_cyclic_windows_exact),
	        cmocka_unit_test(test_cyclic_exact_on_time),
	        cmocka_unit_test(test_cyclic_absent_domain_idles),
	        cmocka_unit_test(test_cyclic_vcpus_take_turns),
	        cmocka_unit_test(test_cyclic_no_schedule),
	        cmocka_unit_test(test_cyclic_params),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
