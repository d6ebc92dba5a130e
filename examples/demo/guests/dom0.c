/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Domain 0 of the demo: the appliance's manager, built with dom0-kit and
 * libhvctl. The appliance boots only this domain; the guests' images are
 * boot modules marked "image" ("counter", "crasher"), from which domain 0
 * creates domains at run time. It walks through a domain's life cycle:
 *
 *   create "guest" (32 MiB) and "logger" (4 MiB) from "counter", and
 *     "crasher" with the crash policy "restart"; start them;
 *   list the domains with their CPU time;
 *   pause "logger" (its CPU time stands still), then resume it;
 *   destroy "guest" before it is done;
 *   wait for "logger" to finish and for the crasher to have been
 *     restarted (three times in a row, then destroyed by the policy);
 *   show what "logger" printed, read back from its console ring;
 *   list again, and power off: the run passes when domain 0 powers off.
 *
 * Any step that fails ends domain 0 with an error, and the verdict fails.
 */
#include <hv/ctl.h>
#include <hv/guest/guest.h>
#include <hv/log.h>

#define MAX_DOMAINS 16

struct child {
	const char *name;
	const char *image;
	uint64_t mem_size;
	uint32_t on_crash;
	int id;
};

static struct child children[] = {
        {"guest", "counter", 32ull << 20, HV_DOMCTL_CRASH_DESTROY, -1},
        {"logger", "counter", 4ull << 20, HV_DOMCTL_CRASH_DESTROY, -1},
        {"crasher", "crasher", 4ull << 20, HV_DOMCTL_CRASH_RESTART, -1},
};

#define GUEST   (&children[0])
#define LOGGER  (&children[1])
#define CRASHER (&children[2])

static bool failed(const char *what, int rc)
{
	if (rc >= 0) {
		return false;
	}
	hvg_printf("error: %s: %s\n", what, hv_strerror(rc));
	return true;
}

static void list_domains(void)
{
	struct hv_domctl_info info[MAX_DOMAINS];
	int n = hvctl_domain_list(info, MAX_DOMAINS);

	hvg_printf("  id  name      state     memory  cpu time  restarts\n");
	for (int i = 0; i < n && i < MAX_DOMAINS; i++) {
		hvg_printf("  %2u  %-8s  %-8s %5llu KiB %5llu ms  %u\n", info[i].domid,
		           info[i].name, hvctl_state_name(info[i].state),
		           (unsigned long long)info[i].frames * 4,
		           (unsigned long long)(info[i].cpu_time_ns / HVG_MS), info[i].restarts);
	}
}

static struct hv_domctl_info info_of(const struct child *c)
{
	struct hv_domctl_info info = {.state = HV_DOMCTL_STATE_NONE};

	hvctl_domain_info((uint16_t)c->id, &info);
	return info;
}

/* Waits up to 5 s for a child to reach a state; false if it does not. */
static bool wait_for(const struct child *c, uint32_t state)
{
	uint64_t deadline = hvg_time_ns() + 5 * HVG_S;

	while (info_of(c).state != state && hvg_time_ns() < deadline) {
		hvg_sleep_ns(10 * HVG_MS);
	}
	return info_of(c).state == state;
}

static bool create_all(void)
{
	for (size_t i = 0; i < sizeof(children) / sizeof(children[0]); i++) {
		struct child *c = &children[i];
		struct hvctl_create req = {.image = c->image,
		                           .name = c->name,
		                           .mem_size = c->mem_size,
		                           .on_crash = c->on_crash};

		c->id = hvctl_domain_create(&req);
		if (failed(c->name, c->id)) {
			return false;
		}
		hvg_printf("created domain %d '%s' from image '%s' (%llu MiB)%s\n", c->id, c->name,
		           c->image, (unsigned long long)(c->mem_size >> 20),
		           c->on_crash == HV_DOMCTL_CRASH_RESTART ? ", restarted if it crashes"
		                                                  : "");
	}
	for (size_t i = 0; i < sizeof(children) / sizeof(children[0]); i++) {
		if (failed("unpause", hvctl_domain_unpause((uint16_t)children[i].id))) {
			return false;
		}
	}
	return true;
}

static bool pause_and_resume(struct child *c)
{
	uint64_t before;

	if (failed("pause", hvctl_domain_pause((uint16_t)c->id))) {
		return false;
	}
	before = info_of(c).cpu_time_ns;
	hvg_sleep_ns(100 * HVG_MS);
	hvg_printf("paused '%s' for 100 ms: its CPU time stayed at %llu ms\n", c->name,
	           (unsigned long long)(info_of(c).cpu_time_ns / HVG_MS));
	if (info_of(c).cpu_time_ns != before) {
		hvg_printf("error: '%s' ran while paused\n", c->name);
		return false;
	}
	return !failed("unpause", hvctl_domain_unpause((uint16_t)c->id));
}

/* Prints the last 'lines' lines a domain wrote, from the hypervisor's console ring. */
static void show_console(const struct child *c, int lines)
{
	static char buf[4096 + 1];
	uint64_t pos = 0;
	int n = hvctl_console_read((uint16_t)c->id, &pos, buf, sizeof(buf) - 1, NULL);
	int start;

	if (failed("console", n)) {
		return;
	}
	buf[n] = '\0';
	/* Back from the end over 'lines' line breaks (the last byte is one). */
	for (start = n - 1; start > 0 && lines >= 0; start--) {
		lines -= buf[start - 1] == '\n';
	}
	hvg_printf("the last lines '%s' wrote, read back from its console:\n%s", c->name,
	           buf + (start > 0 ? start + 1 : 0));
}

int main(const struct hv_start_info *si)
{
	if (hvg_trap_init() != 0) {
		return 1;
	}
	hvg_printf("domain %u '%s' up: ABI %u.%u, %llu KiB free, control domain\n", si->domid,
	           si->name, si->abi_version >> 16, si->abi_version & 0xffff,
	           (unsigned long long)(si->mem_size >> 10));
	if (!create_all()) {
		return 1;
	}
	hvg_sleep_ns(120 * HVG_MS);
	hvg_printf("the domains after 120 ms:\n");
	list_domains();
	if (!pause_and_resume(LOGGER)) {
		return 1;
	}
	if (failed("destroy", hvctl_domain_destroy((uint16_t)GUEST->id)) ||
	    !wait_for(GUEST, HV_DOMCTL_STATE_DEAD)) {
		return 1;
	}
	hvg_printf("destroyed '%s' before it was done; its memory is back\n", GUEST->name);
	if (!wait_for(LOGGER, HV_DOMCTL_STATE_DEAD) || !wait_for(CRASHER, HV_DOMCTL_STATE_DEAD)) {
		hvg_printf("error: the guests did not end\n");
		return 1;
	}
	hvg_printf("'%s' crashed and was restarted %u times by its policy, then destroyed\n",
	           CRASHER->name, info_of(CRASHER).restarts);
	show_console(LOGGER, 2);
	hvg_printf("the domains at the end:\n");
	list_domains();
	hvg_printf("powering off\n");
	return 0;
}
