/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Hypercall dispatch (see hypercall/hypercall.h), and the hypercalls that
 * only answer a question: version and features. The table has exactly
 * HV_HC_COUNT entries, one per number of the guest ABI, so a number is
 * checked once, against the table's size. The fast path
 * (hv_core_hypercall_fast()) calls the same handlers for the few
 * hypercalls of HV_CORE_HYPERCALL_FAST_SET, without an exit, through a
 * second table that holds only theirs.
 */
#include <hv/abi/errno.h>
#include <hv/abi/hypercall.h>
#include <hv/log.h>

#include "domain/domain.h"
#include "guest/access.h"
#include "hypercall/hypercall.h"

struct hypercall {
	int64_t (*fn)(struct hv_vcpu *v, const uint64_t *args);
	/* The handler reloads the guest's registers itself: no result. */
	bool sets_registers;
};

_Static_assert(HV_HC_COUNT <= 64, "HV_CORE_HYPERCALL_FAST_SET has a bit per hypercall");

static const struct hypercall hypercalls[HV_HC_COUNT] = {
        [HV_HC_VERSION] = {hv_hypercall_version, false},
        [HV_HC_CONSOLE_WRITE] = {hv_hypercall_console_write, false},
        [HV_HC_SET_TRAP_TABLE] = {hv_hypercall_set_trap_table, false},
        [HV_HC_SET_CALLBACKS] = {hv_hypercall_set_callbacks, false},
        [HV_HC_STACK_SWITCH] = {hv_hypercall_stack_switch, false},
        [HV_HC_IRET] = {hv_hypercall_iret, true},
        [HV_HC_YIELD] = {hv_hypercall_yield, false},
        [HV_HC_BLOCK] = {hv_hypercall_block, false},
        [HV_HC_SET_TIMER] = {hv_hypercall_set_timer, false},
        [HV_HC_SHUTDOWN] = {hv_hypercall_shutdown, false},
        [HV_HC_FEATURES] = {hv_hypercall_features, false},
        [HV_HC_EVENT_OP] = {hv_hypercall_event_op, false},
        [HV_HC_SCHED_OP] = {hv_hypercall_sched_op, false},
        [HV_HC_CONSOLE_READ] = {hv_hypercall_console_read, false},
        [HV_HC_GRANT_OP] = {hv_hypercall_grant_op, false},
        [HV_HC_DOMCTL] = {hv_hypercall_domctl, false},
};

/* The handler of hypercall nr if it is one of HV_CORE_HYPERCALL_FAST_SET, else NULL. */
#define FAST(nr, fn) [nr] = ((HV_CORE_HYPERCALL_FAST_SET >> (nr)) & 1) != 0 ? (fn) : NULL

/* Every hypercall is named, so that the set alone decides which are fast. */
int64_t (*const hv_hypercall_fast_table[HV_HC_COUNT])(struct hv_vcpu *v, const uint64_t *args) = {
        FAST(HV_HC_VERSION, hv_hypercall_version),
        FAST(HV_HC_CONSOLE_WRITE, hv_hypercall_console_write),
        FAST(HV_HC_SET_TRAP_TABLE, hv_hypercall_set_trap_table),
        FAST(HV_HC_SET_CALLBACKS, hv_hypercall_set_callbacks),
        FAST(HV_HC_STACK_SWITCH, hv_hypercall_stack_switch),
        FAST(HV_HC_IRET, hv_hypercall_iret),
        FAST(HV_HC_YIELD, hv_hypercall_yield),
        FAST(HV_HC_BLOCK, hv_hypercall_block),
        FAST(HV_HC_SET_TIMER, hv_hypercall_set_timer),
        FAST(HV_HC_SHUTDOWN, hv_hypercall_shutdown),
        FAST(HV_HC_FEATURES, hv_hypercall_features),
        FAST(HV_HC_EVENT_OP, hv_hypercall_event_op),
        FAST(HV_HC_SCHED_OP, hv_hypercall_sched_op),
        FAST(HV_HC_CONSOLE_READ, hv_hypercall_console_read),
        FAST(HV_HC_GRANT_OP, hv_hypercall_grant_op),
        FAST(HV_HC_DOMCTL, hv_hypercall_domctl),
};

void hv_hypercall_dispatch(struct hv_vcpu *v, const struct hv_exit *exit)
{
	const struct hypercall *hc = NULL;
	uint32_t restarts = v->domain->restarts;
	int64_t result = -HV_ENOSYS;

	if (exit->nr < HV_HC_COUNT) {
		hc = &hypercalls[exit->nr];
	}
	if (hc != NULL && hc->fn != NULL) {
		result = hc->fn(v, exit->args);
		if (hc->sets_registers) {
			return;
		}
	}
	/* A domain that ended or restarted in the call has no caller left. */
	if (v->state != HV_VCPU_DOWN && v->domain->restarts == restarts) {
		hv_port_vcpu_set_reg(&v->port, HV_REG_RET, (uint64_t)result);
	}
}

int64_t hv_hypercall_version(struct hv_vcpu *v, const uint64_t *args)
{
	(void)v;
	(void)args;
	return HV_ABI_VERSION;
}

int64_t hv_hypercall_features(struct hv_vcpu *v, const uint64_t *args)
{
	uint32_t port = hv_port_info()->features;
	uint64_t bits = 0;

	bits |= (port & HV_PORT_FEAT_NX) ? HV_FEATURE_NX : 0;
	bits |= (port & HV_PORT_FEAT_SMEP) ? HV_FEATURE_SMEP : 0;
	bits |= (port & HV_PORT_FEAT_SMAP) ? HV_FEATURE_SMAP : 0;
	bits |= (v->domain->flags & HV_DOMAIN_F_CONTROL) ? HV_FEATURE_CONTROL : 0;
	return hv_guest_copy_to(v, args[0], &bits, sizeof(bits));
}
