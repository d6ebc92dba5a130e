/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The custom-scheduler example's scheduler module, "fixed-priority", and
 * the domain identifiers its priorities are indexed by.
 *
 * fixed_prio.c is one source file for two programs: the firmware (main.c
 * selects the module by reference) and, built for the host, the simulator
 * (hvsim_add_simulator() in CMakeLists.txt), so what the simulator shows is
 * the scheduler the appliance boots with.
 */
#ifndef CUSTOM_SCHEDULER_FIXED_PRIO_H
#define CUSTOM_SCHEDULER_FIXED_PRIO_H

#include <hv/sched.h>

/*
 * The appliance's domains in the order main.c describes them, which makes
 * them their domain identifiers. A simulator workload declares its domains
 * in the same order (fixed-priority.hvsim), so each gets the same priority.
 */
enum {
	DOM_LOW,
	DOM_HIGH,
	DOM_COUNT
};

/* The module's operations: `.sched = &fixed_priority` in a description. */
extern const struct hv_sched_ops fixed_priority;

#endif /* CUSTOM_SCHEDULER_FIXED_PRIO_H */
