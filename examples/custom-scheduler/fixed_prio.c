/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The custom-scheduler example's scheduler module, "fixed-priority"
 * (fixed_prio.h): linked into the firmware, and on the host into the
 * simulator, from this one file. It needs nothing from libhv but the module
 * interface of include/hv/sched.h, which is what lets it build for both.
 *
 * The policy: the runnable vCPU of the most important domain runs; vCPUs of
 * equally important domains take turns (the one picked longest ago goes
 * first). A less important domain runs only while every more important one
 * is blocked or has ended, so it can starve: that is the point of fixed
 * priorities, and the reason to give the CPU-bound domains the low ones.
 *
 * Where the priorities come from: the scheduling parameters of
 * include/hv/sched.h have no priority kind, and the core passes weight=
 * only to weighted modules, so the priorities are a table here, indexed by
 * domain identifier (the appliance's domains, named in fixed_prio.h). A
 * domain beyond the table gets the lowest priority, 0.
 *
 * State: the runnable vCPUs in an unordered array in the instance's priv;
 * per vCPU, its priority and the number of the pick that last chose it. A
 * decision scans the runnable vCPUs: O(n), fine for a handful of domains.
 * No allocation and no locking, as include/hv/sched.h requires.
 */
#include <hv/abi/errno.h>
#include <hv/sched.h>

#include "fixed_prio.h"

/* Most vCPUs the module takes; add_vcpu refuses more. */
#define FP_MAX_VCPUS 64

/* Higher is more important. */
static const uint32_t priority[DOM_COUNT] = {
        [DOM_LOW] = 1,
        [DOM_HIGH] = 10,
};

struct fp_vcpu {
	uint32_t priority;
	uint64_t last_pick; /* the pick that chose it last; 0: never */
};

struct fp_state {
	struct hv_sched_vcpu *runnable[FP_MAX_VCPUS];
	size_t runnable_count;
	size_t vcpu_count; /* added and not removed, at most FP_MAX_VCPUS */
	uint64_t picks;    /* decisions so far */
};

static struct fp_state *state_of(const struct hv_sched *s)
{
	return s->priv;
}

static struct fp_vcpu *fp_of(const struct hv_sched_vcpu *v)
{
	return v->priv;
}

static int fp_init(struct hv_sched *s)
{
	*state_of(s) = (struct fp_state){.runnable_count = 0};
	return 0;
}

static int fp_add_vcpu(struct hv_sched *s, struct hv_sched_vcpu *v)
{
	struct fp_state *st = state_of(s);

	if (st->vcpu_count == FP_MAX_VCPUS) {
		return -HV_ENOSPC;
	}
	st->vcpu_count++;
	*fp_of(v) = (struct fp_vcpu){
	        .priority = v->domid < DOM_COUNT ? priority[v->domid] : 0,
	        .last_pick = 0,
	};
	return 0;
}

static void fp_remove_vcpu(struct hv_sched *s, struct hv_sched_vcpu *v)
{
	(void)v;
	/* The core puts a runnable vCPU to sleep first: it is not in the array. */
	state_of(s)->vcpu_count--;
}

static void fp_wake(struct hv_sched *s, struct hv_sched_vcpu *v)
{
	struct fp_state *st = state_of(s);

	/* Fits: every runnable vCPU was added, and at most FP_MAX_VCPUS were. */
	st->runnable[st->runnable_count++] = v;
}

static void fp_sleep(struct hv_sched *s, struct hv_sched_vcpu *v)
{
	struct fp_state *st = state_of(s);

	for (size_t i = 0; i < st->runnable_count; i++) {
		if (st->runnable[i] == v) {
			st->runnable[i] = st->runnable[--st->runnable_count];
			return;
		}
	}
}

/* True if a should run before b: more important, or as important and waiting longer. */
static bool runs_before(const struct hv_sched_vcpu *a, const struct hv_sched_vcpu *b)
{
	const struct fp_vcpu *fa = fp_of(a);
	const struct fp_vcpu *fb = fp_of(b);

	if (fa->priority != fb->priority) {
		return fa->priority > fb->priority;
	}
	return fa->last_pick < fb->last_pick;
}

static struct hv_sched_vcpu *fp_pick_next(struct hv_sched *s, uint64_t now_ns, uint64_t *slice_ns)
{
	struct fp_state *st = state_of(s);
	struct hv_sched_vcpu *best = NULL;

	(void)now_ns;
	*slice_ns = 0;
	for (size_t i = 0; i < st->runnable_count; i++) {
		if (best == NULL || runs_before(st->runnable[i], best)) {
			best = st->runnable[i];
		}
	}
	if (best != NULL) {
		fp_of(best)->last_pick = ++st->picks;
	}
	return best;
}

/*
 * Yielding only lets equally important vCPUs go first: the yielder counts
 * as just picked. A more important vCPU that yields keeps the CPU.
 */
static void fp_yield(struct hv_sched *s, struct hv_sched_vcpu *v)
{
	fp_of(v)->last_pick = ++state_of(s)->picks;
}

const struct hv_sched_ops fixed_priority = {
        .name = "fixed-priority",
        .api_version = HV_SCHED_API_VERSION,
        .priv_size = sizeof(struct fp_state),
        .vcpu_priv_size = sizeof(struct fp_vcpu),
        .init = fp_init,
        .add_vcpu = fp_add_vcpu,
        .remove_vcpu = fp_remove_vcpu,
        .wake = fp_wake,
        .sleep = fp_sleep,
        .pick_next = fp_pick_next,
        .yield = fp_yield,
};
