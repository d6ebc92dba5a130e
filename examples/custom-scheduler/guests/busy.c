/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A CPU-bound guest for the custom-scheduler example: five steps of 20 ms
 * of computing each, never blocking, a line after each step, then "done".
 * After each step it yields, which under a fixed-priority scheduler hands
 * the CPU back to itself while it is the most important runnable domain.
 */
#include <hv/guest/guest.h>

#define STEPS 5

int main(const struct hv_start_info *si)
{
	uint64_t sum = 0;

	if (hvg_trap_init() != 0) {
		return 1;
	}
	hvg_printf("domain %u starts computing\n", si->domid);
	for (int i = 1; i <= STEPS; i++) {
		sum += hvg_spin_ns(20 * HVG_MS);
		hvg_printf("step %d of %d: %llu ms of CPU time\n", i, STEPS,
		           (unsigned long long)(hvg_run_time_ns() / HVG_MS));
		hvg_yield();
	}
	hvg_printf("done (checksum %llx)\n", (unsigned long long)(sum & 0xffff));
	return 0;
}
