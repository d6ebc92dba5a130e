/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libhvctl: the control library over #HV_HC_DOMCTL. Strings are copied
 * into the fixed-size request the ABI takes, refusing any that does not
 * fit rather than cutting it.
 */
#include <hv/ctl.h>
#include <hv/guest/hypercall.h>

#include "lib/string.h"

static int put_string(char *dst, size_t size, const char *src)
{
	if (src == NULL) {
		dst[0] = '\0';
		return 0;
	}
	if (hv_strnlen(src, size) == size) {
		return -HV_E2BIG;
	}
	hv_strlcpy(dst, src, size);
	return 0;
}

int hvctl_domain_create(const struct hvctl_create *args)
{
	struct hv_domctl_create req;

	hv_memset(&req, 0, sizeof(req));
	if (put_string(req.image, sizeof(req.image), args->image) != 0 ||
	    put_string(req.name, sizeof(req.name), args->name) != 0 ||
	    put_string(req.cmdline, sizeof(req.cmdline), args->cmdline) != 0) {
		return -HV_E2BIG;
	}
	req.mem_size = args->mem_size;
	req.vcpus = args->vcpus != 0 ? args->vcpus : 1;
	req.on_crash = args->on_crash;
	req.pool = args->pool;
	req.flags = args->flags;
	req.image_va = (uint64_t)(uintptr_t)args->image_data;
	req.image_size = args->image_data != NULL ? args->image_size : 0;
	return (int)hvg_hypercall2(HV_HC_DOMCTL, HV_DOMCTL_CREATE, (uint64_t)(uintptr_t)&req);
}

int hvctl_domain_destroy(uint16_t domid)
{
	return (int)hvg_hypercall2(HV_HC_DOMCTL, HV_DOMCTL_DESTROY, domid);
}

int hvctl_domain_pause(uint16_t domid)
{
	return (int)hvg_hypercall2(HV_HC_DOMCTL, HV_DOMCTL_PAUSE, domid);
}

int hvctl_domain_unpause(uint16_t domid)
{
	return (int)hvg_hypercall2(HV_HC_DOMCTL, HV_DOMCTL_UNPAUSE, domid);
}

int hvctl_domain_info(uint16_t domid, struct hv_domctl_info *out)
{
	return (int)hvg_hypercall6(HV_HC_DOMCTL, HV_DOMCTL_INFO, domid, (uint64_t)(uintptr_t)out, 0,
	                           0, 0);
}

int hvctl_domain_list(struct hv_domctl_info *out, unsigned int max)
{
	struct hv_domctl_info scratch;
	unsigned int n = 0;
	int rc;

	for (uint16_t id = 0;; id++) {
		rc = hvctl_domain_info(id, n < max ? &out[n] : &scratch);
		if (rc == -HV_EINVAL) {
			return (int)n; /* past the last slot */
		}
		if (rc == -HV_EPERM || rc == -HV_EFAULT) {
			return rc;
		}
		n += rc == 0;
	}
}

int hvctl_counters(struct hv_domctl_counters *out)
{
	return (int)hvg_hypercall2(HV_HC_DOMCTL, HV_DOMCTL_COUNTERS, (uint64_t)(uintptr_t)out);
}

int hvctl_console_read(uint16_t domid, uint64_t *pos, char *buf, uint32_t size, uint64_t *dropped)
{
	struct hv_domctl_console io = {.pos = *pos, .buf = (uint64_t)(uintptr_t)buf, .size = size};
	int n = (int)hvg_hypercall6(HV_HC_DOMCTL, HV_DOMCTL_CONSOLE_READ, domid,
	                            (uint64_t)(uintptr_t)&io, 0, 0, 0);

	if (n >= 0) {
		*pos = io.pos;
		if (dropped != NULL) {
			*dropped = io.dropped;
		}
	}
	return n;
}

int hvctl_set_crash_policy(uint16_t domid, uint32_t policy)
{
	return (int)hvg_hypercall6(HV_HC_DOMCTL, HV_DOMCTL_SET_CRASH_POLICY, domid, policy, 0, 0,
	                           0);
}

int hvctl_set_wallclock(uint64_t sec, uint32_t nsec)
{
	return (int)hvg_hypercall6(HV_HC_DOMCTL, HV_DOMCTL_SET_WALLCLOCK, sec, nsec, 0, 0, 0);
}

int hvctl_domain_reset(uint16_t domid)
{
	return (int)hvg_hypercall2(HV_HC_DOMCTL, HV_DOMCTL_RESET, domid);
}

int hvctl_evtchn_connect(uint16_t a, uint16_t b, uint32_t *port_a, uint32_t *port_b)
{
	struct hv_domctl_connect io = {.dom_a = a, .dom_b = b};
	int rc = (int)hvg_hypercall2(HV_HC_DOMCTL, HV_DOMCTL_EVTCHN_CONNECT,
	                             (uint64_t)(uintptr_t)&io);

	if (rc == 0) {
		*port_a = io.port_a;
		*port_b = io.port_b;
	}
	return rc;
}

const char *hvctl_state_name(uint32_t state)
{
	static const char *const names[] = {
	        [HV_DOMCTL_STATE_NONE] = "none",       [HV_DOMCTL_STATE_CREATED] = "created",
	        [HV_DOMCTL_STATE_RUNNING] = "running", [HV_DOMCTL_STATE_BLOCKED] = "blocked",
	        [HV_DOMCTL_STATE_PAUSED] = "paused",   [HV_DOMCTL_STATE_CRASHED] = "crashed",
	        [HV_DOMCTL_STATE_DEAD] = "dead",       [HV_DOMCTL_STATE_DYING] = "dying",
	};

	return state < sizeof(names) / sizeof(names[0]) ? names[state] : "?";
}

const char *hvctl_vcpu_state_name(uint32_t state)
{
	static const char *const names[] = {
	        [HV_DOMCTL_VCPU_DOWN] = "down",       [HV_DOMCTL_VCPU_RUNNABLE] = "runnable",
	        [HV_DOMCTL_VCPU_RUNNING] = "running", [HV_DOMCTL_VCPU_BLOCKED] = "blocked",
	        [HV_DOMCTL_VCPU_PAUSED] = "paused",
	};

	return state < sizeof(names) / sizeof(names[0]) ? names[state] : "?";
}
