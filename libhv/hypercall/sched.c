/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The hypercalls that change how a vCPU or its domain runs: yield, block,
 * set_timer and shutdown.
 *
 * block returns at once (with 0) if the vCPU's upcall_pending is already
 * set or the deadline has passed; otherwise the vCPU sleeps until an
 * unmasked event is raised for it or system time reaches the deadline. An
 * event wakes it even while its upcall_mask is set, so a guest that masks,
 * checks and blocks cannot miss a wake-up.
 */
#include <hv/abi/errno.h>
#include <hv/abi/hypercall.h>

#include "domain/domain.h"
#include "event/event.h"
#include "hypercall/hypercall.h"
#include "sched/sched.h"

int64_t hv_hypercall_yield(struct hv_vcpu *v, const uint64_t *args)
{
	(void)args;
	hv_sched_vcpu_yield(v);
	return 0;
}

int64_t hv_hypercall_block(struct hv_vcpu *v, const uint64_t *args)
{
	uint64_t deadline = args[0];

	if (hv_event_upcall_pending(v)) {
		return 0;
	}
	if (deadline != 0 && deadline <= hv_port_time_ns()) {
		return 0;
	}
	hv_sched_vcpu_block(v, deadline);
	return 0;
}

int64_t hv_hypercall_set_timer(struct hv_vcpu *v, const uint64_t *args)
{
	/* A deadline in the past fires at the next look at the clock. */
	hv_sched_vcpu_set_timer(v, args[0]);
	return 0;
}

int64_t hv_hypercall_shutdown(struct hv_vcpu *v, const uint64_t *args)
{
	switch (args[0]) {
	case HV_SHUTDOWN_POWEROFF:
	case HV_SHUTDOWN_REBOOT:
		hv_domain_shutdown(v->domain, args[0]);
		return 0;
	case HV_SHUTDOWN_CRASH:
		hv_domain_crash(v->domain, "the guest called shutdown(crash)");
		return 0;
	default:
		return -HV_EINVAL;
	}
}
