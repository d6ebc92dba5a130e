/* SPDX-License-Identifier: MIT */
/**
 * @file
 * @defgroup hv_abi_errno Error codes
 * @brief Error codes shared by the hypervisor API and the guest ABI.
 *
 * Every libhv function and every hypercall that can fail returns 0 on
 * success or the negation of one of these codes, for example
 * `return -HV_EINVAL;`. The values are part of the guest ABI and never
 * change.
 * @{
 */
#ifndef HV_ABI_ERRNO_H
#define HV_ABI_ERRNO_H

#define HV_EPERM    1   /**< Operation not permitted for the caller. */
#define HV_ENOENT   2   /**< No such object (domain, module, port, name). */
#define HV_EIO      5   /**< Input/output error from a device or backend. */
#define HV_E2BIG    7   /**< Argument list or object too large. */
#define HV_ENOEXEC  8   /**< Image is not a valid executable. */
#define HV_EAGAIN   11  /**< Resource temporarily unavailable; try again. */
#define HV_ENOMEM   12  /**< Out of memory, or a reservation would be exceeded. */
#define HV_EFAULT   14  /**< Bad address supplied by the caller. */
#define HV_EBUSY    16  /**< Object is in use. */
#define HV_EEXIST   17  /**< Object already exists. */
#define HV_EINVAL   22  /**< Invalid argument. */
#define HV_ENOSPC   28  /**< No space left in a table. */
#define HV_ERANGE   34  /**< Value out of range. */
#define HV_ENOSYS   38  /**< Unknown operation or hypercall number. */
#define HV_EPROTO   71  /**< A peer broke a shared-memory protocol; it is disconnected. */
#define HV_ENOTCONN 107 /**< The other end of a channel is not connected. */
#define HV_EALREADY 114 /**< Operation already done or in progress. */

#endif /* HV_ABI_ERRNO_H */
/** @} */
