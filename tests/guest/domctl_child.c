/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A domain the control domain creates at run time (see domctl.h). Its
 * command line says "mode=exit" (power off when told), "mode=stay" (wait
 * to be destroyed), "mode=idle" (connect to nothing: wake every
 * millisecond until destroyed), "mode=talk" (print 100 numbered lines,
 * then idle), "mode=crash" (crash at once) or "mode=link" (wait for a
 * channel domain 0 connects on its behalf, send on it, and idle). It finds the event port and the
 * grant the control domain offered it by trying each (the others are refused: not offered to it),
 * connects, writes its magic into the granted page, grants a page of its own, checks that the
 * control interface refuses it, and notifies.
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

/*
 * Waits (up to 3 s) for a channel domain 0 made on this domain's behalf:
 * a port raised whose status says interdomain; then notifies the other end.
 */
static void link_up(void)
{
	uint64_t deadline = hvg_time_ns() + 3000 * HVG_MS;

	hvg_events_disable();
	while (hvg_time_ns() < deadline) {
		for (uint32_t p = HV_VIRQ_COUNT; p < 16; p++) {
			struct hv_evtchn_status st;

			if (hvg_evtchn_status(p, &st) == 0 && st.state == HV_EVTCHN_INTERDOMAIN) {
				hvg_event_send(p);
				return;
			}
		}
		hvg_sleep_ns(HVG_MS);
	}
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
	if (mode_is("mode=crash")) {
		return 1;
	}
	for (int i = 0; mode_is("mode=talk") && i < 100; i++) {
		hvg_printf("line %02d of the child's console output, long enough to wrap\n", i);
	}
	if (mode_is("mode=link")) {
		link_up();
	}
	while (mode_is("mode=idle") || mode_is("mode=talk") || mode_is("mode=link")) {
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
	/*
	 * Not the control domain: every control operation is refused before
	 * an argument is looked at, with good arguments and with bad ones.
	 */
	for (uint64_t op = 0; op <= HV_DOMCTL_EVTCHN_CONNECT + 1; op++) {
		if (hvg_hypercall6(HV_HC_DOMCTL, op, 0, (uint64_t)(uintptr_t)&c, 0, 0, 0) !=
		            -HV_EPERM ||
		    hvg_hypercall6(HV_HC_DOMCTL, op, UINT64_MAX, 8, 8, 8, 8) != -HV_EPERM) {
			checks = 0;
		}
	}
	for (uint64_t op = 0; op <= HV_SCHED_OP_DOMAIN_POOL; op++) {
		if (hvg_hypercall6(HV_HC_SCHED_OP, op, 0, 8, 8, 8, 8) != -HV_EPERM) {
			checks = 0;
		}
	}
	if (hvg_console_read((char *)8, 1) != -HV_EPERM) {
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
