/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Events (see event/event.h). The bitmaps are the guest's shared page: the
 * core sets and tests bits there and reads nothing it would trust. The
 * updates are plain read-modify-writes, correct while one CPU runs both the
 * hypervisor and the guest (the guest is never running while the core
 * touches the page); SMP will need atomic ones.
 */
#include <hv/abi/errno.h>
#include <hv/abi/hypercall.h>
#include <hv/abi/shared.h>

#include "domain/domain.h"
#include "event/event.h"
#include "lib/bitmap.h"
#include "sched/sched.h"

_Static_assert(HV_EVENT_PORTS / HV_BITMAP_WORD_BITS <= 64, "pending_sel has a bit per word");

/* The vCPU that receives d's events: vCPU 0 for now. */
static struct hv_vcpu *notify_vcpu(struct hv_domain *d)
{
	return &d->vcpus[0];
}

static bool live(const struct hv_domain *d)
{
	return !hv_domain_ended(d) && d->state != HV_DOMAIN_DYING && d->shared != NULL;
}

/* Port 'port' is pending and unmasked: tell the vCPU, wake it if it sleeps. */
static void notify(struct hv_domain *d, uint32_t port)
{
	struct hv_vcpu *v = notify_vcpu(d);
	volatile struct hv_vcpu_info *info = v->info;

	info->pending_sel |= UINT64_C(1) << (port / HV_BITMAP_WORD_BITS);
	info->upcall_pending = 1;
	if (v->state == HV_VCPU_BLOCKED) {
		hv_sched_vcpu_wake(v);
	}
}

int hv_event_raise(struct hv_domain *d, uint32_t port)
{
	struct hv_shared_info *sh;

	if (port >= HV_EVENT_PORTS) {
		return -HV_EINVAL;
	}
	if (!live(d)) {
		return -HV_ENOENT;
	}
	sh = d->shared;
	d->events_received++;
	if (hv_bitmap_test_and_set(sh->evtchn_pending, port)) {
		return 0; /* already pending: the guest has not seen the last one yet */
	}
	if (!hv_bitmap_test(sh->evtchn_mask, port)) {
		notify(d, port);
	}
	return 0;
}

int hv_event_raise_virq(struct hv_domain *d, unsigned int virq)
{
	if (virq >= HV_VIRQ_COUNT) {
		return -HV_EINVAL;
	}
	if (d->virq_port[virq] >= HV_EVENT_PORTS) {
		return -HV_ENOENT; /* the domain closed it: the event is dropped */
	}
	return hv_event_raise(d, d->virq_port[virq]);
}

int hv_event_unmask(struct hv_vcpu *v, uint64_t port)
{
	struct hv_domain *d = v->domain;
	struct hv_shared_info *sh = d->shared;

	if (port >= HV_EVENT_PORTS) {
		return -HV_EINVAL;
	}
	hv_bitmap_clear(sh->evtchn_mask, (size_t)port);
	if (hv_bitmap_test(sh->evtchn_pending, (size_t)port)) {
		notify(d, (uint32_t)port);
	}
	return 0;
}

int hv_event_mask(struct hv_vcpu *v, uint64_t port)
{
	if (port >= HV_EVENT_PORTS) {
		return -HV_EINVAL;
	}
	hv_bitmap_set(v->domain->shared->evtchn_mask, (size_t)port);
	return 0;
}

bool hv_event_upcall_pending(const struct hv_vcpu *v)
{
	const volatile struct hv_vcpu_info *info = v->info;

	return info != NULL && info->upcall_pending != 0;
}

bool hv_event_upcall_due(const struct hv_vcpu *v)
{
	const volatile struct hv_vcpu_info *info = v->info;

	return info != NULL && v->domain->event_entry != 0 && info->upcall_pending != 0 &&
	       info->upcall_mask == 0;
}
