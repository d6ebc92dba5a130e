/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A binary min-heap of vCPUs for the built-in scheduler modules (BVT and
 * fair share): a fixed array of HV_SCHED_BUILTIN_MAX_VCPUS pointers inside
 * the module's instance state, no allocation. Each vCPU keeps its position
 * in its own priv (the `slot` hook), so that removing or re-keying any vCPU
 * costs O(log n), not a search.
 *
 * The heap counts the comparisons it makes (compare_count), and modules
 * make their own comparisons through hv_sched_heap_less() so that they are
 * counted too: the unit tests read the count to check that a decision
 * costs O(log n).
 */
#ifndef HV_SCHED_HEAP_H
#define HV_SCHED_HEAP_H

#include <stdbool.h>
#include <stdint.h>

#include <hv/sched.h>

struct hv_sched_heap_ops {
	/* Whether a orders before b (a strict weak order). */
	bool (*less)(const struct hv_sched_vcpu *a, const struct hv_sched_vcpu *b);
	/* Where v keeps its position in this heap plus one; 0: not in it. */
	uint32_t *(*slot)(struct hv_sched_vcpu *v);
};

struct hv_sched_heap {
	const struct hv_sched_heap_ops *ops;
	uint32_t count;
	uint64_t compare_count;
	struct hv_sched_vcpu *item[HV_SCHED_BUILTIN_MAX_VCPUS];
};

void hv_sched_heap_init(struct hv_sched_heap *h, const struct hv_sched_heap_ops *ops);

/* Whether v is in the heap. */
bool hv_sched_heap_contains(const struct hv_sched_heap *h, struct hv_sched_vcpu *v);

/* Inserts v, which is not in the heap; the heap is not full. */
void hv_sched_heap_insert(struct hv_sched_heap *h, struct hv_sched_vcpu *v);

/* Removes v, which is in the heap. */
void hv_sched_heap_remove(struct hv_sched_heap *h, struct hv_sched_vcpu *v);

/* Restores the order after v's key changed; v is in the heap. */
void hv_sched_heap_update(struct hv_sched_heap *h, struct hv_sched_vcpu *v);

/* The least vCPU, or NULL if the heap is empty. */
struct hv_sched_vcpu *hv_sched_heap_min(const struct hv_sched_heap *h);

/* The least vCPU other than the root (one comparison), or NULL. */
struct hv_sched_vcpu *hv_sched_heap_second(struct hv_sched_heap *h);

/* ops->less(a, b), counted. */
bool hv_sched_heap_less(struct hv_sched_heap *h, const struct hv_sched_vcpu *a,
                        const struct hv_sched_vcpu *b);

/*
 * Decision statistics of the built-in modules, for tests and diagnostics:
 * the comparisons their heaps made since init, and the pick_next calls.
 */
struct hv_sched_stats {
	uint64_t compare_count;
	uint64_t pick_count;
};

void hv_sched_bvt_stats(const struct hv_sched *s, struct hv_sched_stats *out);
void hv_sched_fair_stats(const struct hv_sched *s, struct hv_sched_stats *out);

#endif /* HV_SCHED_HEAP_H */
