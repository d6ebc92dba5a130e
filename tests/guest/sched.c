/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The scheduler hypercall from the control domain (run as "witness", next
 * to two sched_worker domains): reads the scheduler's name, switches from
 * round-robin to BVT while the workers compute, sets and reads back their
 * weights, checks that bad requests change nothing, and waits for the
 * workers to finish under the new module.
 */
#include <hv/guest/guest.h>
#include <hv/guest/test.h>

#define MAX_WORKERS 4

static uint16_t workers[MAX_WORKERS];
static unsigned int worker_count;

static int weight_of(uint16_t domid, uint32_t *weight)
{
	struct hv_sched_params p = {.kind = HV_SCHED_KIND_NONE};
	int rc = hvg_sched_get_params(domid, &p);

	if (rc == 0 && p.kind != HV_SCHED_KIND_BVT) {
		return -HV_EINVAL;
	}
	*weight = p.bvt.weight;
	return rc;
}

static int set_weight(uint16_t domid, uint32_t weight)
{
	struct hv_sched_params p = {.kind = HV_SCHED_KIND_BVT, .bvt = {.weight = weight}};

	return hvg_sched_set_params(domid, &p);
}

HVG_TEST(reads_the_scheduler)
{
	char name[HV_SCHED_NAME_SIZE] = "";

	HVG_REQUIRE(hvg_start_info()->flags & HV_START_F_CONTROL);
	HVG_CHECK_EQ(hvg_sched_get_scheduler(name, sizeof(name)), 0);
	HVG_CHECK(name[0] == 'r' && name[1] == 'r' && name[2] == '\0');
	/* Too small a buffer. */
	HVG_CHECK_EQ(hvg_sched_get_scheduler(name, 2), -HV_ERANGE);
	/* Round-robin takes no parameters. */
	HVG_CHECK_EQ(weight_of(hvg_start_info()->domid, &(uint32_t){0}), -HV_ENOSYS);
}

HVG_TEST(refuses_unknown_schedulers)
{
	char name[HV_SCHED_NAME_SIZE] = "";

	HVG_CHECK_EQ(hvg_sched_set_scheduler("no-such-module"), -HV_ENOENT);
	HVG_CHECK_EQ(hvg_sched_set_scheduler("a-name-far-too-long-for-any"), -HV_EINVAL);
	HVG_CHECK_EQ(hvg_sched_set_scheduler(NULL), -HV_EFAULT);
	HVG_CHECK_EQ(hvg_sched_get_scheduler(name, sizeof(name)), 0);
	HVG_CHECK(name[0] == 'r' && name[1] == 'r' && name[2] == '\0');
}

HVG_TEST(switches_to_bvt)
{
	char name[HV_SCHED_NAME_SIZE] = "";

	HVG_CHECK_EQ(hvg_sched_set_scheduler("bvt"), 0);
	HVG_CHECK_EQ(hvg_sched_get_scheduler(name, sizeof(name)), 0);
	HVG_CHECK(name[0] == 'b' && name[1] == 'v' && name[2] == 't' && name[3] == '\0');
}

/* The workers are the other domains that answer; the first id out of range ends the search. */
HVG_TEST(finds_the_workers)
{
	uint16_t self = hvg_start_info()->domid;
	uint32_t weight = 0;
	uint16_t id = 0;
	int rc;

	while ((rc = weight_of(id, &weight)) != -HV_EINVAL && id < 1000) {
		if (rc == 0 && id != self && worker_count < MAX_WORKERS) {
			HVG_CHECK_EQ(weight, HV_SCHED_WEIGHT_DEFAULT);
			workers[worker_count++] = id;
		}
		id++;
	}
	HVG_CHECK_EQ(rc, -HV_EINVAL);
	HVG_CHECK_EQ(worker_count, 2);
}

HVG_TEST(sets_weights)
{
	uint32_t weight = 0;

	for (unsigned int i = 0; i < worker_count; i++) {
		HVG_CHECK_EQ(set_weight(workers[i], 100 * (i + 1)), 0);
	}
	for (unsigned int i = 0; i < worker_count; i++) {
		HVG_CHECK_EQ(weight_of(workers[i], &weight), 0);
		HVG_CHECK_EQ(weight, 100 * (i + 1));
	}
}

HVG_TEST(refuses_bad_parameters)
{
	struct hv_sched_params fair = {.kind = HV_SCHED_KIND_FAIR, .fair = {.weight = 5}};
	uint32_t weight = 0;

	HVG_REQUIRE(worker_count > 0);
	HVG_CHECK_EQ(set_weight(workers[0], 0), -HV_EINVAL);
	HVG_CHECK_EQ(set_weight(workers[0], HV_SCHED_WEIGHT_MAX + 1), -HV_EINVAL);
	HVG_CHECK_EQ(hvg_sched_set_params(workers[0], &fair), -HV_EINVAL);
	HVG_CHECK_EQ(weight_of(workers[0], &weight), 0);
	HVG_CHECK_EQ(weight, 100);
	/* Domain ids out of range, and bad pointers. */
	HVG_CHECK_EQ(set_weight(0x7fff, 1), -HV_EINVAL);
	HVG_CHECK_EQ(set_weight(0xffff, 1), -HV_EINVAL);
	HVG_CHECK_EQ(hvg_sched_get_params(workers[0], NULL), -HV_EFAULT);
	HVG_CHECK_EQ(hvg_sched_set_params(workers[0], NULL), -HV_EFAULT);
	HVG_CHECK_EQ(hvg_hypercall2(HV_HC_SCHED_OP, 99, 0), -HV_EINVAL);
}

/* An ended domain reads as no domain. */
HVG_TEST(workers_finish)
{
	uint64_t deadline = hvg_time_ns() + 10 * HVG_S;
	unsigned int left = worker_count;
	uint32_t weight;

	while (left > 0 && hvg_time_ns() < deadline) {
		left = 0;
		for (unsigned int i = 0; i < worker_count; i++) {
			left += weight_of(workers[i], &weight) != -HV_ENOENT;
		}
		hvg_sleep_ns(50 * HVG_MS);
	}
	HVG_CHECK_EQ(left, 0);
	HVG_CHECK(hvg_time_ns() >= 1500 * HVG_MS);
}

HVG_TEST_MAIN()
