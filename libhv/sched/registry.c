/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Lookup of the built-in scheduler modules by name, for command lines
 * (`sched=bvt` on the hypervisor's) and, later, domain 0. It is a secondary
 * way to select a module: the appliance description names its module by
 * reference, and an integrator's own module is never in this table.
 *
 * State: one constant table; nothing is registered at run time.
 */
#include <hv/sched.h>

#include "lib/string.h"

static const struct hv_sched_ops *const builtin[] = {
        &hv_sched_rr,
        &hv_sched_bvt,
        &hv_sched_fair,
        &hv_sched_cyclic,
};

const struct hv_sched_ops *hv_sched_find(const char *name)
{
	if (name == NULL) {
		return NULL;
	}
	for (size_t i = 0; i < sizeof(builtin) / sizeof(builtin[0]); i++) {
		if (hv_strcmp(builtin[i]->name, name) == 0) {
			return builtin[i];
		}
	}
	return NULL;
}
