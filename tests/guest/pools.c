/* SPDX-License-Identifier: Apache-2.0 */
/*
 * CPU pools from the control domain (run as "witness", next to two
 * sched_worker domains that compute until 1.5 s): creates a pool, parks a
 * worker in it (the pool has no CPU: its CPU time stays 0), switches the
 * pool's module while the worker is there, moves it back; switches pool 0
 * to a cyclic schedule at run time and back to round-robin while every
 * domain keeps running; and checks that every bad request changes nothing.
 * There is one CPU, so the control domain's pool keeps it.
 */
#include <hv/guest/guest.h>
#include <hv/guest/test.h>

#define MAX_WORKERS 4

static uint16_t self;
static uint16_t workers[MAX_WORKERS];
static unsigned int worker_count;
static int rt = -1;

static bool same(const char *a, const char *b)
{
	while (*a != '\0' && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

static struct hv_sched_pool_info info_of(uint32_t pool)
{
	struct hv_sched_pool_info info = {.id = 0xdead};

	HVG_CHECK_EQ(hvg_sched_pool_info(pool, &info), 0);
	return info;
}

/* A cyclic schedule: the control domain first, then each worker, in 10 ms. */
static struct hv_sched_params cyclic_schedule(void)
{
	struct hv_sched_params p = {.kind = HV_SCHED_KIND_CYCLIC};

	p.cyclic.major_frame_ns = 10 * HVG_MS;
	p.cyclic.windows[0] = (struct hv_sched_cyclic_window){self, 0, 2 * HVG_MS};
	for (unsigned int i = 0; i < worker_count; i++) {
		p.cyclic.windows[i + 1] = (struct hv_sched_cyclic_window){
		        workers[i], (2 + 4 * i) * HVG_MS, 4 * HVG_MS};
	}
	p.cyclic.window_count = worker_count + 1;
	return p;
}

HVG_TEST(the_default_pool_holds_everything)
{
	struct hv_sched_pool_info info;
	int rc;

	HVG_REQUIRE(hvg_start_info()->flags & HV_START_F_CONTROL);
	self = hvg_start_info()->domid;
	for (uint16_t id = 0; (rc = hvg_sched_domain_pool(id)) != -HV_EINVAL; id++) {
		if (rc == 0 && id != self && worker_count < MAX_WORKERS) {
			workers[worker_count++] = id;
		}
	}
	HVG_REQUIRE(worker_count == 2);
	HVG_CHECK_EQ(hvg_sched_domain_pool(self), 0);
	info = info_of(0);
	HVG_CHECK(same(info.name, "default") && same(info.sched, "rr"));
	HVG_CHECK_EQ(info.id, 0);
	HVG_CHECK_EQ(info.cpus, 1);
	HVG_CHECK_EQ(info.domains, 3);
	HVG_CHECK(info.cpu_time_ns > 0);
}

HVG_TEST(creates_a_pool)
{
	struct hv_sched_pool_info info;

	rt = hvg_sched_pool_create("rt", "fair", NULL);
	HVG_REQUIRE(rt > 0);
	info = info_of((uint32_t)rt);
	HVG_CHECK(same(info.name, "rt") && same(info.sched, "fair"));
	HVG_CHECK_EQ(info.cpus, 0);
	HVG_CHECK_EQ(info.domains, 0);
	HVG_CHECK_EQ(info.cpu_time_ns, 0);
}

HVG_TEST(refuses_bad_pools)
{
	struct hv_sched_params bad = cyclic_schedule();
	int extra[HV_SCHED_MAX_POOLS];
	int made = 0;
	int rc;

	HVG_CHECK_EQ(hvg_sched_pool_create("rt", "rr", NULL), -HV_EEXIST);
	HVG_CHECK_EQ(hvg_sched_pool_create("", "rr", NULL), -HV_EINVAL);
	HVG_CHECK_EQ(hvg_sched_pool_create("a-name-far-too-long", "rr", NULL), -HV_EINVAL);
	HVG_CHECK_EQ(hvg_sched_pool_create("x", "no-such", NULL), -HV_ENOENT);
	HVG_CHECK_EQ(hvg_sched_pool_create("x", "cyclic", NULL), -HV_EINVAL);
	bad.cyclic.windows[1].offset_ns = HVG_MS; /* overlaps window 0 */
	HVG_CHECK_EQ(hvg_sched_pool_create("x", "cyclic", &bad), -HV_EINVAL);
	HVG_CHECK_EQ(hvg_sched_pool_create(NULL, "rr", NULL), -HV_EFAULT);
	HVG_CHECK_EQ(hvg_sched_pool_create("x", "rr", (const struct hv_sched_params *)8),
	             -HV_EFAULT);
	/* Every slot used, then given back; the names must stay unique. */
	for (;;) {
		char name[3] = {'p', (char)('0' + made), '\0'};

		rc = hvg_sched_pool_create(name, "rr", NULL);
		if (rc < 0) {
			break;
		}
		HVG_REQUIRE(made < HV_SCHED_MAX_POOLS);
		extra[made++] = rc;
	}
	HVG_CHECK_EQ(rc, -HV_ENOSPC);
	HVG_CHECK_EQ(made, HV_SCHED_MAX_POOLS - 2);
	while (made > 0) {
		HVG_CHECK_EQ(hvg_sched_pool_destroy((uint32_t)extra[--made]), 0);
	}
	HVG_CHECK_EQ(hvg_sched_pool_destroy(0), -HV_EINVAL);
	HVG_CHECK_EQ(hvg_sched_pool_destroy(HV_SCHED_MAX_POOLS), -HV_EINVAL);
	HVG_CHECK_EQ(hvg_sched_pool_destroy(HV_SCHED_MAX_POOLS - 1), -HV_ENOENT);
	HVG_CHECK_EQ(hvg_sched_pool_info(0, NULL), -HV_EFAULT);
	HVG_CHECK_EQ(hvg_sched_pool_info(HV_SCHED_MAX_POOLS - 1, &(struct hv_sched_pool_info){0}),
	             -HV_ENOENT);
}

HVG_TEST(parks_a_worker_in_a_pool_without_cpus)
{
	uint64_t before;

	HVG_REQUIRE(rt > 0 && worker_count == 2);
	HVG_CHECK_EQ(hvg_sched_pool_move_domain(workers[0], (uint32_t)rt), 0);
	HVG_CHECK_EQ(hvg_sched_domain_pool(workers[0]), rt);
	HVG_CHECK_EQ(info_of((uint32_t)rt).domains, 1);
	HVG_CHECK_EQ(info_of(0).domains, 2);
	/* Its parameters are now the fair module's defaults. */
	struct hv_sched_params p = {.kind = HV_SCHED_KIND_NONE};
	HVG_CHECK_EQ(hvg_sched_get_params(workers[0], &p), 0);
	HVG_CHECK_EQ(p.kind, HV_SCHED_KIND_FAIR);
	HVG_CHECK_EQ(p.fair.weight, HV_SCHED_WEIGHT_DEFAULT);
	/* No CPU: it does not run while the others do. */
	before = info_of(0).cpu_time_ns;
	hvg_sleep_ns(50 * HVG_MS);
	HVG_CHECK_EQ(info_of((uint32_t)rt).cpu_time_ns, 0);
	HVG_CHECK(info_of(0).cpu_time_ns >= before + 40 * HVG_MS);
}

HVG_TEST(keeps_the_control_domain_on_a_cpu)
{
	HVG_REQUIRE(rt > 0);
	HVG_CHECK_EQ(hvg_sched_pool_move_domain(self, (uint32_t)rt), -HV_EBUSY);
	HVG_CHECK_EQ(hvg_sched_pool_assign_cpu(0, (uint32_t)rt), -HV_EBUSY);
	HVG_CHECK_EQ(hvg_sched_pool_assign_cpu(1, (uint32_t)rt), -HV_EINVAL);
	HVG_CHECK_EQ(hvg_sched_pool_assign_cpu(0, 0), 0); /* already there */
	HVG_CHECK_EQ(hvg_sched_pool_destroy((uint32_t)rt), -HV_EBUSY);
	HVG_CHECK_EQ(hvg_sched_pool_move_domain(0x7fff, 0), -HV_EINVAL);
	HVG_CHECK_EQ(hvg_sched_pool_move_domain(self, HV_SCHED_MAX_POOLS - 1), -HV_ENOENT);
	HVG_CHECK_EQ(hvg_sched_domain_pool(self), 0);
	HVG_CHECK_EQ(info_of(0).cpus, 1);
}

HVG_TEST(switches_a_pool_with_a_parked_domain)
{
	struct hv_sched_params p = {.kind = HV_SCHED_KIND_BVT, .bvt = {.weight = 77}};
	struct hv_sched_params schedule = cyclic_schedule();

	HVG_REQUIRE(rt > 0);
	HVG_CHECK_EQ(hvg_sched_pool_set_scheduler((uint32_t)rt, "bvt", NULL), 0);
	HVG_CHECK(same(info_of((uint32_t)rt).sched, "bvt"));
	HVG_CHECK_EQ(hvg_sched_set_params(workers[0], &p), 0);
	p.bvt.weight = 0;
	HVG_CHECK_EQ(hvg_sched_get_params(workers[0], &p), 0);
	HVG_CHECK_EQ(p.bvt.weight, 77);
	/* The other worker is still in pool 0, under round-robin. */
	HVG_CHECK_EQ(hvg_sched_get_params(workers[1], &p), -HV_ENOSYS);
	HVG_CHECK_EQ(hvg_sched_pool_set_scheduler((uint32_t)rt, "cyclic", &schedule), 0);
	HVG_CHECK(same(info_of((uint32_t)rt).sched, "cyclic"));
	HVG_CHECK_EQ(hvg_sched_pool_set_scheduler((uint32_t)rt, "cyclic", NULL), -HV_EINVAL);
	HVG_CHECK(same(info_of((uint32_t)rt).sched, "cyclic"));
}

HVG_TEST(moves_the_worker_back)
{
	HVG_REQUIRE(rt > 0);
	HVG_CHECK_EQ(hvg_sched_pool_move_domain(workers[0], 0), 0);
	HVG_CHECK_EQ(hvg_sched_domain_pool(workers[0]), 0);
	HVG_CHECK_EQ(hvg_sched_pool_destroy((uint32_t)rt), 0);
	HVG_CHECK_EQ(hvg_sched_pool_info((uint32_t)rt, &(struct hv_sched_pool_info){0}),
	             -HV_ENOENT);
	HVG_CHECK_EQ(info_of(0).domains, 3);
}

/*
 * Pool 0 runs the cyclic schedule for 100 ms: this domain only runs in its
 * 2 ms windows, so 100 ms of system time give it about 20 ms of its own.
 */
HVG_TEST(switches_pool_0_to_a_cyclic_schedule_and_back)
{
	struct hv_sched_params schedule = cyclic_schedule();
	uint64_t start;
	uint64_t mine;

	HVG_CHECK_EQ(hvg_sched_pool_set_scheduler(0, "cyclic", &schedule), 0);
	HVG_CHECK(same(info_of(0).sched, "cyclic"));
	start = hvg_time_ns();
	mine = hvg_run_time_ns();
	while (hvg_time_ns() < start + 100 * HVG_MS) {
		hvg_spin_ns(100 * HVG_MS / 1000);
	}
	mine = hvg_run_time_ns() - mine;
	hvg_test_note("%llu us of 100000 us in 2 ms windows of 10 ms",
	              (unsigned long long)(mine / 1000));
	HVG_CHECK(mine >= 18 * HVG_MS && mine <= 22 * HVG_MS);
	HVG_CHECK_EQ(hvg_sched_pool_set_scheduler(0, "rr", NULL), 0);
	HVG_CHECK(same(info_of(0).sched, "rr"));
}

/* An ended domain reads as no domain. */
HVG_TEST(workers_finish)
{
	uint64_t deadline = hvg_time_ns() + 10 * HVG_S;
	unsigned int left = worker_count;

	while (left > 0 && hvg_time_ns() < deadline) {
		left = 0;
		for (unsigned int i = 0; i < worker_count; i++) {
			left += hvg_sched_domain_pool(workers[i]) != -HV_ENOENT;
		}
		hvg_sleep_ns(50 * HVG_MS);
	}
	HVG_CHECK_EQ(left, 0);
	HVG_CHECK_EQ(info_of(0).domains, 1);
}

HVG_TEST_MAIN()
