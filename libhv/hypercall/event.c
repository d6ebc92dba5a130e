/* SPDX-License-Identifier: Apache-2.0 */
/* event_op(op, port): the event operations a guest can ask for. */
#include <hv/abi/errno.h>
#include <hv/abi/hypercall.h>

#include "event/event.h"
#include "hypercall/hypercall.h"

int64_t hv_hypercall_event_op(struct hv_vcpu *v, const uint64_t *args)
{
	switch (args[0]) {
	case HV_EVENT_OP_SEND:
		return hv_event_send(v, args[1]);
	case HV_EVENT_OP_UNMASK:
		return hv_event_unmask(v, args[1]);
	default:
		return -HV_EINVAL;
	}
}
