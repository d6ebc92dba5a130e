/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file
 * @defgroup hvg_time Guest time
 * @brief System time without a hypercall, virtual time, and sleeping.
 *
 * System time (nanoseconds since the hypervisor started) is computed from
 * the TSC, read in ring 3 with `rdtsc`, and the scale the hypervisor
 * publishes in `struct hv_vcpu_time_info`; virtual time is how long this
 * vCPU has actually run, as the hypervisor accounts it.
 * @{
 */
#ifndef HV_GUEST_TIME_H
#define HV_GUEST_TIME_H

#include <stdint.h>

/** Nanoseconds in a microsecond. */
#define HVG_US 1000ull
/** Nanoseconds in a millisecond. */
#define HVG_MS 1000000ull
/** Nanoseconds in a second. */
#define HVG_S 1000000000ull

/**
 * @brief Read the time stamp counter.
 *
 * Under QEMU with `-icount shift=0` a difference of two readings is the
 * exact number of instructions executed in between, by anyone.
 * @return The TSC.
 */
static inline uint64_t hvg_rdtsc(void)
{
	uint32_t lo;
	uint32_t hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

/**
 * @brief Current system time.
 *
 * Reads the published record with its version protocol (retrying while the
 * hypervisor updates it) and extrapolates with the TSC.
 * @return Nanoseconds since the hypervisor started.
 */
uint64_t hvg_time_ns(void);

/**
 * @brief Virtual time of this vCPU.
 *
 * Computed like system time, without a hypercall: the run time the
 * hypervisor published when it last resumed the vCPU, extrapolated with
 * the TSC since then (`run_tsc_timestamp`), under the version protocol.
 * It is current at every call and never goes back.
 * @return Nanoseconds this vCPU has run.
 */
uint64_t hvg_run_time_ns(void);

/**
 * @brief Sleep for at least @p ns nanoseconds of system time.
 *
 * Arms the one-shot timer and blocks with the same deadline, again until
 * the deadline has passed: other events may wake the domain early.
 * Events are delivered to their handlers meanwhile.
 * @param ns How long to sleep.
 */
void hvg_sleep_ns(uint64_t ns);

/**
 * @brief Sleep until a system time.
 * @param deadline_ns System time to wake at.
 */
void hvg_sleep_until(uint64_t deadline_ns);

/**
 * @brief Compute, without giving up the CPU, for at least @p ns of system time.
 *
 * A busy loop: the domain stays runnable, so the scheduler time-slices it
 * with other runnable domains. Meant for demonstrations and tests of time
 * slicing.
 * @param ns System time to burn.
 * @return A value computed along the way, so that the work is not optimised away.
 */
uint64_t hvg_spin_ns(uint64_t ns);

#endif /* HV_GUEST_TIME_H */
/** @} */
