/* SPDX-License-Identifier: MIT */
/**
 * @file
 * @defgroup hv_abi_event Event channels
 * @brief The event operations (#HV_HC_EVENT_OP): ports, channels, VIRQs.
 *
 * Every domain has #HV_EVENT_PORTS event ports. A port is free, bound to a
 * VIRQ (an event the hypervisor raises), or one end of a channel between
 * two domains: offered to a named remote domain (unbound) until that domain
 * binds to it, then interdomain; when either end closes, the other end is
 * disconnected (its sends fail with `-HV_ENOTCONN`) and raised once so
 * that its owner notices. Raising a port sets its bit in the shared-info
 * page's `evtchn_pending`; a masked port (`evtchn_mask`) stays pending
 * without an upcall until it is unmasked. Ports 0 to #HV_VIRQ_COUNT - 1
 * are bound to the VIRQ of the same number when a domain starts
 * (`hv_start_info::virq_port` says so); a domain may close them and bind
 * the VIRQs elsewhere.
 *
 * A domain can only bind to a port that was offered to it; no privilege,
 * the control domain's included, bypasses that.
 * @{
 */
#ifndef HV_ABI_EVENT_H
#define HV_ABI_EVENT_H

#include <stdint.h>

/** @name Event operations (#HV_HC_EVENT_OP)
 * Arguments follow the operation; errors are negated `HV_E*` codes. A port
 * at or above #HV_EVENT_PORTS gives `-HV_EINVAL`; a free port gives
 * `-HV_ENOENT` to SEND and CLOSE, while MASK and UNMASK only change its
 * bits and STATUS reports it as #HV_EVTCHN_FREE.
 * @{
 */
/** `(op, port)`: raise the channel's other end (a VIRQ port: raise it on oneself);
 * `-HV_ENOTCONN` for an unbound or disconnected port. */
#define HV_EVENT_OP_SEND 0
/** `(op, port)`: clear the mask bit; delivers the event if it is pending. */
#define HV_EVENT_OP_UNMASK 1
/** `(op, port)`: set the mask bit: the port may become pending, without an upcall. */
#define HV_EVENT_OP_MASK 2
/** `(op, remote_domid)`: allocate a port offered to that domain; returns the port.
 * `-HV_ENOENT` if no such domain lives; `-HV_ENOSPC` if every port is in use. */
#define HV_EVENT_OP_ALLOC_UNBOUND 3
/** `(op, remote_domid, remote_port)`: bind a new port to a port the remote domain offered to
 * the caller; returns the new port. `-HV_EPERM` if it was offered to another domain,
 * `-HV_EBUSY` if it is not an offered port (free, bound, closed). */
#define HV_EVENT_OP_BIND_INTERDOMAIN 4
/** `(op, virq)`: bind a VIRQ to a new port; returns the port. `-HV_EEXIST` if it is bound. */
#define HV_EVENT_OP_BIND_VIRQ 5
/** `(op, port)`: close a port; the other end of a channel is disconnected and raised. */
#define HV_EVENT_OP_CLOSE 6
/** `(op, port, struct hv_evtchn_status *out)`: describe a port. */
#define HV_EVENT_OP_STATUS 7
/** @} */

/** States of a port (hv_evtchn_status::state). */
enum hv_evtchn_state {
	HV_EVTCHN_FREE = 0,         /**< Not in use. */
	HV_EVTCHN_UNBOUND = 1,      /**< Offered to `remote_domid`, not bound yet. */
	HV_EVTCHN_INTERDOMAIN = 2,  /**< Connected to `remote_port` of `remote_domid`. */
	HV_EVTCHN_VIRQ = 3,         /**< Bound to VIRQ `virq`. */
	HV_EVTCHN_DISCONNECTED = 4, /**< The other end closed or its domain ended. */
};

/** What #HV_EVENT_OP_STATUS reports about a port. */
struct hv_evtchn_status {
	uint32_t port;         /**< The port. */
	uint32_t state;        /**< An #hv_evtchn_state. */
	uint16_t remote_domid; /**< The other domain (UNBOUND, INTERDOMAIN, DISCONNECTED). */
	uint16_t virq;         /**< The VIRQ (VIRQ state). */
	uint32_t remote_port;  /**< The other end's port (INTERDOMAIN). */
	uint32_t pending;      /**< 1 if the port is pending. */
	uint32_t masked;       /**< 1 if the port is masked. */
};

_Static_assert(sizeof(struct hv_evtchn_status) == 24, "ABI: hv_evtchn_status");
_Static_assert(__builtin_offsetof(struct hv_evtchn_status, remote_port) == 12,
               "ABI: hv_evtchn_status.remote_port");

#endif /* HV_ABI_EVENT_H */
/** @} */
