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
	uint64_t mem_size; /**< Bytes of memory, a multiple of 4096, at least 1 MiB. */
	uint32_t vcpus;    /**< Virtual CPUs (0: 1). */
	uint32_t on_crash; /**< An #hv_domctl_crash. */
	uint32_t pool;     /**< CPU pool (0: the default one). */
	uint32_t
	        flags; /**< `HV_DOMCTL_F_*`: #HV_DOMCTL_F_CONTROL gives it the control privilege. */
	const char *cmdline; /**< Command line (NULL: none), at most 127 characters. */
	/** An ELF image in this domain's memory instead of a boot module (NULL: none); the
	 * hypervisor copies and checks it. */
	const void *image_data;
	uint64_t image_size; /**< Its size, at most #HV_DOMCTL_IMAGE_MAX. */
};

/**
 * @brief Create a domain from a boot module; it stays paused until hvctl_domain_unpause().
 * @param args What to create.
 * @return The new domain's identifier; -HV_E2BIG for a string or an image
 *         too long; otherwise as #HV_DOMCTL_CREATE: -HV_ENOENT (no such
 *         module or pool), -HV_EEXIST (name in use), -HV_ENOSPC (no free
 *         slot), -HV_ENOMEM, -HV_ENOEXEC (bad image), -HV_EFAULT (image
 *         unreadable), -HV_EINVAL (bad field).
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
 * @brief Read a domain's console output (the hypervisor keeps its last 4 KiB).
 * @param domid The domain (any, also one that ended).
 * @param[in,out] pos Output position to read from (start at 0); advanced past the bytes read.
 * @param[out] buf Receives the bytes.
 * @param size Bytes at @p buf, at most 4096.
 * @param[out] dropped Bytes that were overwritten before this read and skipped (may be NULL).
 * @return The byte count (0: nothing new); -HV_EINVAL for a position not reached yet;
 *         -HV_E2BIG for a @p size above 4096; -HV_ENOENT for no such domain.
 */
int hvctl_console_read(uint16_t domid, uint64_t *pos, char *buf, uint32_t size, uint64_t *dropped);

/**
 * @brief Set what a domain's crash does.
 * @param domid The domain.
 * @param policy An #hv_domctl_crash.
 * @return 0; -HV_EINVAL for a bad policy; -HV_ENOENT for no such domain.
 */
int hvctl_set_crash_policy(uint16_t domid, uint32_t policy);

/**
 * @brief Set the wall clock; every domain sees it at once.
 * @param sec Seconds since 1970, now.
 * @param nsec Nanoseconds, below 1000000000.
 * @return 0, or -HV_EINVAL for @p nsec out of range.
 */
int hvctl_set_wallclock(uint64_t sec, uint32_t nsec);

/**
 * @brief Rebuild a domain from its image and start it again.
 * @param domid The domain (not the caller), running, paused or crashed.
 * @return 0; -HV_ENOENT if it is dead; -HV_ENOMEM if the rebuild failed (it is then destroyed).
 */
int hvctl_domain_reset(uint16_t domid);

/**
 * @brief Connect two other domains by an event channel, on their behalf.
 *
 * Each domain finds its new port raised, and its status says which
 * domain the other end belongs to (hvg_evtchn_status()).
 * @param a One domain.
 * @param b The other.
 * @param[out] port_a The channel's port in @p a.
 * @param[out] port_b The channel's port in @p b.
 * @return 0; -HV_EINVAL for the caller, the same domain twice, or an id out of
 *         range; -HV_ENOENT for a domain that is not alive; -HV_ENOSPC.
 */
int hvctl_evtchn_connect(uint16_t a, uint16_t b, uint32_t *port_a, uint32_t *port_b);

/**
 * @brief Name a domain state for messages.
 * @param state An #hv_domctl_state.
 * @return "running", "paused", ...; "?" for an unknown value.
 */
const char *hvctl_state_name(uint32_t state);

/**
 * @brief Name a vCPU state for messages.
 * @param state An #hv_domctl_vcpu_state.
 * @return "running", "blocked", ...; "?" for an unknown value.
 */
const char *hvctl_vcpu_state_name(uint32_t state);

#endif /* HV_CTL_H */
/** @} */
