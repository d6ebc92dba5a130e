/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A demo guest that crashes on purpose: after a few lines it writes through
 * a null pointer. It registers no exception handler, so the hypervisor
 * crashes it -- and only it: the other domains keep running.
 */
#include <hv/guest/guest.h>

/* Read through a volatile: the compiler cannot see that it is null, so the
 * write below is a real store to address 0 and not a trap it inserted. */
static int *volatile target;

int main(const struct hv_start_info *si)
{
	(void)si;
	for (int i = 3; i > 0; i--) {
		hvg_printf("crashing in %d\n", i);
		hvg_sleep_ns(30 * HVG_MS);
	}
	*target = 42;
	hvg_printf("still alive: the null pointer write did not fault\n");
	return 1;
}
