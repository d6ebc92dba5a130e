/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Guest-side benchmarks, meant for QEMU's -icount shift=0, where the TSC
 * advances once per instruction executed by anyone (guest, hypervisor,
 * other domains): each figure is an exact, repeatable instruction count.
 * The domain named "bench" measures and prints one line per figure,
 *
 *   bench: <name> <value> instructions
 *
 * (the hypervisor adds the "bench: " prefix); the domain named "peer" only
 * yields, so that "bench" has someone to switch to.
 *
 *   null_hypercall_instr   one HV_HC_VERSION, the cheapest hypercall
 *   event_self_instr       sending an event to oneself until its handler has run
 *   trap_bounce_instr      a ud2 bounced to the guest's handler and back
 *   yield_alone_instr      HV_HC_YIELD with no other domain runnable
 *   domain_switch_instr    half a round trip of yields between two domains:
 *                          one hypercall, one switch and the return
 */
#include <hv/guest/guest.h>
#include <hv/guest/test.h>

#include "probes.h"

#define ROUNDS 1000u
/* The peer yields this often: enough to outlast the measured rounds. */
#define PEER_YIELDS (3 * ROUNDS)

static volatile bool event_seen;

static void on_event(uint32_t port, void *arg)
{
	(void)port;
	(void)arg;
	event_seen = true;
}

static bool skip_ud2(struct hvg_trap_ctx *ctx)
{
	ctx->frame.rip += 2;
	return true;
}

static void report(const char *name, uint64_t total, uint64_t count)
{
	hvg_printf("%s %llu instructions\n", name, (unsigned long long)(total / count));
}

static uint64_t yields(unsigned int n)
{
	uint64_t start = hvg_rdtsc();

	for (unsigned int i = 0; i < n; i++) {
		hvg_yield();
	}
	return hvg_rdtsc() - start;
}

static int peer(void)
{
	for (unsigned int i = 0; i < PEER_YIELDS; i++) {
		hvg_yield();
	}
	return 0;
}

int main(const struct hv_start_info *si)
{
	uint32_t port = hvg_virq_port(HV_VIRQ_TIMER);
	uint64_t start;
	uint64_t with_peer;
	uint64_t alone;

	if (si->name[0] == 'p') {
		return peer();
	}
	if (hvg_trap_init() != 0 || port >= HV_EVENT_PORTS) {
		hvg_puts("bench: no exception or event handling\n");
		return 1;
	}

	/* Yields first, while the peer is still yielding too. */
	yields(100);
	with_peer = yields(ROUNDS);

	start = hvg_rdtsc();
	for (unsigned int i = 0; i < ROUNDS; i++) {
		hvg_version();
	}
	report("null_hypercall_instr", hvg_rdtsc() - start, ROUNDS);

	hvg_on_event(port, on_event, NULL);
	start = hvg_rdtsc();
	for (unsigned int i = 0; i < ROUNDS; i++) {
		event_seen = false;
		hvg_event_send(port);
		while (!event_seen) {
			__asm__ volatile("pause");
		}
	}
	report("event_self_instr", hvg_rdtsc() - start, ROUNDS);
	hvg_on_event(port, NULL, NULL);

	hvg_on_trap(HVG_VEC_UD, skip_ud2);
	start = hvg_rdtsc();
	for (unsigned int i = 0; i < ROUNDS; i++) {
		tg_ud2();
	}
	report("trap_bounce_instr", hvg_rdtsc() - start, ROUNDS);
	hvg_on_trap(HVG_VEC_UD, NULL);

	/* Let the peer finish its yields, then yield alone. */
	hvg_sleep_ns(20 * HVG_MS);
	alone = yields(ROUNDS);
	report("yield_alone_instr", alone, ROUNDS);
	if (with_peer < alone + alone / 2) {
		hvg_printf("domain_switch: the peer did not seem to run (%llu vs %llu alone)\n",
		           (unsigned long long)with_peer, (unsigned long long)alone);
		return 1;
	}
	report("domain_switch_instr", with_peer, 2ull * ROUNDS);
	return 0;
}
