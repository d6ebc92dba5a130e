/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Guest-side benchmarks, meant for QEMU's -icount shift=0, where the TSC
 * advances once per instruction executed by anyone (guest, hypervisor,
 * other domains): each figure is an exact, repeatable instruction count.
 * The domain named "bench" measures and prints one line per figure,
 *
 *   bench: <name> <value> instructions
 *
 * (the hypervisor adds the "bench: " prefix); the domain named "peer" first
 * only yields, so that "bench" has someone to switch to, and then is the
 * other end of the inter-domain figures.
 *
 *   null_hypercall_instr        one HV_HC_VERSION, the cheapest hypercall
 *   event_self_instr            sending an event to oneself until its handler has run
 *   trap_bounce_instr           a ud2 bounced to the guest's handler and back
 *   yield_alone_instr           HV_HC_YIELD with no other domain runnable
 *   domain_switch_instr         half a round trip of yields between two domains:
 *                               one hypercall, one switch and the return
 *   evtchn_ping_pong_instr      a round trip of events between two domains: bench
 *                               sends and blocks, the peer's handler answers, both
 *                               switches and upcalls included
 *   ring_ping_pong_instr        the same with a 64-byte message each way through
 *                               the dom0-kit ring helper (hvg_ring_send/recv)
 *   memcpy_4k_instr             one 4 KiB memcpy() (the runtime's: hv_memcpy) in
 *                               one domain, and memcpy_bytes_per_kinstr from it
 *   ring_msg_4k_instr           one 4 KiB message from bench to the peer through
 *                               a ring of 64 page-sized slots, everything
 *                               included: written in place by bench, published
 *                               by batch with one notification, copied out once
 *                               (checked) by the peer, answered empty, and
 *                               reaped by bench, switches and events included
 *   ring_copy_bytes_per_kinstr  bytes delivered through the ring per 1000
 *                               instructions
 *   ring_vs_memcpy_ratio        ring throughput over memcpy throughput (at
 *                               best 1: the ring makes exactly one copy)
 *   domain_create_instr         HV_DOMCTL_CREATE of a 16 MiB domain from a boot
 *                               module (bench is the control domain)
 *   domain_destroy_instr        destroying it until it is DEAD: the teardown and
 *                               the scrubbing of its memory, with the polls
 *
 * Rendezvous: bench offers an event port (its first free one, BENCH_PORT)
 * and then a ring (connection reference HVG_RING_FIRST_CONN_REF) to the
 * peer before it measures anything; the peer takes them once it has done
 * its yields, while bench sleeps.
 */
#include <hv/ctl.h>
#include <hv/guest/guest.h>
#include <hv/guest/test.h>

#include "probes.h"

#define ROUNDS 1000u
/* The peer yields this often: enough to outlast the measured rounds. */
#define PEER_YIELDS (3 * ROUNDS)

/* The two domains, in the order the appliance builds them. */
#define BENCH_DOM 0
#define PEER_DOM  1
/* Bench's event port for the ping-pong: its first free port. */
#define BENCH_PORT HV_VIRQ_COUNT
/* Round trips: a few to warm up, then the measured ones. */
#define WARM_UP 10u
#define PINGS   (WARM_UP + ROUNDS)
/* The ring of the throughput figures: 65 pages, 64 slots of 4 KiB. */
#define RING_PAGES    65u
#define MSG_SIZE      4096u
#define SMALL_MSG     64u
#define MESSAGES      4096u /* 16 MiB */
#define PEER_PATIENCE (30 * HVG_S)

/* The header of a message of the ring figures, written in place. */
struct bench_msg {
	uint32_t op;  /* OP_* */
	uint32_t seq; /* sequence number within the phase */
};

#define OP_PING 1
#define OP_DATA 2
#define OP_END  3

static struct hvg_ring ring;
static uint8_t copy_src[MSG_SIZE];
static uint8_t copy_dst[MSG_SIZE];
/* Read at run time, so that memcpy() is the runtime's out-of-line one, as in the ring. */
static volatile size_t copy_size = MSG_SIZE;
static volatile uint64_t pongs;
static volatile uint64_t pings;

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

static void on_pong(uint32_t port, void *arg)
{
	(void)port;
	(void)arg;
	pongs++;
}

/* The peer's ping handler: answers at once, from the upcall. */
static void answer(uint32_t port, void *arg)
{
	(void)arg;
	pings++;
	hvg_event_send(port);
}

/* Waits, events masked between the check and the block, until *count reaches n. */
static bool wait_count(volatile uint64_t *count, uint64_t n, uint64_t deadline)
{
	while (*count < n) {
		bool masked = hvg_events_disable();

		if (*count < n) {
			if (hvg_time_ns() >= deadline) {
				hvg_events_enable();
				return false;
			}
			hvg_block(deadline);
		}
		if (!masked) {
			hvg_events_enable();
		}
	}
	return true;
}

/*
 * The peer's half of the inter-domain figures: bind the ping port, take
 * the ring, answer the pings, the ring pings, then take 4 KiB messages
 * (one checked copy each, answered empty) until the end message.
 */
static int peer_ipc(void)
{
	static uint8_t buf[MSG_SIZE];
	uint64_t deadline = hvg_time_ns() + PEER_PATIENCE;
	struct bench_msg *m = (struct bench_msg *)buf;
	uint32_t seq = 0;
	bool masked;
	int port;
	int rc;

	if (hvg_trap_init() != 0) {
		return 1;
	}
	masked = hvg_events_disable();
	while ((port = hvg_evtchn_bind_interdomain(BENCH_DOM, BENCH_PORT)) == -HV_EBUSY &&
	       hvg_time_ns() < deadline) {
		hvg_sleep_ns(HVG_MS);
	}
	if (port >= 0) {
		hvg_on_event((uint32_t)port, answer, NULL);
	}
	if (!masked) {
		hvg_events_enable();
	}
	if (port < 0 || hvg_ring_accept(&ring, BENCH_DOM, HVG_RING_FIRST_CONN_REF, deadline) != 0) {
		hvg_printf("peer: no connection (%d)\n", port);
		return 1;
	}
	if (!wait_count(&pings, PINGS, deadline)) {
		hvg_printf("peer: %llu pings of %u\n", (unsigned long long)pings, PINGS);
		return 1;
	}
	for (unsigned int i = 0; i < PINGS; i++) {
		rc = hvg_ring_recv(&ring, buf, SMALL_MSG, deadline);
		if (rc == 0 && m->op == OP_PING) {
			rc = hvg_ring_send(&ring, buf, SMALL_MSG);
		}
		if (rc != 0) {
			hvg_printf("peer: ring ping %u: %d\n", i, rc);
			return 1;
		}
	}
	for (;;) {
		rc = hvg_ring_recv(&ring, buf, MSG_SIZE, deadline);
		if (rc != 0 || m->op == OP_END) {
			break;
		}
		if (m->op != OP_DATA || m->seq != seq || buf[MSG_SIZE - 1] != (uint8_t)seq) {
			hvg_printf("peer: message %u came as %u/%u\n", seq, m->op, m->seq);
			return 1;
		}
		seq++;
		/* An empty answer, published by batch when the receive finds nothing. */
		rc = hvg_ring_commit(&ring);
		if (rc != 0) {
			break;
		}
	}
	if (rc != 0 || seq != MESSAGES || hvg_ring_send(&ring, NULL, 0) != 0) {
		hvg_printf("peer: %u messages of %u: %d\n", seq, MESSAGES, rc);
		return 1;
	}
	/* Bench closes the ring: wait for that, then close this end. */
	rc = hvg_ring_recv(&ring, NULL, 0, deadline);
	return rc == -HV_ENOTCONN && hvg_ring_close(&ring) == 0 ? 0 : 1;
}

static int peer(void)
{
	for (unsigned int i = 0; i < PEER_YIELDS; i++) {
		hvg_yield();
	}
	return peer_ipc();
}

/* Offers the ping port and the ring to the peer, before anything is measured. */
static int offer_ipc(void)
{
	int port;

	if (hvg_grant_init(1) != 0) {
		return -1;
	}
	port = hvg_evtchn_alloc_unbound(PEER_DOM);
	if (port != BENCH_PORT) {
		return -1;
	}
	hvg_on_event(BENCH_PORT, on_pong, NULL);
	return hvg_ring_offer(&ring, PEER_DOM, RING_PAGES, MSG_SIZE) == HVG_RING_FIRST_CONN_REF
	               ? 0
	               : -1;
}

/* Prints a ratio with three decimals: num / den. */
static void report_ratio(const char *name, uint64_t num, uint64_t den)
{
	uint64_t milli = num * 1000 / den;

	hvg_printf("%s %llu.%03llu ratio\n", name, (unsigned long long)(milli / 1000),
	           (unsigned long long)(milli % 1000));
}

/* The inter-domain figures; false (after saying why) if the peer failed. */
static bool measure_ipc(void)
{
	uint64_t deadline = hvg_time_ns() + PEER_PATIENCE;
	uint8_t small[SMALL_MSG] = {0};
	struct bench_msg *m = (struct bench_msg *)small;
	uint64_t start = 0;
	uint64_t memcpy_total;
	uint64_t ring_total;
	uint32_t sent = 0;
	uint32_t done = 0;
	int rc = 0;

	/* The peer is bound once its bind raised our port (during the sleep before). */
	if (!wait_count(&pongs, 1, deadline) || hvg_ring_wait_peer(&ring, deadline) != 0) {
		hvg_puts("bench: the peer did not connect\n");
		return false;
	}
	pongs = 0;
	for (unsigned int i = 0; i < PINGS; i++) {
		if (i == WARM_UP) {
			start = hvg_rdtsc();
		}
		hvg_event_send(BENCH_PORT);
		if (!wait_count(&pongs, i + 1, deadline)) {
			hvg_puts("bench: no pong\n");
			return false;
		}
	}
	report("evtchn_ping_pong_instr", hvg_rdtsc() - start, ROUNDS);

	for (unsigned int i = 0; i < PINGS && rc == 0; i++) {
		if (i == WARM_UP) {
			start = hvg_rdtsc();
		}
		m->op = OP_PING;
		m->seq = i;
		rc = hvg_ring_send(&ring, small, SMALL_MSG);
		if (rc == 0) {
			rc = hvg_ring_recv(&ring, small, SMALL_MSG, deadline);
		}
		if (rc == 0 && (m->op != OP_PING || m->seq != i)) {
			rc = -HV_EPROTO;
		}
	}
	if (rc != 0) {
		hvg_printf("bench: ring ping: %d\n", rc);
		return false;
	}
	report("ring_ping_pong_instr", hvg_rdtsc() - start, ROUNDS);

	for (unsigned int i = 0; i < MSG_SIZE; i++) {
		copy_src[i] = (uint8_t)i;
	}
	start = hvg_rdtsc();
	for (unsigned int i = 0; i < MESSAGES; i++) {
		__builtin_memcpy(copy_dst, copy_src, copy_size);
		__asm__ volatile("" ::: "memory");
	}
	memcpy_total = hvg_rdtsc() - start;

	/*
	 * Bench writes each message in place (its header, and one payload byte
	 * the peer checks: the rest is the slot's persistent content), commits
	 * it, and when the ring is full waits for the answers, which publishes
	 * the batch with one notification. The peer copies each message out
	 * once and answers it empty; the answers come back by batch too.
	 */
	start = hvg_rdtsc();
	while (done < MESSAGES && rc == 0) {
		void *slot;

		while (sent < MESSAGES && hvg_ring_reserve(&ring, &slot) == 0) {
			struct bench_msg *msg = slot;

			msg->op = OP_DATA;
			msg->seq = sent;
			((uint8_t *)slot)[MSG_SIZE - 1] = (uint8_t)sent;
			hvg_ring_commit(&ring);
			sent++;
		}
		rc = hvg_ring_recv(&ring, NULL, 0, deadline);
		if (rc == 0) {
			done++;
		}
		while (rc == 0 && done < sent &&
		       hvg_ring_recv(&ring, NULL, 0, HVG_RING_NO_WAIT) == 0) {
			done++;
		}
	}
	ring_total = hvg_rdtsc() - start;
	m->op = OP_END;
	if (rc == 0) {
		rc = hvg_ring_send(&ring, small, sizeof(*m));
	}
	if (rc == 0) {
		rc = hvg_ring_recv(&ring, NULL, 0, deadline);
	}
	if (rc != 0) {
		hvg_printf("bench: ring throughput: %d after %u messages\n", rc, done);
		return false;
	}
	report("memcpy_4k_instr", memcpy_total, MESSAGES);
	report("ring_msg_4k_instr", ring_total, MESSAGES);
	hvg_printf("memcpy_bytes_per_kinstr %llu bytes/kinstr\n",
	           (unsigned long long)((uint64_t)MESSAGES * MSG_SIZE * 1000 / memcpy_total));
	hvg_printf("ring_copy_bytes_per_kinstr %llu bytes/kinstr\n",
	           (unsigned long long)((uint64_t)MESSAGES * MSG_SIZE * 1000 / ring_total));
	report_ratio("ring_vs_memcpy_ratio", memcpy_total, ring_total);
	return hvg_ring_close(&ring) == 0;
}

/*
 * Creating and destroying a 16 MiB domain from the boot module "child"
 * (an image, see tests/guest/CMakeLists.txt). Create is one hypercall:
 * checks, reservation and the build. Destroy ends the domain in the call
 * and gives its memory back (scrubbed) in bounded steps, one per turn of
 * the run loop: this domain polls the state until DEAD, and each poll is
 * such a turn, so the figure is the whole teardown plus the polls.
 */
static bool measure_domains(void)
{
	struct hvctl_create req = {.image = "child",
	                           .name = "bench-child",
	                           .mem_size = 16ull << 20,
	                           .cmdline = "mode=idle"};
	struct hv_domctl_info info = {.state = 0};
	uint64_t start = hvg_rdtsc();
	int id = hvctl_domain_create(&req);
	uint64_t created = hvg_rdtsc() - start;

	if (id < 0) {
		hvg_printf("bench: cannot create a domain: %d\n", id);
		return false;
	}
	start = hvg_rdtsc();
	if (hvctl_domain_destroy((uint16_t)id) != 0) {
		return false;
	}
	while (hvctl_domain_info((uint16_t)id, &info) == 0 && info.state != HV_DOMCTL_STATE_DEAD) {
	}
	report("domain_create_instr", created, 1);
	report("domain_destroy_instr", hvg_rdtsc() - start, 1);
	return info.state == HV_DOMCTL_STATE_DEAD;
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
	if (offer_ipc() != 0) {
		hvg_puts("bench: cannot offer the port and the ring\n");
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
	return measure_ipc() && measure_domains() ? 0 : 1;
}
