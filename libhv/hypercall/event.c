/* SPDX-License-Identifier: Apache-2.0 */
/*
 * event_op(op, ...): the event operations of <hv/abi/event.h>. Every
 * operation acts on the caller's own ports; the only other domain it can
 * reach is the other end of one of them, or one that offered it a port.
 */
#include <hv/abi/errno.h>
#include <hv/abi/event.h>
#include <hv/abi/hypercall.h>

#include "domain/domain.h"
#include "event/event.h"
#include "guest/access.h"
#include "hypercall/hypercall.h"

static int64_t status(struct hv_vcpu *v, uint64_t port, uint64_t out)
{
	struct hv_evtchn_status st;
	int rc = hv_evtchn_status(v->domain, port, &st);

	return rc != 0 ? rc : hv_guest_copy_to(v, out, &st, sizeof(st));
}

int64_t hv_hypercall_event_op(struct hv_vcpu *v, const uint64_t *args)
{
	switch (args[0]) {
	case HV_EVENT_OP_SEND:
		return hv_evtchn_send(v->domain, args[1]);
	case HV_EVENT_OP_UNMASK:
		return hv_event_unmask(v, args[1]);
	case HV_EVENT_OP_MASK:
		return hv_event_mask(v, args[1]);
	case HV_EVENT_OP_ALLOC_UNBOUND:
		return hv_evtchn_alloc_unbound(v->domain, args[1]);
	case HV_EVENT_OP_BIND_INTERDOMAIN:
		return hv_evtchn_bind_interdomain(v->domain, args[1], args[2]);
	case HV_EVENT_OP_BIND_VIRQ:
		return hv_evtchn_bind_virq(v->domain, args[1]);
	case HV_EVENT_OP_CLOSE:
		return hv_evtchn_close(v->domain, args[1]);
	case HV_EVENT_OP_STATUS:
		return status(v, args[1], args[2]);
	default:
		return -HV_EINVAL;
	}
}
