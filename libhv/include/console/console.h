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
#include <stdint.h>

struct hv_domain;

/* Adds bytes (already in hypervisor memory) to d's console. */
void hv_console_put(struct hv_domain *d, const char *buf, size_t len);

/* Writes out d's partial line, if any. */
void hv_console_flush(struct hv_domain *d);

/*
 * Reads d's console ring from output position *pos (bytes since the
 * domain was built): up to 'len' bytes into buf, *pos advanced past them.
 * Bytes already overwritten are skipped and counted in *dropped. Returns
 * the count (0: nothing new), or -HV_EINVAL for a position not yet written.
 */
int hv_console_read(const struct hv_domain *d, uint64_t *pos, char *buf, size_t len,
                    uint64_t *dropped);

/*
 * Console input (console/input.c): one ring of HV_CONSOLE_INPUT_SIZE bytes
 * for the whole machine, filled from the port by hv_console_input_poll()
 * and emptied by the control domain's console_read. When it is full, the
 * oldest byte is dropped and counted.
 */
#define HV_CONSOLE_INPUT_SIZE 4096u
/* Bytes hv_console_input_poll() takes from the port at most per call. */
#define HV_CONSOLE_INPUT_POLL_MAX 64u

/* Empties the ring and zeroes the drop counter. */
void hv_console_input_reset(void);

/*
 * Moves waiting bytes from the port into the ring (at most
 * HV_CONSOLE_INPUT_POLL_MAX) and, if any came, raises HV_VIRQ_CONSOLE in
 * the control domain if it is alive. Returns the number of bytes taken.
 */
size_t hv_console_input_poll(void);

/* Bytes waiting in the ring. */
size_t hv_console_input_count(void);

/* Bytes dropped because the ring was full, since the last reset. */
uint64_t hv_console_input_dropped(void);

/*
 * Copies up to 'len' waiting bytes to 'out' without taking them; returns
 * the count. hv_console_input_consume() then takes the first 'n'.
 */
size_t hv_console_input_peek(char *out, size_t len);
void hv_console_input_consume(size_t n);

#endif /* HV_CONSOLE_CONSOLE_H */
