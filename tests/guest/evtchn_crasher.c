/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The event-channel test's crasher (see evtchn.h): binds to the witness's
 * offer and crashes with the channel open (no handler for #UD). The
 * witness must see its port disconnected; the hypervisor must name the
 * crash. It prints no verdict: a verdict would mean it did not crash.
 */
#include "evtchn.h"

int main(const struct hv_start_info *si)
{
	(void)si;
	if (tg_bind_when_offered(DOM_WITNESS, PORT_TO_CRASHER) < 0) {
		hvg_puts("crasher: could not bind\n");
		hvg_test_verdict(HVG_ERROR);
	}
	__asm__ volatile("ud2");
	hvg_puts("crasher: survived ud2\n");
	hvg_test_verdict(HVG_FAILURE);
	return 0;
}
