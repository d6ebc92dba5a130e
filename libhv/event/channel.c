/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Event channels (see <hv/abi/event.h> and event/event.h): each domain's
 * port table, in hypervisor memory, and the operations on it.
 *
 * Invariant: the two ends of a channel name each other. An INTERDOMAIN
 * port p of domain a with (remote b, remote_port q) has port q of b
 * INTERDOMAIN with (remote a, remote_port p) — a may be b, q never p.
 * Closing either end, or the end of either domain (hv_evtchn_close_all()),
 * turns the other end DISCONNECTED in the same call, so no port ever names
 * a port that has moved on. An UNBOUND port names only the domain it is
 * offered to; if that domain ends first, the offer stays until closed and
 * binding to it needs a live domain with that identifier, which is checked
 * at bind time (the identifier may be reused: the offer goes to whoever
 * holds it then, as in Xen).
 *
 * Nothing here trusts the shared-info page: it holds only the pending and
 * mask bits, which the core sets, clears and tests.
 */
#include <hv/abi/errno.h>
#include <hv/abi/event.h>
#include <hv/abi/shared.h>

#include "domain/domain.h"
#include "event/event.h"
#include "lib/bitmap.h"
#include "lib/string.h"

_Static_assert(HV_EVENT_PORTS <= UINT16_MAX, "remote_port is 16 bits");

/* A live domain: one whose ports can be used. */
static struct hv_domain *live_domain(uint64_t domid)
{
	struct hv_domain *d;

	if (domid >= HV_CONFIG_MAX_DOMAINS) {
		return NULL;
	}
	d = hv_domain_get((hv_domid_t)domid);
	return d != NULL && !hv_domain_ended(d) && d->state != HV_DOMAIN_DYING ? d : NULL;
}

/* The lowest free port, taken; -HV_ENOSPC if none. */
static int take_port(struct hv_domain *d, uint8_t state)
{
	for (uint32_t p = 0; p < HV_EVENT_PORTS; p++) {
		if (d->evtchn[p].state == HV_EVTCHN_FREE) {
			d->evtchn[p] = (struct hv_evtchn){.state = state};
			d->ports_used++;
			/* A new port starts clean, whatever its last user left. */
			if (d->shared != NULL) {
				hv_bitmap_clear(d->shared->evtchn_pending, p);
				hv_bitmap_clear(d->shared->evtchn_mask, p);
			}
			return (int)p;
		}
	}
	return -HV_ENOSPC;
}

static void free_port(struct hv_domain *d, uint32_t port)
{
	d->evtchn[port] = (struct hv_evtchn){.state = HV_EVTCHN_FREE};
	d->ports_used--;
}

void hv_evtchn_init(struct hv_domain *d)
{
	hv_memset(d->evtchn, 0, sizeof(d->evtchn));
	d->ports_used = 0;
	for (unsigned int virq = 0; virq < HV_VIRQ_COUNT; virq++) {
		int port = take_port(d, HV_EVTCHN_VIRQ);

		d->evtchn[port].virq = (uint8_t)virq;
		d->virq_port[virq] = (uint32_t)port;
	}
}

/* Port 'port' of d in *out, if it is in range and in use. */
static int used_port(struct hv_domain *d, uint64_t port, struct hv_evtchn **out)
{
	if (port >= HV_EVENT_PORTS) {
		return -HV_EINVAL;
	}
	if (d->evtchn[port].state == HV_EVTCHN_FREE) {
		return -HV_ENOENT;
	}
	*out = &d->evtchn[port];
	return 0;
}

int hv_evtchn_alloc_unbound(struct hv_domain *d, uint64_t remote)
{
	int port;

	if (live_domain(remote) == NULL) {
		return remote >= HV_CONFIG_MAX_DOMAINS ? -HV_EINVAL : -HV_ENOENT;
	}
	port = take_port(d, HV_EVTCHN_UNBOUND);
	if (port >= 0) {
		d->evtchn[port].remote = (hv_domid_t)remote;
	}
	return port;
}

int hv_evtchn_bind_interdomain(struct hv_domain *d, uint64_t remote, uint64_t remote_port)
{
	struct hv_domain *r = live_domain(remote);
	struct hv_evtchn *theirs;
	int port;

	if (r == NULL) {
		return remote >= HV_CONFIG_MAX_DOMAINS ? -HV_EINVAL : -HV_ENOENT;
	}
	if (remote_port >= HV_EVENT_PORTS) {
		return -HV_EINVAL;
	}
	theirs = &r->evtchn[remote_port];
	if (theirs->state != HV_EVTCHN_UNBOUND) {
		return -HV_EBUSY;
	}
	if (theirs->remote != d->id) {
		return -HV_EPERM; /* offered to another domain: no privilege overrides that */
	}
	port = take_port(d, HV_EVTCHN_INTERDOMAIN);
	if (port < 0) {
		return port;
	}
	/* take_port() may have taken the offered port's neighbour in r == d: re-read. */
	theirs = &r->evtchn[remote_port];
	d->evtchn[port].remote = r->id;
	d->evtchn[port].remote_port = (uint16_t)remote_port;
	theirs->state = HV_EVTCHN_INTERDOMAIN;
	theirs->remote_port = (uint16_t)port;
	/* The offering end learns that its peer is there. */
	hv_event_raise(r, (uint32_t)remote_port);
	return port;
}

int hv_evtchn_bind_virq(struct hv_domain *d, uint64_t virq)
{
	int port;

	if (virq >= HV_VIRQ_COUNT) {
		return -HV_EINVAL;
	}
	if (d->virq_port[virq] < HV_EVENT_PORTS) {
		return -HV_EEXIST;
	}
	port = take_port(d, HV_EVTCHN_VIRQ);
	if (port >= 0) {
		d->evtchn[port].virq = (uint8_t)virq;
		d->virq_port[virq] = (uint32_t)port;
	}
	return port;
}

/* The other end of an INTERDOMAIN port: its domain and entry. */
static struct hv_evtchn *peer_of(const struct hv_evtchn *e, struct hv_domain **peer)
{
	*peer = hv_domain_get(e->remote);
	return &(*peer)->evtchn[e->remote_port];
}

/* Closes a port in use; an interdomain peer is disconnected and raised. */
static void close_port(struct hv_domain *d, uint32_t port)
{
	struct hv_evtchn *e = &d->evtchn[port];
	struct hv_domain *peer;
	struct hv_evtchn *theirs;

	switch (e->state) {
	case HV_EVTCHN_VIRQ:
		d->virq_port[e->virq] = HV_EVENT_PORTS;
		break;
	case HV_EVTCHN_INTERDOMAIN:
		theirs = peer_of(e, &peer);
		theirs->state = HV_EVTCHN_DISCONNECTED;
		theirs->remote_port = 0;
		hv_event_raise(peer, e->remote_port);
		break;
	default:
		break;
	}
	free_port(d, port);
}

int hv_evtchn_close(struct hv_domain *d, uint64_t port)
{
	struct hv_evtchn *e;
	int rc = used_port(d, port, &e);

	if (rc == 0) {
		close_port(d, (uint32_t)port);
	}
	return rc;
}

void hv_evtchn_close_all(struct hv_domain *d)
{
	for (uint32_t port = 0; port < HV_EVENT_PORTS && d->ports_used > 0; port++) {
		if (d->evtchn[port].state != HV_EVTCHN_FREE) {
			close_port(d, port);
		}
	}
	for (unsigned int virq = 0; virq < HV_VIRQ_COUNT; virq++) {
		d->virq_port[virq] = HV_EVENT_PORTS;
	}
}

int hv_evtchn_send(struct hv_domain *d, uint64_t port)
{
	struct hv_domain *peer;
	struct hv_evtchn *e;
	int rc = used_port(d, port, &e);

	if (rc != 0) {
		return rc;
	}
	switch (e->state) {
	case HV_EVTCHN_VIRQ:
		d->events_sent++;
		return hv_event_raise(d, (uint32_t)port);
	case HV_EVTCHN_INTERDOMAIN:
		d->events_sent++;
		peer_of(e, &peer);
		return hv_event_raise(peer, e->remote_port);
	default:
		return -HV_ENOTCONN;
	}
}

int hv_evtchn_status(struct hv_domain *d, uint64_t port, struct hv_evtchn_status *st)
{
	const struct hv_evtchn *e;

	if (port >= HV_EVENT_PORTS) {
		return -HV_EINVAL;
	}
	e = &d->evtchn[port];
	hv_memset(st, 0, sizeof(*st));
	st->port = (uint32_t)port;
	st->state = e->state;
	if (e->state == HV_EVTCHN_UNBOUND || e->state == HV_EVTCHN_INTERDOMAIN ||
	    e->state == HV_EVTCHN_DISCONNECTED) {
		st->remote_domid = e->remote;
	}
	if (e->state == HV_EVTCHN_INTERDOMAIN) {
		st->remote_port = e->remote_port;
	}
	if (e->state == HV_EVTCHN_VIRQ) {
		st->virq = e->virq;
	}
	if (d->shared != NULL) {
		st->pending = hv_bitmap_test(d->shared->evtchn_pending, (size_t)port);
		st->masked = hv_bitmap_test(d->shared->evtchn_mask, (size_t)port);
	}
	return 0;
}
