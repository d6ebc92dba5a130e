/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Pages of free memory: a bump pointer over [mem_start, mem_start +
 * mem_size) and a list of pages given back, linked through their first
 * word. Frames: the builder maps free-memory page k to frame
 * frame_list[mem_frame_index + k] (start info, ABI 1.4).
 */
#include <hv/guest/mem.h>

#include "lib/string.h"
#include "runtime.h"

static uint64_t next_page; /* offset of the first page never handed out */
static void *free_list;
static uint64_t freed;

void *hvg_page_alloc(void)
{
	const struct hv_start_info *si = hvg_start_info();
	void *page = free_list;

	if (page != NULL) {
		free_list = *(void **)page;
		freed--;
	} else if (next_page < si->mem_size) {
		page = (void *)(uintptr_t)(si->mem_start + next_page);
		next_page += HVG_PAGE_SIZE;
	} else {
		return NULL;
	}
	hv_memset(page, 0, HVG_PAGE_SIZE);
	return page;
}

void hvg_page_free(void *page)
{
	if (page != NULL) {
		*(void **)page = free_list;
		free_list = page;
		freed++;
	}
}

uint64_t hvg_pages_free(void)
{
	const struct hv_start_info *si = hvg_start_info();

	return (si->mem_size - next_page) / HVG_PAGE_SIZE + freed;
}

uint64_t hvg_frame_of(const void *addr)
{
	const struct hv_start_info *si = hvg_start_info();
	uint64_t a = (uint64_t)(uintptr_t)addr;
	const uint64_t *frames = (const uint64_t *)(uintptr_t)si->frame_list;

	if (a < si->mem_start || a - si->mem_start >= si->mem_size) {
		return UINT64_MAX;
	}
	return frames[si->mem_frame_index + (a - si->mem_start) / HVG_PAGE_SIZE];
}
