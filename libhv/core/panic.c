/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The end of the road for hypervisor bugs and fatal boot errors. A guest can
 * never get here: guest input produces error codes or crashes that guest.
 * The "hv: panic:" line is the last thing printed, so that boot tests can
 * recognise it; a panic inside a panic powers off without printing again.
 */
#include <hv/log.h>
#include <hv/port.h>

static bool panicking;

_Noreturn void hv_panic(const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	hv_port_irq_disable();
	if (!panicking) {
		panicking = true;
		va_start(ap, fmt);
		hv_vsnprintf(msg, sizeof(msg), fmt, ap);
		va_end(ap);
		hv_printf("hv: panic: %s\n", msg);
		hv_printf("hv: verdict: FAIL\n");
	}
	hv_port_power_off(HV_VERDICT_FAIL);
}
