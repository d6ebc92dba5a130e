/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A domain the control domain creates at run time (see domctl.h). Its
 * command line says "mode=exit" (power off when told), "mode=stay" (wait
 * to be destroyed) or "mode=idle" (connect to nothing: wake every
 * millisecond until destroyed). It finds the event port and the grant the
 * control domain offered it by trying each (the others are refused: not
 * offered to it), connects, writes its magic into the granted page,
 * grants a page of its own, checks that the control interface refuses it,
 * and notifies.
 */
#include <hv/guest/guest.h>

#include "domctl.h"

static volatile uint64_t told;

static void on_event(uint32_t port, void *arg)
{
	(void)port;
	(void)arg;
	told++;
}

static bool mode_is(const char *mode)
{
	const char *c = hvg_start_info()->cmdline;

	for (; *c != '\0'; c++) {
		const char *m = mode;
		const char *p = c;

		while (*m != '\0' && *p == *m) {
			p++;
			m++;
		}
		if (*m == '\0') {
			return true;
		}
	}
	return false;
}

static int find_port(void)
{
	for (uint32_t p = 0; p < HV_EVENT_PORTS; p++) {
		int port;

		hvg_on_event(HV_VIRQ_COUNT, on_event, NULL); /* its first free port */
		port = hvg_evtchn_bind_interdomain(0, p);
		if (port >= 0) {
			hvg_on_event((uint32_t)port, on_event, NULL);
			return port;
		}
	}
	return -HV_ENOENT;
}

static volatile uint64_t *find_grant(void)
{
	for (uint32_t ref = 0; ref < HV_GRANT_ENTRIES_PER_PAGE; ref++) {
		void *page;

		if (hvg_grant_map(0, ref, false, &page) >= 0) {
			return page;
		}
	}
	return NULL;
}

int main(const struct hv_start_info *si)
{
	struct hv_domctl_counters c;
	volatile uint64_t *shared;
	uint64_t *mine;
	uint64_t checks = CHILD_CHECKS_OK;
	int port;

	if (hvg_trap_init() != 0) {
		return 1;
	}
	while (mode_is("mode=idle")) {
		hvg_spin_ns(HVG_MS / 4);
		hvg_sleep_ns(HVG_MS);
	}
	hvg_events_enable();
	port = find_port();
	shared = find_grant();
	mine = hvg_page_alloc();
	if (port < 0 || shared == NULL || mine == NULL || hvg_grant_init(1) != 0) {
		hvg_puts("child: could not connect\n");
		return 1;
	}
	mine[0] = GRANT_MAGIC + si->domid;
	if (hvg_grant_access(0, mine, true) != 0) {
		checks = 0;
	}
	/* Not the control domain: refused before the pointer is looked at. */
	if (hvg_hypercall2(HV_HC_DOMCTL, HV_DOMCTL_COUNTERS, (uint64_t)(uintptr_t)&c) !=
	            -HV_EPERM ||
	    hvg_hypercall2(HV_HC_DOMCTL, HV_DOMCTL_DESTROY, 0) != -HV_EPERM) {
		checks = 0;
	}
	shared[1] = checks;
	shared[0] = CHILD_MAGIC + si->domid;
	hvg_event_send((uint32_t)port);
	/* The event may come before the block: check, and never block for long. */
	while (told == 0 || !mode_is("mode=exit")) {
		hvg_block(hvg_time_ns() + HVG_MS);
	}
	return 0;
}
