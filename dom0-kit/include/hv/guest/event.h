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
 * @return The port from the start-info page, or UINT32_MAX for a bad @p virq.
 */
uint32_t hvg_virq_port(unsigned int virq);

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
