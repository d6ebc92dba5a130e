/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of the BVT scheduler module (libhv/sched/bvt.c), driven
 * through its ops table on a fake clock (sched_sim.h): shares under
 * weights, low-latency wake-up of warped vCPUs, the warp limit and the
 * unwarp requirement, no starvation with 64 vCPUs, parameter validation,
 * and the cost of a decision as the number of vCPUs grows.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "domain_fixture.h"
#include "sched_sim.h"

#define US UINT64_C(1000)

static void set_bvt(hv_domid_t domid, uint32_t weight, uint64_t warp, uint64_t limit,
                    uint64_t unwarp)
{
	struct hv_sched_params p = {.kind = HV_SCHED_KIND_BVT};

	p.bvt = (struct hv_sched_bvt_params){
	        .weight = weight, .warp_ns = warp, .warp_limit_ns = limit, .unwarp_ns = unwarp};
	assert_int_equal(hv_sched_call_set_params(&sim.s, domid, &p), 0);
}

static void test_bvt_registers(void **state)
{
	(void)state;
	fake_port_reset();
	assert_int_equal(hv_sched_setup(&hv_sched_bvt, MS), 0);
	assert_true(fake_console_contains("hv: sched: module 'bvt', time slice 1000 us\n"));
}

static void test_bvt_nothing_runnable(void **state)
{
	uint64_t slice = 99;

	(void)state;
	sim_init(&hv_sched_bvt, MS);
	sim_add(0, 0);
	assert_null(hv_sched_bvt.pick_next(&sim.s, 0, &slice));
	sim_wake(0);
	assert_ptr_equal(hv_sched_bvt.pick_next(&sim.s, 0, &slice), &sim.v[0]);
	assert_int_equal(slice, MS); /* alone: the default slice */
	sim_sleep(0);
	assert_null(hv_sched_bvt.pick_next(&sim.s, MS, &slice));
}

static void test_bvt_shares_1_2_4(void **state)
{
	(void)state;
	sim_init(&hv_sched_bvt, MS);
	/* Parameters may come before the domains' vCPUs. */
	set_bvt(0, 256, 0, 0, 0);
	set_bvt(1, 512, 0, 0, 0);
	set_bvt(2, 1024, 0, 0, 0);
	sim_add_runnable(3);
	sim_run_until(20000 * MS);
	sim_assert_share(0, 1.0 / 7, 0.02);
	sim_assert_share(1, 2.0 / 7, 0.02);
	sim_assert_share(2, 4.0 / 7, 0.02);
	assert_int_equal(sim.idle, 0);
}

/*
 * An interactive vCPU (index 2, a small weight) among two CPU-bound ones:
 * 500 us bursts, 2 to 9 ms apart. Returns its worst response time, from
 * a wake to the end of the burst.
 */
static uint64_t interactive_response(uint64_t warp_ns, bool assert_first)
{
	uint32_t seed = 12345;

	sim_init(&hv_sched_bvt, MS);
	/* A small share: without a warp it is often ahead in virtual time. */
	set_bvt(2, 64, warp_ns, 2 * MS, 0);
	sim_add_runnable(2);
	sim_add(2, 2);
	sim.burst[2] = 500 * US;
	sim.wake_at[2] = 3 * MS + 137 * US;
	while (sim.now < 5000 * MS) {
		bool due = !sim.runnable[2] && sim.wake_at[2] <= sim.now;
		int got = sim_step();

		if (due && assert_first) {
			/* Warped: it is the very next decision. */
			assert_int_equal(got, 2);
		}
		if (!sim.runnable[2] && sim.wake_at[2] == SIM_NEVER) {
			seed = seed * 1103515245u + 12345u;
			sim.wake_at[2] = sim.now + 2 * MS + (seed >> 8) % (7 * MS);
		}
	}
	/* Picked at the first decision after the wake: within one slice. */
	if (assert_first) {
		assert_true(sim.latency_max[2] <= MS);
	}
	return sim.response_max[2];
}

static void test_bvt_warp_low_latency_wakeup(void **state)
{
	uint64_t warped;
	uint64_t plain;

	(void)state;
	warped = interactive_response(50 * MS, true);
	/*
	 * The bound: the core asks at the end of the running slice (at most
	 * one), and the warped vCPU then runs its burst in one go.
	 */
	assert_true(warped <= MS + 500 * US);
	plain = interactive_response(0, false);
	print_message("bvt: worst response %llu us warped, %llu us without a warp\n",
	              (unsigned long long)(warped / US), (unsigned long long)(plain / US));
	assert_true(plain > 2 * warped);
}

/* Steps while index i keeps being picked; returns how long it ran in a row. */
static uint64_t streak(int i)
{
	uint64_t start = sim.ran[i];

	while (sim_step() == i) {
	}
	return sim.ran[i] - start;
}

static void test_bvt_warp_limit_and_unwarp(void **state)
{
	uint64_t unwarped_at;

	(void)state;
	sim_init(&hv_sched_bvt, MS);
	set_bvt(0, 256, 50 * MS, 3 * MS, 20 * MS);
	sim_add(0, 0);
	sim_add(1, 1);
	sim_wake(1);
	sim_run_until(10 * MS);
	/* W wakes warped and runs exactly its warp limit, then B. */
	sim_wake(0);
	assert_int_equal(streak(0), 3 * MS);
	unwarped_at = sim.now - sim.last_slice;
	/* Before U has passed, a new wake does not warp: no long run in a row. */
	sim_run_until(unwarped_at + 5 * MS);
	sim_sleep(0);
	sim_wake(0);
	for (int k = 0; k < 10; k++) {
		uint64_t run = streak(0);

		assert_true(run < 2 * MS);
	}
	/* After U, it warps again: the next decision, for the limit. */
	sim_run_until(unwarped_at + 21 * MS);
	if (sim.runnable[0]) {
		sim_sleep(0);
	}
	sim_wake(0);
	assert_int_equal(streak(0), 3 * MS);
}

static void test_bvt_no_starvation_64(void **state)
{
	uint32_t seed = 1;
	double total_weight = 0;

	(void)state;
	sim_init(&hv_sched_bvt, MS);
	for (int i = 0; i < SIM_MAX; i++) {
		set_bvt((hv_domid_t)i, 256 * (1 + i % 4), i % 8 == 0 ? 5 * MS : 0, MS, 10 * MS);
		total_weight += 256 * (1 + i % 4);
	}
	sim_add_runnable(SIM_MAX);
	/* Churn: now and then a vCPU blocks for a few ms. */
	for (int k = 0; sim.now < 30000 * MS; k++) {
		sim_step();
		if (k % 37 == 0) {
			int i;

			seed = seed * 1103515245u + 12345u;
			i = (int)((seed >> 8) % SIM_MAX);
			if (sim.runnable[i]) {
				sim_sleep(i);
				sim.wake_at[i] = sim.now + (seed >> 4) % (5 * MS);
			}
		}
	}
	for (int i = 0; i < SIM_MAX; i++) {
		/*
		 * The bound: between two turns of i, each other vCPU runs until
		 * its virtual time passes i's by the allowance C (slice / 2) plus
		 * what i gained in one turn (a slice at its weight) plus the
		 * virtual time i borrowed by warping, which it pays back; v ns
		 * of virtual time is v * w / 256 ns of real time at weight w.
		 */
		double weight = 256.0 * (1 + i % 4);
		double warp = i % 8 == 0 ? 5.0 * MS : 0;
		double bound =
		        ((double)MS * 256.0 / weight + (double)MS + warp) * total_weight / 256.0;

		if ((double)sim.gap_max[i] > bound) {
			print_error("vCPU %d waited %llu us, bound %.0f us\n", i,
			            (unsigned long long)(sim.gap_max[i] / US), bound / US);
			fail();
		}
		assert_true(sim.ran[i] > 0);
	}
}

static void test_bvt_params(void **state)
{
	struct hv_sched_params p;
	struct hv_sched_params bad;
	struct hv_sched_params before;

	(void)state;
	sim_init(&hv_sched_bvt, MS);
	/* Defaults. */
	assert_int_equal(hv_sched_call_get_params(&sim.s, 3, &p), 0);
	assert_int_equal(p.kind, HV_SCHED_KIND_BVT);
	assert_int_equal(p.bvt.weight, HV_SCHED_WEIGHT_DEFAULT);
	assert_int_equal(p.bvt.warp_ns, 0);
	set_bvt(3, 700, 5 * MS, 2 * MS, 9 * MS);
	assert_int_equal(hv_sched_call_get_params(&sim.s, 3, &before), 0);
	assert_int_equal(before.bvt.weight, 700);
	assert_int_equal(before.bvt.warp_ns, 5 * MS);
	assert_int_equal(before.bvt.warp_limit_ns, 2 * MS);
	assert_int_equal(before.bvt.unwarp_ns, 9 * MS);

	const struct {
		hv_domid_t domid;
		uint32_t kind;
		uint32_t weight;
		uint64_t warp;
	} cases[] = {
	        {3, HV_SCHED_KIND_BVT, 0, 0},                       /* zero weight */
	        {3, HV_SCHED_KIND_BVT, HV_SCHED_WEIGHT_MAX + 1, 0}, /* weight too big */
	        {3, HV_SCHED_KIND_FAIR, 256, 0},                    /* wrong kind */
	        {3, HV_SCHED_KIND_NONE, 256, 0},                    /* no kind */
	        {3, HV_SCHED_KIND_BVT, 256, UINT64_C(1) << 62},     /* warp too big */
	        {HV_CONFIG_MAX_DOMAINS, HV_SCHED_KIND_BVT, 256, 0}, /* no such domain */
	};
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		bad = (struct hv_sched_params){.kind = cases[k].kind};
		bad.bvt.weight = cases[k].weight;
		bad.bvt.warp_ns = cases[k].warp;
		assert_int_equal(hv_sched_call_set_params(&sim.s, cases[k].domid, &bad),
		                 -HV_EINVAL);
		assert_int_equal(hv_sched_call_get_params(&sim.s, 3, &p), 0);
		assert_memory_equal(&p, &before, sizeof(p));
	}
	assert_int_equal(hv_sched_call_get_params(&sim.s, HV_CONFIG_MAX_DOMAINS, &p), -HV_EINVAL);

	/* A domain that leaves is forgotten: a new one in its slot gets the defaults. */
	set_bvt(4, 900, 0, 0, 0);
	hv_sched_call_forget_domain(&sim.s, 3);
	hv_sched_call_forget_domain(&sim.s, HV_CONFIG_MAX_DOMAINS); /* ignored */
	assert_int_equal(hv_sched_call_get_params(&sim.s, 3, &p), 0);
	assert_int_equal(p.bvt.weight, HV_SCHED_WEIGHT_DEFAULT);
	assert_int_equal(p.bvt.warp_ns, 0);
	assert_int_equal(hv_sched_call_get_params(&sim.s, 4, &p), 0);
	assert_int_equal(p.bvt.weight, 900);

	/* A module without the hooks: the wrappers say so (and forget does nothing). */
	sim_init(&hv_sched_rr, MS);
	hv_sched_call_forget_domain(&sim.s, 0);
	assert_int_equal(hv_sched_call_set_params(&sim.s, 0, &before), -HV_ENOSYS);
	assert_int_equal(hv_sched_call_get_params(&sim.s, 0, &p), -HV_ENOSYS);
}

static void test_bvt_limits_remove_dump(void **state)
{
	struct hv_sched_vcpu extra = {.domid = 0, .vcpu_id = 99, .priv = sim.vpriv[0]};
	struct hv_sched_vcpu alien = {.domid = HV_CONFIG_MAX_DOMAINS, .priv = sim.vpriv[0]};
	uint64_t slice;

	(void)state;
	sim_init(&hv_sched_bvt, MS);
	assert_int_equal(hv_sched_bvt.add_vcpu(&sim.s, &alien), -HV_EINVAL);
	sim_add_runnable(SIM_MAX);
	/* Full: a 65th vCPU is refused. */
	assert_int_equal(hv_sched_bvt.add_vcpu(&sim.s, &extra), -HV_ENOSPC);
	sim_run_until(100 * MS);
	/* Remove the vCPU that ran last, and another. */
	for (int i = 0; i < SIM_MAX; i++) {
		if (i != 5 && i != 6) {
			sim_sleep(i);
			hv_sched_bvt.remove_vcpu(&sim.s, &sim.v[i]);
		}
	}
	sim.count = 7;
	for (int k = 0; k < 20; k++) {
		struct hv_sched_vcpu *v = hv_sched_bvt.pick_next(&sim.s, sim.now, &slice);

		assert_true(v == &sim.v[5] || v == &sim.v[6]);
		sim.now += slice;
	}
	/* Yield: the allowance is given up; the other one runs next. */
	{
		struct hv_sched_vcpu *v = hv_sched_bvt.pick_next(&sim.s, sim.now, &slice);
		struct hv_sched_vcpu *w;

		hv_sched_bvt.yield(&sim.s, v);
		w = hv_sched_bvt.pick_next(&sim.s, sim.now + 10 * US, &slice);
		assert_ptr_not_equal(w, v);
	}
	hv_sched_bvt.dump(&sim.s);
	assert_true(fake_console_contains("hv: sched bvt: 2 runnable of 2, svt "));
	assert_true(fake_console_contains("hv: sched bvt:   domain 5 vCPU 5 avt "));
}

/* A weight and nothing else, for sim_decision_cost(). */
static void bvt_weight(hv_domid_t domid, uint32_t weight)
{
	set_bvt(domid, weight, 0, 0, 0);
}

static void test_bvt_decision_cost(void **state)
{
	double avg[2];
	uint64_t max[2];

	(void)state;
	sim_decision_cost(&hv_sched_bvt, bvt_weight, hv_sched_bvt_stats, avg, max);
	/*
	 * At most c log2(n) + d, with c = 4 (a sift-down in each of the two
	 * heaps) and d = 8 (the allowance, the runner-up, re-keying).
	 */
	assert_true(max[0] <= 4 * 2 + 8);
	assert_true(max[1] <= 4 * 6 + 8);
	/* From 4 to 64 vCPUs log2 n triples: so may the cost, not more. */
	assert_true(avg[1] <= 3 * avg[0] + 4);
}

/* The module under the real core: two spinning domains run to their end. */
static void test_bvt_runs_an_appliance(void **state)
{
	(void)state;
	assert_int_equal(df_run_two_spinners(&hv_sched_bvt, "bvt", "a", "b"), HV_VERDICT_PASS);
	console_assert_has("hv: sched: module 'bvt', time slice 1000 us\n");
	assert_true(fake_run_count() >= 8);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_bvt_registers),
	        cmocka_unit_test(test_bvt_runs_an_appliance),
	        cmocka_unit_test(test_bvt_nothing_runnable),
	        cmocka_unit_test(test_bvt_shares_1_2_4),
	        cmocka_unit_test(test_bvt_warp_low_latency_wakeup),
	        cmocka_unit_test(test_bvt_warp_limit_and_unwarp),
	        cmocka_unit_test(test_bvt_no_starvation_64),
	        cmocka_unit_test(test_bvt_params),
	        cmocka_unit_test(test_bvt_limits_remove_dump),
	        cmocka_unit_test(test_bvt_decision_cost),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
