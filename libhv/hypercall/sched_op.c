/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The scheduler hypercall, HV_HC_SCHED_OP: domains' scheduling parameters
 * and the CPU pools with their modules, for the control domain only. Any
 * other caller gets -HV_EPERM before an argument is looked at. A domain's
 * parameters are those of the pool it is in; the operations without a
 * pool argument (SET_SCHEDULER, GET_SCHEDULER) concern pool 0.
 *
 * Nothing changes on an error: parameters and names are copied in whole
 * before anything looks at them, the module refuses bad parameters without
 * a change, and the pool operations are all-or-nothing (sched/pool.h).
 */
#include <hv/abi/errno.h>
#include <hv/abi/hypercall.h>
#include <hv/abi/sched.h>
#include <hv/log.h>

#include "domain/domain.h"
#include "guest/access.h"
#include "hypercall/hypercall.h"
#include "lib/string.h"
#include "sched/pool.h"
#include "sched/sched.h"

/*
 * 0 if domid names a domain that has not ended; -HV_EINVAL out of range,
 * -HV_ENOENT for no domain or an ended one (its vCPUs are gone).
 */
static int check_domid(uint64_t domid)
{
	if (domid >= HV_CONFIG_MAX_DOMAINS) {
		return -HV_EINVAL;
	}
	if (hv_domain_ended(hv_domain_get((hv_domid_t)domid))) {
		return -HV_ENOENT;
	}
	return 0;
}

static int64_t get_params(struct hv_vcpu *v, uint64_t domid, uint64_t out)
{
	struct hv_sched_params p;
	int rc = check_domid(domid);

	if (rc != 0) {
		return rc;
	}
	/* Padding included: nothing of the hypervisor's stack reaches the guest. */
	hv_memset(&p, 0, sizeof(p));
	rc = hv_sched_call_get_params(hv_domain_get((hv_domid_t)domid)->pool->current,
	                              (hv_domid_t)domid, &p);
	if (rc != 0) {
		return rc;
	}
	return hv_guest_copy_to(v, out, &p, sizeof(p));
}

static int64_t set_params(struct hv_vcpu *v, uint64_t domid, uint64_t in)
{
	struct hv_sched_params p;
	int rc = check_domid(domid);

	if (rc != 0) {
		return rc;
	}
	rc = hv_guest_copy_from(v, &p, in, sizeof(p));
	if (rc != 0) {
		return rc;
	}
	return hv_sched_call_set_params(hv_domain_get((hv_domid_t)domid)->pool->current,
	                                (hv_domid_t)domid, &p);
}

/*
 * Copies a NUL-terminated name of at most HV_SCHED_NAME_SIZE - 1
 * characters, a byte at a time: a short name at the end of a page must not
 * fault on the bytes after its NUL. -HV_EINVAL if it is longer (or empty).
 */
static int copy_name(struct hv_vcpu *v, char name[HV_SCHED_NAME_SIZE], uint64_t va)
{
	for (size_t len = 0; len < HV_SCHED_NAME_SIZE; len++) {
		int rc = hv_guest_copy_from(v, &name[len], va + len, 1);

		if (rc != 0) {
			return rc;
		}
		if (name[len] == '\0') {
			return len > 0 ? 0 : -HV_EINVAL;
		}
	}
	return -HV_EINVAL;
}

/*
 * The built-in module named at 'name_va', and its optional parameters for
 * the pool as a whole (params_va 0: none) in *params, *with set. A module
 * that runs nothing without a schedule ("cyclic") needs one: switching to
 * it bare would stop every domain of the pool, the caller perhaps included.
 */
static int copy_module(struct hv_vcpu *v, uint64_t name_va, uint64_t params_va,
                       const struct hv_sched_ops **ops, struct hv_sched_params *params, bool *with)
{
	char name[HV_SCHED_NAME_SIZE];
	int rc = copy_name(v, name, name_va);

	if (rc != 0) {
		return rc;
	}
	*ops = hv_sched_find(name);
	if (*ops == NULL) {
		hv_notice("sched: domain '%s' asked for an unknown scheduler", v->domain->name);
		return -HV_ENOENT;
	}
	*with = params_va != 0;
	if (*with) {
		rc = hv_guest_copy_from(v, params, params_va, sizeof(*params));
	} else if (*ops == &hv_sched_cyclic) {
		hv_notice("sched: domain '%s' asked for 'cyclic' without a schedule: refused",
		          v->domain->name);
		rc = -HV_EINVAL;
	}
	return rc;
}

static int64_t set_scheduler(struct hv_vcpu *v, struct hv_pool *pool, uint64_t name_va,
                             uint64_t params_va)
{
	const struct hv_sched_ops *ops;
	struct hv_sched_params params;
	bool with;
	int rc = copy_module(v, name_va, params_va, &ops, &params, &with);

	if (rc != 0) {
		return rc;
	}
	return hv_pool_switch(pool, ops, with ? &params : NULL);
}

static int64_t get_scheduler(struct hv_vcpu *v, uint64_t buf, uint64_t size)
{
	const char *name = hv_sched_instance()->ops->name;
	size_t len = hv_strlen(name) + 1;

	if (size < len) {
		return -HV_ERANGE;
	}
	return hv_guest_copy_to(v, buf, name, len);
}

/* The pool with identifier 'id' in *pool; -HV_EINVAL out of range, -HV_ENOENT unused. */
static int find_pool(uint64_t id, struct hv_pool **pool)
{
	if (id >= HV_SCHED_MAX_POOLS) {
		return -HV_EINVAL;
	}
	*pool = hv_pool_get((uint32_t)id);
	return *pool != NULL ? 0 : -HV_ENOENT;
}

static int64_t pool_create(struct hv_vcpu *v, uint64_t name_va, uint64_t sched_va,
                           uint64_t params_va)
{
	char name[HV_SCHED_NAME_SIZE];
	const struct hv_sched_ops *ops;
	struct hv_sched_params params;
	uint32_t id;
	bool with;
	int rc = copy_name(v, name, name_va);

	if (rc == 0) {
		rc = copy_module(v, sched_va, params_va, &ops, &params, &with);
	}
	if (rc == 0) {
		rc = hv_pool_create(name, ops, with ? &params : NULL, &id);
	}
	return rc != 0 ? rc : (int64_t)id;
}

static int64_t pool_info(struct hv_vcpu *v, const struct hv_pool *pool, uint64_t out)
{
	struct hv_sched_pool_info info;

	hv_memset(&info, 0, sizeof(info));
	hv_strlcpy(info.name, pool->name, sizeof(info.name));
	hv_strlcpy(info.sched, pool->current->ops->name, sizeof(info.sched));
	info.cpus = pool->cpus;
	info.cpu_time_ns = pool->cpu_time_ns;
	info.id = pool->id;
	info.domains = hv_pool_domain_count(pool);
	return hv_guest_copy_to(v, out, &info, sizeof(info));
}

/*
 * The operations on one pool; the pool is the last argument of a move
 * ("move this into that pool"), the first of the others.
 */
static int64_t pool_op(struct hv_vcpu *v, const uint64_t *args)
{
	bool move =
	        args[0] == HV_SCHED_OP_POOL_MOVE_DOMAIN || args[0] == HV_SCHED_OP_POOL_ASSIGN_CPU;
	struct hv_pool *pool;
	int rc = find_pool(move ? args[2] : args[1], &pool);

	if (rc != 0) {
		return rc;
	}
	switch (args[0]) {
	case HV_SCHED_OP_POOL_DESTROY:
		return hv_pool_destroy(pool);
	case HV_SCHED_OP_POOL_SET_SCHEDULER:
		return set_scheduler(v, pool, args[2], args[3]);
	case HV_SCHED_OP_POOL_INFO:
		return pool_info(v, pool, args[2]);
	case HV_SCHED_OP_POOL_MOVE_DOMAIN:
		rc = check_domid(args[1]);
		return rc != 0 ? rc : hv_pool_move_domain(hv_domain_get((hv_domid_t)args[1]), pool);
	default: /* HV_SCHED_OP_POOL_ASSIGN_CPU */
		return args[1] > UINT32_MAX ? -HV_EINVAL
		                            : hv_pool_assign_cpu((uint32_t)args[1], pool);
	}
}

int64_t hv_hypercall_sched_op(struct hv_vcpu *v, const uint64_t *args)
{
	if ((v->domain->flags & HV_DOMAIN_F_CONTROL) == 0) {
		return -HV_EPERM;
	}
	switch (args[0]) {
	case HV_SCHED_OP_GET_PARAMS:
		return get_params(v, args[1], args[2]);
	case HV_SCHED_OP_SET_PARAMS:
		return set_params(v, args[1], args[2]);
	case HV_SCHED_OP_SET_SCHEDULER:
		return set_scheduler(v, hv_pool_get(HV_POOL_DEFAULT), args[1], 0);
	case HV_SCHED_OP_GET_SCHEDULER:
		return get_scheduler(v, args[1], args[2]);
	case HV_SCHED_OP_POOL_CREATE:
		return pool_create(v, args[1], args[2], args[3]);
	case HV_SCHED_OP_POOL_DESTROY:
	case HV_SCHED_OP_POOL_SET_SCHEDULER:
	case HV_SCHED_OP_POOL_INFO:
	case HV_SCHED_OP_POOL_MOVE_DOMAIN:
	case HV_SCHED_OP_POOL_ASSIGN_CPU:
		return pool_op(v, args);
	case HV_SCHED_OP_DOMAIN_POOL: {
		int rc = check_domid(args[1]);

		return rc != 0 ? rc : (int64_t)hv_domain_get((hv_domid_t)args[1])->pool->id;
	}
	default:
		return -HV_EINVAL;
	}
}
