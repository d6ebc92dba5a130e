/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Time. The hypervisor publishes, per vCPU, the system time and the TSC at
 * one moment and the TSC's rate; the guest extrapolates with rdtsc, which
 * ring 3 may execute. The record is updated while the vCPU is not running
 * or interrupted, so the reader follows the version protocol: an odd or
 * changed version means the fields were read mid-update.
 */
#include "runtime.h"

uint64_t hvg_time_ns(void)
{
	const volatile struct hv_vcpu_time_info *t = &hvg_vcpu_info()->time;
	uint32_t version;
	uint64_t stamp;
	uint64_t system;
	uint32_t mul;
	int8_t shift;
	uint64_t tsc;
	uint64_t delta;

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
	delta = tsc > stamp ? tsc - stamp : 0;
	if (shift >= 0) {
		delta <<= shift;
	} else {
		delta >>= -shift;
	}
	return system + (uint64_t)(((unsigned __int128)delta * mul) >> 32);
}

uint64_t hvg_run_time_ns(void)
{
	return *(volatile uint64_t *)&hvg_vcpu_info()->run_time_ns;
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
