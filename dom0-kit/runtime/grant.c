/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The domain's grant table, in pages of its free memory. An entry is
 * filled frame and grantee first, flags last, so the hypervisor never sees
 * a valid flag with a stale frame; it is cleared only by the hypervisor
 * (revoke), which knows whether it is mapped.
 */
#include <hv/guest/grant.h>
#include <hv/guest/mem.h>

#include "runtime.h"

static struct hv_grant_entry *table[HV_GRANT_TABLE_MAX_PAGES];
static unsigned int table_pages;

static struct hv_grant_entry *entry(uint32_t ref)
{
	return &table[ref / HV_GRANT_ENTRIES_PER_PAGE][ref % HV_GRANT_ENTRIES_PER_PAGE];
}

int hvg_grant_init(unsigned int pages)
{
	struct hv_grant_entry *fresh[HV_GRANT_TABLE_MAX_PAGES] = {NULL};
	int rc = 0;

	if (pages == 0 || pages > HV_GRANT_TABLE_MAX_PAGES) {
		return -HV_EINVAL;
	}
	for (unsigned int i = 0; i < pages && rc == 0; i++) {
		fresh[i] = hvg_page_alloc();
		rc = fresh[i] == NULL ? -HV_ENOMEM : 0;
	}
	/* The hypervisor takes pages in order: they must be contiguous. */
	for (unsigned int i = 1; i < pages && rc == 0; i++) {
		uintptr_t expected = (uintptr_t)fresh[0] + (uintptr_t)i * HVG_PAGE_SIZE;

		rc = (uintptr_t)fresh[i] == expected ? 0 : -HV_ENOMEM;
	}
	if (rc == 0) {
		rc = (int)hvg_hypercall6(HV_HC_GRANT_OP, HV_GRANT_OP_SET_TABLE,
		                         (uint64_t)(uintptr_t)fresh[0], pages, 0, 0, 0);
	}
	if (rc != 0) {
		for (unsigned int i = 0; i < pages; i++) {
			hvg_page_free(fresh[i]);
		}
		return rc;
	}
	for (unsigned int i = 0; i < table_pages; i++) {
		hvg_page_free(table[i]);
	}
	for (unsigned int i = 0; i < HV_GRANT_TABLE_MAX_PAGES; i++) {
		table[i] = fresh[i];
	}
	table_pages = pages;
	return 0;
}

int hvg_grant_access(uint16_t domid, const void *page, bool readonly)
{
	uint64_t frame = hvg_frame_of(page);

	if (frame == UINT64_MAX) {
		return -HV_EFAULT;
	}
	for (uint32_t ref = 0; ref < table_pages * HV_GRANT_ENTRIES_PER_PAGE; ref++) {
		struct hv_grant_entry *e = entry(ref);

		if (__atomic_load_n(&e->flags, __ATOMIC_ACQUIRE) == 0) {
			e->frame = frame;
			e->domid = domid;
			__atomic_store_n(&e->flags,
			                 (uint16_t)(HV_GRANT_F_ACCESS |
			                            (readonly ? HV_GRANT_F_READONLY : 0)),
			                 __ATOMIC_RELEASE);
			return (int)ref;
		}
	}
	return -HV_ENOSPC;
}

int hvg_grant_end(uint32_t ref)
{
	return (int)hvg_hypercall2(HV_HC_GRANT_OP, HV_GRANT_OP_REVOKE, ref);
}

int hvg_grant_map(uint16_t granter, uint32_t ref, bool readonly, void **page)
{
	int handle = (int)hvg_hypercall6(HV_HC_GRANT_OP, HV_GRANT_OP_MAP, granter, ref,
	                                 readonly ? HV_GRANT_MAP_READONLY : 0, 0, 0);

	if (handle >= 0) {
		*page = (void *)(uintptr_t)(hvg_start_info()->map_base +
		                            (uint64_t)handle * HVG_PAGE_SIZE);
	}
	return handle;
}

int hvg_grant_unmap(uint32_t handle)
{
	return (int)hvg_hypercall2(HV_HC_GRANT_OP, HV_GRANT_OP_UNMAP, handle);
}

int hvg_grant_mapped(uint32_t ref)
{
	return (int)hvg_hypercall2(HV_HC_GRANT_OP, HV_GRANT_OP_QUERY, ref);
}

int hvg_grant_copy(struct hv_grant_copy *ops, unsigned int count)
{
	return (int)hvg_hypercall6(HV_HC_GRANT_OP, HV_GRANT_OP_COPY, (uint64_t)(uintptr_t)ops,
	                           count, 0, 0, 0);
}
