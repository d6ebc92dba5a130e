/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Console input (see console/console.h). The ring holds what the port's
 * console received and the control domain has not read yet; it belongs to
 * the machine, not to a domain, so input that arrives while no control
 * domain is alive waits there for the next one. The run loop fills it
 * when it handles an interrupt exit and when it idles, never on the
 * hypercall fast path; console_read empties it.
 *
 * Invariant: count <= HV_CONSOLE_INPUT_SIZE; the waiting bytes are
 * ring[head], ring[head + 1], ... (mod the size), oldest first. One CPU
 * runs the core, so nothing is locked.
 */
#include <hv/abi/shared.h>
#include <hv/port.h>

#include "console/console.h"
#include "domain/domain.h"
#include "event/event.h"

static char ring[HV_CONSOLE_INPUT_SIZE];
static size_t head;
static size_t count;
static uint64_t dropped;

void hv_console_input_reset(void)
{
	head = 0;
	count = 0;
	dropped = 0;
}

static void push(char c)
{
	if (count == HV_CONSOLE_INPUT_SIZE) {
		/* Full: the oldest byte makes room (a reader that does not keep up
		 * loses the past, not what is typed now). */
		head = (head + 1) % HV_CONSOLE_INPUT_SIZE;
		count--;
		dropped++;
	}
	ring[(head + count) % HV_CONSOLE_INPUT_SIZE] = c;
	count++;
}

size_t hv_console_input_poll(void)
{
	struct hv_domain *c;
	size_t got = 0;

	while (got < HV_CONSOLE_INPUT_POLL_MAX) {
		int byte = hv_port_console_read();

		if (byte < 0) {
			break;
		}
		push((char)(unsigned char)byte);
		got++;
	}
	if (got == 0) {
		return 0;
	}
	c = hv_domain_control();
	if (c != NULL && !hv_domain_ended(c) && c->state != HV_DOMAIN_CREATED) {
		hv_event_raise_virq(c, HV_VIRQ_CONSOLE);
	}
	return got;
}

size_t hv_console_input_count(void)
{
	return count;
}

uint64_t hv_console_input_dropped(void)
{
	return dropped;
}

size_t hv_console_input_peek(char *out, size_t len)
{
	size_t n = len < count ? len : count;

	for (size_t i = 0; i < n; i++) {
		out[i] = ring[(head + i) % HV_CONSOLE_INPUT_SIZE];
	}
	return n;
}

void hv_console_input_consume(size_t n)
{
	if (n > count) {
		n = count;
	}
	head = (head + n) % HV_CONSOLE_INPUT_SIZE;
	count -= n;
}
