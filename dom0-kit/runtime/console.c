/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Console output. The formatter is libhv's hv_vsnprintf() (libhv/lib/printf.c,
 * compiled into this library), so that the guest and the hypervisor format
 * alike. Each hvg_printf() call is formatted on the stack and written with
 * as few hypercalls as possible, so that its line is not split by another
 * domain's output; nothing is buffered between calls, so output is never
 * lost when a domain crashes.
 */
#include <hv/log.h>
#include "lib/string.h"
#include "runtime.h"

int64_t hvg_console_write_all(const void *buf, size_t len)
{
	const char *p = buf;
	size_t done = 0;

	while (done < len) {
		int64_t n = hvg_console_write(p + done, len - done);

		if (n < 0) {
			return n;
		}
		/* A hypervisor that makes no progress would keep us here for ever. */
		if (n == 0 || (uint64_t)n > len - done) {
			return -HV_EIO;
		}
		done += (size_t)n;
	}
	return (int64_t)len;
}

int64_t hvg_puts(const char *s)
{
	return hvg_console_write_all(s, hv_strlen(s));
}

int hvg_vprintf(const char *fmt, va_list ap)
{
	char buf[HVG_PRINTF_MAX];
	int n = hv_vsnprintf(buf, sizeof(buf), fmt, ap);
	size_t len;
	int64_t rc;

	if (n < 0) {
		return -HV_EINVAL;
	}
	len = (size_t)n;
	if (len >= sizeof(buf)) {
		/* Cut, and say so: the line ends "...\n" within the buffer. */
		len = sizeof(buf) - 1;
		hv_memcpy(buf + len - 4, "...\n", 4);
	}
	rc = hvg_console_write_all(buf, len);
	return rc < 0 ? (int)rc : (int)len;
}

int hvg_printf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = hvg_vprintf(fmt, ap);
	va_end(ap);
	return n;
}

int hvg_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = hv_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
