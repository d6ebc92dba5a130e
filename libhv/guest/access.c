/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The guest-memory access layer (see guest/access.h). It owns one fact: the
 * vCPU whose address space the port has loaded. Every guest range is
 * checked here, overflow first, before the port touches it, so that a port
 * whose fault recovery covers only the guest half is never handed a
 * hypervisor address.
 */
#include <hv/abi/errno.h>
#include <hv/log.h>
#include <hv/port.h>
#include <hv/types.h>

#include "guest/access.h"

static struct hv_vcpu *loaded;

void hv_guest_set_current(struct hv_vcpu *v)
{
	loaded = v;
}

struct hv_vcpu *hv_guest_current(void)
{
	return loaded;
}

bool hv_guest_addr_ok(uint64_t va)
{
	return va < hv_port_guest_va_limit();
}

bool hv_guest_range_ok(uint64_t va, uint64_t len)
{
	uint64_t limit = hv_port_guest_va_limit();

	return va <= limit && len <= limit - va;
}

/* The checks common to both directions; 1 means "nothing to copy". */
static int check(const struct hv_vcpu *v, uint64_t va, size_t len)
{
	if (v == NULL || v != loaded) {
		hv_err("guest copy for a vCPU whose address space is not loaded");
		return -HV_EFAULT;
	}
	if (len == 0) {
		return 1;
	}
	if (len > HV_GUEST_COPY_MAX) {
		return -HV_E2BIG;
	}
	if (va < HV_PAGE_SIZE || !hv_guest_range_ok(va, len)) {
		return -HV_EFAULT;
	}
	return 0;
}

int hv_guest_copy_from(struct hv_vcpu *v, void *dst, uint64_t src, size_t len)
{
	int rc = check(v, src, len);

	if (rc != 0) {
		return rc < 0 ? rc : 0;
	}
	return hv_port_copy_from_guest(dst, src, len) == 0 ? 0 : -HV_EFAULT;
}

int hv_guest_copy_to(struct hv_vcpu *v, uint64_t dst, const void *src, size_t len)
{
	int rc = check(v, dst, len);

	if (rc != 0) {
		return rc < 0 ? rc : 0;
	}
	return hv_port_copy_to_guest(dst, src, len) == 0 ? 0 : -HV_EFAULT;
}
