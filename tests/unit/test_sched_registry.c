/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of the lookup of scheduler modules by name (hv_sched_find(),
 * libhv/sched/registry.c) and of the word "sched=<name>" on the hypervisor's
 * command line, which overrides the appliance description's module in
 * hv_main(); an unknown name is refused and the verdict fails.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include <hv/hv.h>
#include "console_assert.h"
#include "fake_port.h"

static struct hv_boot_info boot;

static int setup(void **state)
{
	(void)state;
	fake_port_reset();
	hv_log_set_level(HV_LOG_INFO);
	fake_boot_init(&boot);
	return 0;
}

static struct hv_config empty_config(const struct hv_sched_ops *sched)
{
	return (struct hv_config){
	        .version = HV_CONFIG_VERSION,
	        .name = "unit",
	        .flags = HV_CONFIG_F_MODULE_DOMAINS,
	        .sched = sched,
	        .tick_ns = 1000000,
	        .selftest_ticks = 3,
	};
}

static void test_find_builtin(void **state)
{
	(void)state;
	assert_ptr_equal(hv_sched_find("rr"), &hv_sched_rr);
	assert_ptr_equal(hv_sched_find("bvt"), &hv_sched_bvt);
	assert_ptr_equal(hv_sched_find("fair"), &hv_sched_fair);
	assert_ptr_equal(hv_sched_find("cyclic"), &hv_sched_cyclic);
}

static void test_find_unknown(void **state)
{
	(void)state;
	assert_null(hv_sched_find("nosuch"));
	assert_null(hv_sched_find(""));
	assert_null(hv_sched_find("BVT"));
	assert_null(hv_sched_find("bvt "));
	assert_null(hv_sched_find("rrr"));
	assert_null(hv_sched_find(NULL));
}

static void test_cmdline_overrides_description(void **state)
{
	struct hv_config cfg = empty_config(&hv_sched_rr);

	(void)state;
	boot.cmdline = "scenario=modules sched=bvt";
	assert_int_equal(hv_main(&cfg, &boot), HV_VERDICT_PASS);
	console_assert_has("hv: sched: module 'bvt', time slice 1000 us\n");
	console_assert_lacks("module 'rr'");
}

static void test_cmdline_last_word_counts(void **state)
{
	struct hv_config cfg = empty_config(NULL);

	(void)state;
	boot.cmdline = "sched=bvt sched=fair";
	assert_int_equal(hv_main(&cfg, &boot), HV_VERDICT_PASS);
	console_assert_has("hv: sched: module 'fair'");
}

static void test_no_word_keeps_description(void **state)
{
	struct hv_config cfg = empty_config(&hv_sched_fair);

	(void)state;
	boot.cmdline = "xsched=bvt";
	assert_int_equal(hv_main(&cfg, &boot), HV_VERDICT_PASS);
	console_assert_has("hv: sched: module 'fair'");
}

static void test_cmdline_unknown_refused(void **state)
{
	struct hv_config cfg = empty_config(NULL);

	(void)state;
	boot.cmdline = "scenario=modules sched=nosuch";
	assert_int_equal(hv_main(&cfg, &boot), HV_VERDICT_FAIL);
	console_assert_has("hv: error: cmdline: sched=nosuch: no such scheduler\n");
	console_assert_lacks("hv: sched: module");
	console_assert_has("hv: verdict: FAIL\n");
}

static void test_cmdline_empty_and_long_names_refused(void **state)
{
	struct hv_config cfg = empty_config(NULL);

	(void)state;
	boot.cmdline = "sched=";
	assert_int_equal(hv_main(&cfg, &boot), HV_VERDICT_FAIL);
	console_assert_has("hv: error: cmdline: sched=: no such scheduler\n");

	fake_port_reset();
	fake_boot_init(&boot);
	boot.cmdline = "sched=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
	assert_int_equal(hv_main(&cfg, &boot), HV_VERDICT_FAIL);
	console_assert_has("sched=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa: no such scheduler\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_find_builtin),
	        cmocka_unit_test(test_find_unknown),
	        cmocka_unit_test_setup(test_cmdline_overrides_description, setup),
	        cmocka_unit_test_setup(test_cmdline_last_word_counts, setup),
	        cmocka_unit_test_setup(test_no_word_keeps_description, setup),
	        cmocka_unit_test_setup(test_cmdline_unknown_refused, setup),
	        cmocka_unit_test_setup(test_cmdline_empty_and_long_names_refused, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
