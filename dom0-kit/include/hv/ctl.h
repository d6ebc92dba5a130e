/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file
 * @defgroup hvctl libhvctl: the control library
 * @brief Domain 0's C API over the control hypercalls.
 *
 * Link `hv::ctl` (`libhvctl.a`) into a domain 0 built with dom0-kit. Every
 * call needs the control privilege: from any other domain it returns
 * `-HV_EPERM` and changes nothing. Calls return 0 (or a domain identifier,
 * or a count) on success and a negated `HV_E*` code on an error, after
 * which nothing changed; `hv_strerror()` names the code.
 * @{
 */
#ifndef HV_CTL_H
#define HV_CTL_H

#include <stdint.h>

#include <hv/abi/domctl.h>

/** Version of this API: bumped when a function changes meaning. */
#define HVCTL_VERSION 1

/** A domain to create (see hvctl_domain_create()). */
struct hvctl_create {
	const char *image; /**< Boot module holding its ELF image (at most 31 characters). */
	const char *name; /**< Its name (NULL or "": the image's), unique, at most 31 characters. */
	uint64_t mem_size;   /**< Bytes of memory, a multiple of 4096, at least 1 MiB. */
	uint32_t vcpus;      /**< Virtual CPUs (0: 1). */
	uint32_t on_crash;   /**< An #hv_domctl_crash. */
	uint32_t pool;       /**< CPU pool (0: the default one). */
	const char *cmdline; /**< Command line (NULL: none), at most 127 characters. */
};

/**
 * @brief Create a domain from a boot module; it stays paused until hvctl_domain_unpause().
 * @param args What to create.
 * @return The new domain's identifier; -HV_E2BIG for a string too long;
 *         otherwise as #HV_DOMCTL_CREATE: -HV_ENOENT (no such module or
 *         pool), -HV_EEXIST (name in use), -HV_ENOSPC (no free slot),
 *         -HV_ENOMEM, -HV_ENOEXEC (bad image), -HV_EINVAL (bad field).
 */
int hvctl_domain_create(const struct hvctl_create *args);

/**
 * @brief Destroy a domain, in any state; its memory, ports and grants are given back.
 * @param domid The domain (not the caller).
 * @return 0; -HV_ENOENT if there is none (or it is dead); -HV_EINVAL for the caller.
 */
int hvctl_domain_destroy(uint16_t domid);

/**
 * @brief Pause a started domain.
 * @param domid The domain (not the caller).
 * @return 0; -HV_EALREADY if it is paused or was never started; -HV_ENOENT if it ended.
 */
int hvctl_domain_pause(uint16_t domid);

/**
 * @brief Start a created domain, or resume a paused one.
 * @param domid The domain (not the caller).
 * @return 0; -HV_EALREADY if it runs; -HV_ENOENT if it ended.
 */
int hvctl_domain_unpause(uint16_t domid);

/**
 * @brief Describe a domain (also one that has ended).
 * @param domid The domain.
 * @param[out] out Its state, memory, CPU time, events, ports, crash reason.
 * @return 0; -HV_ENOENT if the slot never held a domain; -HV_EINVAL out of range.
 */
int hvctl_domain_info(uint16_t domid, struct hv_domctl_info *out);

/**
 * @brief Describe every domain that was ever in a slot, in identifier order.
 * @param[out] out Room for @p max descriptions.
 * @param max Its size.
 * @return How many there are (possibly more than @p max: only @p max are written).
 */
int hvctl_domain_list(struct hv_domctl_info *out, unsigned int max);

/**
 * @brief Read the hypervisor's resource counters.
 * @param[out] out Free frames, frame references, live domains, ports, grant mappings.
 * @return 0, or -HV_EPERM.
 */
int hvctl_counters(struct hv_domctl_counters *out);

/**
 * @brief Name a domain state for messages.
 * @param state An #hv_domctl_state.
 * @return "running", "paused", ...; "?" for an unknown value.
 */
const char *hvctl_state_name(uint32_t state);

#endif /* HV_CTL_H */
/** @} */
