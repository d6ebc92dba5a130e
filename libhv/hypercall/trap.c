/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The trap hypercalls: set_trap_table copies the guest's whole table into
 * the hypervisor first and only then checks and installs it, so the guest
 * cannot change an entry between the check and its use; set_callbacks,
 * stack_switch and iret hand over to the trap module.
 */
#include <hv/abi/errno.h>
#include <hv/abi/trap.h>

#include "domain/domain.h"
#include "guest/access.h"
#include "hypercall/hypercall.h"
#include "trap/trap.h"

int64_t hv_hypercall_set_trap_table(struct hv_vcpu *v, const uint64_t *args)
{
	struct hv_trap_info table[HV_TRAP_VECTORS];
	uint64_t count = args[1];
	int rc;

	if (count > HV_TRAP_VECTORS) {
		return -HV_E2BIG;
	}
	rc = hv_guest_copy_from(v, table, args[0], (size_t)count * sizeof(table[0]));
	if (rc != 0) {
		return rc;
	}
	return hv_trap_set_table(v->domain, table, (size_t)count);
}

int64_t hv_hypercall_set_callbacks(struct hv_vcpu *v, const uint64_t *args)
{
	return hv_trap_set_callbacks(v->domain, args[0], args[1]);
}

int64_t hv_hypercall_stack_switch(struct hv_vcpu *v, const uint64_t *args)
{
	return hv_trap_set_stack(v, args[0]);
}

int64_t hv_hypercall_iret(struct hv_vcpu *v, const uint64_t *args)
{
	(void)args;
	hv_trap_iret(v);
	return 0;
}
