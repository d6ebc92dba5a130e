/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Rings between two domains (see <hv/guest/ring.h>): a descriptor ring of
 * <hv/abi/ring.h> in pages the frontend grants, a connection page that
 * describes it, and an event channel.
 *
 * What the peer can write, and where it is checked:
 *  - the connection page: copied once (after its magic was seen with
 *    acquire ordering), unmapped, and every field of the copy checked in
 *    check_conn() before anything uses it;
 *  - the ring: only through the checked accessors, which copy slots out
 *    once and bound every index. An accessor's -HV_EPROTO breaks this end
 *    (result()): the port is closed and a backend unmaps the ring at once,
 *    so it never touches the pages again;
 *  - grant references and the port number it names: the hypervisor checks
 *    them at map and bind; a refusal there is a broken convention too.
 *
 * Waiting: an event increments event_count in the handler. A consumer that
 * found nothing runs the ring's final check and blocks with events masked
 * (HV_HC_BLOCK returns at once if an event came meanwhile), so no
 * notification is lost. A port's state (has the peer closed?) is read
 * only when events came that no message explained: event_checked
 * remembers the count at the last reading.
 *
 * Memory: the frontend's ring pages must be contiguous (the ring area is
 * one range); alloc_contiguous() holds back pages that do not extend the
 * run until it has one. A frontend gives its pages back only when every
 * grant has ended: a peer that keeps pages mapped keeps them out of use.
 */
#include <hv/guest/ring.h>

#include "lib/string.h"
#include "runtime.h"

#define NONE UINT32_MAX

/* Pause between two looks while waiting for an offer or an unmap. */
#define POLL_NS HVG_MS

static void on_ring_event(uint32_t port, void *arg)
{
	struct hvg_ring *r = arg;

	(void)port;
	r->event_count++;
}

static void reset(struct hvg_ring *r, bool is_front, uint16_t peer)
{
	*r = (struct hvg_ring){.is_front = is_front, .peer = peer, .port = NONE, .conn_ref = NONE};
	for (unsigned int i = 0; i < HVG_RING_MAX_PAGES; i++) {
		r->refs[i] = NONE;
	}
}

static bool past(uint64_t deadline_ns)
{
	return deadline_ns != 0 && hvg_time_ns() >= deadline_ns;
}

/* Sleeps one poll interval, or until the deadline if that comes first. */
static void poll_pause(uint64_t deadline_ns)
{
	uint64_t until = hvg_time_ns() + POLL_NS;

	hvg_sleep_until(deadline_ns != 0 && deadline_ns < until ? deadline_ns : until);
}

/*
 * n contiguous pages, ascending from *out. Pages that do not extend the
 * run (the free list may hand them out of order) are held, linked
 * through their first word, and given back at the end.
 */
static int alloc_contiguous(unsigned int n, uint8_t **out)
{
	uint8_t *run = NULL;
	unsigned int run_count = 0;
	void *held = NULL;
	int rc = 0;

	while (run_count < n) {
		uint8_t *p = hvg_page_alloc();

		if (p == NULL) {
			rc = -HV_ENOMEM;
			break;
		}
		if (run_count > 0 && p == run + (size_t)run_count * HVG_PAGE_SIZE) {
			run_count++;
		} else if (run_count > 0 && p == run - HVG_PAGE_SIZE) {
			run = p;
			run_count++;
		} else {
			for (unsigned int i = 0; i < run_count; i++) {
				void *q = run + (size_t)i * HVG_PAGE_SIZE;

				*(void **)q = held;
				held = q;
			}
			run = p;
			run_count = 1;
		}
	}
	while (held != NULL) {
		void *next = *(void **)held;

		hvg_page_free(held);
		held = next;
	}
	if (rc != 0) {
		/* Backwards, so that the free list hands them out ascending again. */
		while (run_count > 0) {
			run_count--;
			hvg_page_free(run + (size_t)run_count * HVG_PAGE_SIZE);
		}
		return rc;
	}
	*out = run; /* fresh from hvg_page_alloc(): zeroed */
	return 0;
}

/*
 * Undoes what this end set up, as far as it can: the port, then the
 * mappings (backend) or the grants (frontend), retrying grants the peer
 * still maps until the deadline. Returns 0 once nothing is left, with the
 * frontend's pages given back; -HV_EBUSY while grants remain.
 */
static int release(struct hvg_ring *r, uint64_t deadline_ns)
{
	bool busy;

	if (r->port != NONE) {
		hvg_on_event(r->port, NULL, NULL);
		(void)hvg_evtchn_close(r->port);
		r->port = NONE;
	}
	if (!r->is_front) {
		for (unsigned int i = 0; i < HVG_RING_MAX_PAGES; i++) {
			if (r->refs[i] != NONE) {
				(void)hvg_grant_unmap(r->refs[i]);
				r->refs[i] = NONE;
			}
		}
		r->area = NULL;
		return 0;
	}
	for (;;) {
		busy = false;
		for (unsigned int i = 0; i <= HVG_RING_MAX_PAGES; i++) {
			uint32_t *ref = i < HVG_RING_MAX_PAGES ? &r->refs[i] : &r->conn_ref;

			if (*ref != NONE) {
				if (hvg_grant_end(*ref) == -HV_EBUSY) {
					busy = true;
				} else {
					*ref = NONE;
				}
			}
		}
		if (!busy || deadline_ns == 0 || hvg_time_ns() >= deadline_ns) {
			break;
		}
		poll_pause(deadline_ns);
	}
	if (busy) {
		return -HV_EBUSY;
	}
	if (r->area != NULL) {
		for (unsigned int i = r->page_count; i > 0; i--) {
			hvg_page_free(r->area + (size_t)(i - 1) * HVG_PAGE_SIZE);
		}
		r->area = NULL;
	}
	hvg_page_free(r->conn);
	r->conn = NULL;
	return 0;
}

/* The peer broke the protocol: stop using the ring, and tell it so. */
static void disconnect(struct hvg_ring *r, int err)
{
	if (r->is_front) {
		hv_ring_front_disconnect(&r->front);
	} else {
		hv_ring_back_disconnect(&r->back);
	}
	r->state = HVG_RING_BROKEN;
	r->error = err;
	(void)release(r, HVG_RING_NO_WAIT);
}

/* An accessor's result: -HV_EPROTO disconnects. */
static int result(struct hvg_ring *r, int rc)
{
	if (rc == -HV_EPROTO && r->state == HVG_RING_OPEN) {
		disconnect(r, rc);
	}
	return rc;
}

int hvg_ring_error(const struct hvg_ring *r)
{
	switch (r->state) {
	case HVG_RING_OPEN:
		return 0;
	case HVG_RING_BROKEN:
	case HVG_RING_CLOSING:
		return r->error != 0 ? r->error : -HV_ENOTCONN;
	default:
		return -HV_ENOTCONN;
	}
}

/*
 * Whether the peer is still there, read from the port's state: -HV_ENOTCONN
 * once it closed its end (or its domain ended), else 0 (an offer not bound
 * yet counts as there: the backend looks at the ring when it attaches).
 */
static int peer_state(struct hvg_ring *r)
{
	struct hv_evtchn_status st;
	int rc;

	r->event_checked = r->event_count;
	rc = hvg_evtchn_status(r->port, &st);
	if (rc != 0) {
		return rc;
	}
	return st.state == HV_EVTCHN_INTERDOMAIN || st.state == HV_EVTCHN_UNBOUND ? 0
	                                                                          : -HV_ENOTCONN;
}

static int notify_peer(struct hvg_ring *r)
{
	int rc = hvg_event_send(r->port);

	return rc == -HV_ENOTCONN ? peer_state(r) : rc;
}

int hvg_ring_offer(struct hvg_ring *r, uint16_t peer, unsigned int pages, size_t slot_size)
{
	size_t area_size = (size_t)pages * HVG_PAGE_SIZE;
	uint8_t *area = NULL;
	int rc;

	reset(r, true, peer);
	if (pages == 0 || pages > HVG_RING_MAX_PAGES ||
	    hv_ring_slot_count(area_size, slot_size) == 0) {
		return -HV_EINVAL;
	}
	r->page_count = pages;
	r->slot_size = (uint32_t)slot_size;
	r->state = HVG_RING_CLOSING; /* until it is complete: release() undoes a failure */
	r->conn = hvg_page_alloc();
	if (r->conn == NULL) {
		r->state = HVG_RING_CLOSED;
		return -HV_ENOMEM;
	}
	/* First, so that its reference comes before the ring's (the rendezvous). */
	rc = hvg_grant_access(peer, r->conn, true);
	if (rc < 0) {
		goto fail;
	}
	r->conn_ref = (uint32_t)rc;
	rc = alloc_contiguous(pages, &area);
	if (rc != 0) {
		goto fail;
	}
	r->area = area;
	rc = hv_ring_front_init(&r->front, area, area_size, slot_size);
	for (unsigned int i = 0; rc == 0 && i < pages; i++) {
		rc = hvg_grant_access(peer, area + (size_t)i * HVG_PAGE_SIZE, false);
		if (rc >= 0) {
			r->refs[i] = (uint32_t)rc;
			r->conn->refs[i] = (uint32_t)rc;
			rc = 0;
		}
	}
	if (rc != 0) {
		goto fail;
	}
	rc = hvg_evtchn_alloc_unbound(peer);
	if (rc < 0) {
		goto fail;
	}
	r->port = (uint32_t)rc;
	/* Before the port is published: the backend's bind raises it. */
	hvg_on_event(r->port, on_ring_event, r);
	r->conn->version = HVG_RING_CONN_VERSION;
	r->conn->port = r->port;
	r->conn->page_count = pages;
	r->conn->slot_size = (uint32_t)slot_size;
	__atomic_store_n(&r->conn->magic, HVG_RING_CONN_MAGIC, __ATOMIC_RELEASE);
	r->state = HVG_RING_OPEN;
	return (int)r->conn_ref;
fail:
	if (release(r, HVG_RING_NO_WAIT) == 0) {
		r->state = HVG_RING_CLOSED;
	}
	return rc;
}

/*
 * Polls for the connection page until it is granted and complete, then
 * copies it once into *c and unmaps it.
 */
static int read_conn(uint16_t front, uint32_t conn_ref, uint64_t deadline_ns,
                     struct hvg_ring_conn *c)
{
	for (;;) {
		void *page = NULL;
		int h = hvg_grant_map(front, conn_ref, true, &page);

		if (h >= 0) {
			const struct hvg_ring_conn *shared = page;
			bool ready = __atomic_load_n(&shared->magic, __ATOMIC_ACQUIRE) != 0;

			if (ready) {
				hv_memcpy(c, shared, sizeof(*c));
				hv_ring_compiler_barrier();
			}
			(void)hvg_grant_unmap((uint32_t)h);
			if (ready) {
				return 0;
			}
		} else if (h != -HV_EPERM && h != -HV_EINVAL) {
			/* No such domain, or no room in the map area: waiting will not help. */
			return h;
		}
		if (past(deadline_ns)) {
			return -HV_EAGAIN;
		}
		poll_pause(deadline_ns);
	}
}

/* Checks the backend's copy of the connection page. */
static bool check_conn(const struct hvg_ring_conn *c, uint32_t conn_ref)
{
	if (c->magic != HVG_RING_CONN_MAGIC || c->version != HVG_RING_CONN_VERSION ||
	    c->reserved[0] != 0 || c->reserved[1] != 0 || c->page_count == 0 ||
	    c->page_count > HVG_RING_MAX_PAGES || c->port >= HV_EVENT_PORTS ||
	    hv_ring_slot_count((size_t)c->page_count * HVG_PAGE_SIZE, c->slot_size) == 0) {
		return false;
	}
	for (uint32_t i = 0; i < c->page_count; i++) {
		if (c->refs[i] >= HV_GRANT_REFS_MAX || c->refs[i] == conn_ref) {
			return false;
		}
		for (uint32_t j = 0; j < i; j++) {
			if (c->refs[j] == c->refs[i]) {
				return false;
			}
		}
	}
	return true;
}

/*
 * Maps the ring pages at consecutive pages of the map area, first fit:
 * a page in use there (-HV_EBUSY) moves the search past it.
 */
static int map_ring(struct hvg_ring *r, const uint32_t *refs)
{
	const struct hv_start_info *si = hvg_start_info();
	uint64_t first = 0;

	while (first + r->page_count <= si->map_slots) {
		unsigned int i;
		int rc = 0;

		for (i = 0; i < r->page_count; i++) {
			rc = (int)hvg_hypercall6(HV_HC_GRANT_OP, HV_GRANT_OP_MAP, r->peer, refs[i],
			                         0, si->map_base + (first + i) * HVG_PAGE_SIZE, 0);
			if (rc < 0) {
				break;
			}
			r->refs[i] = (uint32_t)rc;
		}
		if (i == r->page_count) {
			r->area = (uint8_t *)(uintptr_t)(si->map_base + first * HVG_PAGE_SIZE);
			return 0;
		}
		for (unsigned int j = 0; j < i; j++) {
			(void)hvg_grant_unmap(r->refs[j]);
			r->refs[j] = NONE;
		}
		if (rc != -HV_EBUSY) {
			return rc;
		}
		first += i + 1;
	}
	return -HV_ENOSPC;
}

int hvg_ring_accept(struct hvg_ring *r, uint16_t front_domid, uint32_t conn_ref,
                    uint64_t deadline_ns)
{
	struct hvg_ring_conn c;
	bool masked;
	int rc;

	reset(r, false, front_domid);
	rc = read_conn(front_domid, conn_ref, deadline_ns, &c);
	if (rc != 0) {
		return rc;
	}
	if (!check_conn(&c, conn_ref)) {
		return -HV_EPROTO;
	}
	r->page_count = c.page_count;
	r->slot_size = c.slot_size;
	rc = map_ring(r, c.refs);
	if (rc == 0) {
		rc = hv_ring_back_attach(&r->back, r->area, (size_t)r->page_count * HVG_PAGE_SIZE,
		                         r->slot_size);
	}
	if (rc == 0) {
		/* Masked, so that the handler is in place before an event is delivered. */
		masked = hvg_events_disable();
		rc = hvg_evtchn_bind_interdomain(front_domid, c.port);
		if (rc >= 0) {
			r->port = (uint32_t)rc;
			hvg_on_event(r->port, on_ring_event, r);
			rc = 0;
		}
		if (!masked) {
			hvg_events_enable();
		}
	}
	if (rc != 0) {
		(void)release(r, HVG_RING_NO_WAIT);
		/* A grant or a port the hypervisor refuses: the frontend broke the convention. */
		return rc == -HV_ENOSPC || rc == -HV_ENOENT ? rc : -HV_EPROTO;
	}
	r->state = HVG_RING_OPEN;
	return 0;
}

int hvg_ring_wait_peer(struct hvg_ring *r, uint64_t deadline_ns)
{
	int rc = hvg_ring_error(r);

	while (rc == 0 && r->is_front) {
		struct hv_evtchn_status st;
		bool masked;
		uint32_t seen = r->event_count;

		rc = hvg_evtchn_status(r->port, &st);
		if (rc != 0 || st.state == HV_EVTCHN_INTERDOMAIN) {
			break;
		}
		if (st.state != HV_EVTCHN_UNBOUND) {
			rc = -HV_ENOTCONN;
			break;
		}
		masked = hvg_events_disable();
		if (r->event_count == seen) {
			if (past(deadline_ns)) {
				rc = -HV_EAGAIN;
			} else {
				hvg_block(deadline_ns);
			}
		}
		if (!masked) {
			hvg_events_enable();
		}
	}
	return rc;
}

int hvg_ring_reserve(struct hvg_ring *r, void **slot)
{
	int rc = hvg_ring_error(r);

	if (rc != 0) {
		*slot = NULL;
		return rc;
	}
	rc = r->is_front ? hv_ring_front_slot_next(&r->front, slot)
	                 : hv_ring_back_slot_next(&r->back, slot);
	return result(r, rc);
}

int hvg_ring_commit(struct hvg_ring *r)
{
	int rc = hvg_ring_error(r);

	if (rc != 0) {
		return rc;
	}
	rc = r->is_front ? hv_ring_front_commit(&r->front) : hv_ring_back_commit(&r->back);
	return result(r, rc);
}

int hvg_ring_flush(struct hvg_ring *r)
{
	bool notify = false;
	int rc = hvg_ring_error(r);

	if (rc != 0) {
		return rc;
	}
	rc = r->is_front ? hv_ring_front_push(&r->front, &notify)
	                 : hv_ring_back_push(&r->back, &notify);
	if (rc != 0) {
		return result(r, rc);
	}
	return notify ? notify_peer(r) : 0;
}

int hvg_ring_send(struct hvg_ring *r, const void *msg, size_t size)
{
	int rc = hvg_ring_error(r);

	if (rc != 0) {
		return rc;
	}
	rc = r->is_front ? hv_ring_front_put(&r->front, msg, size)
	                 : hv_ring_back_put(&r->back, msg, size);
	if (rc != 0) {
		return result(r, rc);
	}
	return hvg_ring_flush(r);
}

int hvg_ring_recv(struct hvg_ring *r, void *buf, size_t size, uint64_t deadline_ns)
{
	int rc = hvg_ring_error(r);

	while (rc == 0) {
		bool more = false;
		bool masked;

		rc = r->is_front ? hv_ring_front_get(&r->front, buf, size)
		                 : hv_ring_back_get(&r->back, buf, size);
		if (rc != -HV_EAGAIN) {
			break;
		}
		/* Nothing to take: publish ours first, so that the peer is not left waiting. */
		rc = hvg_ring_flush(r);
		if (rc == 0 && r->event_count != r->event_checked) {
			rc = peer_state(r);
		}
		if (rc != 0) {
			break;
		}
		masked = hvg_events_disable();
		rc = r->is_front ? hv_ring_front_final_check(&r->front, &more)
		                 : hv_ring_back_final_check(&r->back, &more);
		if (rc == 0 && !more) {
			if (past(deadline_ns)) {
				rc = -HV_EAGAIN;
			} else {
				hvg_block(deadline_ns);
			}
		}
		if (!masked) {
			hvg_events_enable();
		}
	}
	return result(r, rc);
}

void hvg_ring_disconnect(struct hvg_ring *r)
{
	if (r->state == HVG_RING_OPEN) {
		disconnect(r, -HV_EPROTO);
	}
}

int hvg_ring_close(struct hvg_ring *r)
{
	int rc;

	if (r->state == HVG_RING_CLOSED) {
		return 0;
	}
	if (r->state == HVG_RING_OPEN) {
		r->state = HVG_RING_CLOSING;
	}
	rc = release(r, hvg_time_ns() + HVG_RING_CLOSE_WAIT_NS);
	if (rc != 0) {
		r->state = HVG_RING_CLOSING;
		return rc;
	}
	r->state = HVG_RING_CLOSED;
	return 0;
}

uint32_t hvg_ring_port(const struct hvg_ring *r)
{
	return r->port;
}

size_t hvg_ring_slot_size(const struct hvg_ring *r)
{
	return r->state == HVG_RING_CLOSED ? 0 : r->slot_size;
}

uint32_t hvg_ring_slot_count(const struct hvg_ring *r)
{
	if (r->state == HVG_RING_CLOSED) {
		return 0;
	}
	return r->is_front ? r->front.slot_count : r->back.slot_count;
}

uint32_t hvg_ring_send_count(const struct hvg_ring *r)
{
	if (r->state != HVG_RING_OPEN) {
		return 0;
	}
	return r->is_front ? hv_ring_front_free_count(&r->front)
	                   : hv_ring_back_unanswered_count(&r->back);
}
