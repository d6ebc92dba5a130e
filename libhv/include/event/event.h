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
 * operation notifies again. All events go to vCPU 0 for now, and VIRQ n
 * is bound to port n.
 */
#ifndef HV_EVENT_EVENT_H
#define HV_EVENT_EVENT_H

#include <stdbool.h>
#include <stdint.h>

struct hv_domain;
struct hv_vcpu;

/* Event port bound to a VIRQ of every domain. */
uint32_t hv_event_virq_port(unsigned int virq);

/* Raises port 'port' of domain d; -HV_EINVAL for a port out of range. */
int hv_event_raise(struct hv_domain *d, uint32_t port);

/* Raises a VIRQ (HV_VIRQ_*) of domain d. */
int hv_event_raise_virq(struct hv_domain *d, unsigned int virq);

/* HV_EVENT_OP_SEND from v: only VIRQ ports, raised on v's own domain. */
int hv_event_send(struct hv_vcpu *v, uint64_t port);

/* HV_EVENT_OP_UNMASK from v: clears the mask bit and notifies if pending. */
int hv_event_unmask(struct hv_vcpu *v, uint64_t port);

/* True if v's upcall_pending is set (block returns at once). */
bool hv_event_upcall_pending(const struct hv_vcpu *v);

/* True if the event upcall should be entered before v runs. */
bool hv_event_upcall_due(const struct hv_vcpu *v);

#endif /* HV_EVENT_EVENT_H */
