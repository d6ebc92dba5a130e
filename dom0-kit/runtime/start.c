/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The C half of start-up: remember the start-info page, check that it is
 * one this runtime understands, run main() and end the domain with its
 * result. Nothing here may fault on a good start-info page: no handlers
 * are registered yet, and a fault now crashes the domain.
 */
#include <hv/abi/hypercall.h>
#include "lib/string.h"
#include "runtime.h"

static const struct hv_start_info *start_info;
static uint64_t entry_rsp;

const struct hv_start_info *hvg_start_info(void)
{
	return start_info;
}

struct hv_shared_info *hvg_shared_info(void)
{
	return (struct hv_shared_info *)(uintptr_t)start_info->shared_info;
}

struct hv_vcpu_info *hvg_vcpu_info(void)
{
	return &hvg_shared_info()->vcpu[0];
}

uint64_t hvg_initial_rsp(void)
{
	return entry_rsp;
}

_Noreturn void hvg_exit(uint64_t reason)
{
	hvg_shutdown(reason);
	/* Only an unknown reason returns: make sure the domain ends anyway. */
	hvg_shutdown(HV_SHUTDOWN_CRASH);
	for (;;) {
		__builtin_trap();
	}
}

_Noreturn void hvg_start(const struct hv_start_info *si, uint64_t rsp)
{
	start_info = si;
	entry_rsp = rsp;
	if (hv_memcmp(si->magic, HV_START_MAGIC, sizeof(si->magic)) != 0) {
		hvg_puts("runtime: bad start-info magic\n");
		hvg_exit(HV_SHUTDOWN_CRASH);
	}
	/* A new major version may change any structure this runtime reads. */
	if (si->abi_version >> 16 != HV_ABI_VERSION >> 16) {
		hvg_printf("runtime: hypervisor ABI %u.%u, runtime built for %u.%u\n",
		           si->abi_version >> 16, si->abi_version & 0xffff, HV_ABI_VERSION >> 16,
		           HV_ABI_VERSION & 0xffff);
		hvg_exit(HV_SHUTDOWN_CRASH);
	}
	hvg_exit(main(si) == 0 ? HV_SHUTDOWN_POWEROFF : HV_SHUTDOWN_CRASH);
}
