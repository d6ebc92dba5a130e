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
 *
 * Pools: the CPUs are divided into pools, each with its own scheduler
 * module and parameters; every domain is in one pool and runs only on its
 * CPUs. Pool 0 ("default") holds every CPU at start-up and every new
 * domain. A domain in a pool without CPUs is parked until a CPU joins the
 * pool or it moves out; the control domain is never parked (the operation
 * fails with `-HV_EBUSY`). Pool identifiers are below #HV_SCHED_MAX_POOLS;
 * one out of range gives `-HV_EINVAL`, an unused one `-HV_ENOENT`. Where a
 * call takes optional parameters (`params`, 0 for none), they are the
 * module's parameters for the pool as a whole, such as a cyclic schedule.
 * @{
 */
/** `(op, domid, struct hv_sched_params *out)`: read a domain's parameters (in its pool). */
#define HV_SCHED_OP_GET_PARAMS 0
/** `(op, domid, const struct hv_sched_params *in)`: set a domain's parameters (in its pool). */
#define HV_SCHED_OP_SET_PARAMS 1
/** `(op, const char *name)`: switch pool 0 to the built-in module of that name (NUL-terminated);
 * "cyclic" needs a schedule: use #HV_SCHED_OP_POOL_SET_SCHEDULER. */
#define HV_SCHED_OP_SET_SCHEDULER 2
/** `(op, char *buf, uint64_t size)`: copy pool 0's module name, NUL-terminated. */
#define HV_SCHED_OP_GET_SCHEDULER 3
/** `(op, const char *name, const char *sched, const struct hv_sched_params *params)`: create a
 * pool without CPUs running the built-in module `sched`; returns its identifier. Names are 1 to
 * 15 characters and unique (`-HV_EEXIST`); `-HV_ENOSPC` when every pool is in use. */
#define HV_SCHED_OP_POOL_CREATE 4
/** `(op, pool)`: destroy a pool with no domain left (`-HV_EBUSY` otherwise); its CPUs return to
 * pool 0, which cannot be destroyed. */
#define HV_SCHED_OP_POOL_DESTROY 5
/** `(op, pool, const char *sched, const struct hv_sched_params *params)`: switch a pool's module
 * at run time; its domains keep running, with the new module's default parameters. */
#define HV_SCHED_OP_POOL_SET_SCHEDULER 6
/** `(op, pool, struct hv_sched_pool_info *out)`: describe a pool. */
#define HV_SCHED_OP_POOL_INFO 7
/** `(op, domid, pool)`: move a domain into a pool, with the pool module's default parameters. */
#define HV_SCHED_OP_POOL_MOVE_DOMAIN 8
/** `(op, cpu, pool)`: move a physical CPU into a pool (`-HV_EINVAL` for no such CPU). */
#define HV_SCHED_OP_POOL_ASSIGN_CPU 9
/** `(op, domid)`: the pool a domain is in. */
#define HV_SCHED_OP_DOMAIN_POOL 10
/** @} */

/** Most CPU pools at a time, pool 0 included. */
#define HV_SCHED_MAX_POOLS 8

/** Size of a scheduler name buffer: at most 15 characters and the NUL. */
#define HV_SCHED_NAME_SIZE 16

/** What #HV_SCHED_OP_POOL_INFO reports about a pool. */
struct hv_sched_pool_info {
	char name[HV_SCHED_NAME_SIZE];  /**< The pool's name, NUL-terminated. */
	char sched[HV_SCHED_NAME_SIZE]; /**< Its scheduler module's name, NUL-terminated. */
	uint64_t cpus;                  /**< Bit n set: physical CPU n is in the pool. */
	uint64_t cpu_time_ns;           /**< CPU time its domains have had while in it. */
	uint32_t id;                    /**< The pool's identifier. */
	uint32_t domains;               /**< Domains in it that have not ended. */
};

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

_Static_assert(sizeof(struct hv_sched_pool_info) == 56, "ABI: hv_sched_pool_info");
_Static_assert(__builtin_offsetof(struct hv_sched_pool_info, cpus) == 32, "ABI: pool cpus");
_Static_assert(__builtin_offsetof(struct hv_sched_pool_info, id) == 48, "ABI: pool id");

#endif /* HV_ABI_SCHED_H */
/** @} */
