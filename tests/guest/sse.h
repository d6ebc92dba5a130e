/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Loading and checking all sixteen SSE registers, for the tests that two
 * domains sharing the CPU keep their own FPU state.
 */
#ifndef HV_TESTS_GUEST_SSE_H
#define HV_TESTS_GUEST_SSE_H

#include <stdint.h>

/* Loads xmm0..xmm15 with seed + i, spins `loops` times, and returns how
 * many registers then differ. Everything happens in one asm statement, so
 * the compiler never touches the registers in between. */
static inline unsigned int tg_sse_hold(uint64_t seed, uint64_t loops)
{
	uint64_t vals[16] __attribute__((aligned(16)));
	uint64_t back[32] __attribute__((aligned(16)));
	unsigned int bad = 0;

	for (int i = 0; i < 16; i++) {
		vals[i] = seed + (uint64_t)i * 0x0101010101010101ull;
	}
	__asm__ volatile(
	        "movq 0(%[v]), %%xmm0\n movq 8(%[v]), %%xmm1\n movq 16(%[v]), %%xmm2\n"
	        "movq 24(%[v]), %%xmm3\n movq 32(%[v]), %%xmm4\n movq 40(%[v]), %%xmm5\n"
	        "movq 48(%[v]), %%xmm6\n movq 56(%[v]), %%xmm7\n movq 64(%[v]), %%xmm8\n"
	        "movq 72(%[v]), %%xmm9\n movq 80(%[v]), %%xmm10\n movq 88(%[v]), %%xmm11\n"
	        "movq 96(%[v]), %%xmm12\n movq 104(%[v]), %%xmm13\n movq 112(%[v]), %%xmm14\n"
	        "movq 120(%[v]), %%xmm15\n"
	        "1: decq %[n]\n jnz 1b\n"
	        "movdqa %%xmm0, 0(%[b])\n movdqa %%xmm1, 16(%[b])\n movdqa %%xmm2, 32(%[b])\n"
	        "movdqa %%xmm3, 48(%[b])\n movdqa %%xmm4, 64(%[b])\n movdqa %%xmm5, 80(%[b])\n"
	        "movdqa %%xmm6, 96(%[b])\n movdqa %%xmm7, 112(%[b])\n movdqa %%xmm8, 128(%[b])\n"
	        "movdqa %%xmm9, 144(%[b])\n movdqa %%xmm10, 160(%[b])\n movdqa %%xmm11, 176(%[b])\n"
	        "movdqa %%xmm12, 192(%[b])\n movdqa %%xmm13, 208(%[b])\n movdqa %%xmm14, "
	        "224(%[b])\n"
	        "movdqa %%xmm15, 240(%[b])\n"
	        : [n] "+r"(loops)
	        : [v] "r"(vals), [b] "r"(back)
	        : "memory", "cc", "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7",
	          "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15");
	for (int i = 0; i < 16; i++) {
		/* movq zeroes the upper half. */
		bad += back[2 * i] != vals[i] || back[2 * i + 1] != 0;
	}
	return bad;
}

#endif /* HV_TESTS_GUEST_SSE_H */
