/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Shared fixture of the memory unit tests: a fresh frame table and module
 * state for every test, and snapshots to prove that a refused request left
 * every byte of the state unchanged. Include after <cmocka.h>.
 */
#ifndef HV_TESTS_UNIT_MEM_FIXTURE_H
#define HV_TESTS_UNIT_MEM_FIXTURE_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <hv/mem.h>

struct mem_fixture {
	struct hv_mem mem;
	struct hv_frame *frames;
	hv_pfn_t frame_count;
	uint64_t priv[HV_MEM_PRIV_MAX_SIZE / sizeof(uint64_t)];
};

struct mem_snapshot {
	struct hv_mem mem;
	struct hv_frame *frames;
	uint64_t priv[HV_MEM_PRIV_MAX_SIZE / sizeof(uint64_t)];
};

/* A fixture with a zeroed table of frame_count frames; nothing initialized. */
static inline struct mem_fixture *mem_fixture_new(hv_pfn_t frame_count)
{
	struct mem_fixture *fx = calloc(1, sizeof(*fx));

	assert_non_null(fx);
	fx->frames = calloc(frame_count, sizeof(*fx->frames));
	assert_non_null(fx->frames);
	fx->frame_count = frame_count;
	return fx;
}

static inline void mem_fixture_free(struct mem_fixture *fx)
{
	if (fx != NULL) {
		free(fx->frames);
		free(fx);
	}
}

static inline void mem_fixture_init(struct mem_fixture *fx, const struct hv_mem_ops *ops)
{
	assert_int_equal(hv_mem_init(&fx->mem, ops, fx->priv, fx->frames, fx->frame_count), 0);
}

static inline void mem_snapshot_take(const struct mem_fixture *fx, struct mem_snapshot *s)
{
	memcpy(&s->mem, &fx->mem, sizeof(s->mem));
	memcpy(s->priv, fx->priv, sizeof(s->priv));
	s->frames = malloc(fx->frame_count * sizeof(*s->frames));
	assert_non_null(s->frames);
	memcpy(s->frames, fx->frames, fx->frame_count * sizeof(*s->frames));
}

/* Asserts that nothing changed since the snapshot, and releases it. */
static inline void mem_snapshot_check(const struct mem_fixture *fx, struct mem_snapshot *s)
{
	assert_memory_equal(&s->mem, &fx->mem, sizeof(s->mem));
	assert_memory_equal(s->priv, fx->priv, sizeof(s->priv));
	assert_memory_equal(s->frames, fx->frames, fx->frame_count * sizeof(*s->frames));
	free(s->frames);
	s->frames = NULL;
}

#endif /* HV_TESTS_UNIT_MEM_FIXTURE_H */
