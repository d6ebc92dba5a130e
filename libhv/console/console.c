/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Domain consoles (see console/console.h). Each domain's partial line lives
 * in its struct hv_domain; a finished line is formatted with the domain's
 * name into one buffer and written with one hv_port_console_write(), the
 * same way hv_log() writes, so no two lines ever mix.
 */
#include <hv/port.h>

#include "console/console.h"
#include "domain/domain.h"
#include "lib/string.h"

/* Writes "<name>: <line>\n" (just "<name>:\n" for an empty line) in one write. */
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
