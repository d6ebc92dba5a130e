/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Round-robin, through the scheduler interface (include/hv/sched.h).
 *
 * Runnable vCPUs sit in one queue, in the order they became runnable.
 * pick_next takes the head and moves it to the tail, so every runnable
 * vCPU runs once, for one default slice, before any runs twice; a vCPU
 * that sleeps leaves the queue and joins its tail when woken, and one that
 * yields goes to the tail at once.
 *
 * State: the queue's head and tail in the instance's priv, and per vCPU
 * the links and a "queued" mark in its priv. No allocation, no locking.
 */
#include <hv/abi/errno.h>
#include <hv/log.h>
#include <hv/sched.h>

struct rr_vcpu {
	struct hv_sched_vcpu *next;
	struct hv_sched_vcpu *prev;
	bool queued;
};

struct rr_queue {
	struct hv_sched_vcpu *head;
	struct hv_sched_vcpu *tail;
	size_t count;
};

static struct rr_queue *queue_of(const struct hv_sched *s)
{
	return s->priv;
}

static struct rr_vcpu *rr_of(const struct hv_sched_vcpu *v)
{
	return v->priv;
}

static void enqueue(struct rr_queue *q, struct hv_sched_vcpu *v)
{
	struct rr_vcpu *r = rr_of(v);

	r->next = NULL;
	r->prev = q->tail;
	if (q->tail != NULL) {
		rr_of(q->tail)->next = v;
	} else {
		q->head = v;
	}
	q->tail = v;
	r->queued = true;
	q->count++;
}

static void dequeue(struct rr_queue *q, struct hv_sched_vcpu *v)
{
	struct rr_vcpu *r = rr_of(v);

	if (r->prev != NULL) {
		rr_of(r->prev)->next = r->next;
	} else {
		q->head = r->next;
	}
	if (r->next != NULL) {
		rr_of(r->next)->prev = r->prev;
	} else {
		q->tail = r->prev;
	}
	r->next = NULL;
	r->prev = NULL;
	r->queued = false;
	q->count--;
}

static int rr_init(struct hv_sched *s)
{
	*queue_of(s) = (struct rr_queue){.head = NULL};
	return 0;
}

static int rr_add_vcpu(struct hv_sched *s, struct hv_sched_vcpu *v)
{
	(void)s;
	*rr_of(v) = (struct rr_vcpu){.queued = false};
	return 0;
}

static void rr_remove_vcpu(struct hv_sched *s, struct hv_sched_vcpu *v)
{
	if (rr_of(v)->queued) {
		dequeue(queue_of(s), v);
	}
}

static void rr_wake(struct hv_sched *s, struct hv_sched_vcpu *v)
{
	if (!rr_of(v)->queued) {
		enqueue(queue_of(s), v);
	}
}

static void rr_sleep(struct hv_sched *s, struct hv_sched_vcpu *v)
{
	if (rr_of(v)->queued) {
		dequeue(queue_of(s), v);
	}
}

static struct hv_sched_vcpu *rr_pick_next(struct hv_sched *s, uint64_t now_ns, uint64_t *slice_ns)
{
	struct rr_queue *q = queue_of(s);
	struct hv_sched_vcpu *v = q->head;

	(void)now_ns;
	*slice_ns = 0;
	if (v != NULL) {
		dequeue(q, v);
		enqueue(q, v);
	}
	return v;
}

static void rr_yield(struct hv_sched *s, struct hv_sched_vcpu *v)
{
	struct rr_queue *q = queue_of(s);

	if (rr_of(v)->queued && q->tail != v) {
		dequeue(q, v);
		enqueue(q, v);
	}
}

static void rr_dump(const struct hv_sched *s)
{
	const struct rr_queue *q = queue_of(s);

	hv_info("sched rr: %zu runnable", q->count);
	for (const struct hv_sched_vcpu *v = q->head; v != NULL; v = rr_of(v)->next) {
		hv_info("sched rr:   domain %u vCPU %u", v->domid, v->vcpu_id);
	}
}

const struct hv_sched_ops hv_sched_rr = {
        .name = "rr",
        .api_version = HV_SCHED_API_VERSION,
        .priv_size = sizeof(struct rr_queue),
        .vcpu_priv_size = sizeof(struct rr_vcpu),
        .init = rr_init,
        .add_vcpu = rr_add_vcpu,
        .remove_vcpu = rr_remove_vcpu,
        .wake = rr_wake,
        .sleep = rr_sleep,
        .pick_next = rr_pick_next,
        .yield = rr_yield,
        .dump = rr_dump,
};
