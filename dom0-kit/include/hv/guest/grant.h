/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file
 * @defgroup hvg_grant Guest grant tables
 * @brief Granting pages to other domains, and mapping or copying theirs.
 *
 * The runtime keeps the domain's grant table (`<hv/abi/grant.h>`) in pages
 * of its free memory: hvg_grant_init() sets it up, hvg_grant_access()
 * fills an entry and hvg_grant_end() clears it through the hypervisor,
 * which refuses while the grant is mapped. Mapping and copying other
 * domains' grants are thin wrappers over #HV_HC_GRANT_OP. Every function
 * returns a negated `HV_E*` code on an error, and then changed nothing.
 * @{
 */
#ifndef HV_GUEST_GRANT_H
#define HV_GUEST_GRANT_H

#include <stdbool.h>
#include <stdint.h>

#include <hv/abi/grant.h>

/**
 * @brief Set up this domain's grant table.
 * @param pages Pages of table, 1 to #HV_GRANT_TABLE_MAX_PAGES
 *        (#HV_GRANT_ENTRIES_PER_PAGE grants each).
 * @return 0; -HV_EINVAL for a bad count; -HV_ENOMEM without free pages;
 *         -HV_EBUSY if a table is set up and one of its grants is mapped.
 */
int hvg_grant_init(unsigned int pages);

/**
 * @brief Grant a domain access to a page of free memory.
 * @param domid The domain.
 * @param page A page from hvg_page_alloc() (or any free-memory page).
 * @param readonly Whether the domain may only read it.
 * @return The grant reference (0 or more); -HV_EFAULT for a page outside
 *         free memory; -HV_ENOSPC if the table is full or not set up.
 */
int hvg_grant_access(uint16_t domid, const void *page, bool readonly);

/**
 * @brief End a grant (#HV_GRANT_OP_REVOKE).
 * @param ref A reference from hvg_grant_access().
 * @return 0; -HV_EBUSY while the grantee has it mapped; -HV_EINVAL for a bad @p ref.
 */
int hvg_grant_end(uint32_t ref);

/**
 * @brief Map another domain's grant into this domain's map area (#HV_GRANT_OP_MAP).
 * @param granter The granting domain.
 * @param ref Its grant reference.
 * @param readonly Map read-only (required for a read-only grant).
 * @param[out] page Where the page is mapped.
 * @return The handle for hvg_grant_unmap() (0 or more); -HV_EPERM if the
 *         grant does not allow it; -HV_ENOENT, -HV_EINVAL, -HV_ENOSPC.
 */
int hvg_grant_map(uint16_t granter, uint32_t ref, bool readonly, void **page);

/**
 * @brief Undo a mapping (#HV_GRANT_OP_UNMAP).
 * @param handle From hvg_grant_map().
 * @return 0; -HV_ENOENT if it maps nothing; -HV_EINVAL for a bad @p handle.
 */
int hvg_grant_unmap(uint32_t handle);

/**
 * @brief Mappings in use of one of this domain's grants (#HV_GRANT_OP_QUERY).
 * @param ref The grant.
 * @return The count, or -HV_EINVAL for a bad @p ref.
 */
int hvg_grant_mapped(uint32_t ref);

/**
 * @brief Copy through grants without mapping them (#HV_GRANT_OP_COPY).
 * @param ops The copies; each one's `status` is written back.
 * @param count At most #HV_GRANT_COPY_MAX_OPS.
 * @return 0 once every copy was tried (see each `status`); -HV_E2BIG or
 *         -HV_EFAULT about the batch.
 */
int hvg_grant_copy(struct hv_grant_copy *ops, unsigned int count);

#endif /* HV_GUEST_GRANT_H */
/** @} */
