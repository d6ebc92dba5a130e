/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Borrowed virtual time (Duda and Cheriton, SOSP 1999), through the
 * scheduler interface (include/hv/sched.h).
 *
 * Each vCPU has an actual virtual time (AVT) that advances while it runs,
 * by ran * HV_SCHED_WEIGHT_DEFAULT / weight (the domain's weight; the
 * remainder of the division is carried, so nothing is lost to rounding),
 * and an effective virtual time (EVT): AVT minus the domain's warp while
 * the vCPU is warped, AVT otherwise. The runnable vCPU with the least EVT
 * runs, with a context-switch allowance C (half the default slice, in
 * virtual time): the vCPU that ran last keeps the CPU until another's EVT is
 * lower than its own by C or more, and its slice ends when its EVT would
 * pass the next one's by C (at least BVT_MIN_SLICE_NS, at most the default
 * slice). A vCPU that yields gives way to the next one for one decision.
 *
 * Waking: a vCPU's AVT is raised to at least the scheduler virtual time
 * (SVT, the least AVT of the runnable vCPUs; the last one known when none
 * is), so that sleeping earns no credit. A vCPU of a domain with a warp
 * starts a warp when it wakes: its EVT drops by the warp, so it is picked
 * at the next decision (the core asks at the end of the running slice; it
 * does not preempt). A warp ends when the vCPU sleeps, or when it has run
 * warp_limit_ns warped (L, its slice is cut to end exactly there); after
 * the limit ended one, the vCPU does not warp again until unwarp_ns (U) of
 * real time have passed, measured to the last decision before the wake.
 *
 * Time: the core does not report run time to the module, so each
 * pick_next charges the vCPU picked before it for the time since that pick
 * (the core asks again as soon as the running vCPU sleeps, so the charge
 * is what it ran). Virtual times are compared modulo 2^64 (a - b as
 * signed), so they may wrap.
 *
 * State: per-domain parameters (set before or after the domain's vCPUs
 * are added), two heaps of the runnable vCPUs, one by EVT for decisions
 * and one by AVT for the SVT, and per vCPU its times, warp state and heap
 * positions. At most HV_SCHED_BUILTIN_MAX_VCPUS vCPUs: a decision costs
 * O(log n) comparisons. No allocation, no locking.
 */
#include <hv/abi/errno.h>
#include <hv/config.h>
#include <hv/log.h>
#include <hv/sched.h>
#include <sched/heap.h>

/* Shortest slice, so that a close race does not switch at every tick. */
#define BVT_MIN_SLICE_NS 100000u

/* Largest warp, so that virtual times stay far inside 2^63 of each other. */
#define BVT_WARP_MAX_NS (UINT64_C(1) << 50)

struct bvt_domain {
	uint32_t weight; /* 0: never set, HV_SCHED_WEIGHT_DEFAULT */
	uint64_t warp_ns;
	uint64_t warp_limit_ns;
	uint64_t unwarp_ns;
};

struct bvt_vcpu {
	uint64_t avt;
	uint64_t evt;
	uint64_t remainder; /* of the last AVT advance, in 1/weight units */
	uint64_t warp_run_ns;
	uint64_t unwarped_at; /* when the limit last ended a warp */
	uint32_t evt_slot;
	uint32_t avt_slot;
	bool warped;
	bool limited;     /* the limit ended the last warp: U applies */
	bool slept_since; /* slept after its last pick: that run was not this warp's */
};

struct bvt {
	struct hv_sched_heap by_evt;
	struct hv_sched_heap by_avt;
	struct bvt_domain domain[HV_CONFIG_MAX_DOMAINS];
	struct hv_sched_vcpu *current; /* picked last, until the next pick */
	uint64_t current_since;
	bool current_yielded;
	uint64_t last_now;
	uint64_t svt;
	uint64_t allowance; /* C, in virtual ns */
	uint32_t vcpu_count;
	uint64_t extra_compares; /* made outside the heaps */
	uint64_t pick_count;
};

_Static_assert(sizeof(struct bvt) <= HV_SCHED_PRIV_MAX_SIZE, "BVT state fits the instance");
_Static_assert(sizeof(struct bvt_vcpu) <= HV_SCHED_VCPU_PRIV_MAX_SIZE, "BVT vCPU state fits");

static struct bvt *bvt_of(const struct hv_sched *s)
{
	return s->priv;
}

static struct bvt_vcpu *bv_of(const struct hv_sched_vcpu *v)
{
	return v->priv;
}

/* Whether virtual time a is before b, modulo 2^64. */
static bool vt_before(uint64_t a, uint64_t b)
{
	return (int64_t)(a - b) < 0;
}

static bool less_evt(const struct hv_sched_vcpu *a, const struct hv_sched_vcpu *b)
{
	return vt_before(bv_of(a)->evt, bv_of(b)->evt);
}

static bool less_avt(const struct hv_sched_vcpu *a, const struct hv_sched_vcpu *b)
{
	return vt_before(bv_of(a)->avt, bv_of(b)->avt);
}

static uint32_t *evt_slot(struct hv_sched_vcpu *v)
{
	return &bv_of(v)->evt_slot;
}

static uint32_t *avt_slot(struct hv_sched_vcpu *v)
{
	return &bv_of(v)->avt_slot;
}

static const struct hv_sched_heap_ops evt_ops = {.less = less_evt, .slot = evt_slot};
static const struct hv_sched_heap_ops avt_ops = {.less = less_avt, .slot = avt_slot};

static const struct bvt_domain *domain_of(const struct bvt *b, const struct hv_sched_vcpu *v)
{
	return &b->domain[v->domid];
}

static uint32_t weight_of(const struct bvt_domain *d)
{
	return d->weight != 0 ? d->weight : HV_SCHED_WEIGHT_DEFAULT;
}

static bool runnable(const struct bvt *b, struct hv_sched_vcpu *v)
{
	return hv_sched_heap_contains(&b->by_evt, v);
}

/* Recomputes v's EVT and restores both heaps' order if v is in them. */
static void rekey(struct bvt *b, struct hv_sched_vcpu *v)
{
	struct bvt_vcpu *bv = bv_of(v);

	bv->evt = bv->warped ? bv->avt - domain_of(b, v)->warp_ns : bv->avt;
	if (runnable(b, v)) {
		hv_sched_heap_update(&b->by_evt, v);
		hv_sched_heap_update(&b->by_avt, v);
	}
}

/* Advances v's virtual time for ran_ns of running, and ends a warp at L. */
static void charge(struct bvt *b, struct hv_sched_vcpu *v, uint64_t ran_ns, uint64_t now)
{
	const struct bvt_domain *d = domain_of(b, v);
	struct bvt_vcpu *bv = bv_of(v);
	uint64_t weight = weight_of(d);
	uint64_t scaled;

	/* A pick comes at least every slice; cap to keep the product in range. */
	if (ran_ns > (UINT64_C(1) << 40)) {
		ran_ns = UINT64_C(1) << 40;
	}
	scaled = ran_ns * HV_SCHED_WEIGHT_DEFAULT + bv->remainder;
	bv->avt += scaled / weight;
	bv->remainder = scaled % weight;
	bv->slept_since = false;
	if (bv->warped && !bv->slept_since) {
		bv->warp_run_ns += ran_ns;
		if (d->warp_limit_ns != 0 && bv->warp_run_ns >= d->warp_limit_ns) {
			bv->warped = false;
			bv->limited = true;
			bv->unwarped_at = now;
		}
	}
	rekey(b, v);
}

/* Real time for which v may run before its EVT passes other's by C. */
static uint64_t slice_for(struct bvt *b, const struct hv_sched *s, struct hv_sched_vcpu *v,
                          const struct hv_sched_vcpu *other)
{
	const struct bvt_domain *d = domain_of(b, v);
	const struct bvt_vcpu *bv = bv_of(v);
	uint64_t max = s->slice_ns;
	uint64_t min = max < BVT_MIN_SLICE_NS ? max : BVT_MIN_SLICE_NS;
	uint64_t slice = max;

	if (other != NULL) {
		uint64_t limit = bv_of(other)->evt + b->allowance;
		uint64_t budget = vt_before(bv->evt, limit) ? limit - bv->evt : 0;
		uint64_t weight = weight_of(d);

		if (budget / HV_SCHED_WEIGHT_DEFAULT < max) {
			slice = budget / HV_SCHED_WEIGHT_DEFAULT * weight +
			        (budget % HV_SCHED_WEIGHT_DEFAULT * weight +
			         HV_SCHED_WEIGHT_DEFAULT - 1) /
			                HV_SCHED_WEIGHT_DEFAULT;
		}
		slice = slice < min ? min : slice > max ? max : slice;
	}
	if (bv->warped && d->warp_limit_ns != 0) {
		uint64_t left = d->warp_limit_ns - bv->warp_run_ns;

		slice = left < slice ? left : slice;
	}
	return slice;
}

static int bvt_init(struct hv_sched *s)
{
	struct bvt *b = bvt_of(s);

	hv_sched_heap_init(&b->by_evt, &evt_ops);
	hv_sched_heap_init(&b->by_avt, &avt_ops);
	b->allowance = s->slice_ns / 2;
	return 0;
}

static int bvt_add_vcpu(struct hv_sched *s, struct hv_sched_vcpu *v)
{
	struct bvt *b = bvt_of(s);

	if (v->domid >= HV_CONFIG_MAX_DOMAINS) {
		return -HV_EINVAL;
	}
	if (b->vcpu_count >= HV_SCHED_BUILTIN_MAX_VCPUS) {
		return -HV_ENOSPC;
	}
	*bv_of(v) = (struct bvt_vcpu){.avt = b->svt, .evt = b->svt};
	b->vcpu_count++;
	return 0;
}

static void bvt_sleep(struct hv_sched *s, struct hv_sched_vcpu *v)
{
	struct bvt *b = bvt_of(s);
	struct bvt_vcpu *bv = bv_of(v);

	if (runnable(b, v)) {
		hv_sched_heap_remove(&b->by_evt, v);
		hv_sched_heap_remove(&b->by_avt, v);
	}
	/* The burst is over; the next wake may warp again. */
	bv->slept_since = true;
	bv->warped = false;
	bv->warp_run_ns = 0;
	bv->evt = bv->avt;
}

static void bvt_remove_vcpu(struct hv_sched *s, struct hv_sched_vcpu *v)
{
	struct bvt *b = bvt_of(s);

	bvt_sleep(s, v);
	if (b->current == v) {
		b->current = NULL;
	}
	b->vcpu_count--;
}

/* The least AVT of the runnable vCPUs, never going back. */
static uint64_t update_svt(struct bvt *b)
{
	struct hv_sched_vcpu *least = hv_sched_heap_min(&b->by_avt);

	if (least != NULL && vt_before(b->svt, bv_of(least)->avt)) {
		b->svt = bv_of(least)->avt;
	}
	return b->svt;
}

static void bvt_wake(struct hv_sched *s, struct hv_sched_vcpu *v)
{
	struct bvt *b = bvt_of(s);
	const struct bvt_domain *d = domain_of(b, v);
	struct bvt_vcpu *bv = bv_of(v);
	uint64_t svt = update_svt(b);

	if (runnable(b, v)) {
		return;
	}
	if (vt_before(bv->avt, svt)) {
		bv->avt = svt;
		bv->remainder = 0;
	}
	if (d->warp_ns != 0 && (!bv->limited || b->last_now - bv->unwarped_at >= d->unwarp_ns)) {
		bv->warped = true;
		bv->limited = false;
		bv->warp_run_ns = 0;
	}
	bv->evt = bv->warped ? bv->avt - d->warp_ns : bv->avt;
	hv_sched_heap_insert(&b->by_evt, v);
	hv_sched_heap_insert(&b->by_avt, v);
}

static struct hv_sched_vcpu *bvt_pick_next(struct hv_sched *s, uint64_t now_ns, uint64_t *slice_ns)
{
	struct bvt *b = bvt_of(s);
	struct hv_sched_vcpu *cur = b->current;
	struct hv_sched_vcpu *least;
	struct hv_sched_vcpu *v;
	struct hv_sched_vcpu *other;

	b->pick_count++;
	if (cur != NULL) {
		charge(b, cur, now_ns > b->current_since ? now_ns - b->current_since : 0, now_ns);
	}
	b->last_now = now_ns;
	least = hv_sched_heap_min(&b->by_evt);
	v = least;
	/*
	 * The allowance: the last vCPU goes on while least is not lower by C
	 * or more. One that yielded gives way to the next, for this decision.
	 */
	if (cur != NULL && cur != least && !b->current_yielded && runnable(b, cur)) {
		b->extra_compares++;
		if (vt_before(bv_of(cur)->evt, bv_of(least)->evt + b->allowance)) {
			v = cur;
		}
	} else if (cur != NULL && cur == least && b->current_yielded) {
		struct hv_sched_vcpu *next = hv_sched_heap_second(&b->by_evt);

		v = next != NULL ? next : cur;
	}
	b->current_yielded = false;
	update_svt(b);
	b->current = v;
	b->current_since = now_ns;
	if (v == NULL) {
		*slice_ns = 0;
		return NULL;
	}
	other = v == least ? hv_sched_heap_second(&b->by_evt) : least;
	*slice_ns = slice_for(b, s, v, other);
	return v;
}

static void bvt_yield(struct hv_sched *s, struct hv_sched_vcpu *v)
{
	struct bvt *b = bvt_of(s);

	if (b->current == v) {
		b->current_yielded = true;
	}
}

static void bvt_dump(const struct hv_sched *s)
{
	const struct bvt *b = bvt_of(s);

	hv_info("sched bvt: %u runnable of %u, svt %llu", b->by_evt.count, b->vcpu_count,
	        (unsigned long long)b->svt);
	for (uint32_t i = 0; i < b->by_evt.count; i++) {
		const struct hv_sched_vcpu *v = b->by_evt.item[i];
		const struct bvt_vcpu *bv = bv_of(v);

		hv_info("sched bvt:   domain %u vCPU %u avt %llu evt %llu%s", v->domid, v->vcpu_id,
		        (unsigned long long)bv->avt, (unsigned long long)bv->evt,
		        bv->warped ? " warped" : "");
	}
}

static int bvt_set_params(struct hv_sched *s, hv_domid_t domid, const struct hv_sched_params *p)
{
	const struct hv_sched_bvt_params *bp = &p->bvt;

	if (p->kind != HV_SCHED_KIND_BVT || domid >= HV_CONFIG_MAX_DOMAINS || bp->weight == 0 ||
	    bp->weight > HV_SCHED_WEIGHT_MAX || bp->warp_ns > BVT_WARP_MAX_NS) {
		return -HV_EINVAL;
	}
	bvt_of(s)->domain[domid] = (struct bvt_domain){
	        .weight = bp->weight,
	        .warp_ns = bp->warp_ns,
	        .warp_limit_ns = bp->warp_limit_ns,
	        .unwarp_ns = bp->unwarp_ns,
	};
	return 0;
}

static void bvt_forget_domain(struct hv_sched *s, hv_domid_t domid)
{
	if (domid < HV_CONFIG_MAX_DOMAINS) {
		bvt_of(s)->domain[domid] = (struct bvt_domain){.weight = 0};
	}
}

static int bvt_get_params(const struct hv_sched *s, hv_domid_t domid, struct hv_sched_params *p)
{
	const struct bvt_domain *d;

	if (domid >= HV_CONFIG_MAX_DOMAINS) {
		return -HV_EINVAL;
	}
	d = &bvt_of(s)->domain[domid];
	*p = (struct hv_sched_params){.kind = HV_SCHED_KIND_BVT};
	p->bvt = (struct hv_sched_bvt_params){
	        .weight = weight_of(d),
	        .warp_ns = d->warp_ns,
	        .warp_limit_ns = d->warp_limit_ns,
	        .unwarp_ns = d->unwarp_ns,
	};
	return 0;
}

void hv_sched_bvt_stats(const struct hv_sched *s, struct hv_sched_stats *out)
{
	const struct bvt *b = bvt_of(s);

	out->compare_count = b->by_evt.compare_count + b->by_avt.compare_count + b->extra_compares;
	out->pick_count = b->pick_count;
}

const struct hv_sched_ops hv_sched_bvt = {
        .name = "bvt",
        .api_version = HV_SCHED_API_VERSION,
        .priv_size = sizeof(struct bvt),
        .vcpu_priv_size = sizeof(struct bvt_vcpu),
        .init = bvt_init,
        .add_vcpu = bvt_add_vcpu,
        .remove_vcpu = bvt_remove_vcpu,
        .wake = bvt_wake,
        .sleep = bvt_sleep,
        .pick_next = bvt_pick_next,
        .yield = bvt_yield,
        .dump = bvt_dump,
        .set_params = bvt_set_params,
        .get_params = bvt_get_params,
        .forget_domain = bvt_forget_domain,
};
