/* SPDX-License-Identifier: MIT */
/**
 * @file
 * @defgroup hv_abi_shared Start-info and shared-info pages
 * @brief What a domain finds in memory when it starts.
 *
 * A domain starts at its ELF entry point in ring 3 with `rdi` holding the
 * address of its read-only `struct hv_start_info` and `rsp` at the top of
 * its initial stack. The start info says where everything else is: the
 * writable `struct hv_shared_info` (events and time), the page tables
 * (mapped read-only), the list of frames the domain owns, and its free
 * memory. The builder lays these out after the image's highest address.
 * @{
 */
#ifndef HV_ABI_SHARED_H
#define HV_ABI_SHARED_H

#include <stdint.h>

/** vCPUs a shared-info page has room for. */
#define HV_MAX_VCPUS 8
/** Event ports per domain. */
#define HV_EVENT_PORTS 1024

/** @name Virtual interrupts (VIRQs): events raised by the hypervisor
 * @{
 */
#define HV_VIRQ_TIMER   0 /**< The one-shot timer (#HV_HC_SET_TIMER) expired. */
#define HV_VIRQ_CONSOLE 1 /**< Console input is waiting (control domain). */
#define HV_VIRQ_DOM_EXC 2 /**< A domain crashed or shut down (control domain). */
#define HV_VIRQ_COUNT   3 /**< Number of VIRQs. */
/** @} */

/**
 * Time as published to one vCPU. System time now, in nanoseconds since the
 * hypervisor started, is
 * `system_time_ns + (((rdtsc() - tsc_timestamp) << tsc_shift) * tsc_to_system_mul >> 32)`
 * (a negative `tsc_shift` shifts right). `version` is odd while the
 * hypervisor updates the record: read it before and after, and retry if it
 * was odd or changed.
 */
struct hv_vcpu_time_info {
	uint32_t version;           /**< Update counter; odd during an update. */
	uint32_t pad0;              /**< Zero. */
	uint64_t tsc_timestamp;     /**< TSC when the record was written. */
	uint64_t system_time_ns;    /**< System time when the record was written. */
	uint32_t tsc_to_system_mul; /**< TSC-to-ns factor, 32.32 fixed point. */
	int8_t tsc_shift;           /**< Shift applied to the TSC delta first. */
	uint8_t pad1[3];            /**< Zero. */
};
_Static_assert(sizeof(struct hv_vcpu_time_info) == 32, "hv_vcpu_time_info layout");

/**
 * Per-vCPU event state and time.
 *
 * Virtual time (how long this vCPU has run) now, in nanoseconds, is
 * `run_time_ns` plus the TSC delta `rdtsc() - run_tsc_timestamp` scaled
 * as for system time (`time.tsc_shift`, then `time.tsc_to_system_mul`).
 * The hypervisor writes the two fields each time it resumes the vCPU,
 * with `time.version` odd meanwhile; hypercalls it answers without
 * descheduling the vCPU leave them alone, and count as run time. Read
 * them, the scale and the TSC between two reads of `time.version`, as for
 * system time, and retry if it was odd or changed: the vCPU was off the
 * CPU in between, and the TSC delta would count time it did not run.
 */
struct hv_vcpu_info {
	uint8_t upcall_pending;        /**< An unmasked event is pending: set by the hypervisor. */
	uint8_t upcall_mask;           /**< The virtual interrupt flag: 1 blocks event delivery. */
	uint8_t pad[6];                /**< Zero. */
	uint64_t pending_sel;          /**< Bit i: word i of `evtchn_pending` may have set bits. */
	struct hv_vcpu_time_info time; /**< System time, and the scale of virtual time. */
	uint64_t run_time_ns;          /**< Virtual time when the vCPU was last resumed. */
	uint64_t run_tsc_timestamp;    /**< TSC when the vCPU was last resumed. */
};
_Static_assert(sizeof(struct hv_vcpu_info) == 64, "hv_vcpu_info layout");
_Static_assert(__builtin_offsetof(struct hv_vcpu_info, run_time_ns) == 48,
               "hv_vcpu_info.run_time_ns");
_Static_assert(__builtin_offsetof(struct hv_vcpu_info, run_tsc_timestamp) == 56,
               "hv_vcpu_info.run_tsc_timestamp");

/** The page a domain shares with the hypervisor. */
struct hv_shared_info {
	struct hv_vcpu_info vcpu[HV_MAX_VCPUS];       /**< One record per vCPU. */
	uint64_t evtchn_pending[HV_EVENT_PORTS / 64]; /**< Pending bit per event port. */
	uint64_t evtchn_mask[HV_EVENT_PORTS / 64];    /**< Mask bit per event port. */
	uint32_t wc_version;                          /**< Odd while the wall clock is updated. */
	uint32_t wc_nsec; /**< Wall clock at system time 0: nanoseconds. */
	uint64_t wc_sec;  /**< Wall clock at system time 0: seconds since 1970. */
};
_Static_assert(sizeof(struct hv_shared_info) == 784, "hv_shared_info layout");
_Static_assert(__builtin_offsetof(struct hv_shared_info, evtchn_pending) == 512,
               "hv_shared_info.evtchn_pending");

/** Magic at the start of the start-info page. */
#define HV_START_MAGIC "libhv-1"

/** Start-info flag: the domain has the control privilege (domain 0). */
#define HV_START_F_CONTROL (1u << 0)

/** The read-only page describing a domain to itself. */
struct hv_start_info {
	char magic[8];         /**< #HV_START_MAGIC. */
	uint32_t abi_version;  /**< #HV_ABI_VERSION of the hypervisor. */
	uint32_t flags;        /**< `HV_START_F_*`. */
	uint16_t domid;        /**< This domain's identifier. */
	uint16_t vcpu_count;   /**< Its number of vCPUs. */
	uint32_t pad;          /**< Zero. */
	uint64_t shared_info;  /**< Address of the `struct hv_shared_info` page. */
	uint64_t image_start;  /**< First byte of the loaded ELF image. */
	uint64_t image_end;    /**< End of the image (page aligned). */
	uint64_t stack_top;    /**< Top of the initial stack. */
	uint64_t stack_size;   /**< Its size in bytes (a guard page lies below). */
	uint64_t pt_base;      /**< Where the page-table frames are mapped, read-only. */
	uint64_t pt_frames;    /**< How many page-table frames there are. */
	uint64_t frame_list;   /**< Address of a read-only array of the domain's frame numbers. */
	uint64_t frame_count;  /**< Number of frames the domain owns (entries in that array). */
	uint64_t mem_start;    /**< First byte of the domain's free memory. */
	uint64_t mem_size;     /**< Its size in bytes: every frame not used for the above. */
	uint32_t virq_port[4]; /**< Event port bound to each VIRQ (see `HV_VIRQ_*`). */
	char name[32];         /**< The domain's name, NUL-terminated. */
	char cmdline[256];     /**< Its command line, NUL-terminated. */
	uint64_t
	        map_base; /**< The grant map area: unmapped pages for #HV_GRANT_OP_MAP (ABI 1.4). */
	uint64_t map_slots; /**< Its size in pages. */
	/** Page k of free memory (`mem_start + k * 4096`) is frame `frame_list[mem_frame_index +
	 * k]` (ABI 1.4): what a grant entry names. */
	uint64_t mem_frame_index;
};
_Static_assert(sizeof(struct hv_start_info) == 440, "hv_start_info layout");
_Static_assert(__builtin_offsetof(struct hv_start_info, shared_info) == 24,
               "hv_start_info.shared_info");

#endif /* HV_ABI_SHARED_H */
/** @} */
