/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A custom scheduler module run in hvsim without booting: fixed priority,
 * the runnable vCPU of the lowest domain id always runs. It is the
 * integrator's case of docs/hvsim.md; it starves lower priorities on
 * purpose, which fail-starvation.hvsim shows.
 *
 * State: a bitmap of runnable domains and the vCPU of each (one per
 * domain, domain ids below 64). No allocation, no locking.
 */
#include <hv/abi/errno.h>
#include <hv/sched.h>

#include "hvsim.h"

#define PRIO_MAX 64

struct prio {
	uint64_t runnable; /* bit d: domain d's vCPU is runnable */
	struct hv_sched_vcpu *vcpu[PRIO_MAX];
};

static int prio_init(struct hv_sched *s)
{
	(void)s;
	return 0;
}

static int prio_add_vcpu(struct hv_sched *s, struct hv_sched_vcpu *v)
{
	struct prio *p = s->priv;

	if (v->domid >= PRIO_MAX || p->vcpu[v->domid] != NULL) {
		return -HV_ENOSPC;
	}
	p->vcpu[v->domid] = v;
	return 0;
}

static void prio_remove_vcpu(struct hv_sched *s, struct hv_sched_vcpu *v)
{
	struct prio *p = s->priv;

	p->vcpu[v->domid] = NULL;
}

static void prio_wake(struct hv_sched *s, struct hv_sched_vcpu *v)
{
	struct prio *p = s->priv;

	p->runnable |= 1ULL << v->domid;
}

static void prio_sleep(struct hv_sched *s, struct hv_sched_vcpu *v)
{
	struct prio *p = s->priv;

	p->runnable &= ~(1ULL << v->domid);
}

static struct hv_sched_vcpu *prio_pick_next(struct hv_sched *s, uint64_t now_ns, uint64_t *slice_ns)
{
	struct prio *p = s->priv;

	(void)now_ns;
	*slice_ns = 0;
	if (p->runnable == 0) {
		return NULL;
	}
	return p->vcpu[__builtin_ctzll(p->runnable)];
}

static const struct hv_sched_ops prio_sched = {
        .name = "fixed-prio",
        .api_version = HV_SCHED_API_VERSION,
        .priv_size = sizeof(struct prio),
        .vcpu_priv_size = 0,
        .init = prio_init,
        .add_vcpu = prio_add_vcpu,
        .remove_vcpu = prio_remove_vcpu,
        .wake = prio_wake,
        .sleep = prio_sleep,
        .pick_next = prio_pick_next,
};

int main(int argc, char **argv)
{
	return hvsim_main(argc, argv, &prio_sched);
}
