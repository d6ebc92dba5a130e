/* SPDX-License-Identifier: Apache-2.0 */
/*
 * console_write(buf, len): copies the guest's bytes in chunks through the
 * access layer into the domain's console. At most HV_CONSOLE_WRITE_MAX
 * bytes are taken per call; the result is the number of bytes consumed, so
 * a guest writes the rest with another call. A bad buffer returns
 * -HV_EFAULT if nothing was consumed, otherwise the count consumed so far.
 */
#include <hv/abi/errno.h>

#include "console/console.h"
#include "domain/domain.h"
#include "guest/access.h"
#include "hypercall/hypercall.h"

#define CHUNK 256u

int64_t hv_hypercall_console_write(struct hv_vcpu *v, const uint64_t *args)
{
	uint64_t buf = args[0];
	uint64_t len = args[1] < HV_CONSOLE_WRITE_MAX ? args[1] : HV_CONSOLE_WRITE_MAX;
	uint64_t done = 0;
	char chunk[CHUNK];

	while (done < len) {
		size_t n = len - done < CHUNK ? (size_t)(len - done) : CHUNK;
		int rc;

		/* buf + done cannot wrap: the access layer refuses wrapping ranges. */
		rc = hv_guest_copy_from(v, chunk, buf + done, n);
		if (rc != 0) {
			return done > 0 ? (int64_t)done : rc;
		}
		hv_console_put(v->domain, chunk, n);
		done += n;
	}
	return (int64_t)done;
}
