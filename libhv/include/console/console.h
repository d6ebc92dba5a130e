/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Domain consoles. What a domain writes is assembled into lines, one
 * buffer per domain, and each line goes to the hypervisor console in one
 * write as "<domain-name>: <text>", so lines of different domains (and of
 * the hypervisor) never interleave. A line is written at its newline, when
 * the buffer is full (cut there), or when the domain ends. Bytes that are
 * neither printable ASCII nor a tab are shown as '?'; carriage returns are
 * dropped.
 */
#ifndef HV_CONSOLE_CONSOLE_H
#define HV_CONSOLE_CONSOLE_H

#include <stddef.h>

struct hv_domain;

/* Adds bytes (already in hypervisor memory) to d's console. */
void hv_console_put(struct hv_domain *d, const char *buf, size_t len);

/* Writes out d's partial line, if any. */
void hv_console_flush(struct hv_domain *d);

#endif /* HV_CONSOLE_CONSOLE_H */
