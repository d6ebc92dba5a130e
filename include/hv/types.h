/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file
 * @defgroup hv_types Basic types
 * @brief Scalar identity types used across the libhv API.
 * @{
 */
#ifndef HV_TYPES_H
#define HV_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** A host-physical address. */
typedef uint64_t hv_paddr_t;

/** A host-physical frame number (physical address divided by the page size). */
typedef uint64_t hv_pfn_t;

/** A domain identifier. */
typedef uint16_t hv_domid_t;

/** log2 of the page size used for frame accounting. */
#define HV_PAGE_SHIFT 12
/** Size in bytes of one page frame. */
#define HV_PAGE_SIZE (UINT64_C(1) << HV_PAGE_SHIFT)

/** Frame number of the frame holding physical address @p pa. */
#define HV_PFN(pa) ((hv_pfn_t)((pa) >> HV_PAGE_SHIFT))
/** Physical address of the first byte of frame @p pfn. */
#define HV_PADDR(pfn) ((hv_paddr_t)(pfn) << HV_PAGE_SHIFT)

/** Owner of a frame that belongs to nobody (free memory). */
#define HV_DOMID_FREE ((hv_domid_t)0xffff)
/** Owner of a frame that belongs to the hypervisor itself. */
#define HV_DOMID_HV ((hv_domid_t)0xfffe)
/** Owner of a frame that is not RAM or must never be allocated. */
#define HV_DOMID_IO ((hv_domid_t)0xfffd)
/** Largest identifier a domain can have. */
#define HV_DOMID_MAX ((hv_domid_t)0x7fef)

#endif /* HV_TYPES_H */
/** @} */
