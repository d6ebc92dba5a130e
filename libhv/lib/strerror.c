/* SPDX-License-Identifier: Apache-2.0 */
/* Names of the HV_E* codes, so that console messages need no lookup table. */
#include <hv/abi/errno.h>
#include <hv/log.h>

struct error_name {
	int code;
	const char *text;
};

static const struct error_name names[] = {
        {0, "success"},
        {HV_EPERM, "HV_EPERM (not permitted)"},
        {HV_ENOENT, "HV_ENOENT (no such object)"},
        {HV_EIO, "HV_EIO (input/output error)"},
        {HV_E2BIG, "HV_E2BIG (too large)"},
        {HV_ENOEXEC, "HV_ENOEXEC (not a valid image)"},
        {HV_EAGAIN, "HV_EAGAIN (try again)"},
        {HV_ENOMEM, "HV_ENOMEM (out of memory or over the reservation)"},
        {HV_EFAULT, "HV_EFAULT (bad address)"},
        {HV_EBUSY, "HV_EBUSY (object is in use)"},
        {HV_EEXIST, "HV_EEXIST (already exists)"},
        {HV_EINVAL, "HV_EINVAL (invalid argument)"},
        {HV_ENOSPC, "HV_ENOSPC (table full)"},
        {HV_ERANGE, "HV_ERANGE (out of range)"},
        {HV_ENOSYS, "HV_ENOSYS (not supported)"},
        {HV_EPROTO, "HV_EPROTO (protocol violated by a peer)"},
        {HV_ENOTCONN, "HV_ENOTCONN (not connected)"},
        {HV_EALREADY, "HV_EALREADY (already done)"},
};

const char *hv_strerror(int err)
{
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (names[i].code == -err) {
			return names[i].text;
		}
	}
	return "unknown error";
}
