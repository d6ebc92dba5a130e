/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file
 * @defgroup hv_config Appliance description
 * @brief The appliance described as C data, checked at start-up.
 *
 * An integrator describes the appliance in a `struct hv_config` (usually a
 * `static const` object in their `main.c`) and passes it to hv_main(). A
 * domain can also be described by its boot module's command line, when the
 * configuration sets #HV_CONFIG_F_MODULE_DOMAINS. Every field is checked
 * before anything is built; a bad field is reported by name, as
 * `hv: error: config: domains[1].mem_size: ...`.
 *
 * Boot module command lines have the form `<module-name> [key=value ...]`.
 * The keys a module may carry to describe its domain are `name=`, `mem=`
 * (bytes, with an optional K/M/G suffix), `vcpus=`, `crash=` (destroy,
 * restart, keep), `base=` (static partition base), `weight=` (for a
 * weighted scheduler: BVT or fair share) and the flag `control`.
 * @{
 */
#ifndef HV_CONFIG_H
#define HV_CONFIG_H

#include <hv/types.h>

struct hv_mem_ops;
struct hv_sched_ops;
struct hv_sched_params;

/** Version of `struct hv_config`; set `.version = HV_CONFIG_VERSION`. */
#define HV_CONFIG_VERSION 1

/** Most domains an appliance can describe. */
#define HV_CONFIG_MAX_DOMAINS 64
/** Longest domain or module name, without the terminating NUL. */
#define HV_NAME_MAX 31
/** Most vCPUs a domain can have. */
#define HV_DOMAIN_MAX_VCPUS 8
/** Smallest memory reservation of a domain, in bytes. */
#define HV_DOMAIN_MIN_MEM (UINT64_C(1) << 20)

/** What the hypervisor does when a domain crashes. */
enum hv_crash_policy {
	HV_CRASH_DESTROY = 0, /**< Tear the domain down and free its memory. */
	HV_CRASH_RESTART = 1, /**< Rebuild the domain from its image. */
	HV_CRASH_KEEP = 2,    /**< Keep it, stopped, for inspection. */
};

/** Domain flag: the domain may use the control interface (domain 0). */
#define HV_DOMAIN_F_CONTROL (1u << 0)

/** One domain of the appliance. */
struct hv_domain_config {
	/** Unique name: 1 to #HV_NAME_MAX characters of `[A-Za-z0-9_.-]`. */
	const char *name;
	/** Name of the boot module that holds the domain's ELF64 image. */
	const char *image;
	/** Memory reservation in bytes: a multiple of the page size, at least #HV_DOMAIN_MIN_MEM.
	 */
	uint64_t mem_size;
	/** Number of virtual CPUs, 1 to #HV_DOMAIN_MAX_VCPUS. */
	uint32_t vcpu_count;
	/** Bitwise OR of `HV_DOMAIN_F_*`. */
	uint32_t flags;
	/** What happens when the domain crashes. */
	enum hv_crash_policy on_crash;
	/**
	 * Base of the domain's fixed physical partition, for memory modules
	 * that partition statically (hv_mem_static); must be 0 otherwise.
	 */
	hv_paddr_t mem_base;
	/** Command line handed to the domain (may be NULL). */
	const char *cmdline;
	/**
	 * Scheduling parameters for the appliance's scheduler module (for
	 * example a BVT or fair-share weight); NULL keeps the module's
	 * defaults. Refused parameters refuse the domain, by name.
	 */
	const struct hv_sched_params *sched_params;
};

/** Configuration flag: boot modules not named by any domain describe domains themselves. */
#define HV_CONFIG_F_MODULE_DOMAINS (1u << 0)
/**
 * Configuration flag: check the description and build the domains, but do
 * not run them; the verdict then only says whether every domain was built.
 */
#define HV_CONFIG_F_NO_RUN (1u << 1)

/** The whole appliance. */
struct hv_config {
	/** Must be #HV_CONFIG_VERSION. */
	uint32_t version;
	/** Name of the appliance, printed at boot (1 to #HV_NAME_MAX characters). */
	const char *name;
	/** Memory module; NULL selects the buddy allocator (hv_mem_buddy). */
	const struct hv_mem_ops *mem;
	/**
	 * Domains, in creation order. Domain identifiers follow that order (these
	 * first, then any described by boot modules); describe the control domain
	 * first to make it domain 0.
	 */
	const struct hv_domain_config *domains;
	/** Number of entries in @ref domains. */
	size_t domain_count;
	/** Bitwise OR of `HV_CONFIG_F_*`. */
	uint32_t flags;
	/**
	 * Default time slice of the scheduler (and period of the timer
	 * self-test) in nanoseconds, 10 us to 1 s; 0 selects 10 ms.
	 */
	uint64_t tick_ns;
	/**
	 * Number of ticks the start-up self-test of the timer waits for before
	 * the domains run (0 selects 3). It shows that the clock and the
	 * one-shot timer work.
	 */
	uint32_t selftest_ticks;
	/** CPU scheduler module; NULL selects round-robin (hv_sched_rr). */
	const struct hv_sched_ops *sched;
	/**
	 * Wall-clock time at system time 0, in seconds since 1970 (for example
	 * read from a real-time clock by the firmware); 0 if unknown. Published
	 * to every domain in its shared-info page.
	 */
	uint64_t wallclock_sec;
	/** Nanoseconds part of the wall-clock time, below 10^9. */
	uint32_t wallclock_nsec;
	/**
	 * Parameters of the scheduler as a whole (the major frame and windows
	 * of #hv_sched_cyclic), given to its `set_params` hook with the domain
	 * #HV_DOMID_HV before any domain is built; NULL for none.
	 */
	const struct hv_sched_params *sched_params;
};

#endif /* HV_CONFIG_H */
/** @} */
