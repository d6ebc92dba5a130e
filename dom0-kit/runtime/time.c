/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Time. The hypervisor publishes, per vCPU, the system time and the TSC at
 * one moment and the TSC's rate, and the vCPU's virtual time and the TSC
 * when it last resumed; the guest extrapolates both with rdtsc, which
 * ring 3 may execute. The record is updated while the vCPU is not running
 * or interrupted, so the reader follows the version protocol: an odd or
 * changed version means the fields were read mid-update, or (for virtual
 * time) that the vCPU stopped running in between.
 */
#include "runtime.h"

/* A TSC delta in nanoseconds, with the published scale (128-bit product). */
static uint64_t scale_delta(uint64_t delta, uint32_t mul, int8_t shift)
{
	if (shift >= 0) {
		delta <<= shift;
	} else {
		delta >>= -shift;
	}
	return (uint64_t)(((unsigned __int128)delta * mul) >> 32);
}

uint64_t hvg_time_ns(void)
{
	const volatile struct hv_vcpu_time_info *t = &hvg_vcpu_info()->time;
	uint32_t version;
	uint64_t stamp;
	uint64_t system;
	uint32_t mul;
	int8_t shift;
	uint64_t tsc;

	do {
		version = t->version;
		/* x86 keeps loads in order; the compiler must as well. */
		__atomic_signal_fence(__ATOMIC_SEQ_CST);
		stamp = t->tsc_timestamp;
		system = t->system_time_ns;
		mul = t->tsc_to_system_mul;
		shift = t->tsc_shift;
		tsc = hvg_rdtsc();
		__atomic_signal_fence(__ATOMIC_SEQ_CST);
	} while ((version & 1) != 0 || version != t->version);

	/* One CPU, so the TSC never runs behind the stamp; be safe anyway. */
	return system + scale_delta(tsc > stamp ? tsc - stamp : 0, mul, shift);
}

uint64_t hvg_run_time_ns(void)
{
	const volatile struct hv_vcpu_info *info = hvg_vcpu_info();
	uint32_t version;
	uint64_t stamp;
	uint64_t run;
	uint32_t mul;
	int8_t shift;
	uint64_t tsc;

	/*
	 * The hypervisor rewrites the pair (and bumps the version) whenever it
	 * resumes the vCPU: a changed version means the vCPU was off the CPU
	 * between the reads and the rdtsc, which would count that time too.
	 */
	do {
		version = info->time.version;
		__atomic_signal_fence(__ATOMIC_SEQ_CST);
		run = info->run_time_ns;
		stamp = info->run_tsc_timestamp;
		mul = info->time.tsc_to_system_mul;
		shift = info->time.tsc_shift;
		tsc = hvg_rdtsc();
		__atomic_signal_fence(__ATOMIC_SEQ_CST);
	} while ((version & 1) != 0 || version != info->time.version);

	return run + scale_delta(tsc > stamp ? tsc - stamp : 0, mul, shift);
}

void hvg_sleep_until(uint64_t deadline_ns)
{
	/*
	 * block() is given the deadline as well as the timer: if the timer's
	 * event is delivered (and consumed) between set_timer() and block(),
	 * a block without a deadline would sleep for ever.
	 */
	while (hvg_time_ns() < deadline_ns) {
		hvg_set_timer(deadline_ns);
		hvg_block(deadline_ns);
	}
}

void hvg_sleep_ns(uint64_t ns)
{
	hvg_sleep_until(hvg_time_ns() + ns);
}

uint64_t hvg_spin_ns(uint64_t ns)
{
	uint64_t deadline = hvg_time_ns() + ns;
	uint64_t x = 1;

	while (hvg_time_ns() < deadline) {
		for (int i = 0; i < 1000; i++) {
			/* A linear congruential step: cheap work the compiler must keep. */
			x = x * 6364136223846793005ull + 1442695040888963407ull;
			__asm__ volatile("" : "+r"(x));
		}
	}
	return x;
}
