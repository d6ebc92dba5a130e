/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file
 * @defgroup hvg_event Guest events
 * @brief Event handlers, port masks and the virtual interrupt flag.
 *
 * Events arrive at the runtime's upcall entry (registered by
 * hvg_trap_init()), which clears each pending, unmasked port's bit in the
 * shared-info page and calls the handler installed for that port with
 * hvg_on_event(). The upcall runs with events masked (the hypervisor sets
 * the vCPU's upcall mask and #HV_HC_IRET restores it).
 * @{
 */
#ifndef HV_GUEST_EVENT_H
#define HV_GUEST_EVENT_H

#include <stdbool.h>
#include <stdint.h>

#include <hv/abi/event.h>

/**
 * @brief Install the handler of an event port.
 * @param port Event port, below #HV_EVENT_PORTS.
 * @param fn Called in the upcall with the port and @p arg; NULL removes it.
 * @param arg Passed to @p fn.
 * @return 0, or -HV_EINVAL for a bad port.
 */
int hvg_on_event(uint32_t port, void (*fn)(uint32_t port, void *arg), void *arg);

/**
 * @brief The event port bound to a VIRQ.
 * @param virq An `HV_VIRQ_*` number.
 * @return The port from the start-info page, or the one hvg_evtchn_bind_virq()
 *         bound since; UINT32_MAX for a bad @p virq or one closed with
 *         hvg_evtchn_close().
 */
uint32_t hvg_virq_port(unsigned int virq);

/**
 * @name Event channels
 * The operations of `<hv/abi/event.h>` (#HV_HC_EVENT_OP); a channel is
 * notified with hvg_event_send(). Each returns a
 * port number (0 or more) or 0 on success, or a negated `HV_E*` code;
 * on an error nothing changed.
 * @{
 */

/**
 * @brief Allocate a port offered to another domain (#HV_EVENT_OP_ALLOC_UNBOUND).
 * @param remote The domain that may bind to it (this domain too, for a loopback).
 * @return The port; -HV_ENOENT for no such live domain, -HV_EINVAL for an
 *         identifier out of range, -HV_ENOSPC if every port is in use.
 */
int hvg_evtchn_alloc_unbound(uint16_t remote);

/**
 * @brief Bind a new port to a port offered to this domain (#HV_EVENT_OP_BIND_INTERDOMAIN).
 *
 * The offering end is raised, so that its owner learns of the connection.
 * @param remote The offering domain.
 * @param remote_port Its port.
 * @return The new local port; -HV_EPERM if the port is offered to another
 *         domain; -HV_EBUSY if it is not offered (free, bound or closed);
 *         -HV_ENOENT, -HV_EINVAL, -HV_ENOSPC.
 */
int hvg_evtchn_bind_interdomain(uint16_t remote, uint32_t remote_port);

/**
 * @brief Bind a VIRQ to a new port (#HV_EVENT_OP_BIND_VIRQ); hvg_virq_port() follows.
 * @param virq An `HV_VIRQ_*` number whose port was closed.
 * @return The port; -HV_EEXIST if the VIRQ is bound; -HV_EINVAL for a bad @p virq.
 */
int hvg_evtchn_bind_virq(unsigned int virq);

/**
 * @brief Close a port (#HV_EVENT_OP_CLOSE).
 *
 * The other end of a channel becomes disconnected and is raised once.
 * @param port The port.
 * @return 0; -HV_ENOENT for a free port; -HV_EINVAL out of range.
 */
int hvg_evtchn_close(uint32_t port);

/**
 * @brief Describe a port (#HV_EVENT_OP_STATUS).
 * @param port The port.
 * @param[out] out Its state, other end, VIRQ, pending and mask bits.
 * @return 0; -HV_EINVAL out of range; -HV_EFAULT for a bad @p out.
 */
int hvg_evtchn_status(uint32_t port, struct hv_evtchn_status *out);

/** @} */

/**
 * @brief Mask a port: its events stay pending and are not delivered.
 *
 * The mask lives in the shared-info page and belongs to the guest, so
 * masking needs no hypercall; unmasking does (hvg_event_unmask()), so that
 * the hypervisor can deliver an event that became pending meanwhile.
 * @param port Event port, below #HV_EVENT_PORTS.
 */
void hvg_event_mask(uint32_t port);

/**
 * @brief Whether a port's event is pending.
 * @param port Event port, below #HV_EVENT_PORTS.
 * @return Its pending bit.
 */
bool hvg_event_pending(uint32_t port);

/**
 * @brief Whether a port is masked.
 * @param port Event port, below #HV_EVENT_PORTS.
 * @return Its mask bit.
 */
bool hvg_event_masked(uint32_t port);

/**
 * @brief Block event delivery (set the virtual interrupt flag's mask).
 * @return Whether events were already masked.
 */
bool hvg_events_disable(void);

/**
 * @brief Allow event delivery.
 *
 * Clears the vCPU's upcall mask; if an event became pending while it was
 * masked, makes a null hypercall so that the hypervisor delivers it now.
 */
void hvg_events_enable(void);

/**
 * @brief Events that arrived on a port with no handler.
 * @return How many there were since start-up.
 */
uint64_t hvg_event_stray_count(void);

/**
 * @brief Upcalls received.
 * @return How many times the upcall entry has run since start-up.
 */
uint64_t hvg_upcall_count(void);

#endif /* HV_GUEST_EVENT_H */
/** @} */
