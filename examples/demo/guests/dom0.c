/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Domain 0 of the demo. The control hypercalls (create, destroy, pause,
 * inspect other domains) come later; for now domain 0 introduces itself,
 * then listens for HV_VIRQ_DOM_EXC, the event the hypervisor raises in the
 * control domain whenever another domain ends or crashes, and powers off
 * once the others are done. Events merge (two domains ending together may
 * raise one notification), so until domain 0 can ask the hypervisor which
 * domains are left (the control interface), it also stops after two
 * seconds, well after the counters' 0.7 s. The run passes when the control
 * domain powers off.
 */
#include <hv/guest/guest.h>

/* The demo's other domains: two counters and the crasher. */
#define OTHERS      3
#define PATIENCE_NS (2 * HVG_S)

static volatile unsigned int ended;

static void on_domain_ended(uint32_t port, void *arg)
{
	(void)port;
	(void)arg;
	/* One event may stand for several domains: events do not count. */
	ended++;
}

int main(const struct hv_start_info *si)
{
	uint64_t features = 0;
	uint64_t start;
	int rc;

	hvg_on_event(si->virq_port[HV_VIRQ_DOM_EXC], on_domain_ended, NULL);
	rc = hvg_trap_init();
	if (rc != 0) {
		hvg_printf("cannot set up exception handling: %d\n", rc);
		return 1;
	}
	hvg_features(&features);
	hvg_printf("domain %u '%s' up: ABI %u.%u, %llu KiB free, features %#llx%s\n", si->domid,
	           si->name, si->abi_version >> 16, si->abi_version & 0xffff,
	           (unsigned long long)(si->mem_size >> 10), (unsigned long long)features,
	           (si->flags & HV_START_F_CONTROL) ? ", control domain" : "");
	hvg_printf("waiting for the other domains (control hypercalls come later)\n");

	start = hvg_time_ns();
	while (hvg_time_ns() - start < PATIENCE_NS) {
		unsigned int seen = ended;

		hvg_sleep_ns(100 * HVG_MS);
		if (ended != seen) {
			hvg_printf("a domain ended (%u notifications so far)\n", ended);
		}
		/* Notifications can merge: after the last one, give stragglers a moment. */
		if (ended >= OTHERS) {
			break;
		}
	}
	hvg_printf("%llu ms of CPU time in %llu ms; powering off\n",
	           (unsigned long long)(hvg_run_time_ns() / HVG_MS),
	           (unsigned long long)((hvg_time_ns() - start) / HVG_MS));
	return 0;
}
