/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Events: the virtual interrupts of a domain (architecture decision D1).
 *
 * Per domain, the pending and mask bitmaps live in the shared-info page;
 * per vCPU, upcall_pending and upcall_mask live in its vcpu_info record.
 * The guest writes that page whenever it runs, so every value read from it
 * is a guest's word: the core only ever tests and sets bits in it and never
 * uses a value from it as an index or a size.
 *
 * Raising port p sets its pending bit; if it was not pending and is not
 * masked, the bit of its word in pending_sel and upcall_pending are set
 * and a blocked vCPU is woken. The upcall itself is entered before the
 * vCPU next runs, when upcall_pending is set, upcall_mask clear and an
 * event entry is registered. The guest clears upcall_pending and the
 * pending bits it handles; unmasking a pending port with the UNMASK
 * operation notifies again. All events go to vCPU 0 for now.
 *
 * Ports are bound to VIRQs or to each other (event channels,
 * event/channel.c, <hv/abi/event.h>); ports 0 to HV_VIRQ_COUNT - 1 are
 * bound to VIRQs 0 to HV_VIRQ_COUNT - 1 when a domain is built.
 */
#ifndef HV_EVENT_EVENT_H
#define HV_EVENT_EVENT_H

#include <stdbool.h>
#include <stdint.h>

struct hv_domain;
struct hv_evtchn_status;
struct hv_vcpu;

/* Raises port 'port' of domain d; -HV_EINVAL for a port out of range. */
int hv_event_raise(struct hv_domain *d, uint32_t port);

/* Raises a VIRQ (HV_VIRQ_*) of domain d; -HV_ENOENT if d has it unbound. */
int hv_event_raise_virq(struct hv_domain *d, unsigned int virq);

/* HV_EVENT_OP_UNMASK from v: clears the mask bit and notifies if pending. */
int hv_event_unmask(struct hv_vcpu *v, uint64_t port);

/* HV_EVENT_OP_MASK from v: sets the mask bit. */
int hv_event_mask(struct hv_vcpu *v, uint64_t port);

/*
 * Event channels (channel.c). Each returns 0 or a new port number, or a
 * negated HV_E* code as <hv/abi/event.h> documents for the operation; on
 * an error nothing changed.
 */

/* Frees every port, then binds VIRQ n to port n: a domain's ports when it is (re)built. */
void hv_evtchn_init(struct hv_domain *d);

/* Closes every port of d (its channels' other ends are disconnected and raised). */
void hv_evtchn_close_all(struct hv_domain *d);

int hv_evtchn_alloc_unbound(struct hv_domain *d, uint64_t remote);
int hv_evtchn_bind_interdomain(struct hv_domain *d, uint64_t remote, uint64_t remote_port);
int hv_evtchn_bind_virq(struct hv_domain *d, uint64_t virq);
int hv_evtchn_close(struct hv_domain *d, uint64_t port);
int hv_evtchn_send(struct hv_domain *d, uint64_t port);
int hv_evtchn_status(struct hv_domain *d, uint64_t port, struct hv_evtchn_status *st);

/* True if v's upcall_pending is set (block returns at once). */
bool hv_event_upcall_pending(const struct hv_vcpu *v);

/* True if the event upcall should be entered before v runs. */
bool hv_event_upcall_due(const struct hv_vcpu *v);

#endif /* HV_EVENT_EVENT_H */
