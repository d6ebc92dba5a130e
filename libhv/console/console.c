/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Domain consoles (see console/console.h). Each domain's partial line lives
 * in its struct hv_domain; a finished line is formatted with the domain's
 * name into one buffer and written with one hv_port_console_write(), the
 * same way hv_log() writes, so no two lines ever mix. Each finished line
 * also goes, without the name, into the domain's console ring, where the
 * control domain reads it (hv_console_read()); the oldest bytes go first.
 */
#include <hv/abi/errno.h>
#include <hv/port.h>

#include "console/console.h"
#include "domain/domain.h"
#include "lib/string.h"

/* Writes "<name>: <line>\n" (just "<name>:\n" for an empty line) in one write. */
/* Appends to d's console ring, overwriting its oldest bytes. */
static void ring_put(struct hv_domain *d, const char *buf, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		d->console_ring[(d->console_written + i) % HV_CONSOLE_RING_SIZE] = buf[i];
	}
	d->console_written += len;
}

static void emit(struct hv_domain *d)
{
	char out[HV_NAME_MAX + 2 + HV_CONSOLE_LINE_MAX + 1];
	size_t n = hv_strnlen(d->name, HV_NAME_MAX);

	hv_memcpy(out, d->name, n);
	out[n++] = ':';
	if (d->console_len > 0) {
		out[n++] = ' ';
		hv_memcpy(out + n, d->console_line, d->console_len);
		n += d->console_len;
	}
	out[n++] = '\n';
	hv_port_console_write(out, n);
	ring_put(d, d->console_line, d->console_len);
	ring_put(d, "\n", 1);
	d->console_len = 0;
}

void hv_console_flush(struct hv_domain *d)
{
	if (d->console_len > 0) {
		emit(d);
	}
}

void hv_console_put(struct hv_domain *d, const char *buf, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		char c = buf[i];

		if (c == '\n') {
			emit(d);
			continue;
		}
		if (c == '\r') {
			continue;
		}
		if (c != '\t' && (c < 0x20 || c > 0x7e)) {
			c = '?';
		}
		d->console_line[d->console_len++] = c;
		if (d->console_len == HV_CONSOLE_LINE_MAX) {
			emit(d);
		}
	}
}

int hv_console_read(const struct hv_domain *d, uint64_t *pos, char *buf, size_t len,
                    uint64_t *dropped)
{
	uint64_t oldest = d->console_written > HV_CONSOLE_RING_SIZE
	                          ? d->console_written - HV_CONSOLE_RING_SIZE
	                          : 0;
	uint64_t from = *pos;
	size_t n;

	if (from > d->console_written) {
		return -HV_EINVAL;
	}
	if (from < oldest) {
		from = oldest;
	}
	*dropped = from - *pos;
	n = d->console_written - from < len ? (size_t)(d->console_written - from) : len;
	for (size_t i = 0; i < n; i++) {
		buf[i] = d->console_ring[(from + i) % HV_CONSOLE_RING_SIZE];
	}
	*pos = from + n;
	return (int)n;
}
