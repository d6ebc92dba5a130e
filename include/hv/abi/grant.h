/* SPDX-License-Identifier: MIT */
/**
 * @file
 * @defgroup hv_abi_grant Grant tables
 * @brief Sharing frames between domains by reference (#HV_HC_GRANT_OP).
 *
 * A domain grants another domain access to one of its frames by writing an
 * entry in its **grant table**: pages of its own memory that it registers
 * with #HV_GRANT_OP_SET_TABLE. The entry's index is the grant reference
 * the two domains exchange (over a ring or an event channel's set-up). The
 * grantee then maps the frame into its **map area**
 * (hv_start_info::map_base, hv_start_info::map_slots pages, left unmapped
 * by the builder), or has the hypervisor copy to or from it without a
 * mapping (#HV_GRANT_OP_COPY).
 *
 * The hypervisor reads an entry once, into its own memory, each time it is
 * used (map, copy) and checks that copy: the access flag, the grantee, a
 * read-only grant never mapped or copied to writably, and the frame owned
 * by the granter and usable as data (not a page table, not its shared-info
 * page). A grant in use by a mapping keeps its frame: the granter can
 * revoke it (#HV_GRANT_OP_REVOKE) only when no mapping is left, and the
 * frame stays the granter's while mapped. Rewriting an entry directly
 * changes nothing for mappings already made. When a domain ends, every
 * mapping it holds is undone, and every mapping of its grants by others is
 * undone too: the mapper's own zeroed "dead page" takes the place of the
 * granter's frame, writable, until the mapper unmaps it (the unmap then
 * succeeds once), so that a mapper never faults for another domain's end.
 * @{
 */
#ifndef HV_ABI_GRANT_H
#define HV_ABI_GRANT_H

#include <stdint.h>

/** Bytes of a page: the unit of a grant. */
#define HV_GRANT_PAGE_SIZE 4096u

/** One entry of a grant table, written by the granting domain. */
struct hv_grant_entry {
	uint16_t flags; /**< `HV_GRANT_F_*`; 0: no grant. */
	uint16_t domid; /**< The domain the grant is for. */
	uint32_t pad;   /**< Zero. */
	uint64_t frame; /**< Frame number (physical address / 4096) of a frame the granter owns. */
};

/** Entry flag: the grant is valid. */
#define HV_GRANT_F_ACCESS (1u << 0)
/** Entry flag: the grantee may only read the frame. */
#define HV_GRANT_F_READONLY (1u << 1)

/** Entries per page of a grant table. */
#define HV_GRANT_ENTRIES_PER_PAGE (HV_GRANT_PAGE_SIZE / sizeof(struct hv_grant_entry))
/** Most pages of a grant table. */
#define HV_GRANT_TABLE_MAX_PAGES 4
/** Most grant references of a domain. */
#define HV_GRANT_REFS_MAX (HV_GRANT_TABLE_MAX_PAGES * HV_GRANT_ENTRIES_PER_PAGE)

/** @name Grant operations (#HV_HC_GRANT_OP)
 * Errors are negated `HV_E*` codes; on an error nothing changed.
 * @{
 */
/** `(op, uint64_t va, uint64_t pages)`: use the caller's `pages` pages at `va` (page aligned,
 * writable, its own) as its grant table; 0 pages: none. `-HV_EBUSY` while a grant of the old
 * table is mapped; `-HV_EFAULT` for a page that is not the caller's writable memory. */
#define HV_GRANT_OP_SET_TABLE 0
/** `(op, granter, ref, flags, va)`: map the frame of grant `ref` of domain `granter` at `va` in
 * the caller's map area (0: the first free page there); `flags` #HV_GRANT_MAP_READONLY maps it
 * read-only. Returns the handle: the page's index in the map area. */
#define HV_GRANT_OP_MAP 1
/** `(op, handle)`: undo a mapping. `-HV_ENOENT` if the handle maps nothing. */
#define HV_GRANT_OP_UNMAP 2
/** `(op, ref)`: clear one of the caller's grants; `-HV_EBUSY` while it is mapped. */
#define HV_GRANT_OP_REVOKE 3
/** `(op, struct hv_grant_copy *ops, uint64_t count)`: copy, each op's status in it; returns 0
 * once every op was tried, or an error about the batch itself (count, pointer). */
#define HV_GRANT_OP_COPY 4
/** `(op, ref)`: how many mappings of one of the caller's grants are in use. */
#define HV_GRANT_OP_QUERY 5
/** @} */

/** #HV_GRANT_OP_MAP flag: map read-only (required for a read-only grant). */
#define HV_GRANT_MAP_READONLY (1u << 0)

/** Most ops in one #HV_GRANT_OP_COPY call. */
#define HV_GRANT_COPY_MAX_OPS 64

/** One side of a grant copy. */
struct hv_grant_copy_ptr {
	uint64_t
	        addr; /**< With #HV_GRANT_COPY_F_GREF a grant reference, else a caller's address. */
	uint16_t domid;  /**< With #HV_GRANT_COPY_F_GREF: the granting domain. */
	uint16_t flags;  /**< #HV_GRANT_COPY_F_GREF or 0. */
	uint32_t offset; /**< With #HV_GRANT_COPY_F_GREF: byte offset in the granted frame. */
};

/** The side is a grant, not the caller's own memory. */
#define HV_GRANT_COPY_F_GREF (1u << 0)

/** One copy of #HV_GRANT_OP_COPY: at most one page, within the granted frame. */
struct hv_grant_copy {
	struct hv_grant_copy_ptr src; /**< Where from. */
	struct hv_grant_copy_ptr dst; /**< Where to. */
	uint32_t len;                 /**< Bytes, 1 to #HV_GRANT_PAGE_SIZE. */
	int32_t status;               /**< Written back: 0, or a negated `HV_E*` code. */
};

_Static_assert(sizeof(struct hv_grant_entry) == 16, "ABI: hv_grant_entry");
_Static_assert(__builtin_offsetof(struct hv_grant_entry, frame) == 8, "ABI: hv_grant_entry.frame");
_Static_assert(sizeof(struct hv_grant_copy_ptr) == 16, "ABI: hv_grant_copy_ptr");
_Static_assert(sizeof(struct hv_grant_copy) == 40, "ABI: hv_grant_copy");
_Static_assert(__builtin_offsetof(struct hv_grant_copy, status) == 36, "ABI: hv_grant_copy.status");

#endif /* HV_ABI_GRANT_H */
/** @} */
