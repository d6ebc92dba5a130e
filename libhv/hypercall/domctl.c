/* SPDX-License-Identifier: Apache-2.0 */
/*
 * domctl(op, ...): the control domain's domain operations of
 * <hv/abi/domctl.h>. Any other caller gets -HV_EPERM before an argument is
 * looked at. Requests are copied in whole before they are examined; a
 * domain cannot destroy or pause itself through here (it shuts down).
 */
#include <hv/abi/domctl.h>
#include <hv/abi/errno.h>

#include "domain/control.h"
#include "domain/domain.h"
#include "guest/access.h"
#include "hypercall/hypercall.h"
#include "lib/string.h"

static int64_t create(struct hv_vcpu *v, uint64_t in)
{
	struct hv_domctl_create req;
	hv_domid_t id;
	int rc = hv_guest_copy_from(v, &req, in, sizeof(req));

	if (rc == 0) {
		rc = hv_domctl_create(&req, &id);
	}
	return rc != 0 ? rc : (int64_t)id;
}

/* The domain an operation targets: not the caller, and in range. */
static int target(struct hv_vcpu *v, uint64_t domid, struct hv_domain **d)
{
	if (domid >= HV_CONFIG_MAX_DOMAINS) {
		return -HV_EINVAL;
	}
	*d = hv_domain_get((hv_domid_t)domid);
	if (*d == NULL) {
		return -HV_ENOENT;
	}
	return *d == v->domain ? -HV_EINVAL : 0;
}

static int64_t info(struct hv_vcpu *v, uint64_t domid, uint64_t out)
{
	struct hv_domctl_info di;
	int rc;

	if (domid >= HV_CONFIG_MAX_DOMAINS) {
		return -HV_EINVAL;
	}
	rc = hv_domctl_info((hv_domid_t)domid, &di);
	return rc != 0 ? rc : hv_guest_copy_to(v, out, &di, sizeof(di));
}

static int64_t counters(struct hv_vcpu *v, uint64_t out)
{
	struct hv_domctl_counters c;

	hv_domctl_counters(&c);
	return hv_guest_copy_to(v, out, &c, sizeof(c));
}

int64_t hv_hypercall_domctl(struct hv_vcpu *v, const uint64_t *args)
{
	struct hv_domain *d;
	int rc;

	if ((v->domain->flags & HV_DOMAIN_F_CONTROL) == 0) {
		return -HV_EPERM;
	}
	switch (args[0]) {
	case HV_DOMCTL_CREATE:
		return create(v, args[1]);
	case HV_DOMCTL_INFO:
		return info(v, args[1], args[2]);
	case HV_DOMCTL_COUNTERS:
		return counters(v, args[1]);
	case HV_DOMCTL_DESTROY:
	case HV_DOMCTL_PAUSE:
	case HV_DOMCTL_UNPAUSE:
		rc = target(v, args[1], &d);
		if (rc != 0) {
			return rc;
		}
		if (args[0] == HV_DOMCTL_DESTROY) {
			return hv_domain_destroy(d);
		}
		return args[0] == HV_DOMCTL_PAUSE ? hv_domain_pause(d) : hv_domain_unpause(d);
	default:
		return -HV_EINVAL;
	}
}
