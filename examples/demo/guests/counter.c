/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A demo guest that counts: ten numbered lines, each after a short sleep
 * and a stretch of computing. Two domains run this image side by side, so
 * their lines interleave; while both compute, the scheduler slices the CPU
 * between them, which shows as virtual time (CPU time) growing more slowly
 * than system time.
 */
#include <hv/guest/guest.h>

#define LINES 10

int main(const struct hv_start_info *si)
{
	uint64_t start;
	uint64_t sum = 0;

	(void)si;
	if (hvg_trap_init() != 0) {
		return 1;
	}
	start = hvg_time_ns();
	for (int i = 1; i <= LINES; i++) {
		hvg_sleep_ns(20 * HVG_MS);
		sum += hvg_spin_ns(30 * HVG_MS);
		hvg_printf("line %2d of %d: %4llu ms since start, %4llu ms of CPU time\n", i, LINES,
		           (unsigned long long)((hvg_time_ns() - start) / HVG_MS),
		           (unsigned long long)(hvg_run_time_ns() / HVG_MS));
		hvg_yield();
	}
	hvg_printf("done (checksum %llx)\n", (unsigned long long)(sum & 0xffff));
	return 0;
}
