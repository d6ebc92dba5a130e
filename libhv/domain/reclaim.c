/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Reclaiming a destroyed domain's memory in bounded pieces.
 *
 * Destroying a domain takes its vCPUs, channels and grants down at once
 * (domain.c), then gives its memory back here: each frame it owns is
 * scrubbed (zeroed, so nothing it held reaches the next owner) and loses
 * its type and references, and each allocated block goes back to the
 * memory module once the cursor has passed its last frame. One step
 * handles at most RECLAIM_SCRUB_FRAMES owned frames and looks at most at
 * RECLAIM_SCAN_FRAMES entries of the frame table, so a large domain never
 * holds the CPU for long: the run loop makes one step per turn while other
 * domains run (hv_domain_reclaim_step()). The domain stays DYING until the
 * last step, then becomes DEAD and the control domain is told.
 *
 * destroy() makes the first step at once, so a domain of at most
 * RECLAIM_SCRUB_FRAMES frames (4 MiB) is reclaimed within the call.
 *
 * State: per domain, the cursor and the block whose end it waits for.
 */
#include <hv/log.h>

#include "domain/domain.h"
#include "lib/string.h"

#define RECLAIM_SCRUB_FRAMES 1024u
#define RECLAIM_SCAN_FRAMES  65536u

static unsigned int head_order(const struct hv_frame *f)
{
	return (unsigned int)(f->flags & HV_FRAME_F_ORDER_MASK) >> HV_FRAME_F_ORDER_SHIFT;
}

/* Frees the block the cursor has just passed the end of, if any. */
static void free_passed_block(struct hv_mem *mem, struct hv_domain *d)
{
	struct hv_domain_reclaim *r = &d->reclaim;
	int rc;

	if (!r->block_pending || r->cursor < r->block + (UINT64_C(1) << r->block_order)) {
		return;
	}
	rc = hv_mem_free(mem, r->block, r->block_order);
	if (rc != 0) {
		hv_err("domain '%s': block %#llx not freed: %s", d->name,
		       (unsigned long long)r->block, hv_strerror(rc));
	}
	r->block_pending = false;
}

bool hv_domain_reclaim_step(struct hv_domain *d)
{
	struct hv_mem *mem = hv_domain_mem();
	struct hv_domain_reclaim *r = &d->reclaim;
	unsigned int scrubbed = 0;
	unsigned int scanned = 0;

	while (r->cursor < mem->frame_count && scanned < RECLAIM_SCAN_FRAMES) {
		struct hv_frame *f = &mem->frames[r->cursor];

		if (f->owner == d->id) {
			/*
			 * Stop at the next frame to scrub, not after the last one
			 * scrubbed: a domain of exactly RECLAIM_SCRUB_FRAMES frames
			 * is then done in one step, as promised above.
			 */
			if (scrubbed == RECLAIM_SCRUB_FRAMES) {
				break;
			}
			if ((f->flags & HV_FRAME_F_HEAD) != 0) {
				r->block = r->cursor;
				r->block_order = head_order(f);
				r->block_pending = true;
			}
			hv_memset(hv_port_phys_to_virt(HV_PADDR(r->cursor)), 0, HV_PAGE_SIZE);
			f->type = HV_FRAME_NONE;
			f->type_count = 0;
			f->ref_count = 0;
			scrubbed++;
		}
		r->cursor++;
		scanned++;
		free_passed_block(mem, d);
	}
	return r->cursor >= mem->frame_count;
}
