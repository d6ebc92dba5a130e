/* SPDX-License-Identifier: Apache-2.0 */
/*
 * CPU pools and their scheduler instances (see sched/pool.h): setting a
 * module up, switching it, moving domains and CPUs between pools.
 *
 * Every change is made in two steps so that an error leaves nothing
 * changed: the new side (an instance of the pool's spare slot, or the
 * destination pool's instance) takes the vCPUs in their spare buffers of
 * module state first; only when all of it succeeded is the old side told
 * (sleep, remove_vcpu, which cannot fail) or abandoned. A failed switch
 * simply abandons the half-built instance, which holds nothing outside its
 * own storage; a failed move removes from the destination what it added.
 *
 * State: the pool table and, per physical CPU, its pool. One CPU runs the
 * core for now; nothing here assumes it beyond hv_pool_cpu_count().
 */
#include <hv/abi/errno.h>
#include <hv/log.h>

#include "domain/domain.h"
#include "lib/check.h"
#include "lib/string.h"
#include "sched/pool.h"
#include "sched/sched.h"

static struct hv_pool pools[HV_POOL_MAX];
static struct hv_pool *cpu_pool[HV_POOL_MAX_CPUS];

static const char *missing_hook(const struct hv_sched_ops *ops)
{
	if (ops->init == NULL) {
		return "init";
	}
	if (ops->add_vcpu == NULL) {
		return "add_vcpu";
	}
	if (ops->remove_vcpu == NULL) {
		return "remove_vcpu";
	}
	if (ops->wake == NULL) {
		return "wake";
	}
	if (ops->sleep == NULL) {
		return "sleep";
	}
	if (ops->pick_next == NULL) {
		return "pick_next";
	}
	return NULL;
}

/* Checks a module as at registration; logs the fault. */
static int check_module(const struct hv_sched_ops *ops)
{
	const char *hook;

	if (ops == NULL || ops->name == NULL) {
		hv_err("sched: the scheduler module has no name");
		return -HV_EINVAL;
	}
	if (ops->api_version != HV_SCHED_API_VERSION) {
		hv_err("sched: module '%s' implements API version %u, libhv has %u", ops->name,
		       (unsigned int)ops->api_version, (unsigned int)HV_SCHED_API_VERSION);
		return -HV_EINVAL;
	}
	hook = missing_hook(ops);
	if (hook != NULL) {
		hv_err("sched: module '%s' has no %s hook", ops->name, hook);
		return -HV_EINVAL;
	}
	if (ops->priv_size > HV_SCHED_PRIV_MAX_SIZE) {
		hv_err("sched: module '%s' needs %zu bytes of state, at most %u allowed", ops->name,
		       ops->priv_size, (unsigned int)HV_SCHED_PRIV_MAX_SIZE);
		return -HV_EINVAL;
	}
	if (ops->vcpu_priv_size > HV_SCHED_VCPU_PRIV_MAX_SIZE) {
		hv_err("sched: module '%s' needs %zu bytes per vCPU, at most %u allowed", ops->name,
		       ops->vcpu_priv_size, (unsigned int)HV_SCHED_VCPU_PRIV_MAX_SIZE);
		return -HV_EINVAL;
	}
	return 0;
}

/*
 * Sets up p's instance in 'slot' for ops, with the pool-wide parameters if
 * any. Returns the instance, or NULL after logging why (its ops stay NULL:
 * the slot is simply abandoned).
 */
static struct hv_sched *init_instance(struct hv_pool *p, unsigned int slot,
                                      const struct hv_sched_ops *ops, uint64_t slice_ns,
                                      const struct hv_sched_params *params, int *rc)
{
	struct hv_sched *s = &p->inst[slot];

	hv_memset(p->privs[slot], 0, sizeof(p->privs[slot]));
	*s = (struct hv_sched){.ops = ops, .priv = p->privs[slot], .slice_ns = slice_ns};
	*rc = hv_sched_call_init(s);
	if (*rc != 0) {
		hv_err("sched: module '%s' failed to initialize: %s", ops->name, hv_strerror(*rc));
	} else if (params != NULL) {
		*rc = hv_sched_call_set_params(s, HV_DOMID_HV, params);
		if (*rc != 0) {
			hv_notice("sched: module '%s' refused the pool's parameters: %s", ops->name,
			          hv_strerror(*rc));
			*rc = -HV_EINVAL;
		}
	}
	if (*rc != 0) {
		s->ops = NULL;
		return NULL;
	}
	return s;
}

int hv_sched_setup(const struct hv_sched_ops *ops, uint64_t slice_ns)
{
	struct hv_pool *p = &pools[HV_POOL_DEFAULT];
	int rc;

	hv_memset(pools, 0, sizeof(pools));
	hv_memset(cpu_pool, 0, sizeof(cpu_pool));
	hv_sched_reset();
	rc = check_module(ops);
	if (rc != 0) {
		return rc;
	}
	p->current = init_instance(p, 0, ops, slice_ns, NULL, &rc);
	if (rc != 0) {
		return rc;
	}
	hv_strlcpy(p->name, HV_POOL_DEFAULT_NAME, sizeof(p->name));
	for (uint32_t cpu = 0; cpu < hv_pool_cpu_count(); cpu++) {
		p->cpus |= UINT64_C(1) << cpu;
		cpu_pool[cpu] = p;
	}
	hv_info("sched: module '%s', time slice %llu us", ops->name,
	        (unsigned long long)(slice_ns / 1000));
	return 0;
}

struct hv_sched *hv_sched_instance(void)
{
	return pools[HV_POOL_DEFAULT].current;
}

uint32_t hv_pool_cpu_count(void)
{
	return 1;
}

struct hv_pool *hv_pool_get(uint32_t id)
{
	if (id >= HV_POOL_MAX || pools[id].current == NULL) {
		return NULL;
	}
	return &pools[id];
}

struct hv_pool *hv_pool_of_cpu(uint32_t cpu)
{
	HV_CHECK(cpu < hv_pool_cpu_count());
	return cpu_pool[cpu];
}

/* The i-th domain slot's domain if it is in p and has not ended, else NULL. */
static struct hv_domain *live_member(const struct hv_pool *p, hv_domid_t id)
{
	struct hv_domain *d = hv_domain_get(id);

	return d != NULL && d->pool == p && !hv_domain_ended(d) ? d : NULL;
}

uint32_t hv_pool_domain_count(const struct hv_pool *p)
{
	uint32_t n = 0;

	for (hv_domid_t id = 0; id < HV_CONFIG_MAX_DOMAINS; id++) {
		n += live_member(p, id) != NULL;
	}
	return n;
}

/* The buffer of module state of v that its current instance does not use. */
static void *spare_priv(struct hv_vcpu *v)
{
	return v->sched.priv == v->sched_priv[0] ? v->sched_priv[1] : v->sched_priv[0];
}

/*
 * Adds d's vCPUs that a module knows to instance s, each in its spare
 * buffer, and wakes the runnable ones there. On an error, undoes what it
 * did in s when 'undo' (s is live), and gives every vCPU its old buffer
 * back. Returns the number of vCPUs added through *added.
 */
static int add_domain(struct hv_sched *s, struct hv_domain *d, bool undo, uint32_t *added)
{
	int rc = 0;
	uint32_t i;

	*added = 0;
	for (i = 0; i < d->vcpu_count && rc == 0; i++) {
		struct hv_vcpu *v = &d->vcpus[i];

		if (!v->in_sched) {
			continue;
		}
		v->sched.priv = spare_priv(v);
		hv_memset(v->sched.priv, 0, HV_SCHED_VCPU_PRIV_MAX_SIZE);
		rc = hv_sched_call_add_vcpu(s, &v->sched);
		if (rc != 0) {
			v->sched.priv = spare_priv(v);
			break;
		}
		(*added)++;
		if (hv_sched_vcpu_runnable(v)) {
			hv_sched_call_wake(s, &v->sched);
		}
	}
	if (rc == 0) {
		return 0;
	}
	for (uint32_t j = 0; j < i; j++) {
		struct hv_vcpu *v = &d->vcpus[j];

		if (!v->in_sched) {
			continue;
		}
		if (undo) {
			if (hv_sched_vcpu_runnable(v)) {
				hv_sched_call_sleep(s, &v->sched);
			}
			hv_sched_call_remove_vcpu(s, &v->sched);
		}
		v->sched.priv = spare_priv(v);
	}
	return rc;
}

/* Tells instance s that d's vCPUs, now in their spare buffers, leave it. */
static void remove_domain(struct hv_sched *s, struct hv_domain *d)
{
	for (uint32_t i = 0; i < d->vcpu_count; i++) {
		struct hv_vcpu *v = &d->vcpus[i];
		void *now = v->sched.priv;

		if (!v->in_sched) {
			continue;
		}
		v->sched.priv = spare_priv(v);
		if (hv_sched_vcpu_runnable(v)) {
			hv_sched_call_sleep(s, &v->sched);
		}
		hv_sched_call_remove_vcpu(s, &v->sched);
		v->sched.priv = now;
	}
}

int hv_pool_switch(struct hv_pool *p, const struct hv_sched_ops *ops,
                   const struct hv_sched_params *params)
{
	unsigned int slot = p->current == &p->inst[0] ? 1 : 0;
	const char *old_name = p->current->ops->name;
	struct hv_sched *next;
	hv_domid_t id;
	uint32_t added;
	int rc;

	rc = check_module(ops);
	if (rc != 0) {
		return rc;
	}
	next = init_instance(p, slot, ops, p->current->slice_ns, params, &rc);
	if (next == NULL) {
		return rc;
	}
	for (id = 0; id < HV_CONFIG_MAX_DOMAINS && rc == 0; id++) {
		struct hv_domain *d = hv_domain_get(id);

		if (d != NULL && d->pool == p) {
			rc = add_domain(next, d, false, &added);
		}
	}
	if (rc != 0) {
		hv_notice("sched: pool '%s': cannot switch from '%s' to '%s': %s", p->name,
		          old_name, ops->name, hv_strerror(rc));
		/* Domains before the failing one have their new buffers: give the old back. */
		for (hv_domid_t back = 0; back + 1 < id; back++) {
			struct hv_domain *d = hv_domain_get(back);

			for (uint32_t i = 0; d != NULL && d->pool == p && i < d->vcpu_count; i++) {
				if (d->vcpus[i].in_sched) {
					d->vcpus[i].sched.priv = spare_priv(&d->vcpus[i]);
				}
			}
		}
		next->ops = NULL;
		return rc;
	}
	p->current = next;
	hv_sched_resched();
	if (p->id == HV_POOL_DEFAULT) {
		hv_info("sched: switched from '%s' to '%s'", old_name, ops->name);
	} else {
		hv_info("sched: pool '%s' switched from '%s' to '%s'", p->name, old_name,
		        ops->name);
	}
	return 0;
}

int hv_sched_switch(const struct hv_sched_ops *ops)
{
	return hv_pool_switch(&pools[HV_POOL_DEFAULT], ops, NULL);
}

static bool name_ok(const char *name)
{
	size_t len = name != NULL ? hv_strnlen(name, HV_SCHED_NAME_SIZE) : 0;

	return len > 0 && len < HV_SCHED_NAME_SIZE;
}

int hv_pool_create(const char *name, const struct hv_sched_ops *ops,
                   const struct hv_sched_params *params, uint32_t *id)
{
	struct hv_pool *p = NULL;
	int rc;

	if (!name_ok(name)) {
		return -HV_EINVAL;
	}
	for (uint32_t i = 0; i < HV_POOL_MAX; i++) {
		if (pools[i].current == NULL) {
			p = p != NULL ? p : &pools[i];
		} else if (hv_strcmp(pools[i].name, name) == 0) {
			return -HV_EEXIST;
		}
	}
	if (p == NULL) {
		return -HV_ENOSPC;
	}
	rc = check_module(ops);
	if (rc != 0) {
		return rc;
	}
	if (init_instance(p, 0, ops, pools[HV_POOL_DEFAULT].current->slice_ns, params, &rc) ==
	    NULL) {
		return rc;
	}
	p->current = &p->inst[0];
	p->id = (uint32_t)(p - pools);
	p->cpus = 0;
	p->cpu_time_ns = 0;
	hv_strlcpy(p->name, name, sizeof(p->name));
	*id = p->id;
	hv_info("sched: pool %u '%s' created with module '%s'", p->id, p->name, ops->name);
	return 0;
}

int hv_pool_destroy(struct hv_pool *p)
{
	struct hv_pool *def = &pools[HV_POOL_DEFAULT];

	if (p == def) {
		return -HV_EINVAL;
	}
	if (hv_pool_domain_count(p) != 0) {
		return -HV_EBUSY;
	}
	for (uint32_t cpu = 0; cpu < hv_pool_cpu_count(); cpu++) {
		if (cpu_pool[cpu] == p) {
			cpu_pool[cpu] = def;
			def->cpus |= UINT64_C(1) << cpu;
			hv_sched_resched();
		}
	}
	for (hv_domid_t id = 0; id < HV_CONFIG_MAX_DOMAINS; id++) {
		struct hv_domain *d = hv_domain_get(id);

		if (d != NULL && d->pool == p) {
			d->pool = def; /* ended: no vCPU is known to a module */
		}
	}
	hv_info("sched: pool %u '%s' destroyed", p->id, p->name);
	hv_memset(p, 0, sizeof(*p));
	return 0;
}

/* True if the control domain would have no CPU with its pool's CPUs 'cpus'. */
static bool parks_control(const struct hv_domain *d, uint64_t cpus)
{
	return d != NULL && (d->flags & HV_DOMAIN_F_CONTROL) != 0 && !hv_domain_ended(d) &&
	       cpus == 0;
}

int hv_pool_move_domain(struct hv_domain *d, struct hv_pool *to)
{
	struct hv_pool *from = d->pool;
	uint32_t added;
	int rc;

	if (from == to) {
		return 0;
	}
	if (parks_control(d, to->cpus)) {
		return -HV_EBUSY;
	}
	rc = add_domain(to->current, d, true, &added);
	if (rc != 0) {
		hv_notice("sched: domain '%s': pool '%s' refused it: %s", d->name, to->name,
		          hv_strerror(rc));
		return rc;
	}
	remove_domain(from->current, d);
	hv_sched_call_forget_domain(from->current, d->id);
	d->pool = to;
	hv_sched_resched();
	hv_info("sched: domain '%s' moved from pool '%s' to '%s'", d->name, from->name, to->name);
	return 0;
}

int hv_pool_assign_cpu(uint32_t cpu, struct hv_pool *to)
{
	struct hv_domain *control;
	struct hv_pool *from;

	if (cpu >= hv_pool_cpu_count()) {
		return -HV_EINVAL;
	}
	from = cpu_pool[cpu];
	if (from == to) {
		return 0;
	}
	control = hv_domain_control();
	if (control != NULL && control->pool == from &&
	    parks_control(control, from->cpus & ~(UINT64_C(1) << cpu))) {
		return -HV_EBUSY;
	}
	from->cpus &= ~(UINT64_C(1) << cpu);
	to->cpus |= UINT64_C(1) << cpu;
	cpu_pool[cpu] = to;
	hv_sched_resched();
	hv_info("sched: CPU %u moved from pool '%s' to '%s'", cpu, from->name, to->name);
	return 0;
}
