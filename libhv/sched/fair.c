/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Weighted fair share with caps (credit-style), through the scheduler
 * interface (include/hv/sched.h).
 *
 * Shares: each vCPU has a virtual run time that advances while it runs, by
 * ran * HV_SCHED_WEIGHT_DEFAULT * n / weight, where weight is its domain's
 * and n the number of the domain's vCPUs (a domain's weight is shared by
 * its vCPUs; the remainder of the division is carried). The runnable vCPU
 * with the least virtual run time runs for one default slice, so CPU time
 * follows the weights. A vCPU that wakes has its virtual run time raised to
 * at least the floor (the least of the runnable ones, never going back), so
 * sleeping earns no credit; one that yields goes just behind the next.
 *
 * Caps: time is cut into accounting periods of HV_SCHED_FAIR_PERIOD_SLICES
 * default slices, counted from the first decision. A capped domain may run
 * cap_percent of a period; a vCPU of a domain that used that much is parked
 * (out of the heap) until the next period, and the CPU idles rather than
 * run it: pick_next then returns NULL with the slice ending at the period's
 * end. The slice of a capped vCPU ends when its domain's budget or the
 * period does, so a cap holds to the nanosecond when the core asks on time.
 * A domain's usage is reset lazily (it records the period it belongs to),
 * and parked vCPUs are put back when a decision finds a new period; that
 * decision costs O(k log n) for k parked vCPUs, every other one O(log n).
 *
 * Time: as in BVT, each pick_next charges the vCPU picked before it for the
 * time since that pick.
 *
 * State: per-domain parameters and usage, a heap of the runnable vCPUs by
 * virtual run time, a list of the parked ones, and per vCPU its time, heap
 * position and links. At most HV_SCHED_BUILTIN_MAX_VCPUS vCPUs. No
 * allocation, no locking.
 */
#include <hv/abi/errno.h>
#include <hv/config.h>
#include <hv/log.h>
#include <hv/sched.h>
#include <sched/heap.h>

struct fair_domain {
	uint32_t weight; /* 0: never set, HV_SCHED_WEIGHT_DEFAULT */
	uint32_t cap_percent;
	uint32_t vcpu_count;
	uint64_t used_ns; /* in period 'period' */
	uint64_t period;
};

struct fair_vcpu {
	uint64_t vrt;
	uint64_t remainder;
	struct hv_sched_vcpu *next; /* in the parked list */
	struct hv_sched_vcpu *prev;
	uint32_t slot;
	bool parked;
};

struct fair {
	struct hv_sched_heap heap;
	struct fair_domain domain[HV_CONFIG_MAX_DOMAINS];
	struct hv_sched_vcpu *parked;
	struct hv_sched_vcpu *current;
	uint64_t current_since;
	uint64_t floor;
	uint64_t period_ns;
	uint64_t period_start;
	uint64_t period; /* number of the current period */
	bool started;
	uint32_t vcpu_count;
	uint64_t pick_count;
};

_Static_assert(sizeof(struct fair) <= HV_SCHED_PRIV_MAX_SIZE, "fair state fits the instance");
_Static_assert(sizeof(struct fair_vcpu) <= HV_SCHED_VCPU_PRIV_MAX_SIZE, "fair vCPU state fits");

static struct fair *fair_of(const struct hv_sched *s)
{
	return s->priv;
}

static struct fair_vcpu *fv_of(const struct hv_sched_vcpu *v)
{
	return v->priv;
}

/* Whether virtual time a is before b, modulo 2^64. */
static bool vt_before(uint64_t a, uint64_t b)
{
	return (int64_t)(a - b) < 0;
}

static bool less_vrt(const struct hv_sched_vcpu *a, const struct hv_sched_vcpu *b)
{
	return vt_before(fv_of(a)->vrt, fv_of(b)->vrt);
}

static uint32_t *vrt_slot(struct hv_sched_vcpu *v)
{
	return &fv_of(v)->slot;
}

static const struct hv_sched_heap_ops vrt_ops = {.less = less_vrt, .slot = vrt_slot};

static struct fair_domain *domain_of(struct fair *f, const struct hv_sched_vcpu *v)
{
	return &f->domain[v->domid];
}

static uint64_t used_of(const struct fair *f, const struct fair_domain *d)
{
	return d->period == f->period ? d->used_ns : 0;
}

static uint64_t budget_of(const struct fair *f, const struct fair_domain *d)
{
	return f->period_ns / 100 * d->cap_percent + f->period_ns % 100 * d->cap_percent / 100;
}

static bool exhausted(const struct fair *f, const struct fair_domain *d)
{
	return d->cap_percent != 0 && used_of(f, d) >= budget_of(f, d);
}

static void park(struct fair *f, struct hv_sched_vcpu *v)
{
	struct fair_vcpu *fv = fv_of(v);

	fv->parked = true;
	fv->prev = NULL;
	fv->next = f->parked;
	if (f->parked != NULL) {
		fv_of(f->parked)->prev = v;
	}
	f->parked = v;
}

static void unpark(struct fair *f, struct hv_sched_vcpu *v)
{
	struct fair_vcpu *fv = fv_of(v);

	if (fv->prev != NULL) {
		fv_of(fv->prev)->next = fv->next;
	} else {
		f->parked = fv->next;
	}
	if (fv->next != NULL) {
		fv_of(fv->next)->prev = fv->prev;
	}
	fv->next = NULL;
	fv->prev = NULL;
	fv->parked = false;
}

/* Puts a runnable vCPU in the heap, or parks it if its domain is out of budget. */
static void enqueue(struct fair *f, struct hv_sched_vcpu *v)
{
	struct fair_vcpu *fv = fv_of(v);

	if (vt_before(fv->vrt, f->floor)) {
		fv->vrt = f->floor;
		fv->remainder = 0;
	}
	if (exhausted(f, domain_of(f, v))) {
		park(f, v);
	} else {
		hv_sched_heap_insert(&f->heap, v);
	}
}

static void charge(struct fair *f, struct hv_sched_vcpu *v, uint64_t ran_ns)
{
	struct fair_domain *d = domain_of(f, v);
	struct fair_vcpu *fv = fv_of(v);
	uint64_t weight = d->weight != 0 ? d->weight : HV_SCHED_WEIGHT_DEFAULT;
	uint64_t scaled;

	if (ran_ns > (UINT64_C(1) << 40)) {
		ran_ns = UINT64_C(1) << 40;
	}
	scaled = ran_ns * HV_SCHED_WEIGHT_DEFAULT * (d->vcpu_count != 0 ? d->vcpu_count : 1) +
	         fv->remainder;
	fv->vrt += scaled / weight;
	fv->remainder = scaled % weight;
	if (d->period != f->period) {
		d->period = f->period;
		d->used_ns = 0;
	}
	d->used_ns += ran_ns;
	if (hv_sched_heap_contains(&f->heap, v)) {
		hv_sched_heap_update(&f->heap, v);
	}
}

/* Starts the period that now falls in, and gives the parked vCPUs back. */
static void roll_period(struct fair *f, uint64_t now)
{
	if (!f->started) {
		f->started = true;
		f->period_start = now;
		return;
	}
	if (now - f->period_start < f->period_ns) {
		return;
	}
	f->period_start = now - (now - f->period_start) % f->period_ns;
	f->period++;
	while (f->parked != NULL) {
		struct hv_sched_vcpu *v = f->parked;

		unpark(f, v);
		enqueue(f, v);
	}
}

static int fair_init(struct hv_sched *s)
{
	struct fair *f = fair_of(s);

	hv_sched_heap_init(&f->heap, &vrt_ops);
	f->period_ns = s->slice_ns * HV_SCHED_FAIR_PERIOD_SLICES;
	if (f->period_ns == 0) {
		return -HV_EINVAL;
	}
	return 0;
}

static int fair_add_vcpu(struct hv_sched *s, struct hv_sched_vcpu *v)
{
	struct fair *f = fair_of(s);

	if (v->domid >= HV_CONFIG_MAX_DOMAINS) {
		return -HV_EINVAL;
	}
	if (f->vcpu_count >= HV_SCHED_BUILTIN_MAX_VCPUS) {
		return -HV_ENOSPC;
	}
	*fv_of(v) = (struct fair_vcpu){.vrt = f->floor};
	f->vcpu_count++;
	domain_of(f, v)->vcpu_count++;
	return 0;
}

static void fair_sleep(struct hv_sched *s, struct hv_sched_vcpu *v)
{
	struct fair *f = fair_of(s);

	if (hv_sched_heap_contains(&f->heap, v)) {
		hv_sched_heap_remove(&f->heap, v);
	} else if (fv_of(v)->parked) {
		unpark(f, v);
	}
}

static void fair_remove_vcpu(struct hv_sched *s, struct hv_sched_vcpu *v)
{
	struct fair *f = fair_of(s);

	fair_sleep(s, v);
	if (f->current == v) {
		f->current = NULL;
	}
	f->vcpu_count--;
	domain_of(f, v)->vcpu_count--;
}

static void fair_wake(struct hv_sched *s, struct hv_sched_vcpu *v)
{
	struct fair *f = fair_of(s);

	if (!hv_sched_heap_contains(&f->heap, v) && !fv_of(v)->parked) {
		enqueue(f, v);
	}
}

static struct hv_sched_vcpu *fair_pick_next(struct hv_sched *s, uint64_t now_ns, uint64_t *slice_ns)
{
	struct fair *f = fair_of(s);
	struct hv_sched_vcpu *v;
	struct fair_domain *d;
	uint64_t period_end;

	f->pick_count++;
	if (f->current != NULL) {
		charge(f, f->current, now_ns > f->current_since ? now_ns - f->current_since : 0);
	}
	roll_period(f, now_ns);
	period_end = f->period_start + f->period_ns;
	/* Park whoever's domain used its cap: at most once per vCPU and period. */
	for (;;) {
		v = hv_sched_heap_min(&f->heap);
		if (v == NULL || !exhausted(f, domain_of(f, v))) {
			break;
		}
		hv_sched_heap_remove(&f->heap, v);
		park(f, v);
	}
	f->current = v;
	f->current_since = now_ns;
	if (v == NULL) {
		/* Idle; if capped vCPUs wait, only until the period ends. */
		*slice_ns = f->parked != NULL ? period_end - now_ns : 0;
		return NULL;
	}
	if (vt_before(f->floor, fv_of(v)->vrt)) {
		f->floor = fv_of(v)->vrt;
	}
	d = domain_of(f, v);
	*slice_ns = s->slice_ns;
	if (d->cap_percent != 0) {
		uint64_t left = budget_of(f, d) - used_of(f, d);

		if (left < *slice_ns) {
			*slice_ns = left;
		}
		if (period_end - now_ns < *slice_ns) {
			*slice_ns = period_end - now_ns;
		}
	}
	return v;
}

static void fair_yield(struct hv_sched *s, struct hv_sched_vcpu *v)
{
	struct fair *f = fair_of(s);
	struct hv_sched_vcpu *next;
	struct fair_vcpu *fv = fv_of(v);

	if (!hv_sched_heap_contains(&f->heap, v) || hv_sched_heap_min(&f->heap) != v) {
		return;
	}
	next = hv_sched_heap_second(&f->heap);
	if (next != NULL && !vt_before(fv_of(next)->vrt, fv->vrt)) {
		fv->vrt = fv_of(next)->vrt + 1;
		hv_sched_heap_update(&f->heap, v);
	}
}

static void fair_dump(const struct hv_sched *s)
{
	const struct fair *f = fair_of(s);

	hv_info("sched fair: %u runnable of %u, period %llu", f->heap.count, f->vcpu_count,
	        (unsigned long long)f->period);
	for (uint32_t i = 0; i < f->heap.count; i++) {
		const struct hv_sched_vcpu *v = f->heap.item[i];

		hv_info("sched fair:   domain %u vCPU %u vrt %llu", v->domid, v->vcpu_id,
		        (unsigned long long)fv_of(v)->vrt);
	}
	for (const struct hv_sched_vcpu *v = f->parked; v != NULL; v = fv_of(v)->next) {
		hv_info("sched fair:   domain %u vCPU %u capped", v->domid, v->vcpu_id);
	}
}

static int fair_set_params(struct hv_sched *s, hv_domid_t domid, const struct hv_sched_params *p)
{
	struct fair_domain *d;

	if (p->kind != HV_SCHED_KIND_FAIR || domid >= HV_CONFIG_MAX_DOMAINS ||
	    p->fair.weight == 0 || p->fair.weight > HV_SCHED_WEIGHT_MAX ||
	    p->fair.cap_percent > 100) {
		return -HV_EINVAL;
	}
	d = &fair_of(s)->domain[domid];
	d->weight = p->fair.weight;
	/* A new cap applies from the next decision; parked vCPUs wait for the period's end. */
	d->cap_percent = p->fair.cap_percent;
	return 0;
}

/* The domain's vCPUs are gone: its parameters and its period's account go too. */
static void fair_forget_domain(struct hv_sched *s, hv_domid_t domid)
{
	struct fair_domain *d;

	if (domid >= HV_CONFIG_MAX_DOMAINS) {
		return;
	}
	d = &fair_of(s)->domain[domid];
	d->weight = 0;
	d->cap_percent = 0;
	d->used_ns = 0;
}

static int fair_get_params(const struct hv_sched *s, hv_domid_t domid, struct hv_sched_params *p)
{
	const struct fair_domain *d;

	if (domid >= HV_CONFIG_MAX_DOMAINS) {
		return -HV_EINVAL;
	}
	d = &fair_of(s)->domain[domid];
	*p = (struct hv_sched_params){.kind = HV_SCHED_KIND_FAIR};
	p->fair.weight = d->weight != 0 ? d->weight : HV_SCHED_WEIGHT_DEFAULT;
	p->fair.cap_percent = d->cap_percent;
	return 0;
}

void hv_sched_fair_stats(const struct hv_sched *s, struct hv_sched_stats *out)
{
	const struct fair *f = fair_of(s);

	out->compare_count = f->heap.compare_count;
	out->pick_count = f->pick_count;
}

const struct hv_sched_ops hv_sched_fair = {
        .name = "fair",
        .api_version = HV_SCHED_API_VERSION,
        .priv_size = sizeof(struct fair),
        .vcpu_priv_size = sizeof(struct fair_vcpu),
        .init = fair_init,
        .add_vcpu = fair_add_vcpu,
        .remove_vcpu = fair_remove_vcpu,
        .wake = fair_wake,
        .sleep = fair_sleep,
        .pick_next = fair_pick_next,
        .yield = fair_yield,
        .dump = fair_dump,
        .set_params = fair_set_params,
        .get_params = fair_get_params,
        .forget_domain = fair_forget_domain,
};
