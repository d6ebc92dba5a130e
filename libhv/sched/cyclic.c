/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Static cyclic partitions (ARINC 653 style), through the scheduler
 * interface (include/hv/sched.h).
 *
 * The schedule is a major frame divided into windows, each owned by a
 * domain; it repeats forever from the first decision after it was set
 * (the epoch). pick_next finds the window that `now` falls in and returns
 * one of its domain's runnable vCPUs with the slice ending exactly at the
 * window's end, computed from the epoch rather than from the previous
 * slice, so a late decision never shifts later windows. A window whose
 * domain has no runnable vCPU, and a gap between windows, stay idle:
 * pick_next returns NULL with the slice ending where the idle time does.
 * A domain's runnable vCPUs take turns, one per decision. Until a schedule
 * is set nothing runs.
 *
 * State: the schedule (windows sorted by offset), the epoch, and per
 * domain a queue of its runnable vCPUs (links in each vCPU's priv). A
 * decision costs O(log w) for w windows. No allocation, no locking.
 */
#include <hv/abi/errno.h>
#include <hv/config.h>
#include <hv/log.h>
#include <hv/sched.h>

struct cyclic_vcpu {
	struct hv_sched_vcpu *next;
	struct hv_sched_vcpu *prev;
	bool queued;
};

struct cyclic_queue {
	struct hv_sched_vcpu *head;
	struct hv_sched_vcpu *tail;
};

struct cyclic {
	struct hv_sched_cyclic_params plan; /* windows sorted by offset */
	bool started;
	uint64_t epoch;
	struct cyclic_queue queue[HV_CONFIG_MAX_DOMAINS];
};

_Static_assert(sizeof(struct cyclic) <= HV_SCHED_PRIV_MAX_SIZE, "cyclic state fits the instance");
_Static_assert(sizeof(struct cyclic_vcpu) <= HV_SCHED_VCPU_PRIV_MAX_SIZE, "cyclic vCPU state fits");

static struct cyclic *cyclic_of(const struct hv_sched *s)
{
	return s->priv;
}

static struct cyclic_vcpu *cv_of(const struct hv_sched_vcpu *v)
{
	return v->priv;
}

static void enqueue(struct cyclic_queue *q, struct hv_sched_vcpu *v)
{
	struct cyclic_vcpu *c = cv_of(v);

	c->next = NULL;
	c->prev = q->tail;
	if (q->tail != NULL) {
		cv_of(q->tail)->next = v;
	} else {
		q->head = v;
	}
	q->tail = v;
	c->queued = true;
}

static void dequeue(struct cyclic_queue *q, struct hv_sched_vcpu *v)
{
	struct cyclic_vcpu *c = cv_of(v);

	if (c->prev != NULL) {
		cv_of(c->prev)->next = c->next;
	} else {
		q->head = c->next;
	}
	if (c->next != NULL) {
		cv_of(c->next)->prev = c->prev;
	} else {
		q->tail = c->prev;
	}
	c->next = NULL;
	c->prev = NULL;
	c->queued = false;
}

static int cyclic_init(struct hv_sched *s)
{
	(void)s; /* priv is zeroed: no schedule */
	return 0;
}

static int cyclic_add_vcpu(struct hv_sched *s, struct hv_sched_vcpu *v)
{
	(void)s;
	if (v->domid >= HV_CONFIG_MAX_DOMAINS) {
		return -HV_EINVAL;
	}
	*cv_of(v) = (struct cyclic_vcpu){.queued = false};
	return 0;
}

static void cyclic_sleep(struct hv_sched *s, struct hv_sched_vcpu *v)
{
	if (cv_of(v)->queued) {
		dequeue(&cyclic_of(s)->queue[v->domid], v);
	}
}

static void cyclic_remove_vcpu(struct hv_sched *s, struct hv_sched_vcpu *v)
{
	cyclic_sleep(s, v);
}

static void cyclic_wake(struct hv_sched *s, struct hv_sched_vcpu *v)
{
	if (!cv_of(v)->queued) {
		enqueue(&cyclic_of(s)->queue[v->domid], v);
	}
}

/* The first window that ends after pos (binary search), or window_count. */
static uint32_t window_at(const struct hv_sched_cyclic_params *plan, uint64_t pos)
{
	uint32_t lo = 0;
	uint32_t hi = plan->window_count;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		const struct hv_sched_cyclic_window *w = &plan->windows[mid];

		if (w->offset_ns + w->length_ns <= pos) {
			lo = mid + 1;
		} else {
			hi = mid;
		}
	}
	return lo;
}

static struct hv_sched_vcpu *cyclic_pick_next(struct hv_sched *s, uint64_t now_ns,
                                              uint64_t *slice_ns)
{
	struct cyclic *c = cyclic_of(s);
	const struct hv_sched_cyclic_params *plan = &c->plan;
	const struct hv_sched_cyclic_window *w;
	struct cyclic_queue *q;
	struct hv_sched_vcpu *v;
	uint64_t pos;
	uint64_t frame_start;
	uint32_t i;

	if (plan->window_count == 0) {
		*slice_ns = 0;
		return NULL;
	}
	if (!c->started) {
		c->started = true;
		c->epoch = now_ns;
	}
	pos = (now_ns - c->epoch) % plan->major_frame_ns;
	frame_start = now_ns - pos;
	i = window_at(plan, pos);
	if (i == plan->window_count) {
		/* After the last window: idle until the next frame's first. */
		*slice_ns =
		        frame_start + plan->major_frame_ns + plan->windows[0].offset_ns - now_ns;
		return NULL;
	}
	w = &plan->windows[i];
	if (pos < w->offset_ns) {
		/* In a gap: idle until the window starts. */
		*slice_ns = w->offset_ns - pos;
		return NULL;
	}
	*slice_ns = w->offset_ns + w->length_ns - pos;
	q = &c->queue[w->domid];
	v = q->head;
	if (v != NULL && q->tail != v) {
		dequeue(q, v);
		enqueue(q, v);
	}
	return v;
}

static void cyclic_dump(const struct hv_sched *s)
{
	const struct cyclic *c = cyclic_of(s);

	hv_info("sched cyclic: major frame %llu ns, %u windows",
	        (unsigned long long)c->plan.major_frame_ns, c->plan.window_count);
	for (uint32_t i = 0; i < c->plan.window_count; i++) {
		const struct hv_sched_cyclic_window *w = &c->plan.windows[i];

		hv_info("sched cyclic:   +%llu ns for %llu ns: domain %u%s",
		        (unsigned long long)w->offset_ns, (unsigned long long)w->length_ns,
		        w->domid, c->queue[w->domid].head != NULL ? "" : " (not runnable)");
	}
}

/* Checks a schedule and sorts its windows by offset into *out. */
static int check_plan(const struct hv_sched_cyclic_params *in, struct hv_sched_cyclic_params *out)
{
	uint32_t n = in->window_count;

	if (in->major_frame_ns == 0 || n == 0 || n > HV_SCHED_CYCLIC_MAX_WINDOWS) {
		return -HV_EINVAL;
	}
	*out = (struct hv_sched_cyclic_params){.major_frame_ns = in->major_frame_ns,
	                                       .window_count = n};
	for (uint32_t i = 0; i < n; i++) {
		const struct hv_sched_cyclic_window *w = &in->windows[i];
		uint32_t j = i;

		if (w->domid >= HV_CONFIG_MAX_DOMAINS || w->length_ns == 0 ||
		    w->offset_ns >= in->major_frame_ns ||
		    w->length_ns > in->major_frame_ns - w->offset_ns) {
			return -HV_EINVAL;
		}
		/* Insertion sort: at most HV_SCHED_CYCLIC_MAX_WINDOWS windows. */
		while (j > 0 && out->windows[j - 1].offset_ns > w->offset_ns) {
			out->windows[j] = out->windows[j - 1];
			j--;
		}
		out->windows[j] = *w;
	}
	for (uint32_t i = 1; i < n; i++) {
		const struct hv_sched_cyclic_window *prev = &out->windows[i - 1];

		if (prev->offset_ns + prev->length_ns > out->windows[i].offset_ns) {
			return -HV_EINVAL;
		}
	}
	return 0;
}

static int cyclic_set_params(struct hv_sched *s, hv_domid_t domid, const struct hv_sched_params *p)
{
	struct cyclic *c = cyclic_of(s);
	struct hv_sched_cyclic_params plan;
	int err;

	(void)domid; /* the schedule belongs to the instance */
	if (p->kind != HV_SCHED_KIND_CYCLIC) {
		return -HV_EINVAL;
	}
	err = check_plan(&p->cyclic, &plan);
	if (err != 0) {
		return err;
	}
	c->plan = plan;
	c->started = false; /* the new schedule's first frame starts at the next decision */
	return 0;
}

static int cyclic_get_params(const struct hv_sched *s, hv_domid_t domid, struct hv_sched_params *p)
{
	(void)domid;
	*p = (struct hv_sched_params){.kind = HV_SCHED_KIND_CYCLIC};
	p->cyclic = cyclic_of(s)->plan;
	return 0;
}

const struct hv_sched_ops hv_sched_cyclic = {
        .name = "cyclic",
        .api_version = HV_SCHED_API_VERSION,
        .priv_size = sizeof(struct cyclic),
        .vcpu_priv_size = sizeof(struct cyclic_vcpu),
        .init = cyclic_init,
        .add_vcpu = cyclic_add_vcpu,
        .remove_vcpu = cyclic_remove_vcpu,
        .wake = cyclic_wake,
        .sleep = cyclic_sleep,
        .pick_next = cyclic_pick_next,
        .dump = cyclic_dump,
        .set_params = cyclic_set_params,
        .get_params = cyclic_get_params,
};
