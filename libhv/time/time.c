/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Publishing time to guests (see time/time.h). A guest may scribble on its
 * shared-info page at any time, so the version counters are not trusted:
 * each update starts from whatever is there, makes it odd, writes the
 * record and makes it even again. The stores are ordered for a reader on
 * another CPU with release fences; on one CPU the guest never runs during
 * an update anyway.
 *
 * Virtual time is published the same way, with the cycle count at which
 * the vCPU resumes: the guest extrapolates it with the TSC while it runs,
 * so the hypervisor writes nothing while the vCPU runs, not even in a
 * fast hypercall.
 */
#include <hv/port.h>

#include "domain/domain.h"
#include "time/time.h"

static uint64_t wallclock_sec;
static uint32_t wallclock_nsec;

void hv_time_set_wallclock(uint64_t sec, uint32_t nsec)
{
	wallclock_sec = sec;
	wallclock_nsec = nsec;
}

void hv_time_publish_wallclock(struct hv_domain *d)
{
	volatile struct hv_shared_info *sh = d->shared;
	uint32_t version = sh->wc_version | 1u;

	sh->wc_version = version;
	__atomic_thread_fence(__ATOMIC_RELEASE);
	sh->wc_sec = wallclock_sec;
	sh->wc_nsec = wallclock_nsec;
	__atomic_thread_fence(__ATOMIC_RELEASE);
	sh->wc_version = version + 1;
}

void hv_time_publish_run_time(struct hv_vcpu *v, uint64_t cycles)
{
	volatile struct hv_vcpu_info *info = v->info;
	uint32_t version;

	if (info == NULL) {
		return;
	}
	version = info->time.version | 1u;
	info->time.version = version;
	__atomic_thread_fence(__ATOMIC_RELEASE);
	info->run_time_ns = v->run_time_ns;
	info->run_tsc_timestamp = cycles;
	__atomic_thread_fence(__ATOMIC_RELEASE);
	info->time.version = version + 1;
}

void hv_time_publish(struct hv_vcpu *v, const struct hv_port_time_scale *now)
{
	volatile struct hv_vcpu_info *info = v->info;
	uint32_t version;

	if (info == NULL) {
		return;
	}
	version = info->time.version | 1u;
	info->time.version = version;
	__atomic_thread_fence(__ATOMIC_RELEASE);
	info->time.tsc_timestamp = now->cycles;
	info->time.system_time_ns = now->ns;
	info->time.tsc_to_system_mul = now->mul;
	info->time.tsc_shift = now->shift;
	info->run_time_ns = v->run_time_ns;
	info->run_tsc_timestamp = now->cycles;
	__atomic_thread_fence(__ATOMIC_RELEASE);
	info->time.version = version + 1;
}
