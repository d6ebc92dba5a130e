/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Events. The hypervisor sets a port's bit in evtchn_pending, and if the
 * port is unmasked sets the vCPU's upcall_pending (and pending_sel) and
 * enters the upcall unless the vCPU's upcall_mask is set. The guest owns
 * the clearing: the upcall clears upcall_pending, then each pending,
 * unmasked port's bit before calling its handler, and loops while
 * upcall_pending was set again meanwhile, so an event raised during a
 * handler is never left behind.
 *
 * The upcall scans every word of the bitmap rather than trusting
 * pending_sel alone: there are only HV_EVENT_PORTS / 64 words, and a
 * missed selector bit would otherwise lose an event for ever.
 *
 * Shared words are touched with atomic operations: the hypervisor changes
 * them whenever the guest is interrupted, and a read-modify-write must not
 * lose its update.
 */
#include "runtime.h"

#define WORDS (HV_EVENT_PORTS / 64)

struct port_handler {
	void (*fn)(uint32_t port, void *arg);
	void *arg;
};

static struct port_handler port_handlers[HV_EVENT_PORTS];
static uint64_t stray_count;
static uint64_t upcalls;
/* The port of each VIRQ, from the start info until a bind or close changes it. */
static uint32_t virq_ports[HV_VIRQ_COUNT];
static bool virq_ports_read;

int hvg_on_event(uint32_t port, void (*fn)(uint32_t port, void *arg), void *arg)
{
	if (port >= HV_EVENT_PORTS) {
		return -HV_EINVAL;
	}
	/* fn last, so an upcall never sees the new fn with the old arg. */
	port_handlers[port].fn = NULL;
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	port_handlers[port].arg = arg;
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	port_handlers[port].fn = fn;
	return 0;
}

static uint32_t *virq_table(void)
{
	const struct hv_start_info *si = hvg_start_info();

	_Static_assert(HV_VIRQ_COUNT <= sizeof(si->virq_port) / sizeof(si->virq_port[0]),
	               "the start info has a port per VIRQ");
	if (!virq_ports_read) {
		for (unsigned int i = 0; i < HV_VIRQ_COUNT; i++) {
			virq_ports[i] = si->virq_port[i];
		}
		virq_ports_read = true;
	}
	return virq_ports;
}

uint32_t hvg_virq_port(unsigned int virq)
{
	return virq < HV_VIRQ_COUNT ? virq_table()[virq] : UINT32_MAX;
}

int hvg_evtchn_alloc_unbound(uint16_t remote)
{
	return (int)hvg_hypercall2(HV_HC_EVENT_OP, HV_EVENT_OP_ALLOC_UNBOUND, remote);
}

int hvg_evtchn_bind_interdomain(uint16_t remote, uint32_t remote_port)
{
	return (int)hvg_hypercall6(HV_HC_EVENT_OP, HV_EVENT_OP_BIND_INTERDOMAIN, remote,
	                           remote_port, 0, 0, 0);
}

int hvg_evtchn_bind_virq(unsigned int virq)
{
	int port = (int)hvg_hypercall2(HV_HC_EVENT_OP, HV_EVENT_OP_BIND_VIRQ, virq);

	if (port >= 0) {
		virq_table()[virq] = (uint32_t)port;
	}
	return port;
}

int hvg_evtchn_close(uint32_t port)
{
	int rc = (int)hvg_hypercall2(HV_HC_EVENT_OP, HV_EVENT_OP_CLOSE, port);

	for (unsigned int i = 0; rc == 0 && i < HV_VIRQ_COUNT; i++) {
		if (virq_table()[i] == port) {
			virq_ports[i] = UINT32_MAX;
		}
	}
	return rc;
}

int hvg_evtchn_status(uint32_t port, struct hv_evtchn_status *out)
{
	return (int)hvg_hypercall6(HV_HC_EVENT_OP, HV_EVENT_OP_STATUS, port,
	                           (uint64_t)(uintptr_t)out, 0, 0, 0);
}

void hvg_event_mask(uint32_t port)
{
	if (port < HV_EVENT_PORTS) {
		__atomic_fetch_or(&hvg_shared_info()->evtchn_mask[port / 64], 1ull << (port % 64),
		                  __ATOMIC_SEQ_CST);
	}
}

bool hvg_event_pending(uint32_t port)
{
	return port < HV_EVENT_PORTS &&
	       (__atomic_load_n(&hvg_shared_info()->evtchn_pending[port / 64], __ATOMIC_SEQ_CST) >>
	        (port % 64)) &
	               1;
}

bool hvg_event_masked(uint32_t port)
{
	return port < HV_EVENT_PORTS &&
	       (__atomic_load_n(&hvg_shared_info()->evtchn_mask[port / 64], __ATOMIC_SEQ_CST) >>
	        (port % 64)) &
	               1;
}

bool hvg_events_disable(void)
{
	return __atomic_exchange_n(&hvg_vcpu_info()->upcall_mask, 1, __ATOMIC_SEQ_CST) != 0;
}

static bool unmasked_pending(const struct hv_shared_info *sh)
{
	for (unsigned int w = 0; w < WORDS; w++) {
		if (__atomic_load_n(&sh->evtchn_pending[w], __ATOMIC_SEQ_CST) &
		    ~__atomic_load_n(&sh->evtchn_mask[w], __ATOMIC_SEQ_CST)) {
			return true;
		}
	}
	return false;
}

void hvg_events_enable(void)
{
	struct hv_shared_info *sh = hvg_shared_info();
	struct hv_vcpu_info *vi = &sh->vcpu[0];

	__atomic_store_n(&vi->upcall_mask, 0, __ATOMIC_SEQ_CST);
	/*
	 * An event that arrived while masked is only delivered when the
	 * hypervisor next looks: make it look now, with the cheapest hypercall.
	 */
	if (__atomic_load_n(&vi->upcall_pending, __ATOMIC_SEQ_CST) || unmasked_pending(sh)) {
		hvg_version();
	}
}

uint64_t hvg_event_stray_count(void)
{
	return stray_count;
}

uint64_t hvg_upcall_count(void)
{
	return upcalls;
}

void hvg_event_upcall(struct hvg_trap_ctx *ctx)
{
	struct hv_shared_info *sh = hvg_shared_info();
	struct hv_vcpu_info *vi = &sh->vcpu[0];

	(void)ctx;
	upcalls++;
	do {
		__atomic_store_n(&vi->upcall_pending, 0, __ATOMIC_SEQ_CST);
		__atomic_store_n(&vi->pending_sel, 0, __ATOMIC_SEQ_CST);
		for (unsigned int w = 0; w < WORDS; w++) {
			uint64_t bits = __atomic_load_n(&sh->evtchn_pending[w], __ATOMIC_SEQ_CST) &
			                ~__atomic_load_n(&sh->evtchn_mask[w], __ATOMIC_SEQ_CST);

			while (bits != 0) {
				unsigned int b = (unsigned int)__builtin_ctzll(bits);
				uint32_t port = w * 64 + b;
				struct port_handler h = port_handlers[port];

				bits &= bits - 1;
				__atomic_fetch_and(&sh->evtchn_pending[w], ~(1ull << b),
				                   __ATOMIC_SEQ_CST);
				if (h.fn != NULL) {
					h.fn(port, h.arg);
				} else {
					stray_count++;
				}
			}
		}
	} while (__atomic_load_n(&vi->upcall_pending, __ATOMIC_SEQ_CST));
}
