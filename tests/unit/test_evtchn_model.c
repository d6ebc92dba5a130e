/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Model-based tests of event channels (libhv/event/channel.c and event.c):
 * random sequences of event operations by five domains, made through the
 * hypercall dispatcher as a guest makes them, and ends of domains (closing
 * every port, power-off, crash under each crash policy, reboot, destruction
 * by the control domain (hv_domain_destroy()), and the domain built again
 * in its slot), checked after every operation against a reference model
 * kept here: arrays of port states per domain, the pending and mask bits,
 * the notification bits of vCPU 0, and the event counters.
 *
 * After every operation: the result equals the model's (the port, or the
 * error code <hv/abi/event.h> gives); every port table, VIRQ binding and
 * ports_used equals the model's; the two ends of every channel name each
 * other (read from the core's tables alone); the pending and mask bitmaps,
 * pending_sel and upcall_pending equal the model's, which sets a pending
 * bit when a port is raised (send, the close of a channel's other end, a
 * bind to an offered port, a domain's end telling the control domain) and
 * notifies only for a raise of a port not yet pending and not masked, or
 * an unmask of a pending one; events_sent and events_received equal the
 * model's. The seed is printed with any failure (see model_rng.h).
 *
 * Targeted tests: every port in use (1024), channels of a domain to itself,
 * and the end of a domain with channels to every other domain.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "domain_fixture.h"
#include "event/event.h"
#include "model_rng.h"

#define NDOM         5
#define PORTS        HV_EVENT_PORTS
#define WORDS        (PORTS / 64)
#define NO_PORT      HV_EVENT_PORTS
#define DOM_MEM      (1u << 20)
#define DEFAULT_SEED UINT64_C(0x5eed0001)
#define DEFAULT_RUNS 4
#define DEFAULT_OPS  2000

/* The model's view of a domain slot. */
enum life {
	LIFE_LIVE, /* built and started */
	LIFE_KEPT, /* crashed and kept */
	LIFE_DEAD, /* ended, memory freed */
};

struct mport {
	uint8_t state;
	uint8_t virq;
	uint16_t remote;
	uint16_t remote_port;
};

struct mdom {
	enum life life;
	bool dying; /* inside its own end: not live for anything it causes */
	bool control;
	enum hv_crash_policy on_crash;
	struct mport port[PORTS];
	uint32_t virq_port[HV_VIRQ_COUNT];
	uint32_t used;
	uint64_t pending[WORDS];
	uint64_t mask[WORDS];
	uint64_t pending_sel;
	bool upcall;
	uint64_t sent;
	uint64_t received;
	unsigned int streak; /* restarts in a row */
};

static const struct df_spec specs[NDOM] = {
        {"ctl", HV_CRASH_DESTROY, HV_DOMAIN_F_CONTROL},
        {"keep", HV_CRASH_KEEP, 0},
        {"again", HV_CRASH_RESTART, 0},
        {"gone", HV_CRASH_DESTROY, 0},
        {"more", HV_CRASH_DESTROY, 0},
};

static struct mdom m[NDOM];
static struct hv_domain *dom[NDOM];

/* --- The reference model --- */

static bool bit(const uint64_t *words, uint32_t p)
{
	return (words[p / 64] >> (p % 64)) & 1;
}

static void set_bit(uint64_t *words, uint32_t p, bool on)
{
	if (on) {
		words[p / 64] |= UINT64_C(1) << (p % 64);
	} else {
		words[p / 64] &= ~(UINT64_C(1) << (p % 64));
	}
}

static bool m_live(uint64_t id)
{
	return id < NDOM && m[id].life == LIFE_LIVE && !m[id].dying;
}

/* The error for a remote domain that is not live. */
static int m_bad_remote(uint64_t id)
{
	return id >= HV_CONFIG_MAX_DOMAINS ? -HV_EINVAL : -HV_ENOENT;
}

static void m_notify(struct mdom *d, uint32_t p)
{
	d->pending_sel |= UINT64_C(1) << (p / 64);
	d->upcall = true;
}

static int m_raise(unsigned int id, uint32_t p)
{
	struct mdom *d = &m[id];

	if (!m_live(id)) {
		return -HV_ENOENT;
	}
	d->received++;
	if (bit(d->pending, p)) {
		return 0;
	}
	set_bit(d->pending, p, true);
	if (!bit(d->mask, p)) {
		m_notify(d, p);
	}
	return 0;
}

static int m_take(unsigned int id, uint8_t state)
{
	struct mdom *d = &m[id];

	for (uint32_t p = 0; p < PORTS; p++) {
		if (d->port[p].state == HV_EVTCHN_FREE) {
			d->port[p] = (struct mport){.state = state};
			d->used++;
			set_bit(d->pending, p, false);
			set_bit(d->mask, p, false);
			return (int)p;
		}
	}
	return -HV_ENOSPC;
}

/* A domain built afresh: VIRQ n on port n, a zeroed shared-info page. */
static void m_build(unsigned int id)
{
	struct mdom *d = &m[id];

	memset(d->port, 0, sizeof(d->port));
	memset(d->pending, 0, sizeof(d->pending));
	memset(d->mask, 0, sizeof(d->mask));
	d->pending_sel = 0;
	d->upcall = false;
	d->used = 0;
	d->life = LIFE_LIVE;
	d->dying = false;
	for (uint32_t v = 0; v < HV_VIRQ_COUNT; v++) {
		int p = m_take(id, HV_EVTCHN_VIRQ);

		d->port[p].virq = (uint8_t)v;
		d->virq_port[v] = (uint32_t)p;
	}
}

static int m_alloc_unbound(unsigned int id, uint64_t remote)
{
	int p;

	if (!m_live(remote)) {
		return m_bad_remote(remote);
	}
	p = m_take(id, HV_EVTCHN_UNBOUND);
	if (p >= 0) {
		m[id].port[p].remote = (uint16_t)remote;
	}
	return p;
}

static int m_bind_interdomain(unsigned int id, uint64_t remote, uint64_t rport)
{
	struct mport *theirs;
	int p;

	if (!m_live(remote)) {
		return m_bad_remote(remote);
	}
	if (rport >= PORTS) {
		return -HV_EINVAL;
	}
	theirs = &m[remote].port[rport];
	if (theirs->state != HV_EVTCHN_UNBOUND) {
		return -HV_EBUSY;
	}
	if (theirs->remote != id) {
		return -HV_EPERM;
	}
	p = m_take(id, HV_EVTCHN_INTERDOMAIN);
	if (p < 0) {
		return p;
	}
	m[id].port[p].remote = (uint16_t)remote;
	m[id].port[p].remote_port = (uint16_t)rport;
	theirs->state = HV_EVTCHN_INTERDOMAIN;
	theirs->remote_port = (uint16_t)p;
	m_raise((unsigned int)remote, (uint32_t)rport);
	return p;
}

static int m_bind_virq(unsigned int id, uint64_t virq)
{
	int p;

	if (virq >= HV_VIRQ_COUNT) {
		return -HV_EINVAL;
	}
	if (m[id].virq_port[virq] != NO_PORT) {
		return -HV_EEXIST;
	}
	p = m_take(id, HV_EVTCHN_VIRQ);
	if (p >= 0) {
		m[id].port[p].virq = (uint8_t)virq;
		m[id].virq_port[virq] = (uint32_t)p;
	}
	return p;
}

static void m_close_port(unsigned int id, uint32_t p)
{
	struct mport *e = &m[id].port[p];

	if (e->state == HV_EVTCHN_VIRQ) {
		m[id].virq_port[e->virq] = NO_PORT;
	} else if (e->state == HV_EVTCHN_INTERDOMAIN) {
		struct mport *theirs = &m[e->remote].port[e->remote_port];

		theirs->state = HV_EVTCHN_DISCONNECTED;
		theirs->remote_port = 0;
		m_raise(e->remote, e->remote_port);
	}
	*e = (struct mport){.state = HV_EVTCHN_FREE};
	m[id].used--;
}

/* A port in use: 0, or the error for one out of range or free. */
static int m_used(unsigned int id, uint64_t p)
{
	if (p >= PORTS) {
		return -HV_EINVAL;
	}
	return m[id].port[p].state == HV_EVTCHN_FREE ? -HV_ENOENT : 0;
}

static int m_close(unsigned int id, uint64_t p)
{
	int rc = m_used(id, p);

	if (rc == 0) {
		m_close_port(id, (uint32_t)p);
	}
	return rc;
}

static void m_close_all(unsigned int id)
{
	for (uint32_t p = 0; p < PORTS; p++) {
		if (m[id].port[p].state != HV_EVTCHN_FREE) {
			m_close_port(id, p);
		}
	}
	for (uint32_t v = 0; v < HV_VIRQ_COUNT; v++) {
		m[id].virq_port[v] = NO_PORT;
	}
}

static int m_send(unsigned int id, uint64_t p)
{
	int rc = m_used(id, p);
	struct mport *e;

	if (rc != 0) {
		return rc;
	}
	e = &m[id].port[p];
	switch (e->state) {
	case HV_EVTCHN_VIRQ:
		m[id].sent++;
		return m_raise(id, (uint32_t)p);
	case HV_EVTCHN_INTERDOMAIN:
		m[id].sent++;
		return m_raise(e->remote, e->remote_port);
	default:
		return -HV_ENOTCONN;
	}
}

static int m_mask(unsigned int id, uint64_t p, bool on)
{
	if (p >= PORTS) {
		return -HV_EINVAL;
	}
	set_bit(m[id].mask, (uint32_t)p, on);
	if (!on && bit(m[id].pending, (uint32_t)p)) {
		m_notify(&m[id], (uint32_t)p);
	}
	return 0;
}

/* The control domain hears of another's end (domain.c: notify_control). */
static void m_notify_control(unsigned int id)
{
	for (unsigned int c = 0; c < NDOM; c++) {
		if (!m[c].control) {
			continue;
		}
		if (c != id && m_live(c) && m[c].virq_port[HV_VIRQ_DOM_EXC] != NO_PORT) {
			m_raise(c, m[c].virq_port[HV_VIRQ_DOM_EXC]);
		}
		return;
	}
}

static void m_destroy(unsigned int id)
{
	m[id].dying = true;
	m_close_all(id);
	m[id].dying = false;
	m[id].life = LIFE_DEAD;
	m_notify_control(id);
}

static void m_restart(unsigned int id)
{
	if (m[id].streak >= HV_DOMAIN_MAX_RESTARTS) {
		m_destroy(id);
		return;
	}
	m[id].dying = true;
	m_close_all(id);
	m[id].streak++;
	m_build(id);
	m_notify_control(id);
}

static void m_crash(unsigned int id)
{
	switch (m[id].on_crash) {
	case HV_CRASH_KEEP:
		m[id].dying = true;
		m_close_all(id);
		m[id].dying = false;
		m[id].life = LIFE_KEPT;
		m_notify_control(id);
		break;
	case HV_CRASH_RESTART:
		m_restart(id);
		break;
	case HV_CRASH_DESTROY:
	default:
		m_destroy(id);
		break;
	}
}

/* A domain built in the slot again: everything but its identity is new. */
static void m_recreate(unsigned int id)
{
	m[id].sent = 0;
	m[id].received = 0;
	m[id].streak = 0;
	m_build(id);
}

/* --- Checks: the core against the model --- */

static void check_domain(unsigned int id)
{
	const struct hv_domain *d = hv_domain_get((hv_domid_t)id);
	const struct mdom *md = &m[id];
	uint32_t used = 0;

	assert_non_null(d);
	switch (md->life) {
	case LIFE_LIVE:
		model_eq(!hv_domain_ended(d) && d->state != HV_DOMAIN_DYING, 1, "d%u live", id);
		break;
	case LIFE_KEPT:
		model_eq(d->state, HV_DOMAIN_CRASHED, "d%u state", id);
		break;
	case LIFE_DEAD:
		model_eq(d->state, HV_DOMAIN_DEAD, "d%u state", id);
		break;
	}
	for (uint32_t p = 0; p < PORTS; p++) {
		const struct hv_evtchn *e = &d->evtchn[p];
		const struct mport *me = &md->port[p];
		bool remote = me->state == HV_EVTCHN_UNBOUND ||
		              me->state == HV_EVTCHN_INTERDOMAIN ||
		              me->state == HV_EVTCHN_DISCONNECTED;

		if (e->state != me->state || (remote && e->remote != me->remote) ||
		    (me->state == HV_EVTCHN_INTERDOMAIN && e->remote_port != me->remote_port) ||
		    (me->state == HV_EVTCHN_VIRQ && e->virq != me->virq)) {
			model_fail("d%u port %u: state %u remote %u remote_port %u virq %u; model: "
			           "state %u remote %u remote_port %u virq %u",
			           id, p, e->state, e->remote, e->remote_port, e->virq, me->state,
			           me->remote, me->remote_port, me->virq);
		}
		used += e->state != HV_EVTCHN_FREE;
	}
	model_eq(d->ports_used, md->used, "d%u ports_used", id);
	model_eq(used, d->ports_used, "d%u ports in use, counted", id);
	for (uint32_t v = 0; v < HV_VIRQ_COUNT; v++) {
		model_eq(d->virq_port[v], md->virq_port[v], "d%u virq_port[%u]", id, v);
	}
	model_eq((long long)d->events_sent, (long long)md->sent, "d%u events_sent", id);
	model_eq((long long)d->events_received, (long long)md->received, "d%u events_received", id);
	if (md->life == LIFE_DEAD) {
		model_eq(d->shared == NULL, 1, "d%u shared-info page gone", id);
		return;
	}
	/* A live domain's page, or a kept one's as it was when it crashed. */
	for (uint32_t w = 0; w < WORDS; w++) {
		if (d->shared->evtchn_pending[w] != md->pending[w]) {
			model_fail("d%u evtchn_pending[%u]: core %#llx, model %#llx", id, w,
			           (unsigned long long)d->shared->evtchn_pending[w],
			           (unsigned long long)md->pending[w]);
		}
		if (d->shared->evtchn_mask[w] != md->mask[w]) {
			model_fail("d%u evtchn_mask[%u]: core %#llx, model %#llx", id, w,
			           (unsigned long long)d->shared->evtchn_mask[w],
			           (unsigned long long)md->mask[w]);
		}
	}
	model_eq((long long)d->shared->vcpu[0].pending_sel, (long long)md->pending_sel,
	         "d%u pending_sel", id);
	model_eq(d->shared->vcpu[0].upcall_pending, md->upcall, "d%u upcall_pending", id);
}

/* The invariants of channel.c, from the core's tables alone. */
static void check_pairs(void)
{
	for (unsigned int a = 0; a < NDOM; a++) {
		const struct hv_domain *d = hv_domain_get((hv_domid_t)a);

		for (uint32_t p = 0; p < PORTS; p++) {
			const struct hv_evtchn *e = &d->evtchn[p];
			const struct hv_domain *peer;
			const struct hv_evtchn *theirs;

			if (e->state == HV_EVTCHN_VIRQ &&
			    (e->virq >= HV_VIRQ_COUNT || d->virq_port[e->virq] != p)) {
				model_fail(
				        "d%u port %u is bound to VIRQ %u, which is not bound to it",
				        a, p, e->virq);
			}
			if (e->state != HV_EVTCHN_INTERDOMAIN) {
				continue;
			}
			peer = hv_domain_get(e->remote);
			if (peer == NULL || hv_domain_ended(peer)) {
				model_fail("d%u port %u is connected to d%u, which is not live", a,
				           p, e->remote);
			}
			theirs = &peer->evtchn[e->remote_port];
			if (theirs->state != HV_EVTCHN_INTERDOMAIN || theirs->remote != a ||
			    theirs->remote_port != p || (e->remote == a && e->remote_port == p)) {
				model_fail("d%u port %u names d%u port %u, which names d%u port %u "
				           "(state %u)",
				           a, p, e->remote, e->remote_port, theirs->remote,
				           theirs->remote_port, theirs->state);
			}
		}
		for (uint32_t v = 0; v < HV_VIRQ_COUNT; v++) {
			uint32_t p = d->virq_port[v];

			if (p != NO_PORT && (p >= PORTS || d->evtchn[p].state != HV_EVTCHN_VIRQ ||
			                     d->evtchn[p].virq != v)) {
				model_fail("d%u: VIRQ %u bound to port %u, not a port of it", a, v,
				           p);
			}
		}
	}
}

static void check_all(void)
{
	for (unsigned int id = 0; id < NDOM; id++) {
		check_domain(id);
	}
	check_pairs();
	if (strstr(fake_console_text(), "hv: error") != NULL) {
		model_fail("the core logged an error:\n%s", fake_console_text());
	}
}

/* --- Operations, on the core and on the model --- */

/* An event operation of domain id, made as a hypercall from its vCPU 0. */
static int64_t hc(unsigned int id, uint64_t op, uint64_t a1, uint64_t a2)
{
	struct hv_vcpu *v = &dom[id]->vcpus[0];

	df_load(v);
	return df_hypercall(v, HV_HC_EVENT_OP, op, a1, a2);
}

static void expect(int64_t got, int want, const char *what)
{
	model_eq(got, want, "%s: result", what);
}

static int do_alloc_unbound(unsigned int id, uint64_t remote)
{
	int want;

	model_note("d%u alloc_unbound(%llu)", id, (unsigned long long)remote);
	want = m_alloc_unbound(id, remote);
	expect(hc(id, HV_EVENT_OP_ALLOC_UNBOUND, remote, 0), want, "alloc_unbound");
	return want;
}

static int do_bind_interdomain(unsigned int id, uint64_t remote, uint64_t rport)
{
	int want;

	model_note("d%u bind_interdomain(%llu, %llu)", id, (unsigned long long)remote,
	           (unsigned long long)rport);
	want = m_bind_interdomain(id, remote, rport);
	expect(hc(id, HV_EVENT_OP_BIND_INTERDOMAIN, remote, rport), want, "bind_interdomain");
	return want;
}

static int do_bind_virq(unsigned int id, uint64_t virq)
{
	int want;

	model_note("d%u bind_virq(%llu)", id, (unsigned long long)virq);
	want = m_bind_virq(id, virq);
	expect(hc(id, HV_EVENT_OP_BIND_VIRQ, virq, 0), want, "bind_virq");
	return want;
}

static int do_close(unsigned int id, uint64_t p)
{
	int want;

	model_note("d%u close(%llu)", id, (unsigned long long)p);
	want = m_close(id, p);
	expect(hc(id, HV_EVENT_OP_CLOSE, p, 0), want, "close");
	return want;
}

static int do_send(unsigned int id, uint64_t p)
{
	int want;

	model_note("d%u send(%llu)", id, (unsigned long long)p);
	want = m_send(id, p);
	expect(hc(id, HV_EVENT_OP_SEND, p, 0), want, "send");
	return want;
}

static void do_mask(unsigned int id, uint64_t p, bool on)
{
	int want;

	model_note("d%u %s(%llu)", id, on ? "mask" : "unmask", (unsigned long long)p);
	want = m_mask(id, p, on);
	expect(hc(id, on ? HV_EVENT_OP_MASK : HV_EVENT_OP_UNMASK, p, 0), want, "mask");
}

/* STATUS into the guest's memory ('bad': at a page it cannot write). */
static void do_status(unsigned int id, uint64_t p, bool bad)
{
	const struct mdom *md = &m[id];
	uint64_t out = bad ? dom[id]->layout.start_info : dom[id]->layout.mem_start + 64;
	struct hv_evtchn_status st;
	int want = p >= PORTS ? -HV_EINVAL : (bad ? -HV_EFAULT : 0);

	model_note("d%u status(%llu)%s", id, (unsigned long long)p, bad ? " to read-only" : "");
	memset(&st, 0xa5, sizeof(st));
	df_write(dom[id], dom[id]->layout.mem_start + 64, &st, sizeof(st));
	expect(hc(id, HV_EVENT_OP_STATUS, p, out), want, "status");
	if (want != 0) {
		return;
	}
	df_read(dom[id], out, &st, sizeof(st));
	model_eq(st.port, (long long)p, "status port");
	model_eq(st.state, md->port[p].state, "status state");
	switch (md->port[p].state) {
	case HV_EVTCHN_UNBOUND:
	case HV_EVTCHN_DISCONNECTED:
		model_eq(st.remote_domid, md->port[p].remote, "status remote_domid");
		model_eq(st.remote_port, 0, "status remote_port");
		model_eq(st.virq, 0, "status virq");
		break;
	case HV_EVTCHN_INTERDOMAIN:
		model_eq(st.remote_domid, md->port[p].remote, "status remote_domid");
		model_eq(st.remote_port, md->port[p].remote_port, "status remote_port");
		model_eq(st.virq, 0, "status virq");
		break;
	case HV_EVTCHN_VIRQ:
		model_eq(st.virq, md->port[p].virq, "status virq");
		model_eq(st.remote_domid, 0, "status remote_domid");
		break;
	default:
		model_eq(st.remote_domid, 0, "status remote_domid");
		model_eq(st.virq, 0, "status virq");
		break;
	}
	model_eq(st.pending, bit(md->pending, (uint32_t)p), "status pending");
	model_eq(st.masked, bit(md->mask, (uint32_t)p), "status masked");
}

/* The guest handles events: clears pending bits it chooses, and the notification. */
static void do_ack(unsigned int id)
{
	struct hv_shared_info *sh = dom[id]->shared;
	uint64_t keep = model_next() & model_next();

	model_note("d%u acknowledges (keeps %#llx)", id, (unsigned long long)keep);
	for (uint32_t w = 0; w < WORDS; w++) {
		m[id].pending[w] &= keep;
		sh->evtchn_pending[w] &= keep;
	}
	m[id].pending_sel = 0;
	sh->vcpu[0].pending_sel = 0;
	m[id].upcall = false;
	sh->vcpu[0].upcall_pending = 0;
}

enum end_kind {
	END_CLOSE_ALL,
	END_POWEROFF,
	END_CRASH,
	END_REBOOT,
	END_DESTROY,
	END_KINDS,
};

static void do_end(unsigned int id, enum end_kind kind)
{
	static const char *const names[] = {"closes every port", "powers off", "crashes", "reboots",
	                                    "is destroyed"};

	model_note("d%u %s", id, names[kind]);
	switch (kind) {
	case END_CLOSE_ALL:
		m_close_all(id);
		hv_evtchn_close_all(dom[id]);
		break;
	case END_POWEROFF:
		m_destroy(id);
		hv_domain_shutdown(dom[id], HV_SHUTDOWN_POWEROFF);
		break;
	case END_CRASH:
		m_crash(id);
		hv_domain_crash(dom[id], "model test");
		break;
	case END_REBOOT:
		m_restart(id);
		hv_domain_shutdown(dom[id], HV_SHUTDOWN_REBOOT);
		break;
	case END_DESTROY:
		m_destroy(id);
		assert_int_equal(hv_domain_destroy(dom[id]), 0);
		break;
	case END_KINDS:
		break;
	}
}

static void do_recreate(unsigned int id)
{
	model_note("d%u built again", id);
	if (m[id].life == LIFE_KEPT) {
		/* Destroyed first: the control domain hears of it again. */
		m[id].life = LIFE_DEAD;
		m_notify_control(id);
	}
	m_recreate(id);
	dom[id] = df_recreate((hv_domid_t)id);
}

/* --- Choosing operands --- */

static unsigned int pick_live(void)
{
	return model_pick_where(NDOM, m_live);
}

/* A remote domain: mostly one of ours, live or not, sometimes none or out of range. */
static uint64_t pick_remote(void)
{
	return model_pick_domid(NDOM, 16, 2, UINT64_MAX);
}

/* A port of domain id: mostly one in use, sometimes free or out of range. */
static uint64_t pick_port(unsigned int id)
{
	uint64_t r = model_below(20);

	if (r < 15 && m[id].used > 0) {
		uint32_t k = (uint32_t)model_below(m[id].used);

		for (uint32_t p = 0; p < PORTS; p++) {
			if (m[id].port[p].state != HV_EVTCHN_FREE && k-- == 0) {
				return p;
			}
		}
	}
	if (r < 19) {
		return model_below(PORTS);
	}
	return model_chance(50) ? PORTS + model_below(100) : UINT64_MAX - model_below(2);
}

/* A port to bind to: mostly one offered to id, else anything. */
static void pick_offer(unsigned int id, uint64_t *remote, uint64_t *rport)
{
	uint32_t n = 0;

	if (model_chance(75)) {
		for (unsigned int r = 0; r < NDOM; r++) {
			for (uint32_t p = 0; p < PORTS; p++) {
				n += m[r].port[p].state == HV_EVTCHN_UNBOUND &&
				     m[r].port[p].remote == id;
			}
		}
	}
	if (n > 0) {
		uint32_t k = (uint32_t)model_below(n);

		for (unsigned int r = 0; r < NDOM; r++) {
			for (uint32_t p = 0; p < PORTS; p++) {
				if (m[r].port[p].state == HV_EVTCHN_UNBOUND &&
				    m[r].port[p].remote == id && k-- == 0) {
					*remote = r;
					*rport = p;
					return;
				}
			}
		}
	}
	*remote = pick_remote();
	*rport = *remote < NDOM ? pick_port((unsigned int)*remote) : model_below(PORTS);
}

static void random_op(void)
{
	unsigned int id = pick_live();
	uint64_t r = model_below(100);
	uint64_t a;
	uint64_t b;

	if (id == NDOM || (r < 3 && m_live(id))) {
		/* Every domain ended, or now and then: build one that did again. */
		for (unsigned int k = 0; k < NDOM; k++) {
			if (!m_live(k)) {
				do_recreate(k);
				return;
			}
		}
	}
	if (r < 15) {
		do_alloc_unbound(id, pick_remote());
	} else if (r < 32) {
		pick_offer(id, &a, &b);
		do_bind_interdomain(id, a, b);
	} else if (r < 35) {
		do_bind_virq(id, model_chance(90) ? model_below(HV_VIRQ_COUNT + 1) : UINT64_MAX);
	} else if (r < 48) {
		do_close(id, pick_port(id));
	} else if (r < 66) {
		do_send(id, pick_port(id));
	} else if (r < 72) {
		do_mask(id, pick_port(id), true);
	} else if (r < 78) {
		do_mask(id, pick_port(id), false);
	} else if (r < 84) {
		do_status(id, pick_port(id), model_chance(10));
	} else if (r < 90) {
		do_ack(id);
	} else if (r < 92) {
		/* A burst of offers, towards exhaustion. */
		uint64_t n = model_below(400);

		for (uint64_t i = 0; i < n && do_alloc_unbound(id, pick_live()) >= 0; i++) {
		}
	} else if (r < 94) {
		uint64_t n = model_below(300);

		for (uint64_t i = 0; i < n; i++) {
			do_close(id, pick_port(id));
		}
	} else if (model_chance(60)) {
		do_end(id, (enum end_kind)model_below(END_KINDS));
	} else {
		do_send(id, pick_port(id));
	}
}

/* --- Set-up --- */

static void setup_domains(void)
{
	df_setup();
	hv_log_set_level(HV_LOG_WARNING);
	df_create_n(specs, NDOM, DOM_MEM, dom);
	for (unsigned int id = 0; id < NDOM; id++) {
		memset(&m[id], 0, sizeof(m[id]));
		m[id].on_crash = specs[id].on_crash;
		m[id].control = (specs[id].flags & HV_DOMAIN_F_CONTROL) != 0;
		m_build(id);
	}
	check_all();
}

static void test_random_sequences(void **state)
{
	(void)state;
	model_sequences(DEFAULT_SEED, DEFAULT_RUNS, DEFAULT_OPS, setup_domains, random_op,
	                check_all, NULL);
}

/* Every port in use: each way of taking one fails with -HV_ENOSPC and changes nothing. */
static void test_port_exhaustion(void **state)
{
	int offered;
	int p;

	(void)state;
	model_begin(DEFAULT_SEED);
	setup_domains();
	offered = do_alloc_unbound(1, 0);
	assert_true(offered >= 0);
	/* d0 closes VIRQ 1 and fills every port. */
	assert_int_equal(do_close(0, HV_VIRQ_CONSOLE), 0);
	for (uint32_t i = 0; i < PORTS - HV_VIRQ_COUNT + 1; i++) {
		p = do_alloc_unbound(0, i % 2 == 0 ? 0 : 2);
		assert_true(p >= 0);
	}
	assert_int_equal(dom[0]->ports_used, PORTS);
	check_all();
	assert_int_equal(do_alloc_unbound(0, 3), -HV_ENOSPC);
	assert_int_equal(do_alloc_unbound(0, 0), -HV_ENOSPC);
	assert_int_equal(do_bind_virq(0, HV_VIRQ_CONSOLE), -HV_ENOSPC);
	assert_int_equal(do_bind_interdomain(0, 1, (uint64_t)offered), -HV_ENOSPC);
	/* A self-offer of the full domain cannot be bound either. */
	assert_int_equal(do_bind_interdomain(0, 0, 100), -HV_ENOSPC);
	check_all();
	assert_int_equal(dom[1]->evtchn[offered].state, HV_EVTCHN_UNBOUND);
	assert_int_equal(dom[0]->ports_used, PORTS);
	/* Others can still bind to the full domain's offers. */
	assert_true(do_bind_interdomain(2, 0, PORTS - 1) >= 0);
	assert_true(do_send(0, PORTS - 1) == 0);
	check_all();
	/* One port freed: the lowest free port is the next one taken. */
	assert_int_equal(do_close(0, 500), 0);
	assert_int_equal(do_bind_interdomain(0, 1, (uint64_t)offered), 500);
	assert_int_equal(do_alloc_unbound(0, 1), -HV_ENOSPC);
	check_all();
	/* Its end frees them all and disconnects the channel to d2. */
	do_end(0, END_POWEROFF);
	check_all();
	assert_int_equal(dom[0]->ports_used, 0);
	assert_int_equal(dom[2]->evtchn[HV_VIRQ_COUNT].state, HV_EVTCHN_DISCONNECTED);
	assert_int_equal(dom[1]->evtchn[offered].state, HV_EVTCHN_DISCONNECTED);
}

/* A domain's channel to itself: both ends are its ports, which name each other. */
static void test_self_channel(void **state)
{
	int p;
	int q;

	(void)state;
	model_begin(DEFAULT_SEED);
	setup_domains();
	p = do_alloc_unbound(3, 3);
	assert_int_equal(p, HV_VIRQ_COUNT);
	/* Another domain cannot take it. */
	assert_int_equal(do_bind_interdomain(4, 3, (uint64_t)p), -HV_EPERM);
	q = do_bind_interdomain(3, 3, (uint64_t)p);
	assert_int_equal(q, HV_VIRQ_COUNT + 1);
	check_all();
	assert_int_equal(dom[3]->evtchn[p].remote_port, q);
	assert_int_equal(dom[3]->evtchn[q].remote_port, p);
	assert_true(bit(dom[3]->shared->evtchn_pending, (uint32_t)p)); /* the offer was taken */
	/* Binding twice to the same offer: it is no longer an offer. */
	assert_int_equal(do_bind_interdomain(3, 3, (uint64_t)p), -HV_EBUSY);
	do_ack(3);
	do_mask(3, (uint64_t)q, true);
	assert_int_equal(do_send(3, (uint64_t)p), 0);
	assert_int_equal(do_send(3, (uint64_t)q), 0);
	check_all();
	assert_int_equal(dom[3]->events_sent, 2);
	/* Closing one end disconnects and raises the other, in the same domain. */
	assert_int_equal(do_close(3, (uint64_t)p), 0);
	check_all();
	assert_int_equal(dom[3]->evtchn[q].state, HV_EVTCHN_DISCONNECTED);
	assert_int_equal(do_send(3, (uint64_t)q), -HV_ENOTCONN);
	assert_int_equal(do_send(3, (uint64_t)p), -HV_ENOENT);
	/* Self-channels at the end of the domain, by each way it ends. */
	for (int kind = END_CLOSE_ALL; kind < END_KINDS; kind++) {
		unsigned int id = kind == END_CRASH ? 1 : 3;

		if (!m_live(id)) {
			do_recreate(id);
		}
		p = do_alloc_unbound(id, id);
		q = do_bind_interdomain(id, id, (uint64_t)p);
		assert_true(p >= 0 && q >= 0);
		do_end(id, (enum end_kind)kind);
		check_all();
	}
}

/* The end of a domain disconnects and raises every port that was connected to it. */
static void test_end_disconnects_peers(void **state)
{
	static const enum end_kind kinds[] = {END_CLOSE_ALL, END_POWEROFF, END_CRASH,
	                                      END_REBOOT,    END_DESTROY,  END_DESTROY};
	static const unsigned int victims[] = {2, 4, 1, 2, 3, 1};

	(void)state;
	model_begin(DEFAULT_SEED);
	setup_domains();
	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		unsigned int v = victims[k];
		int peer_port[NDOM];
		int offer_to_v[NDOM];

		if (!m_live(v)) {
			do_recreate(v);
		}
		for (unsigned int o = 0; o < NDOM; o++) {
			int p;

			peer_port[o] = -1;
			offer_to_v[o] = -1;
			if (o == v || !m_live(o)) {
				continue;
			}
			/* o offers, v binds; v offers, o binds; o offers to v, never bound. */
			p = do_alloc_unbound(o, v);
			assert_true(do_bind_interdomain(v, o, (uint64_t)p) >= 0);
			peer_port[o] = p;
			p = do_alloc_unbound(v, o);
			assert_true(do_bind_interdomain(o, v, (uint64_t)p) >= 0);
			offer_to_v[o] = do_alloc_unbound(o, v);
			do_ack(o);
		}
		check_all();
		do_end(v, kinds[k]);
		check_all();
		for (unsigned int o = 0; o < NDOM; o++) {
			if (peer_port[o] < 0) {
				continue;
			}
			assert_int_equal(dom[o]->evtchn[peer_port[o]].state,
			                 HV_EVTCHN_DISCONNECTED);
			assert_int_equal(dom[o]->evtchn[peer_port[o]].remote, v);
			assert_true(bit(dom[o]->shared->evtchn_pending, (uint32_t)peer_port[o]));
			assert_int_equal(do_send(o, (uint64_t)peer_port[o]), -HV_ENOTCONN);
			/* An offer to the domain that ended stays until closed. */
			assert_int_equal(dom[o]->evtchn[offer_to_v[o]].state, HV_EVTCHN_UNBOUND);
			for (uint32_t p = 0; p < PORTS; p++) {
				const struct hv_evtchn *e = &dom[o]->evtchn[p];

				assert_false(e->state == HV_EVTCHN_INTERDOMAIN && e->remote == v);
			}
		}
		if (m_live(v)) {
			/* Closed or rebuilt in place: the offers to it can be bound again. */
			assert_true(do_bind_interdomain(v, 0, (uint64_t)offer_to_v[0]) >= 0);
		} else {
			assert_int_equal(do_bind_interdomain(0, v, 0), -HV_ENOENT);
			assert_int_equal(do_alloc_unbound(0, v), -HV_ENOENT);
		}
		check_all();
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_random_sequences),
	        cmocka_unit_test(test_port_exhaustion),
	        cmocka_unit_test(test_self_channel),
	        cmocka_unit_test(test_end_disconnects_peers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
