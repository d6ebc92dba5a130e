/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The memory core: frame table, ownership, accounting, and the checks around
 * the pluggable memory module.
 *
 * Ownership. The core owns each frame's owner, type, type_count, ref_count
 * and flags (except HV_FRAME_F_MODULE); the module owns mod_word, link_next,
 * link_prev and its priv storage. A module never sees a request the core has
 * not validated, and the core never trusts a block a module returns: before
 * handing a block out it checks that every frame is free RAM, so a buggy
 * module cannot give one domain's frame to another.
 *
 * Invariants, between calls:
 * - owner == HV_DOMID_IO: not RAM (never donated); flags are zero.
 * - owner == HV_DOMID_FREE: donated RAM held by the module; no core flag set.
 * - any other owner: allocated; HV_FRAME_F_ALLOCATED is set, and the first
 *   frame of the block also has HV_FRAME_F_HEAD and the block's order, so a
 *   free must name exactly a block that was allocated as one unit.
 * - free_frames == number of FREE frames; total_frames == number of non-IO
 *   frames; an account's used_frames == frames allocated to that owner and
 *   never exceeds reserved_frames for a domain.
 *
 * Locking: none here; the caller serializes all calls on one instance.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <hv/abi/errno.h>
#include <hv/log.h>
#include <hv/mem.h>

#define MEM_CORE_FLAGS ((uint8_t)~HV_FRAME_F_MODULE)

/*
 * Wrappers for the hooks. Mandatory hooks were checked in hv_mem_init(), so
 * only the optional ones test for NULL.
 */
static inline int mem_call_assign(struct hv_mem *mem, hv_domid_t owner, hv_paddr_t base,
                                  uint64_t size)
{
	if (mem->ops->assign == NULL) {
		return -HV_ENOSYS;
	}
	return mem->ops->assign(mem, owner, base, size);
}

static inline void mem_call_dump(const struct hv_mem *mem)
{
	if (mem->ops->dump != NULL) {
		mem->ops->dump(mem);
	}
}

static inline uint64_t order_frames(unsigned int order)
{
	return UINT64_C(1) << order;
}

static inline unsigned int head_order(const struct hv_frame *f)
{
	return (unsigned int)(f->flags & HV_FRAME_F_ORDER_MASK) >> HV_FRAME_F_ORDER_SHIFT;
}

/* The account of a domain below HV_MEM_MAX_OWNERS or of the hypervisor. */
static struct hv_mem_account *account_of(struct hv_mem *mem, hv_domid_t owner)
{
	if (owner == HV_DOMID_HV) {
		return &mem->hv_account;
	}
	if (owner < HV_MEM_MAX_OWNERS) {
		return &mem->accounts[owner];
	}
	return NULL;
}

static bool mem_ready(const struct hv_mem *mem)
{
	return mem != NULL && mem->ops != NULL;
}

/* Names the first mandatory hook a module lacks, or NULL if it has them all. */
static const char *missing_hook(const struct hv_mem_ops *ops)
{
	if (ops->init == NULL) {
		return "init";
	}
	if (ops->add_range == NULL) {
		return "add_range";
	}
	if (ops->alloc == NULL) {
		return "alloc";
	}
	if (ops->free == NULL) {
		return "free";
	}
	return NULL;
}

int hv_mem_init(struct hv_mem *mem, const struct hv_mem_ops *ops, void *priv,
                struct hv_frame *frames, hv_pfn_t frame_count)
{
	const char *hook;
	int rc;

	if (mem == NULL) {
		hv_err("mem: no instance");
		return -HV_EINVAL;
	}
	mem->ops = NULL;
	if (ops == NULL) {
		hv_err("mem: no memory module");
		return -HV_EINVAL;
	}
	if (ops->name == NULL) {
		hv_err("mem: memory module has no name");
		return -HV_EINVAL;
	}
	if (ops->api_version != HV_MEM_API_VERSION) {
		hv_err("mem: module %s implements API version %u, libhv has %u", ops->name,
		       (unsigned int)ops->api_version, (unsigned int)HV_MEM_API_VERSION);
		return -HV_EINVAL;
	}
	hook = missing_hook(ops);
	if (hook != NULL) {
		hv_err("mem: module %s has no %s hook", ops->name, hook);
		return -HV_EINVAL;
	}
	if (ops->priv_size > HV_MEM_PRIV_MAX_SIZE) {
		hv_err("mem: module %s needs %zu bytes of state, at most %u allowed", ops->name,
		       ops->priv_size, (unsigned int)HV_MEM_PRIV_MAX_SIZE);
		return -HV_EINVAL;
	}
	if (ops->priv_size > 0 && (priv == NULL || (uintptr_t)priv % 8 != 0)) {
		hv_err("mem: module %s needs %zu bytes of 8-byte aligned state", ops->name,
		       ops->priv_size);
		return -HV_EINVAL;
	}
	if ((frames == NULL && frame_count > 0) || frame_count > HV_MEM_MAX_FRAMES) {
		hv_err("mem: bad frame table (%llu frames)", (unsigned long long)frame_count);
		return -HV_EINVAL;
	}

	mem->priv = priv;
	mem->frames = frames;
	mem->frame_count = frame_count;
	mem->total_frames = 0;
	mem->free_frames = 0;
	for (unsigned int i = 0; i < HV_MEM_MAX_OWNERS; i++) {
		mem->accounts[i] = (struct hv_mem_account){.active = false};
	}
	mem->hv_account = (struct hv_mem_account){.reserved_frames = UINT64_MAX, .active = true};
	for (hv_pfn_t pfn = 0; pfn < frame_count; pfn++) {
		frames[pfn] = (struct hv_frame){.owner = HV_DOMID_IO,
		                                .type = HV_FRAME_NONE,
		                                .link_next = HV_FRAME_LINK_NONE,
		                                .link_prev = HV_FRAME_LINK_NONE};
	}

	/* Hooks may call the accessors, which need ops set. */
	mem->ops = ops;
	rc = ops->init(mem);
	if (rc != 0) {
		hv_err("mem: module %s failed to initialize (%d)", ops->name, rc);
		mem->ops = NULL;
		return rc;
	}
	return 0;
}

int hv_mem_add_range(struct hv_mem *mem, hv_pfn_t first, uint64_t count)
{
	int rc;

	if (!mem_ready(mem)) {
		return -HV_EINVAL;
	}
	if (count == 0 || first >= mem->frame_count || count > mem->frame_count - first) {
		hv_err("mem: RAM range %#llx+%#llx is empty or outside the frame table (%#llx "
		       "frames)",
		       (unsigned long long)first, (unsigned long long)count,
		       (unsigned long long)mem->frame_count);
		return -HV_EINVAL;
	}
	for (hv_pfn_t pfn = first; pfn < first + count; pfn++) {
		if (mem->frames[pfn].owner != HV_DOMID_IO) {
			hv_err("mem: RAM range %#llx+%#llx overlaps frame %#llx already added",
			       (unsigned long long)first, (unsigned long long)count,
			       (unsigned long long)pfn);
			return -HV_EEXIST;
		}
	}
	/* The module may look at the owner, so mark the frames free first. */
	for (hv_pfn_t pfn = first; pfn < first + count; pfn++) {
		mem->frames[pfn].owner = HV_DOMID_FREE;
	}
	rc = mem->ops->add_range(mem, first, count);
	if (rc != 0) {
		hv_err("mem: module %s refused RAM range %#llx+%#llx (%d)", mem->ops->name,
		       (unsigned long long)first, (unsigned long long)count, rc);
		for (hv_pfn_t pfn = first; pfn < first + count; pfn++) {
			mem->frames[pfn].owner = HV_DOMID_IO;
		}
		return rc;
	}
	mem->total_frames += count;
	mem->free_frames += count;
	return 0;
}

int hv_mem_set_reservation(struct hv_mem *mem, hv_domid_t owner, uint64_t max_frames)
{
	struct hv_mem_account *acc;

	if (!mem_ready(mem) || owner >= HV_MEM_MAX_OWNERS) {
		return -HV_EINVAL;
	}
	acc = &mem->accounts[owner];
	if (max_frames < acc->used_frames) {
		return -HV_EBUSY;
	}
	acc->reserved_frames = max_frames;
	acc->active = true;
	return 0;
}

int hv_mem_assign(struct hv_mem *mem, hv_domid_t owner, hv_paddr_t base, uint64_t size)
{
	hv_pfn_t first;
	uint64_t count;

	if (!mem_ready(mem)) {
		return -HV_EINVAL;
	}
	if (owner >= HV_MEM_MAX_OWNERS) {
		hv_err("mem: partition for bad owner %u", (unsigned int)owner);
		return -HV_EINVAL;
	}
	if (size == 0 || base % HV_PAGE_SIZE != 0 || size % HV_PAGE_SIZE != 0 ||
	    base + size < base) {
		hv_err("mem: partition %#llx+%#llx for domain %u is empty, unaligned or wraps "
		       "around",
		       (unsigned long long)base, (unsigned long long)size, (unsigned int)owner);
		return -HV_EINVAL;
	}
	first = HV_PFN(base);
	count = size / HV_PAGE_SIZE;
	if (first >= mem->frame_count || count > mem->frame_count - first) {
		hv_err("mem: partition %#llx+%#llx for domain %u is outside RAM",
		       (unsigned long long)base, (unsigned long long)size, (unsigned int)owner);
		return -HV_ERANGE;
	}
	for (hv_pfn_t pfn = first; pfn < first + count; pfn++) {
		if (mem->frames[pfn].owner == HV_DOMID_IO) {
			hv_err("mem: partition %#llx+%#llx for domain %u includes frame %#llx, "
			       "which is not RAM",
			       (unsigned long long)base, (unsigned long long)size,
			       (unsigned int)owner, (unsigned long long)pfn);
			return -HV_ERANGE;
		}
	}
	return mem_call_assign(mem, owner, base, size);
}

/*
 * Checks a block returned by the module before anything is handed out: a
 * module bug must not give away a frame that is allocated or not RAM.
 */
static bool block_is_free_ram(const struct hv_mem *mem, hv_pfn_t pfn, unsigned int order)
{
	uint64_t n = order_frames(order);

	if (pfn % n != 0 || pfn >= mem->frame_count || n > mem->frame_count - pfn) {
		return false;
	}
	for (uint64_t i = 0; i < n; i++) {
		const struct hv_frame *f = &mem->frames[pfn + i];

		if (f->owner != HV_DOMID_FREE || (f->flags & MEM_CORE_FLAGS) != 0) {
			return false;
		}
	}
	return true;
}

int hv_mem_alloc(struct hv_mem *mem, hv_domid_t owner, unsigned int order, hv_pfn_t *pfn)
{
	struct hv_mem_account *acc;
	hv_pfn_t got = 0;
	uint64_t n;
	int rc;

	if (!mem_ready(mem) || pfn == NULL || order > HV_MEM_MAX_ORDER) {
		return -HV_EINVAL;
	}
	acc = account_of(mem, owner);
	if (acc == NULL) {
		return -HV_EINVAL;
	}
	n = order_frames(order);
	/* The reservation is checked first, so a refused request changes nothing. */
	if (owner != HV_DOMID_HV && n > acc->reserved_frames - acc->used_frames) {
		return -HV_ENOMEM;
	}
	if (n > mem->free_frames) {
		return -HV_ENOMEM;
	}
	rc = mem->ops->alloc(mem, owner, order, &got);
	if (rc != 0) {
		return rc;
	}
	if (!block_is_free_ram(mem, got, order)) {
		hv_err("mem: module %s returned block %#llx of order %u, which is not free RAM",
		       mem->ops->name, (unsigned long long)got, order);
		return -HV_EIO;
	}
	for (uint64_t i = 0; i < n; i++) {
		struct hv_frame *f = &mem->frames[got + i];

		f->owner = owner;
		f->type = HV_FRAME_NONE;
		f->type_count = 0;
		f->ref_count = 0;
		f->flags = (uint8_t)((f->flags & HV_FRAME_F_MODULE) | HV_FRAME_F_ALLOCATED);
	}
	mem->frames[got].flags |= (uint8_t)(HV_FRAME_F_HEAD | (order << HV_FRAME_F_ORDER_SHIFT));
	acc->used_frames += n;
	mem->free_frames -= n;
	*pfn = got;
	return 0;
}

int hv_mem_free(struct hv_mem *mem, hv_pfn_t pfn, unsigned int order)
{
	struct hv_mem_account *acc;
	struct hv_frame *head;
	uint64_t n;

	if (!mem_ready(mem)) {
		return -HV_EINVAL;
	}
	if (order > HV_MEM_MAX_ORDER || pfn >= mem->frame_count) {
		hv_notice("mem: free of frame %#llx order %u: out of range",
		          (unsigned long long)pfn, order);
		return -HV_EINVAL;
	}
	n = order_frames(order);
	if (pfn % n != 0) {
		hv_notice("mem: free of frame %#llx order %u: misaligned", (unsigned long long)pfn,
		          order);
		return -HV_EINVAL;
	}
	head = &mem->frames[pfn];
	if ((head->flags & HV_FRAME_F_ALLOCATED) == 0) {
		hv_notice("mem: free of frame %#llx: not allocated (double free?)",
		          (unsigned long long)pfn);
		return -HV_EINVAL;
	}
	if ((head->flags & HV_FRAME_F_HEAD) == 0 || head_order(head) != order) {
		hv_notice("mem: free of frame %#llx order %u: not a block of that order",
		          (unsigned long long)pfn, order);
		return -HV_EINVAL;
	}
	/* A head of order k was allocated with its 2^k frames, all inside the table. */
	for (uint64_t i = 0; i < n; i++) {
		const struct hv_frame *f = &mem->frames[pfn + i];

		if (f->ref_count != 0 || f->type_count != 0) {
			hv_notice("mem: free of frame %#llx order %u: frame %#llx still referenced",
			          (unsigned long long)pfn, order, (unsigned long long)(pfn + i));
			return -HV_EBUSY;
		}
	}
	acc = account_of(mem, head->owner);
	if (acc == NULL || acc->used_frames < n) {
		hv_err("mem: block %#llx has owner %u with inconsistent accounting",
		       (unsigned long long)pfn, (unsigned int)head->owner);
		return -HV_EIO;
	}
	for (uint64_t i = 0; i < n; i++) {
		struct hv_frame *f = &mem->frames[pfn + i];

		f->owner = HV_DOMID_FREE;
		f->type = HV_FRAME_NONE;
		f->flags &= HV_FRAME_F_MODULE;
	}
	acc->used_frames -= n;
	mem->free_frames += n;
	mem->ops->free(mem, pfn, order);
	return 0;
}

int hv_mem_free_owner(struct hv_mem *mem, hv_domid_t owner)
{
	int result = 0;

	if (!mem_ready(mem) || account_of(mem, owner) == NULL) {
		return -HV_EINVAL;
	}
	for (hv_pfn_t pfn = 0; pfn < mem->frame_count; pfn++) {
		const struct hv_frame *f = &mem->frames[pfn];

		if (f->owner == owner && (f->flags & HV_FRAME_F_HEAD) != 0) {
			int rc = hv_mem_free(mem, pfn, head_order(f));

			if (rc != 0 && result == 0) {
				result = rc;
			}
		}
	}
	return result;
}

struct hv_frame *hv_mem_frame(struct hv_mem *mem, hv_pfn_t pfn)
{
	if (mem == NULL || mem->frames == NULL || pfn >= mem->frame_count) {
		return NULL;
	}
	return &mem->frames[pfn];
}

uint64_t hv_mem_free_count(const struct hv_mem *mem)
{
	return mem_ready(mem) ? mem->free_frames : 0;
}

const struct hv_mem_account *hv_mem_account(const struct hv_mem *mem, hv_domid_t owner)
{
	if (!mem_ready(mem)) {
		return NULL;
	}
	if (owner == HV_DOMID_HV) {
		return &mem->hv_account;
	}
	return owner < HV_MEM_MAX_OWNERS ? &mem->accounts[owner] : NULL;
}

void hv_mem_dump(const struct hv_mem *mem)
{
	if (!mem_ready(mem)) {
		hv_info("mem: not initialized");
		return;
	}
	hv_info("mem: module %s, %llu frames of RAM, %llu free, table of %llu frames",
	        mem->ops->name, (unsigned long long)mem->total_frames,
	        (unsigned long long)mem->free_frames, (unsigned long long)mem->frame_count);
	hv_info("mem:   hypervisor uses %llu frames",
	        (unsigned long long)mem->hv_account.used_frames);
	for (unsigned int i = 0; i < HV_MEM_MAX_OWNERS; i++) {
		const struct hv_mem_account *acc = &mem->accounts[i];

		if (acc->active) {
			hv_info("mem:   domain %u uses %llu of %llu frames", i,
			        (unsigned long long)acc->used_frames,
			        (unsigned long long)acc->reserved_frames);
		}
	}
	mem_call_dump(mem);
}
