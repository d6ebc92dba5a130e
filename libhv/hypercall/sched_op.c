/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The scheduler hypercall, HV_HC_SCHED_OP: a domain's scheduling
 * parameters and the machine's scheduler module, for the control domain
 * only. Any other caller gets -HV_EPERM before an argument is looked at.
 * There is one CPU pool, the whole machine, so an operation concerns the
 * one instance (hv_sched_instance()).
 *
 * Nothing changes on an error: parameters are copied in whole before the
 * module sees them, the module refuses bad ones without a change, and a
 * switch that fails keeps the old instance (hv_sched_switch()).
 */
#include <hv/abi/errno.h>
#include <hv/abi/hypercall.h>
#include <hv/abi/sched.h>
#include <hv/log.h>

#include "domain/domain.h"
#include "guest/access.h"
#include "hypercall/hypercall.h"
#include "lib/string.h"
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
	rc = hv_sched_call_get_params(hv_sched_instance(), (hv_domid_t)domid, &p);
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
	return hv_sched_call_set_params(hv_sched_instance(), (hv_domid_t)domid, &p);
}

/*
 * The name is read a byte at a time: a short name at the end of a page
 * must not fault on the bytes after its NUL.
 */
static int64_t set_scheduler(struct hv_vcpu *v, uint64_t name_va)
{
	char name[HV_SCHED_NAME_SIZE];
	const struct hv_sched_ops *ops;
	size_t len = 0;
	int rc;

	for (;;) {
		if (len == sizeof(name)) {
			return -HV_EINVAL; /* no NUL in HV_SCHED_NAME_SIZE bytes */
		}
		rc = hv_guest_copy_from(v, &name[len], name_va + len, 1);
		if (rc != 0) {
			return rc;
		}
		if (name[len] == '\0') {
			break;
		}
		len++;
	}
	ops = hv_sched_find(name);
	if (ops == NULL) {
		hv_notice("sched: domain '%s' asked for an unknown scheduler", v->domain->name);
		return -HV_ENOENT;
	}
	if (ops == &hv_sched_cyclic) {
		/*
		 * A cyclic module runs nothing until it has a schedule, and a
		 * schedule can only be given to the current module: switching
		 * to it would stop every domain, the caller included. Until
		 * the switch can carry a schedule, it comes from the appliance
		 * description only.
		 */
		hv_notice(
		        "sched: domain '%s' asked for 'cyclic' at run time: refused (no schedule)",
		        v->domain->name);
		return -HV_EINVAL;
	}
	return hv_sched_switch(ops);
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
		return set_scheduler(v, args[1]);
	case HV_SCHED_OP_GET_SCHEDULER:
		return get_scheduler(v, args[1], args[2]);
	default:
		return -HV_EINVAL;
	}
}
