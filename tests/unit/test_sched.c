/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of the scheduler interface: the round-robin module driven
 * through its ops table alone (fair rotation, sleeping vCPUs skipped, wake,
 * yield, remove), the checks a module passes at registration, and an
 * integrator's own module selected by the appliance description.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "domain_fixture.h"

#define N 4

struct rr_fixture {
	struct hv_sched s;
	_Alignas(16) unsigned char priv[HV_SCHED_PRIV_MAX_SIZE];
	struct hv_sched_vcpu v[N];
	_Alignas(16) unsigned char vpriv[N][HV_SCHED_VCPU_PRIV_MAX_SIZE];
};

static struct rr_fixture rf;

static int setup_rr(void **state)
{
	const struct hv_sched_ops *ops = &hv_sched_rr;

	(void)state;
	fake_port_reset();
	memset(&rf, 0, sizeof(rf));
	rf.s = (struct hv_sched){.ops = ops, .priv = rf.priv, .slice_ns = 5000};
	assert_true(ops->priv_size <= HV_SCHED_PRIV_MAX_SIZE);
	assert_true(ops->vcpu_priv_size <= HV_SCHED_VCPU_PRIV_MAX_SIZE);
	assert_int_equal(ops->init(&rf.s), 0);
	for (int i = 0; i < N; i++) {
		rf.v[i] = (struct hv_sched_vcpu){.domid = (hv_domid_t)i, .priv = rf.vpriv[i]};
		assert_int_equal(ops->add_vcpu(&rf.s, &rf.v[i]), 0);
	}
	return 0;
}

/* The next n picks, as domain ids in a string: "0123". */
static void picks(char *out, int n)
{
	for (int i = 0; i < n; i++) {
		uint64_t slice = 99;
		struct hv_sched_vcpu *v = hv_sched_rr.pick_next(&rf.s, 0, &slice);

		out[i] = v == NULL ? '-' : (char)('0' + v->domid);
		assert_int_equal(slice, 0); /* the default slice */
	}
	out[n] = '\0';
}

static void test_rr_nothing_runnable(void **state)
{
	char got[8];

	(void)state;
	picks(got, 3);
	assert_string_equal(got, "---");
}

static void test_rr_fair_rotation(void **state)
{
	char got[16];

	(void)state;
	for (int i = 0; i < N; i++) {
		hv_sched_rr.wake(&rf.s, &rf.v[i]);
	}
	picks(got, 12);
	assert_string_equal(got, "012301230123");
}

static void test_rr_sleeping_skipped_and_wake(void **state)
{
	char got[16];

	(void)state;
	for (int i = 0; i < 3; i++) {
		hv_sched_rr.wake(&rf.s, &rf.v[i]);
	}
	picks(got, 2);
	assert_string_equal(got, "01");
	hv_sched_rr.sleep(&rf.s, &rf.v[1]);
	picks(got, 4);
	assert_string_equal(got, "2020");
	/* Woken vCPUs join the back of the queue. */
	hv_sched_rr.wake(&rf.s, &rf.v[3]);
	hv_sched_rr.wake(&rf.s, &rf.v[1]);
	picks(got, 8);
	assert_string_equal(got, "20312031");
	/* Everyone asleep. */
	for (int i = 0; i < N; i++) {
		hv_sched_rr.sleep(&rf.s, &rf.v[i]);
	}
	picks(got, 2);
	assert_string_equal(got, "--");
}

static void test_rr_yield_and_remove(void **state)
{
	char got[16];

	(void)state;
	for (int i = 0; i < 3; i++) {
		hv_sched_rr.wake(&rf.s, &rf.v[i]);
	}
	/* 0 yields before it is picked: it goes behind 1 and 2. */
	hv_sched_rr.yield(&rf.s, &rf.v[0]);
	picks(got, 3);
	assert_string_equal(got, "120");
	/* The last picked yields: already at the back. */
	hv_sched_rr.yield(&rf.s, &rf.v[0]);
	picks(got, 3);
	assert_string_equal(got, "120");
	hv_sched_rr.sleep(&rf.s, &rf.v[2]);
	hv_sched_rr.remove_vcpu(&rf.s, &rf.v[2]);
	hv_sched_rr.remove_vcpu(&rf.s, &rf.v[3]); /* never queued */
	picks(got, 4);
	assert_string_equal(got, "1010");
	hv_sched_rr.dump(&rf.s);
	assert_true(fake_console_contains("hv: sched rr: 2 runnable\n"));
}

static int dummy_init(struct hv_sched *s)
{
	(void)s;
	return 0;
}

static int failing_init(struct hv_sched *s)
{
	(void)s;
	return -HV_EIO;
}

static void test_registration_checks(void **state)
{
	struct hv_sched_ops ops = hv_sched_rr;

	(void)state;
	fake_port_reset();
	assert_int_equal(hv_sched_setup(&ops, 1000), 0);
	assert_true(fake_console_contains("hv: sched: module 'rr', time slice 1 us\n"));
	assert_ptr_equal(hv_sched_instance()->ops, &ops);

	ops.pick_next = NULL;
	assert_int_equal(hv_sched_setup(&ops, 1000), -HV_EINVAL);
	assert_true(fake_console_contains("hv: error: sched: module 'rr' has no pick_next hook\n"));
	ops = hv_sched_rr;
	ops.sleep = NULL;
	assert_int_equal(hv_sched_setup(&ops, 1000), -HV_EINVAL);
	assert_true(fake_console_contains("has no sleep hook\n"));
	ops = hv_sched_rr;
	ops.yield = NULL; /* optional */
	ops.dump = NULL;
	assert_int_equal(hv_sched_setup(&ops, 1000), 0);
	ops = hv_sched_rr;
	ops.api_version = 99;
	assert_int_equal(hv_sched_setup(&ops, 1000), -HV_EINVAL);
	assert_true(fake_console_contains("implements API version 99, libhv has 1\n"));
	ops = hv_sched_rr;
	ops.priv_size = HV_SCHED_PRIV_MAX_SIZE + 1;
	assert_int_equal(hv_sched_setup(&ops, 1000), -HV_EINVAL);
	ops = hv_sched_rr;
	ops.vcpu_priv_size = HV_SCHED_VCPU_PRIV_MAX_SIZE + 1;
	assert_int_equal(hv_sched_setup(&ops, 1000), -HV_EINVAL);
	assert_true(fake_console_contains("bytes per vCPU, at most 64 allowed\n"));
	ops = hv_sched_rr;
	ops.name = NULL;
	assert_int_equal(hv_sched_setup(&ops, 1000), -HV_EINVAL);
	assert_int_equal(hv_sched_setup(NULL, 1000), -HV_EINVAL);
	ops = hv_sched_rr;
	ops.init = failing_init;
	assert_int_equal(hv_sched_setup(&ops, 1000), -HV_EIO);
	assert_true(fake_console_contains("failed to initialize: HV_EIO"));
	ops.init = dummy_init;
	assert_int_equal(hv_sched_setup(&ops, 1000), 0);
}

/*
 * An integrator's module: always the runnable vCPU of the highest domain
 * id, with its own slice. Built on a bitmap of runnable domains.
 */
static unsigned int picks_made;

static int hi_init(struct hv_sched *s)
{
	*(uint64_t *)s->priv = 0;
	return 0;
}

static int hi_add(struct hv_sched *s, struct hv_sched_vcpu *v)
{
	(void)s;
	*(struct hv_sched_vcpu **)v->priv = v;
	return 0;
}

static void hi_remove(struct hv_sched *s, struct hv_sched_vcpu *v)
{
	(void)s;
	(void)v;
}

static struct hv_sched_vcpu *hi_vcpus[64];

static void hi_wake(struct hv_sched *s, struct hv_sched_vcpu *v)
{
	*(uint64_t *)s->priv |= UINT64_C(1) << v->domid;
	hi_vcpus[v->domid] = v;
}

static void hi_sleep(struct hv_sched *s, struct hv_sched_vcpu *v)
{
	*(uint64_t *)s->priv &= ~(UINT64_C(1) << v->domid);
}

static struct hv_sched_vcpu *hi_pick(struct hv_sched *s, uint64_t now, uint64_t *slice)
{
	uint64_t map = *(uint64_t *)s->priv;

	(void)now;
	picks_made++;
	*slice = 123000;
	if (map == 0) {
		return NULL;
	}
	return hi_vcpus[63 - __builtin_clzll(map)];
}

static const struct hv_sched_ops highest_first = {
        .name = "highest",
        .api_version = HV_SCHED_API_VERSION,
        .priv_size = sizeof(uint64_t),
        .vcpu_priv_size = sizeof(void *),
        .init = hi_init,
        .add_vcpu = hi_add,
        .remove_vcpu = hi_remove,
        .wake = hi_wake,
        .sleep = hi_sleep,
        .pick_next = hi_pick,
};

static void test_custom_module_from_config(void **state)
{
	(void)state;
	picks_made = 0;
	assert_int_equal(df_run_two_spinners(&highest_first, "custom", "low", "high"),
	                 HV_VERDICT_PASS);
	console_assert_has("hv: sched: module 'highest', time slice 1000 us\n");
	/* "high" runs to its end before "low" runs at all. */
	assert_string_equal(fake_run_log(), "high high high high low low low low");
	assert_true(picks_made > 0);

	/* A module that lacks a hook is refused by name, and nothing runs. */
	struct hv_sched_ops broken = highest_first;

	broken.wake = NULL;
	assert_int_equal(df_run_two_spinners(&broken, "custom", "low", "high"), HV_VERDICT_FAIL);
	console_assert_has("hv: error: sched: module 'highest' has no wake hook\n"
	                   "hv: error: config: sched: scheduler module refused\n"
	                   "hv: verdict: FAIL\n");
	assert_int_equal(fake_run_count(), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup(test_rr_nothing_runnable, setup_rr),
	        cmocka_unit_test_setup(test_rr_fair_rotation, setup_rr),
	        cmocka_unit_test_setup(test_rr_sleeping_skipped_and_wake, setup_rr),
	        cmocka_unit_test_setup(test_rr_yield_and_remove, setup_rr),
	        cmocka_unit_test(test_registration_checks),
	        cmocka_unit_test(test_custom_module_from_config),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
