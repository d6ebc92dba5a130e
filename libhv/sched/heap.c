/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The vCPU min-heap of the built-in scheduler modules (sched/heap.h).
 *
 * Invariant: item[0..count) is a binary heap under ops->less, and for
 * every i below count, *ops->slot(item[i]) == i + 1; a vCPU outside the
 * heap has slot 0. Sifting is iterative (no recursion in the hypervisor).
 */
#include <sched/heap.h>

static bool less_at(struct hv_sched_heap *h, uint32_t a, uint32_t b)
{
	return hv_sched_heap_less(h, h->item[a], h->item[b]);
}

static void place(struct hv_sched_heap *h, uint32_t i, struct hv_sched_vcpu *v)
{
	h->item[i] = v;
	*h->ops->slot(v) = i + 1;
}

static void swap(struct hv_sched_heap *h, uint32_t a, uint32_t b)
{
	struct hv_sched_vcpu *va = h->item[a];

	place(h, a, h->item[b]);
	place(h, b, va);
}

/* Moves item i up while it orders before its parent; true if it moved. */
static bool sift_up(struct hv_sched_heap *h, uint32_t i)
{
	bool moved = false;

	while (i > 0 && less_at(h, i, (i - 1) / 2)) {
		swap(h, i, (i - 1) / 2);
		i = (i - 1) / 2;
		moved = true;
	}
	return moved;
}

static void sift_down(struct hv_sched_heap *h, uint32_t i)
{
	for (;;) {
		uint32_t least = i;
		uint32_t left = 2 * i + 1;
		uint32_t right = left + 1;

		if (left < h->count && less_at(h, left, least)) {
			least = left;
		}
		if (right < h->count && less_at(h, right, least)) {
			least = right;
		}
		if (least == i) {
			return;
		}
		swap(h, i, least);
		i = least;
	}
}

void hv_sched_heap_init(struct hv_sched_heap *h, const struct hv_sched_heap_ops *ops)
{
	h->ops = ops;
	h->count = 0;
	h->compare_count = 0;
}

bool hv_sched_heap_less(struct hv_sched_heap *h, const struct hv_sched_vcpu *a,
                        const struct hv_sched_vcpu *b)
{
	h->compare_count++;
	return h->ops->less(a, b);
}

bool hv_sched_heap_contains(const struct hv_sched_heap *h, struct hv_sched_vcpu *v)
{
	return *h->ops->slot(v) != 0;
}

void hv_sched_heap_insert(struct hv_sched_heap *h, struct hv_sched_vcpu *v)
{
	uint32_t i = h->count++;

	place(h, i, v);
	sift_up(h, i);
}

void hv_sched_heap_remove(struct hv_sched_heap *h, struct hv_sched_vcpu *v)
{
	uint32_t i = *h->ops->slot(v) - 1;
	uint32_t last = --h->count;

	*h->ops->slot(v) = 0;
	if (i == last) {
		return;
	}
	place(h, i, h->item[last]);
	if (!sift_up(h, i)) {
		sift_down(h, i);
	}
}

void hv_sched_heap_update(struct hv_sched_heap *h, struct hv_sched_vcpu *v)
{
	uint32_t i = *h->ops->slot(v) - 1;

	if (!sift_up(h, i)) {
		sift_down(h, i);
	}
}

struct hv_sched_vcpu *hv_sched_heap_min(const struct hv_sched_heap *h)
{
	return h->count > 0 ? h->item[0] : NULL;
}

struct hv_sched_vcpu *hv_sched_heap_second(struct hv_sched_heap *h)
{
	if (h->count < 2) {
		return NULL;
	}
	if (h->count == 2 || !less_at(h, 2, 1)) {
		return h->item[1];
	}
	return h->item[2];
}
