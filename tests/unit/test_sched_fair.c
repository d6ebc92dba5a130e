/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of the fair-share scheduler module (libhv/sched/fair.c),
 * driven through its ops table on a fake clock (sched_sim.h): shares under
 * weights, weights shared by a domain's vCPUs, caps honoured with or
 * without competition (idle time stays idle), sleepers earn no credit,
 * yield, parameter validation, and the cost of a decision as the number of
 * vCPUs grows.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "domain_fixture.h"
#include "sched_sim.h"

#define US UINT64_C(1000)

static void set_fair(hv_domid_t domid, uint32_t weight, uint32_t cap)
{
	struct hv_sched_params p = {.kind = HV_SCHED_KIND_FAIR};

	p.fair = (struct hv_sched_fair_params){.weight = weight, .cap_percent = cap};
	assert_int_equal(hv_sched_call_set_params(&sim.s, domid, &p), 0);
}

static void test_fair_registers(void **state)
{
	(void)state;
	fake_port_reset();
	assert_int_equal(hv_sched_setup(&hv_sched_fair, MS), 0);
	assert_true(fake_console_contains("hv: sched: module 'fair', time slice 1000 us\n"));
}

static void test_fair_shares_1_2_4(void **state)
{
	(void)state;
	sim_init(&hv_sched_fair, MS);
	set_fair(0, 100, 0);
	set_fair(1, 200, 0);
	set_fair(2, 400, 0);
	sim_add_runnable(3);
	sim_run_until(20000 * MS);
	sim_assert_share(0, 1.0 / 7, 0.02);
	sim_assert_share(1, 2.0 / 7, 0.02);
	sim_assert_share(2, 4.0 / 7, 0.02);
	assert_int_equal(sim.idle, 0);
}

static void test_fair_weight_shared_by_vcpus(void **state)
{
	(void)state;
	sim_init(&hv_sched_fair, MS);
	/* Domain 0 has two vCPUs, domain 1 one; equal weights: half each. */
	sim_add(0, 0);
	sim_add(1, 0);
	sim_add(2, 1);
	for (int i = 0; i < 3; i++) {
		sim_wake(i);
	}
	sim_run_until(10000 * MS);
	sim_assert_share(0, 0.25, 0.02);
	sim_assert_share(1, 0.25, 0.02);
	sim_assert_share(2, 0.5, 0.02);
}

static void test_fair_cap_with_competition(void **state)
{
	(void)state;
	sim_init(&hv_sched_fair, MS);
	/* A capped at 25 % with twice B's weight: the cap wins. */
	set_fair(0, 512, 25);
	sim_add_runnable(2);
	sim_run_until(10000 * MS);
	sim_assert_share(0, 0.25, 0.01);
	sim_assert_share(1, 0.75, 0.01);
	assert_int_equal(sim.idle, 0);
}

static void test_fair_cap_idle_stays_idle(void **state)
{
	uint64_t period = 10 * MS; /* HV_SCHED_FAIR_PERIOD_SLICES slices */

	(void)state;
	assert_int_equal(HV_SCHED_FAIR_PERIOD_SLICES, 10);
	sim_init(&hv_sched_fair, MS);
	set_fair(0, 256, 25);
	sim_add_runnable(1);
	while (sim.now < 10000 * MS) {
		uint64_t start = sim.now;
		int got = sim_step();

		if (got < 0) {
			/* Idle exactly until the period ends. */
			assert_int_equal((start + sim.last_slice) % period, 0);
		} else {
			/* Within its period's first quarter. */
			assert_true(start % period < period / 4);
		}
	}
	sim_assert_share(0, 0.25, 0.01);
	assert_int_equal(sim.idle + sim.ran[0], sim.now);
}

static void test_fair_cap_two_vcpus_and_uncapped_heavy(void **state)
{
	(void)state;
	sim_init(&hv_sched_fair, MS);
	/* Domain 0: two vCPUs, 30 % together. Domain 1: uncapped. */
	set_fair(0, 1024, 30);
	sim_add(0, 0);
	sim_add(1, 0);
	sim_add(2, 1);
	for (int i = 0; i < 3; i++) {
		sim_wake(i);
	}
	sim_run_until(10000 * MS);
	assert_true(sim_share(0) + sim_share(1) <= 0.30 * 1.01);
	assert_true(sim_share(0) + sim_share(1) >= 0.30 * 0.99);
	sim_assert_share(2, 0.70, 0.01);
}

static void test_fair_sleeper_earns_no_credit(void **state)
{
	uint64_t before;

	(void)state;
	sim_init(&hv_sched_fair, MS);
	sim_add_runnable(2);
	sim_sleep(1);
	sim_run_until(1000 * MS);
	/* 1 comes back after a second asleep: it shares, it does not take over. */
	sim_wake(1);
	before = sim.ran[0];
	sim_run_until(1100 * MS);
	assert_true(sim.ran[0] - before >= 45 * MS);
	/* Yield: the yielding vCPU goes behind the other one. */
	{
		uint64_t slice;
		struct hv_sched_vcpu *v = hv_sched_fair.pick_next(&sim.s, sim.now, &slice);
		struct hv_sched_vcpu *w;

		hv_sched_fair.yield(&sim.s, v);
		w = hv_sched_fair.pick_next(&sim.s, sim.now + 10 * US, &slice);
		assert_ptr_not_equal(w, v);
	}
}

static void test_fair_params(void **state)
{
	struct hv_sched_params p;
	struct hv_sched_params bad;
	struct hv_sched_params before;

	(void)state;
	sim_init(&hv_sched_fair, MS);
	assert_int_equal(hv_sched_call_get_params(&sim.s, 7, &p), 0);
	assert_int_equal(p.kind, HV_SCHED_KIND_FAIR);
	assert_int_equal(p.fair.weight, HV_SCHED_WEIGHT_DEFAULT);
	assert_int_equal(p.fair.cap_percent, 0);
	set_fair(7, 300, 40);
	assert_int_equal(hv_sched_call_get_params(&sim.s, 7, &before), 0);
	assert_int_equal(before.fair.weight, 300);
	assert_int_equal(before.fair.cap_percent, 40);

	const struct {
		hv_domid_t domid;
		uint32_t kind;
		uint32_t weight;
		uint32_t cap;
	} cases[] = {
	        {7, HV_SCHED_KIND_FAIR, 0, 10},                       /* zero weight */
	        {7, HV_SCHED_KIND_FAIR, HV_SCHED_WEIGHT_MAX + 1, 10}, /* weight too big */
	        {7, HV_SCHED_KIND_FAIR, 256, 101},                    /* cap above 100 */
	        {7, HV_SCHED_KIND_BVT, 256, 10},                      /* wrong kind */
	        {7, HV_SCHED_KIND_CYCLIC, 256, 10},                   /* wrong kind */
	        {HV_CONFIG_MAX_DOMAINS, HV_SCHED_KIND_FAIR, 256, 10}, /* no such domain */
	};
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		bad = (struct hv_sched_params){.kind = cases[k].kind};
		bad.fair.weight = cases[k].weight;
		bad.fair.cap_percent = cases[k].cap;
		assert_int_equal(hv_sched_call_set_params(&sim.s, cases[k].domid, &bad),
		                 -HV_EINVAL);
		assert_int_equal(hv_sched_call_get_params(&sim.s, 7, &p), 0);
		assert_memory_equal(&p, &before, sizeof(p));
	}
	assert_int_equal(hv_sched_call_get_params(&sim.s, HV_CONFIG_MAX_DOMAINS, &p), -HV_EINVAL);
	/* 100 % is a valid cap, and so is 0 (none). */
	set_fair(7, 1, 100);
	set_fair(7, HV_SCHED_WEIGHT_MAX, 0);
	/* A domain that leaves is forgotten: a new one in its slot gets the defaults. */
	set_fair(7, 300, 40);
	hv_sched_call_forget_domain(&sim.s, 7);
	hv_sched_call_forget_domain(&sim.s, HV_CONFIG_MAX_DOMAINS); /* ignored */
	assert_int_equal(hv_sched_call_get_params(&sim.s, 7, &p), 0);
	assert_int_equal(p.fair.weight, HV_SCHED_WEIGHT_DEFAULT);
	assert_int_equal(p.fair.cap_percent, 0);
}

static void test_fair_limits_remove_dump(void **state)
{
	struct hv_sched_vcpu extra = {.domid = 0, .vcpu_id = 99, .priv = sim.vpriv[0]};

	(void)state;
	sim_init(&hv_sched_fair, MS);
	set_fair(1, 256, 10);
	sim_add_runnable(SIM_MAX);
	assert_int_equal(hv_sched_fair.add_vcpu(&sim.s, &extra), -HV_ENOSPC);
	sim_run_until(200 * MS);
	for (int i = 2; i < SIM_MAX; i++) {
		sim_sleep(i);
		hv_sched_fair.remove_vcpu(&sim.s, &sim.v[i]);
	}
	sim.count = 2;
	/* Domain 1 used its 10 % of this period: it is parked, then sleeps and wakes. */
	sim_run_until(205 * MS);
	hv_sched_fair.dump(&sim.s);
	assert_true(fake_console_contains("hv: sched fair: 1 runnable of 2, period "));
	assert_true(fake_console_contains("hv: sched fair:   domain 1 vCPU 1 capped\n"));
	sim_sleep(1);
	sim_wake(1);
	sim_run_until(1000 * MS);
	assert_true(sim.ran[1] > 0);
}

/* A weight and nothing else, for sim_decision_cost(). */
static void fair_weight(hv_domid_t domid, uint32_t weight)
{
	set_fair(domid, weight, 0);
}

static void test_fair_decision_cost(void **state)
{
	double avg[2];
	uint64_t max[2];

	(void)state;
	sim_decision_cost(&hv_sched_fair, fair_weight, hv_sched_fair_stats, avg, max);
	/* At most c log2(n) + d, with c = 2 (a sift-down) and d = 2. */
	assert_true(max[0] <= 2 * 2 + 2);
	assert_true(max[1] <= 2 * 6 + 2);
	assert_true(avg[1] <= 3 * avg[0] + 2);
}

/* The module under the real core: two spinning domains run to their end. */
static void test_fair_runs_an_appliance(void **state)
{
	(void)state;
	assert_int_equal(df_run_two_spinners(&hv_sched_fair, "fair", "a", "b"), HV_VERDICT_PASS);
	console_assert_has("hv: sched: module 'fair', time slice 1000 us\n");
	assert_true(fake_run_count() >= 8);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_fair_registers),
	        cmocka_unit_test(test_fair_runs_an_appliance),
	        cmocka_unit_test(test_fair_shares_1_2_4),
	        cmocka_unit_test(test_fair_weight_shared_by_vcpus),
	        cmocka_unit_test(test_fair_cap_with_competition),
	        cmocka_unit_test(test_fair_cap_idle_stays_idle),
	        cmocka_unit_test(test_fair_cap_two_vcpus_and_uncapped_heavy),
	        cmocka_unit_test(test_fair_sleeper_earns_no_credit),
	        cmocka_unit_test(test_fair_params),
	        cmocka_unit_test(test_fair_limits_remove_dump),
	        cmocka_unit_test(test_fair_decision_cost),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
