/* SPDX-License-Identifier: Apache-2.0 */
/*
 * HV_CHECK(): an always-on check of an invariant that guards isolation (a
 * page table never writable, a copy never into the wrong address space).
 * It can only fail through a hypervisor bug, never through guest input, so
 * failing it panics. Guest input is checked with ordinary code and answered
 * with an error code or a crash of that guest.
 */
#ifndef HV_LIB_CHECK_H
#define HV_LIB_CHECK_H

#include <hv/port.h>

#define HV_CHECK(cond)                                                                             \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			hv_panic("check failed: %s (%s:%d)", #cond, __FILE__, __LINE__);           \
		}                                                                                  \
	} while (0)

#endif /* HV_LIB_CHECK_H */
