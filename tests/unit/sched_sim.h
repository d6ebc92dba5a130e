/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A scheduler module on a fake clock, for the unit tests of the built-in
 * modules: an instance with its priv, up to SIM_MAX vCPUs (vCPU i of domain
 * i unless a test says otherwise), and a loop that asks pick_next, lets the
 * chosen vCPU run its whole slice (or until its burst ends, when it blocks),
 * and moves the clock on. Wake-ups due at a time are delivered before the
 * next decision, as the core does: it does not preempt a running slice,
 * and an idle wait ends at the slice's end or at the next wake-up.
 * Include after <cmocka.h>.
 */
#ifndef HV_TESTS_UNIT_SCHED_SIM_H
#define HV_TESTS_UNIT_SCHED_SIM_H

#include <stdio.h>
#include <string.h>

#include <hv/abi/errno.h>
#include <hv/config.h>
#include <hv/sched.h>

#include "fake_port.h"
#include "sched/heap.h"
#include "sched/sched.h"

/* One millisecond, the simulations' usual time slice. */
#define MS UINT64_C(1000000)

#define SIM_MAX   64
#define SIM_NEVER UINT64_MAX

struct sim {
	struct hv_sched s;
	_Alignas(16) unsigned char priv[HV_SCHED_PRIV_MAX_SIZE];
	struct hv_sched_vcpu v[SIM_MAX];
	_Alignas(16) unsigned char vpriv[SIM_MAX][HV_SCHED_VCPU_PRIV_MAX_SIZE];
	int count;
	uint64_t now;
	bool runnable[SIM_MAX];
	uint64_t ran[SIM_MAX];   /* ns each ran */
	uint64_t idle;           /* ns nobody ran */
	uint64_t burst[SIM_MAX]; /* run this long, then block; 0: CPU-bound */
	uint64_t burst_left[SIM_MAX];
	uint64_t wake_at[SIM_MAX];      /* when a blocked vCPU wakes, or SIM_NEVER */
	uint64_t woke_at[SIM_MAX];      /* when it last became runnable */
	uint64_t latency_max[SIM_MAX];  /* longest wait from a wake to running */
	uint64_t response_max[SIM_MAX]; /* longest time from a wake to the burst's end */
	uint64_t last_end[SIM_MAX];     /* when it last stopped running */
	uint64_t gap_max[SIM_MAX];      /* longest wait while runnable */
	bool waiting[SIM_MAX];          /* woken and not run since */
	uint64_t last_slice;
};

static struct sim sim;

static inline const struct hv_sched_ops *sim_ops(void)
{
	return sim.s.ops;
}

/* Sets up an instance of ops with default slice slice_ns, no vCPUs yet. */
static inline void sim_init(const struct hv_sched_ops *ops, uint64_t slice_ns)
{
	fake_port_reset();
	memset(&sim, 0, sizeof(sim));
	assert_true(ops->priv_size <= HV_SCHED_PRIV_MAX_SIZE);
	assert_true(ops->vcpu_priv_size <= HV_SCHED_VCPU_PRIV_MAX_SIZE);
	sim.s = (struct hv_sched){.ops = ops, .priv = sim.priv, .slice_ns = slice_ns};
	assert_int_equal(ops->init(&sim.s), 0);
	for (int i = 0; i < SIM_MAX; i++) {
		sim.wake_at[i] = SIM_NEVER;
	}
}

/* Adds vCPU i (domain domid), blocked. */
static inline void sim_add(int i, hv_domid_t domid)
{
	sim.v[i] = (struct hv_sched_vcpu){
	        .domid = domid, .vcpu_id = (uint32_t)i, .priv = sim.vpriv[i]};
	assert_int_equal(sim_ops()->add_vcpu(&sim.s, &sim.v[i]), 0);
	if (i >= sim.count) {
		sim.count = i + 1;
	}
}

static inline void sim_wake(int i)
{
	assert_false(sim.runnable[i]);
	sim.runnable[i] = true;
	sim.wake_at[i] = SIM_NEVER;
	sim.woke_at[i] = sim.now;
	sim.last_end[i] = sim.now;
	sim.waiting[i] = true;
	sim.burst_left[i] = sim.burst[i];
	sim_ops()->wake(&sim.s, &sim.v[i]);
}

static inline void sim_sleep(int i)
{
	assert_true(sim.runnable[i]);
	sim.runnable[i] = false;
	sim_ops()->sleep(&sim.s, &sim.v[i]);
}

/* Adds n vCPUs, one per domain 0..n-1, all runnable and CPU-bound. */
static inline void sim_add_runnable(int n)
{
	for (int i = 0; i < n; i++) {
		sim_add(i, (hv_domid_t)i);
		sim_wake(i);
	}
}

static inline void sim_deliver_wakes(void)
{
	for (int i = 0; i < sim.count; i++) {
		if (!sim.runnable[i] && sim.wake_at[i] <= sim.now) {
			uint64_t due = sim.wake_at[i];

			sim_wake(i);
			sim.woke_at[i] = due; /* latency counts from when it was due */
		}
	}
}

/*
 * One decision and what follows it; returns the index picked, or -1. The
 * vCPU runs its slice, or until its burst ends: then it blocks (and the
 * core would ask again at once).
 */
static inline int sim_step(void)
{
	uint64_t slice = 0;
	struct hv_sched_vcpu *v;
	int i;

	sim_deliver_wakes();
	v = sim_ops()->pick_next(&sim.s, sim.now, &slice);
	if (slice == 0) {
		slice = sim.s.slice_ns;
	}
	sim.last_slice = slice;
	if (v == NULL) {
		/* Idle until the slice ends or a wake-up is due, as the core waits. */
		for (int k = 0; k < sim.count; k++) {
			if (!sim.runnable[k] && sim.wake_at[k] > sim.now &&
			    sim.wake_at[k] - sim.now < slice) {
				slice = sim.wake_at[k] - sim.now;
			}
		}
		sim.idle += slice;
		sim.now += slice;
		return -1;
	}
	i = (int)(v - sim.v);
	assert_true(i >= 0 && i < sim.count);
	assert_true(sim.runnable[i]);
	if (sim.waiting[i] && sim.now - sim.woke_at[i] > sim.latency_max[i]) {
		sim.latency_max[i] = sim.now - sim.woke_at[i];
	}
	sim.waiting[i] = false;
	if (sim.now - sim.last_end[i] > sim.gap_max[i]) {
		sim.gap_max[i] = sim.now - sim.last_end[i];
	}
	if (sim.burst[i] != 0 && sim.burst_left[i] <= slice) {
		slice = sim.burst_left[i];
		sim.ran[i] += slice;
		sim.now += slice;
		sim.last_end[i] = sim.now;
		if (sim.now - sim.woke_at[i] > sim.response_max[i]) {
			sim.response_max[i] = sim.now - sim.woke_at[i];
		}
		sim_sleep(i);
		return i;
	}
	if (sim.burst[i] != 0) {
		sim.burst_left[i] -= slice;
	}
	sim.ran[i] += slice;
	sim.now += slice;
	sim.last_end[i] = sim.now;
	return i;
}

/* Steps until the clock reaches 'until'. */
static inline void sim_run_until(uint64_t until)
{
	while (sim.now < until) {
		sim_step();
	}
}

/* Each of the first n vCPUs' CPU time, as a share of the time elapsed. */
static inline double sim_share(int i)
{
	return (double)sim.ran[i] / (double)sim.now;
}

/* |got - want| <= tolerance * want, with a message naming the vCPU. */
static inline void sim_assert_share(int i, double want, double tolerance)
{
	double got = sim_share(i);
	double diff = got > want ? got - want : want - got;

	if (diff > tolerance * want) {
		print_error("vCPU %d: share %.4f, want %.4f within %.1f %%\n", i, got, want,
		            tolerance * 100);
		fail();
	}
}

/*
 * Decision cost: steps `picks` times (after as many to warm up) and
 * reports the comparisons per pick_next, on average and at most, from the
 * module's statistics.
 */
static inline void sim_cost(void (*stats)(const struct hv_sched *, struct hv_sched_stats *),
                            int picks, double *avg, uint64_t *max)
{
	struct hv_sched_stats before;
	struct hv_sched_stats after;
	uint64_t total = 0;

	*max = 0;
	for (int k = 0; k < picks; k++) {
		sim_step();
	}
	for (int k = 0; k < picks; k++) {
		stats(&sim.s, &before);
		sim_step();
		stats(&sim.s, &after);
		assert_int_equal(after.pick_count - before.pick_count, 1);
		total += after.compare_count - before.compare_count;
		if (after.compare_count - before.compare_count > *max) {
			*max = after.compare_count - before.compare_count;
		}
	}
	*avg = (double)total / picks;
}

/*
 * Decision cost of a weighted module with 4 and then 64 CPU-bound vCPUs
 * (weights 256 to 1024, given by set_weight): mean and largest number of
 * comparisons per pick over 4000 picks, into avg[0..1] and max[0..1].
 */
static inline void sim_decision_cost(const struct hv_sched_ops *ops,
                                     void (*set_weight)(hv_domid_t domid, uint32_t weight),
                                     void (*stats)(const struct hv_sched *,
                                                   struct hv_sched_stats *),
                                     double avg[2], uint64_t max[2])
{
	static const int sizes[] = {4, 64};

	for (int k = 0; k < 2; k++) {
		sim_init(ops, MS);
		for (int i = 0; i < sizes[k]; i++) {
			set_weight((hv_domid_t)i, (uint32_t)(256 * (1 + i % 4)));
		}
		sim_add_runnable(sizes[k]);
		sim_cost(stats, 4000, &avg[k], &max[k]);
		print_message("bench: sched_pick_compares_%s_%d %.1f avg %llu max\n", ops->name,
		              sizes[k], avg[k], (unsigned long long)max[k]);
	}
}

#endif /* HV_TESTS_UNIT_SCHED_SIM_H */
