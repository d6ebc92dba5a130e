/* SPDX-License-Identifier: Apache-2.0 */
/*
 * grant_op(op, ...): the grant operations of <hv/abi/grant.h>. Each acts
 * on the caller's own grant table or map area, and on another domain's
 * grant only as that grant allows.
 */
#include <hv/abi/errno.h>
#include <hv/abi/grant.h>

#include "grant/grant.h"
#include "hypercall/hypercall.h"

int64_t hv_hypercall_grant_op(struct hv_vcpu *v, const uint64_t *args)
{
	switch (args[0]) {
	case HV_GRANT_OP_SET_TABLE:
		return hv_grant_set_table(v, args[1], args[2]);
	case HV_GRANT_OP_MAP:
		return hv_grant_map(v, args[1], args[2], args[3], args[4]);
	case HV_GRANT_OP_UNMAP:
		return hv_grant_unmap(v, args[1]);
	case HV_GRANT_OP_REVOKE:
		return hv_grant_revoke(v, args[1]);
	case HV_GRANT_OP_COPY:
		return hv_grant_copy(v, args[1], args[2]);
	case HV_GRANT_OP_QUERY:
		return hv_grant_query(v, args[1]);
	default:
		return -HV_EINVAL;
	}
}
