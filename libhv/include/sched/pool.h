/* SPDX-License-Identifier: Apache-2.0 */
/*
 * CPU pools (decision record 0011): a pool is a set of physical CPUs with
 * its own scheduler instance; every domain is in exactly one pool, and its
 * vCPUs are known to that pool's module only. A CPU runs vCPUs of its own
 * pool's domains only. Pool 0, "default", exists from hv_sched_setup() on,
 * holds every CPU at start-up and cannot be destroyed; new domains join it.
 *
 * A pool without CPUs may hold domains: they are parked (runnable, but no
 * CPU picks them) until a CPU joins the pool or they move. The control
 * domain is never parked: an operation that would leave it without a CPU
 * fails with -HV_EBUSY, so that the domain that can undo it keeps running.
 *
 * Each pool has two scheduler instances used in turn (as each vCPU has two
 * buffers of module state), so that switching its module or moving a
 * domain in sets up the new state completely before the old is touched:
 * every operation here either succeeds or changes nothing.
 */
#ifndef HV_SCHED_POOL_H
#define HV_SCHED_POOL_H

#include <stdint.h>

#include <hv/sched.h>

struct hv_domain;

/* Most pools at a time, the default one included. */
#define HV_POOL_MAX HV_SCHED_MAX_POOLS

/* Most physical CPUs the pool model covers (bits of hv_pool::cpus). */
#define HV_POOL_MAX_CPUS 64

/* Identifier and name of the pool that exists from the start. */
#define HV_POOL_DEFAULT      0
#define HV_POOL_DEFAULT_NAME "default"

struct hv_pool {
	/* The two instances; `current` points to the one in use, NULL: free slot. */
	struct hv_sched inst[2];
	_Alignas(16) unsigned char privs[2][HV_SCHED_PRIV_MAX_SIZE];
	struct hv_sched *current;
	char name[HV_SCHED_NAME_SIZE];
	uint32_t id;
	/* Bit n: physical CPU n is in this pool. */
	uint64_t cpus;
	/* CPU time the pool's domains have had while in it. */
	uint64_t cpu_time_ns;
};

/* The pool in slot id, or NULL if there is none. */
struct hv_pool *hv_pool_get(uint32_t id);

/* The pool CPU 'cpu' belongs to (every present CPU is in one). */
struct hv_pool *hv_pool_of_cpu(uint32_t cpu);

/* Number of physical CPUs the core schedules on (1 until SMP lands). */
uint32_t hv_pool_cpu_count(void);

/* Domains in p that have not ended. */
uint32_t hv_pool_domain_count(const struct hv_pool *p);

/*
 * Creates a pool named 'name' (1 to HV_SCHED_NAME_SIZE - 1 characters,
 * unique) without CPUs, running module 'ops'; 'params', if not NULL, are
 * given to its set_params hook for the pool as a whole (HV_DOMID_HV), as
 * the appliance description's sched_params are. Returns 0 and the pool's
 * identifier in *id; -HV_EINVAL (bad name or module, refused parameters),
 * -HV_EEXIST (name in use), -HV_ENOSPC (no free slot) or the module's
 * init error, with nothing created.
 */
int hv_pool_create(const char *name, const struct hv_sched_ops *ops,
                   const struct hv_sched_params *params, uint32_t *id);

/*
 * Destroys an empty pool; its CPUs return to the default pool. Ended
 * domains that were in it (crashed and kept) move to the default pool's
 * books. -HV_EINVAL for the default pool, -HV_EBUSY if a domain that has
 * not ended is in it.
 */
int hv_pool_destroy(struct hv_pool *p);

/*
 * Replaces p's module at run time (as hv_sched_switch() describes for
 * the default pool); 'params', if not NULL, go to the new module for the
 * pool as a whole before any vCPU is added.
 */
int hv_pool_switch(struct hv_pool *p, const struct hv_sched_ops *ops,
                   const struct hv_sched_params *params);

/*
 * Moves domain d into pool 'to': its vCPUs leave the old module and join
 * the new one with the new module's default parameters, keeping their
 * states (a runnable vCPU stays runnable). -HV_EBUSY if d is the control
 * domain and 'to' has no CPU; the new module's add_vcpu error, with d still
 * in its old pool.
 */
int hv_pool_move_domain(struct hv_domain *d, struct hv_pool *to);

/*
 * Moves physical CPU 'cpu' into pool 'to'. -HV_EINVAL for a CPU that is
 * not present; -HV_EBUSY if it is the last CPU of the control domain's pool.
 */
int hv_pool_assign_cpu(uint32_t cpu, struct hv_pool *to);

#endif /* HV_SCHED_POOL_H */
