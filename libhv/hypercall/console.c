/* SPDX-License-Identifier: Apache-2.0 */
/*
 * console_write(buf, len): copies the guest's bytes in chunks through the
 * access layer into the domain's console. At most HV_CONSOLE_WRITE_MAX
 * bytes are taken per call; the result is the number of bytes consumed, so
 * a guest writes the rest with another call. A bad buffer returns
 * -HV_EFAULT if nothing was consumed, otherwise the count consumed so far.
 *
 * console_read(buf, len): the control domain's console input (see
 * console/console.h). Any other caller gets -HV_EPERM before an argument is
 * looked at. A len above HV_CONSOLE_READ_MAX is clamped to it. The bytes
 * are taken only once the copy to the guest has succeeded, so a bad buffer
 * returns -HV_EFAULT with all the input still waiting.
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

int64_t hv_hypercall_console_read(struct hv_vcpu *v, const uint64_t *args)
{
	char chunk[HV_CONSOLE_INPUT_SIZE];
	uint64_t len;
	size_t n;
	int rc;

	if ((v->domain->flags & HV_DOMAIN_F_CONTROL) == 0) {
		return -HV_EPERM;
	}
	len = args[1] < HV_CONSOLE_READ_MAX ? args[1] : HV_CONSOLE_READ_MAX;
	/* The ring holds fewer bytes than a call may take: one copy suffices. */
	n = hv_console_input_peek(chunk, len < sizeof(chunk) ? (size_t)len : sizeof(chunk));
	if (n == 0) {
		return 0;
	}
	rc = hv_guest_copy_to(v, args[0], chunk, n);
	if (rc != 0) {
		return rc;
	}
	hv_console_input_consume(n);
	return (int64_t)n;
}
