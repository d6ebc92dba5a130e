/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A CPU-bound domain of the scheduler test (sched.c): it is not the control
 * domain, so the scheduler hypercall refuses it; then it computes until
 * system time 1.5 s, across the control domain's switch of scheduler, and
 * powers off.
 */
#include <hv/guest/guest.h>
#include <hv/guest/test.h>

HVG_TEST(sched_op_needs_control)
{
	/* The pointers are bad on purpose: the refusal comes first. */
	struct hv_sched_params *bad = (struct hv_sched_params *)(uintptr_t)8;
	char name[HV_SCHED_NAME_SIZE] = "unchanged";

	HVG_CHECK_EQ(hvg_sched_get_scheduler(name, sizeof(name)), -HV_EPERM);
	HVG_CHECK_EQ(name[0], 'u');
	HVG_CHECK_EQ(hvg_sched_set_scheduler("bvt"), -HV_EPERM);
	HVG_CHECK_EQ(hvg_sched_get_params(hvg_start_info()->domid, bad), -HV_EPERM);
	HVG_CHECK_EQ(hvg_sched_set_params(0, bad), -HV_EPERM);
	HVG_CHECK_EQ(hvg_sched_pool_create("mine", "rr", NULL), -HV_EPERM);
	HVG_CHECK_EQ(hvg_sched_pool_move_domain(hvg_start_info()->domid, 0), -HV_EPERM);
	HVG_CHECK_EQ(hvg_sched_pool_assign_cpu(0, 0), -HV_EPERM);
	HVG_CHECK_EQ(hvg_sched_pool_info(0, (struct hv_sched_pool_info *)bad), -HV_EPERM);
	HVG_CHECK_EQ(hvg_sched_domain_pool(hvg_start_info()->domid), -HV_EPERM);
}

HVG_TEST(computes_across_the_switch)
{
	uint64_t rounds = 0;

	while (hvg_time_ns() < 1500 * HVG_MS) {
		hvg_spin_ns(HVG_MS);
		rounds++;
	}
	hvg_test_note("%llu rounds", (unsigned long long)rounds);
	HVG_CHECK(rounds > 0);
}

HVG_TEST_MAIN()
