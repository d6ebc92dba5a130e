/* SPDX-License-Identifier: Apache-2.0 */
/*
 * domctl(op, ...): the control domain's domain operations of
 * <hv/abi/domctl.h>. Any other caller gets -HV_EPERM before an argument is
 * looked at. Requests are copied in whole before they are examined; a
 * domain cannot destroy or pause itself through here (it shuts down).
 */
#include <hv/abi/domctl.h>
#include <hv/abi/errno.h>

#include "console/console.h"
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
		rc = hv_domctl_create(v, &req, &id);
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

/* A domain slot that holds or held a domain; any, the caller's included. */
static int any_domain(uint64_t domid, struct hv_domain **d)
{
	if (domid >= HV_CONFIG_MAX_DOMAINS) {
		return -HV_EINVAL;
	}
	*d = hv_domain_get((hv_domid_t)domid);
	return *d != NULL ? 0 : -HV_ENOENT;
}

/* The bytes go through a hypervisor buffer: the ring must not be copied to a guest directly. */
static int64_t console_read(struct hv_vcpu *v, uint64_t domid, uint64_t io_va)
{
	static char buf[HV_GUEST_COPY_MAX];
	struct hv_domctl_console io;
	struct hv_domain *d;
	int rc = any_domain(domid, &d);
	int n;

	if (rc == 0) {
		rc = hv_guest_copy_from(v, &io, io_va, sizeof(io));
	}
	if (rc != 0) {
		return rc;
	}
	if (io.pad != 0) {
		return -HV_EINVAL; /* reserved: must be zero, so that it can mean something later */
	}
	if (io.size > sizeof(buf)) {
		return -HV_E2BIG;
	}
	n = hv_console_read(d, &io.pos, buf, io.size, &io.dropped);
	if (n < 0) {
		return n;
	}
	rc = hv_guest_copy_to(v, io.buf, buf, (size_t)n);
	if (rc == 0) {
		rc = hv_guest_copy_to(v, io_va, &io, sizeof(io));
	}
	return rc != 0 ? rc : n;
}

static int64_t connect(struct hv_vcpu *v, uint64_t io_va)
{
	struct hv_domctl_connect io;
	int rc = hv_guest_copy_from(v, &io, io_va, sizeof(io));

	if (rc != 0) {
		return rc;
	}
	if (io.pad != 0) {
		return -HV_EINVAL; /* reserved */
	}
	rc = hv_domctl_evtchn_connect(v->domain, io.dom_a, io.dom_b, &io.port_a, &io.port_b);
	return rc != 0 ? rc : hv_guest_copy_to(v, io_va, &io, sizeof(io));
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
	case HV_DOMCTL_CONSOLE_READ:
		return console_read(v, args[1], args[2]);
	case HV_DOMCTL_SET_WALLCLOCK:
		return hv_domctl_set_wallclock(args[1], args[2]);
	case HV_DOMCTL_EVTCHN_CONNECT:
		return connect(v, args[1]);
	case HV_DOMCTL_SET_CRASH_POLICY:
		rc = any_domain(args[1], &d);
		if (rc == 0 && args[2] > HV_DOMCTL_CRASH_KEEP) {
			rc = -HV_EINVAL;
		}
		if (rc == 0) {
			d->on_crash = (enum hv_crash_policy)args[2];
		}
		return rc;
	case HV_DOMCTL_DESTROY:
	case HV_DOMCTL_PAUSE:
	case HV_DOMCTL_UNPAUSE:
	case HV_DOMCTL_RESET:
		rc = target(v, args[1], &d);
		if (rc != 0) {
			return rc;
		}
		if (args[0] == HV_DOMCTL_DESTROY) {
			return hv_domain_destroy(d);
		}
		if (args[0] == HV_DOMCTL_RESET) {
			return hv_domain_reset(d);
		}
		return args[0] == HV_DOMCTL_PAUSE ? hv_domain_pause(d) : hv_domain_unpause(d);
	default:
		return -HV_EINVAL;
	}
}
