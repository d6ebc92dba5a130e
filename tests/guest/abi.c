/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The hypercall interface itself: version and features, unknown numbers,
 * which registers a hypercall keeps, that the ones it clobbers carry
 * nothing of the hypervisor's, and a shutdown reason that does not exist.
 */
#include <hv/guest/guest.h>
#include <hv/guest/test.h>

#include "probes.h"

#define KNOWN_FEATURES (HV_FEATURE_NX | HV_FEATURE_SMEP | HV_FEATURE_SMAP | HV_FEATURE_CONTROL)

HVG_TEST(version)
{
	HVG_CHECK_EQ(hvg_version(), HV_ABI_VERSION);
	HVG_CHECK_EQ(hvg_start_info()->abi_version, HV_ABI_VERSION);
	/* Arguments are ignored. */
	HVG_CHECK_EQ(hvg_hypercall6(HV_HC_VERSION, 1, 2, 3, 4, 5, 6), HV_ABI_VERSION);
}

HVG_TEST(features)
{
	const struct hv_start_info *si = hvg_start_info();
	uint64_t f = ~0ull;
	uint64_t g = ~0ull;
	static unsigned char raw[16];

	HVG_REQUIRE(hvg_features(&f) == 0);
	hvg_test_note("features %#llx", (unsigned long long)f);
	HVG_CHECK_EQ(f & ~(uint64_t)KNOWN_FEATURES, 0);
	HVG_CHECK_EQ(!!(f & HV_FEATURE_CONTROL), !!(si->flags & HV_START_F_CONTROL));
	/* The hypervisor writes the result unaligned as readily as aligned. */
	HVG_CHECK_EQ(hvg_features((uint64_t *)(uintptr_t)(raw + 1)), 0);
	__builtin_memcpy(&g, raw + 1, sizeof(g));
	HVG_CHECK_EQ(g, f);
}

HVG_TEST(features_bad_pointer)
{
	const struct hv_start_info *si = hvg_start_info();

	HVG_CHECK_EQ(hvg_features(NULL), -HV_EFAULT);
	HVG_CHECK_EQ(hvg_features((uint64_t *)TG_UNMAPPED), -HV_EFAULT);
	HVG_CHECK_EQ(hvg_features((uint64_t *)TG_HV_IMAGE), -HV_EFAULT);
	HVG_CHECK_EQ(hvg_features((uint64_t *)(TG_HV_HALF_START + 0x200000)), -HV_EFAULT);
	HVG_CHECK_EQ(hvg_features((uint64_t *)TG_NONCANONICAL), -HV_EFAULT);
	HVG_CHECK_EQ(hvg_features((uint64_t *)(TG_NONCANONICAL - 4)), -HV_EFAULT);
	/* The hypervisor must not write where the guest itself may not. */
	HVG_CHECK_EQ(hvg_features((uint64_t *)(uintptr_t)&si->pad), -HV_EFAULT);
	HVG_CHECK_EQ(hvg_features((uint64_t *)(uintptr_t)hvg_rodata_start), -HV_EFAULT);
	HVG_CHECK_EQ(hvg_features((uint64_t *)(uintptr_t)hvg_image_start), -HV_EFAULT);
	HVG_CHECK_EQ(hvg_features((uint64_t *)si->pt_base), -HV_EFAULT);
	HVG_CHECK_EQ(hvg_features((uint64_t *)si->frame_list), -HV_EFAULT);
}

HVG_TEST(unknown_hypercalls)
{
	static const uint64_t numbers[] = {
	        HV_HC_COUNT,
	        HV_HC_COUNT + 1,
	        0xff,
	        0xffff,
	        0x7fffffff,
	        0x80000000,
	        0xffffffff,
	        1ull << 32, /* not HV_HC_VERSION in 32 bits */
	        (1ull << 32) | HV_HC_SHUTDOWN,
	        1ull << 63,
	        UINT64_MAX,
	};

	for (size_t i = 0; i < sizeof(numbers) / sizeof(numbers[0]); i++) {
		int64_t rc = hvg_hypercall6(numbers[i], 0, 0, 0, 0, 0, 0);

		if (rc != -HV_ENOSYS) {
			hvg_test_fail("hypercall %#llx returned %lld, expected -HV_ENOSYS",
			              (unsigned long long)numbers[i], (long long)rc);
		}
	}
}

/* tg_regs_across() bits of the registers a hypercall keeps: rbx, rbp, r12-r15 and rsp. */
#define KEPT_REGS ((1ull << 0) | (1ull << 1) | (0xfull << 8) | (1ull << 12))

/* Fast (version), exiting (yield) and refused (unknown) hypercalls alike. */
static const uint64_t some_hypercalls[] = {HV_HC_VERSION, HV_HC_YIELD, HV_HC_COUNT, UINT64_MAX - 1};

HVG_TEST(registers_kept_by_hypercalls)
{
	for (size_t i = 0; i < sizeof(some_hypercalls) / sizeof(some_hypercalls[0]); i++) {
		/* The argument registers are clobbered: only the others must survive. */
		uint64_t changed = tg_regs_across(some_hypercalls[i]) & KEPT_REGS;

		if (changed != 0) {
			hvg_test_fail("hypercall %#llx changed registers it keeps (mask %#llx: bit "
			              "0 rbx, 1 rbp, 8-11 r12-r15, 12 rsp)",
			              (unsigned long long)some_hypercalls[i],
			              (unsigned long long)changed);
		}
	}
}

HVG_TEST(clobbered_registers_hold_no_hypervisor_data)
{
	/* Patterns tg_regs_across() loads into rdi, rsi, rdx, r10, r8, r9. */
	static const uint64_t loaded[6] = {TG_PAT(5), TG_PAT(4), TG_PAT(3),
	                                   TG_PAT(8), TG_PAT(6), TG_PAT(7)};
	static const char *const names[6] = {"rdi", "rsi", "rdx", "r10", "r8", "r9"};

	for (size_t i = 0; i < sizeof(some_hypercalls) / sizeof(some_hypercalls[0]); i++) {
		tg_regs_across(some_hypercalls[i]);
		/* Whatever the hypervisor leaves must be the guest's own value or nothing. */
		for (size_t r = 0; r < 6; r++) {
			if (tg_regs_args[r] != loaded[r] && tg_regs_args[r] != 0) {
				hvg_test_fail("hypercall %#llx left %#llx in %s",
				              (unsigned long long)some_hypercalls[i],
				              (unsigned long long)tg_regs_args[r], names[r]);
			}
		}
	}
}

HVG_TEST(shutdown_unknown_reason)
{
	/* Returns with an error; the domain goes on. */
	HVG_CHECK_EQ(hvg_shutdown(3), -HV_EINVAL);
	HVG_CHECK_EQ(hvg_shutdown(UINT64_MAX), -HV_EINVAL);
	HVG_CHECK_EQ(hvg_shutdown(1ull << 32), -HV_EINVAL);
}

HVG_TEST(yield_returns)
{
	for (int i = 0; i < 100; i++) {
		if (hvg_yield() != 0) {
			hvg_test_fail("yield %d failed", i);
			break;
		}
	}
}

HVG_TEST_MAIN()
