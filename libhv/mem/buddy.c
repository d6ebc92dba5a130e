/* SPDX-License-Identifier: Apache-2.0 */
/*
 * hv_mem_buddy: a binary buddy allocator over the frame table.
 *
 * Free memory is a set of free blocks; a block of order k is 2^k frames
 * aligned to 2^k. Each order has a doubly linked free list threaded through
 * the frame table by frame index (link_next/link_prev of the block's first
 * frame), so the allocator never writes into free pages and needs no
 * mapping of them.
 *
 * Invariants, between calls:
 * - The first frame of a free block of order k has mod_word == TAG_FREE | k
 *   and is on list k; every other frame has mod_word == 0.
 * - Free blocks never overlap, and two free buddies of the same order below
 *   HV_MEM_MAX_ORDER never coexist: they are merged eagerly. Hence an
 *   aligned run of 2^k free frames always lies inside one free block, and
 *   alloc fails only if no such run exists.
 * - count[k] is the length of list k.
 *
 * alloc and free take O(HV_MEM_MAX_ORDER) steps. Locking: none; the core's
 * caller serializes.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <hv/abi/errno.h>
#include <hv/log.h>
#include <hv/mem.h>

#define ORDERS   (HV_MEM_MAX_ORDER + 1)
#define TAG_FREE 0x80000000u
#define TAG_MASK 0xff000000u

struct buddy {
	uint32_t head[ORDERS];  /* First block of each free list, or HV_FRAME_LINK_NONE. */
	uint64_t count[ORDERS]; /* Blocks on each free list. */
};

static inline struct buddy *buddy_of(struct hv_mem *mem)
{
	return mem->priv;
}

static inline const struct buddy *buddy_of_const(const struct hv_mem *mem)
{
	return mem->priv;
}

static inline bool is_free_head(const struct hv_mem *mem, hv_pfn_t pfn, unsigned int order)
{
	return mem->frames[pfn].mod_word == (TAG_FREE | order);
}

static void list_push(struct hv_mem *mem, hv_pfn_t pfn, unsigned int order)
{
	struct buddy *b = buddy_of(mem);
	struct hv_frame *f = &mem->frames[pfn];

	f->mod_word = TAG_FREE | order;
	f->link_prev = HV_FRAME_LINK_NONE;
	f->link_next = b->head[order];
	if (b->head[order] != HV_FRAME_LINK_NONE) {
		mem->frames[b->head[order]].link_prev = (uint32_t)pfn;
	}
	b->head[order] = (uint32_t)pfn;
	b->count[order]++;
}

static void list_remove(struct hv_mem *mem, hv_pfn_t pfn, unsigned int order)
{
	struct buddy *b = buddy_of(mem);
	struct hv_frame *f = &mem->frames[pfn];

	if (f->link_prev != HV_FRAME_LINK_NONE) {
		mem->frames[f->link_prev].link_next = f->link_next;
	} else {
		b->head[order] = f->link_next;
	}
	if (f->link_next != HV_FRAME_LINK_NONE) {
		mem->frames[f->link_next].link_prev = f->link_prev;
	}
	f->mod_word = 0;
	f->link_next = HV_FRAME_LINK_NONE;
	f->link_prev = HV_FRAME_LINK_NONE;
	b->count[order]--;
}

/* Puts a free block back, merging it with its buddy as long as that is free. */
static void release(struct hv_mem *mem, hv_pfn_t pfn, unsigned int order)
{
	while (order < HV_MEM_MAX_ORDER) {
		hv_pfn_t buddy = pfn ^ (UINT64_C(1) << order);

		if (buddy >= mem->frame_count || !is_free_head(mem, buddy, order)) {
			break;
		}
		list_remove(mem, buddy, order);
		if (buddy < pfn) {
			pfn = buddy;
		}
		order++;
	}
	list_push(mem, pfn, order);
}

static int buddy_init(struct hv_mem *mem)
{
	struct buddy *b = buddy_of(mem);

	for (unsigned int k = 0; k < ORDERS; k++) {
		b->head[k] = HV_FRAME_LINK_NONE;
		b->count[k] = 0;
	}
	return 0;
}

/* Splits the range into maximal aligned blocks; release() merges across ranges. */
static int buddy_add_range(struct hv_mem *mem, hv_pfn_t first, uint64_t count)
{
	hv_pfn_t pfn = first;
	hv_pfn_t end = first + count;

	while (pfn < end) {
		unsigned int order = 0;

		while (order < HV_MEM_MAX_ORDER && pfn % (UINT64_C(2) << order) == 0 &&
		       (UINT64_C(2) << order) <= end - pfn) {
			order++;
		}
		release(mem, pfn, order);
		pfn += UINT64_C(1) << order;
	}
	return 0;
}

static int buddy_alloc(struct hv_mem *mem, hv_domid_t owner, unsigned int order, hv_pfn_t *pfn)
{
	struct buddy *b = buddy_of(mem);
	unsigned int k = order;
	hv_pfn_t block;

	(void)owner;
	while (k < ORDERS && b->head[k] == HV_FRAME_LINK_NONE) {
		k++;
	}
	if (k == ORDERS) {
		return -HV_ENOMEM;
	}
	block = b->head[k];
	list_remove(mem, block, k);
	/* Keep the lower half, give the upper halves back one order at a time. */
	while (k > order) {
		k--;
		list_push(mem, block + (UINT64_C(1) << k), k);
	}
	*pfn = block;
	return 0;
}

static void buddy_free(struct hv_mem *mem, hv_pfn_t pfn, unsigned int order)
{
	release(mem, pfn, order);
}

static void buddy_dump(const struct hv_mem *mem)
{
	const struct buddy *b = buddy_of_const(mem);

	for (unsigned int k = 0; k < ORDERS; k++) {
		if (b->count[k] != 0) {
			hv_info("mem:   buddy order %2u: %llu free blocks", k,
			        (unsigned long long)b->count[k]);
		}
	}
}

const struct hv_mem_ops hv_mem_buddy = {
        .name = "buddy",
        .api_version = HV_MEM_API_VERSION,
        .priv_size = sizeof(struct buddy),
        .init = buddy_init,
        .add_range = buddy_add_range,
        .alloc = buddy_alloc,
        .free = buddy_free,
        .dump = buddy_dump,
};

uint64_t hv_mem_buddy_free_blocks(const struct hv_mem *mem, unsigned int order)
{
	if (mem == NULL || mem->ops != &hv_mem_buddy || order > HV_MEM_MAX_ORDER) {
		return 0;
	}
	return buddy_of_const(mem)->count[order];
}

static int verify_fail(const char *what, hv_pfn_t pfn, unsigned int order)
{
	hv_err("mem: buddy invariant broken at frame %#llx order %u: %s", (unsigned long long)pfn,
	       order, what);
	return -HV_EIO;
}

int hv_mem_buddy_verify(const struct hv_mem *mem)
{
	const struct buddy *b;
	uint64_t free_frames = 0;
	uint64_t heads = 0;

	if (mem == NULL || mem->ops != &hv_mem_buddy) {
		return -HV_EINVAL;
	}
	b = buddy_of_const(mem);
	for (unsigned int k = 0; k < ORDERS; k++) {
		uint64_t n = UINT64_C(1) << k;
		uint64_t seen = 0;
		uint32_t prev = HV_FRAME_LINK_NONE;

		for (uint32_t pfn = b->head[k]; pfn != HV_FRAME_LINK_NONE;
		     pfn = mem->frames[pfn].link_next) {
			const struct hv_frame *f;

			/* A cycle would make the list longer than the table. */
			if (pfn >= mem->frame_count || seen >= mem->frame_count) {
				return verify_fail("link leaves the table or loops", pfn, k);
			}
			f = &mem->frames[pfn];
			if (f->link_prev != prev) {
				return verify_fail("back link", pfn, k);
			}
			if (f->mod_word != (TAG_FREE | k)) {
				return verify_fail("tag", pfn, k);
			}
			if (pfn % n != 0 || n > mem->frame_count - pfn) {
				return verify_fail("misaligned or past the table", pfn, k);
			}
			if (k < HV_MEM_MAX_ORDER) {
				hv_pfn_t buddy = pfn ^ n;

				if (buddy < mem->frame_count && is_free_head(mem, buddy, k)) {
					return verify_fail("unmerged buddy", pfn, k);
				}
			}
			for (uint64_t i = 0; i < n; i++) {
				const struct hv_frame *g = &mem->frames[pfn + i];

				if (g->owner != HV_DOMID_FREE ||
				    (g->flags & HV_FRAME_F_ALLOCATED) != 0) {
					return verify_fail("free block holds a used frame", pfn, k);
				}
				if (i != 0 && g->mod_word != 0) {
					return verify_fail("overlapping free blocks", pfn, k);
				}
			}
			prev = pfn;
			seen++;
		}
		if (seen != b->count[k]) {
			return verify_fail("list length differs from count", 0, k);
		}
		free_frames += seen * n;
		heads += seen;
	}
	if (free_frames != mem->free_frames) {
		return verify_fail("free frames differ from the core's count", 0, 0);
	}
	/* Every tagged frame must be a list member, or a stale tag could cause a merge. */
	for (hv_pfn_t pfn = 0; pfn < mem->frame_count; pfn++) {
		if ((mem->frames[pfn].mod_word & TAG_MASK) != 0) {
			if (heads == 0) {
				return verify_fail("tag on a frame on no list", pfn, 0);
			}
			heads--;
		}
	}
	if (heads != 0) {
		return verify_fail("tag count differs from list lengths", 0, 0);
	}
	return 0;
}
