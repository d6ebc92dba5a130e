/* SPDX-License-Identifier: MIT */
/**
 * @file
 * @defgroup hv_abi_sched Scheduling parameters
 * @brief The scheduler hypercall (#HV_HC_SCHED_OP) and the parameters it carries.
 *
 * The same structures describe a domain's scheduling parameters in the
 * appliance description (`<hv/sched.h>` includes this header) and in the
 * guest ABI, so their layout is fixed: the `_Static_assert`s below hold on
 * every build. A parameter set is tagged by the scheduler module it is
 * meant for (@ref hv_sched_params::kind); a module refuses another kind.
 * @{
 */
#ifndef HV_ABI_SCHED_H
#define HV_ABI_SCHED_H

#include <stdint.h>

/** Kinds of scheduling parameters: which member of hv_sched_params is meant. */
enum hv_sched_kind {
	HV_SCHED_KIND_NONE = 0,   /**< No parameters (never valid in a call). */
	HV_SCHED_KIND_BVT = 1,    /**< hv_sched_params::bvt, for the "bvt" module. */
	HV_SCHED_KIND_FAIR = 2,   /**< hv_sched_params::fair, for the "fair" module. */
	HV_SCHED_KIND_CYCLIC = 3, /**< hv_sched_params::cyclic, for the "cyclic" module. */
};

/** Largest weight of the "bvt" and "fair" modules. */
#define HV_SCHED_WEIGHT_MAX 65535

/** Weight of a domain whose parameters were never set ("bvt", "fair"). */
#define HV_SCHED_WEIGHT_DEFAULT 256

/** Most windows in a major frame of the "cyclic" module. */
#define HV_SCHED_CYCLIC_MAX_WINDOWS 16

/**
 * Borrowed-virtual-time parameters of a domain ("bvt"). Virtual time is
 * counted in nanoseconds at the default weight: running for t ns advances
 * a vCPU's virtual time by t * #HV_SCHED_WEIGHT_DEFAULT / weight.
 */
struct hv_sched_bvt_params {
	uint32_t weight;        /**< Share of the CPU, 1 to #HV_SCHED_WEIGHT_MAX. */
	uint64_t warp_ns;       /**< Virtual time a warped vCPU borrows; 0: never warps. */
	uint64_t warp_limit_ns; /**< Most run time in one warp (L); 0: no limit. */
	uint64_t
	        unwarp_ns; /**< Least real time after the limit ended a warp before the next (U). */
};

/** Fair-share parameters of a domain ("fair"). */
struct hv_sched_fair_params {
	uint32_t weight;      /**< Share of the CPU, 1 to #HV_SCHED_WEIGHT_MAX. */
	uint32_t cap_percent; /**< Most CPU time in percent of one CPU, 1 to 100; 0: no cap. */
};

/** One window of a cyclic schedule ("cyclic"). */
struct hv_sched_cyclic_window {
	uint16_t domid;     /**< Domain that owns the window (a domain id). */
	uint64_t offset_ns; /**< Start, from the start of the major frame. */
	uint64_t length_ns; /**< Length, more than 0. */
};

/**
 * A cyclic schedule ("cyclic"): windows that do not overlap, inside a
 * major frame that repeats forever. It belongs to the instance, not to one
 * domain.
 */
struct hv_sched_cyclic_params {
	uint64_t major_frame_ns; /**< Length of the major frame, more than 0. */
	uint32_t window_count;   /**< Windows used, 1 to #HV_SCHED_CYCLIC_MAX_WINDOWS. */
	/** The windows, in any order. */
	struct hv_sched_cyclic_window windows[HV_SCHED_CYCLIC_MAX_WINDOWS];
};

/** Scheduling parameters, tagged by the module they are meant for. */
struct hv_sched_params {
	uint32_t kind; /**< An #hv_sched_kind: which member below is meant. */
	/** The parameters for #kind. */
	union {
		struct hv_sched_bvt_params bvt;       /**< For #HV_SCHED_KIND_BVT. */
		struct hv_sched_fair_params fair;     /**< For #HV_SCHED_KIND_FAIR. */
		struct hv_sched_cyclic_params cyclic; /**< For #HV_SCHED_KIND_CYCLIC. */
	};
};

/** @name Scheduler operations (#HV_HC_SCHED_OP, control domain only)
 * @{
 */
/** `(op, domid, struct hv_sched_params *out)`: read a domain's parameters. */
#define HV_SCHED_OP_GET_PARAMS 0
/** `(op, domid, const struct hv_sched_params *in)`: set a domain's parameters. */
#define HV_SCHED_OP_SET_PARAMS 1
/** `(op, const char *name)`: switch to the built-in module of that name (NUL-terminated). */
#define HV_SCHED_OP_SET_SCHEDULER 2
/** `(op, char *buf, uint64_t size)`: copy the current module's name, NUL-terminated. */
#define HV_SCHED_OP_GET_SCHEDULER 3
/** @} */

/** Size of a scheduler name buffer: at most 15 characters and the NUL. */
#define HV_SCHED_NAME_SIZE 16

_Static_assert(sizeof(struct hv_sched_bvt_params) == 32, "ABI: hv_sched_bvt_params");
_Static_assert(__builtin_offsetof(struct hv_sched_bvt_params, warp_ns) == 8, "ABI: warp_ns");
_Static_assert(__builtin_offsetof(struct hv_sched_bvt_params, warp_limit_ns) == 16,
               "ABI: warp_limit_ns");
_Static_assert(__builtin_offsetof(struct hv_sched_bvt_params, unwarp_ns) == 24, "ABI: unwarp_ns");
_Static_assert(sizeof(struct hv_sched_fair_params) == 8, "ABI: hv_sched_fair_params");
_Static_assert(__builtin_offsetof(struct hv_sched_fair_params, cap_percent) == 4,
               "ABI: cap_percent");
_Static_assert(sizeof(struct hv_sched_cyclic_window) == 24, "ABI: hv_sched_cyclic_window");
_Static_assert(__builtin_offsetof(struct hv_sched_cyclic_window, offset_ns) == 8, "ABI: offset_ns");
_Static_assert(__builtin_offsetof(struct hv_sched_cyclic_window, length_ns) == 16,
               "ABI: length_ns");
_Static_assert(sizeof(struct hv_sched_cyclic_params) == 16 + 24 * HV_SCHED_CYCLIC_MAX_WINDOWS,
               "ABI: hv_sched_cyclic_params");
_Static_assert(__builtin_offsetof(struct hv_sched_cyclic_params, window_count) == 8,
               "ABI: window_count");
_Static_assert(__builtin_offsetof(struct hv_sched_cyclic_params, windows) == 16, "ABI: windows");
_Static_assert(sizeof(struct hv_sched_params) == 8 + sizeof(struct hv_sched_cyclic_params),
               "ABI: hv_sched_params");
_Static_assert(__builtin_offsetof(struct hv_sched_params, bvt) == 8, "ABI: hv_sched_params union");

#endif /* HV_ABI_SCHED_H */
/** @} */
