/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A guest built outside the libhv tree with the installed dom0-kit
 * (hv_add_guest() from find_package(hv)). It greets, reads the clock, and
 * powers off by returning 0.
 */
#include <hv/guest/guest.h>

int main(const struct hv_start_info *si)
{
	hvg_printf("hello from domain %u '%s', %llu KiB of free memory, %llu ns since boot\n",
	           si->domid, si->name, (unsigned long long)(si->mem_size >> 10),
	           (unsigned long long)hvg_time_ns());
	return 0;
}
