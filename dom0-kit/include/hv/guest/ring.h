/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file
 * @defgroup hvg_ring Guest rings
 * @brief A ring between two domains, over grants and events: connect, send, receive, close.
 *
 * The helper puts together the three mechanisms of inter-domain
 * communication: a descriptor ring (`<hv/abi/ring.h>`) in pages that the
 * frontend grants to the backend, and an event channel for the
 * notifications. Messages go as the ring's requests from the frontend to
 * the backend, and as its responses back: the backend answers every
 * request it received, in order, with a message of its own or an empty one
 * (hvg_ring_send() of 0 bytes), and the slot is free again once the
 * frontend has received the answer. A message is at most a slot
 * (hvg_ring_slot_size()); a receiver copies as many bytes as it asks for,
 * so the protocol above says how long its messages are.
 *
 * **Connecting.** The frontend offers a ring with hvg_ring_offer(): it
 * takes the pages, grants them, offers an event port, and describes all
 * of it in a **connection page** (`struct hvg_ring_conn`) that it grants
 * read-only to the backend *first*, so that the connection page's grant
 * reference comes before the ring's. Until domain 0 brokers connections
 * (with the control interface), this is the rendezvous: a domain whose
 * first grants are a ring offer, right after hvg_grant_init(), offers it
 * under reference #HVG_RING_FIRST_CONN_REF, and the backend, which knows
 * the frontend's domain identifier from the appliance description, calls
 * hvg_ring_accept() with that reference. Any other reference can be passed
 * along by other means (a message over an earlier ring, for example).
 *
 * The backend polls until the connection page is granted and filled, then
 * copies it **once** into its own memory, unmaps it, and checks every
 * field of its copy: the magic and version, the page count (at most
 * #HVG_RING_MAX_PAGES), the slot size against the area, the port number
 * and the grant references (in range, distinct). It maps the ring pages at
 * consecutive pages of its map area, attaches (hv_ring_back_attach()) and
 * binds the event channel, which raises the frontend's port: handlers are
 * installed before anything can raise a port.
 *
 * **Trust.** Everything the peer can write is checked before use: the
 * connection page as above, and the ring through the checked accessors of
 * `<hv/abi/ring.h>` (indices read once and bounded, slots copied once). A
 * peer that breaks the protocol disconnects this end: the call returns
 * `-HV_EPROTO`, the helper closes the event channel (the peer sees it
 * disconnected) and, in a backend, unmaps the ring at once; every later
 * call returns `-HV_EPROTO` until hvg_ring_close() finishes the teardown.
 * A peer that closes its port, or whose domain ends, makes hvg_ring_recv()
 * and the notifications fail with `-HV_ENOTCONN`.
 *
 * **Waiting.** hvg_ring_recv() waits for a message with the ring's final
 * check and #HV_HC_BLOCK, with events masked in between, so no
 * notification is lost. To wait on several rings at once, mask events
 * (hvg_events_disable()), call hvg_ring_recv() on each with
 * #HVG_RING_NO_WAIT, and if none had a message, hvg_block() and unmask:
 * hvg_ring_recv() leaves a mask it found set.
 *
 * One thread (or vCPU) at a time drives a `struct hvg_ring`; the two ends
 * live in different domains, or in one domain for a loopback ring.
 * Functions that can fail return 0 (or a non-negative value where said)
 * or a negated `HV_E*` code.
 * @{
 */
#ifndef HV_GUEST_RING_H
#define HV_GUEST_RING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <hv/abi/ring.h>

/** Most ring pages of one connection (the ring area, without the connection page). */
#define HVG_RING_MAX_PAGES 128u

/** `struct hvg_ring_conn::magic`: "hvgring1" in memory order. */
#define HVG_RING_CONN_MAGIC 0x31676e6972677668ull

/** Version of `struct hvg_ring_conn`. */
#define HVG_RING_CONN_VERSION 1u

/**
 * The grant reference of the connection page of a domain's first ring
 * offer, made right after hvg_grant_init(): the well-known rendezvous
 * until domain 0 brokers connections.
 */
#define HVG_RING_FIRST_CONN_REF 0u

/** A deadline already past: hvg_ring_recv() and hvg_ring_accept() then do not wait. */
#define HVG_RING_NO_WAIT UINT64_C(1)

/** How long hvg_ring_close() waits for the peer to unmap the frontend's pages. */
#define HVG_RING_CLOSE_WAIT_NS UINT64_C(1000000000)

/**
 * The connection page: what the frontend publishes about a ring, granted
 * read-only to the backend. Filled before `magic`, which is stored last
 * (release ordering); a page whose magic is still 0 is not ready yet.
 * The backend copies it once and checks its copy; nothing in it is
 * trusted.
 */
struct hvg_ring_conn {
	uint64_t magic;       /**< #HVG_RING_CONN_MAGIC once the page is complete. */
	uint32_t version;     /**< #HVG_RING_CONN_VERSION. */
	uint32_t port;        /**< The frontend's event port, offered to the backend. */
	uint32_t page_count;  /**< Ring pages, 1 to #HVG_RING_MAX_PAGES. */
	uint32_t slot_size;   /**< Bytes per slot (see hv_ring_slot_count()). */
	uint32_t reserved[2]; /**< Zero. */
	uint32_t refs[HVG_RING_MAX_PAGES]; /**< Grant reference of each ring page, in order. */
};

_Static_assert(sizeof(struct hvg_ring_conn) == 32 + 4 * HVG_RING_MAX_PAGES, "hvg_ring_conn layout");
_Static_assert(__builtin_offsetof(struct hvg_ring_conn, refs) == 32, "hvg_ring_conn.refs");
_Static_assert(sizeof(struct hvg_ring_conn) <= 4096, "the connection fits a page");

/** States of a `struct hvg_ring`. */
enum hvg_ring_state {
	HVG_RING_CLOSED = 0,  /**< Not set up, or closed. */
	HVG_RING_OPEN = 1,    /**< Offered (frontend) or accepted (backend), in use. */
	HVG_RING_BROKEN = 2,  /**< The peer broke the protocol; waits for hvg_ring_close(). */
	HVG_RING_CLOSING = 3, /**< hvg_ring_close() could not end every grant yet. */
};

/**
 * One end of a ring connection. Lives in the end's own memory; the peer
 * never sees it. Its fields are the helper's: use the functions below.
 */
struct hvg_ring {
	union {
		struct hv_ring_front front; /**< The ring's frontend (`is_front`). */
		struct hv_ring_back back;   /**< The ring's backend (not `is_front`). */
	};
	bool is_front;              /**< Which end this is. */
	enum hvg_ring_state state;  /**< See #hvg_ring_state. */
	int error;                  /**< Why the ring broke (`-HV_EPROTO`), else 0. */
	uint16_t peer;              /**< The other domain. */
	uint32_t port;              /**< This end's event port; UINT32_MAX when closed. */
	uint32_t page_count;        /**< Ring pages. */
	uint32_t slot_size;         /**< Bytes per slot. */
	uint8_t *area;              /**< The ring pages (the backend's: in its map area). */
	struct hvg_ring_conn *conn; /**< Frontend: its connection page. */
	uint32_t conn_ref;          /**< Frontend: its grant; UINT32_MAX once ended. */
	/** Frontend: each page's grant reference; backend: each page's map handle.
	 * UINT32_MAX once ended or unmapped. */
	uint32_t refs[HVG_RING_MAX_PAGES];
	volatile uint32_t event_count; /**< Events received on `port`. */
	uint32_t event_checked;        /**< `event_count` when the port's state was last read. */
};

/**
 * @brief Offer a ring to another domain (the frontend's set-up).
 *
 * Takes a connection page and @p pages contiguous pages of free memory,
 * sets up the ring in them, grants the connection page read-only and then
 * the ring pages read-write to @p peer, offers an event port to it with
 * this ring's handler installed, and completes the connection page.
 * Messages can be sent at once: the backend finds them when it attaches.
 * @param[out] r The ring.
 * @param peer The backend's domain.
 * @param pages Ring pages, 1 to #HVG_RING_MAX_PAGES.
 * @param slot_size Bytes per slot: a multiple of 8, at most 4096; one slot
 *        must fit in the pages after the 64-byte header.
 * @return The connection page's grant reference (0 or more): what the
 *         backend passes to hvg_ring_accept(); -HV_EINVAL for bad sizes;
 *         -HV_ENOMEM without enough free pages; -HV_ENOSPC if the grant
 *         table (or the port table) is full; the error of the event
 *         channel's allocation (-HV_ENOENT: no such domain). On an error
 *         nothing is left offered, except pages a peer had already mapped,
 *         which stay granted (and out of use).
 * @pre hvg_grant_init() has set up the grant table, and @p r is not in
 *      use (new, or closed by hvg_ring_close()).
 * @post On success, hvg_ring_port() is the offered port and the state is #HVG_RING_OPEN.
 */
int hvg_ring_offer(struct hvg_ring *r, uint16_t peer, unsigned int pages, size_t slot_size);

/**
 * @brief Connect to a ring another domain offered (the backend's set-up).
 *
 * Maps the connection page read-only as soon as @p front_domid grants it,
 * and once it is complete copies it once and unmaps it; checks the copy,
 * maps the ring pages read-write at consecutive pages of the map area,
 * attaches to the ring and binds the event channel (events masked, so the
 * handler is in place before an event can be delivered).
 * @param[out] r The ring.
 * @param front_domid The frontend's domain.
 * @param conn_ref The connection page's grant reference
 *        (#HVG_RING_FIRST_CONN_REF by the rendezvous convention).
 * @param deadline_ns System time (hvg_time_ns()) to stop waiting for the
 *        offer at; 0 waits without limit, #HVG_RING_NO_WAIT tries once.
 * @return 0; -HV_EAGAIN if nothing usable was offered by the deadline;
 *         -HV_EPROTO if the connection page or the grants it names break
 *         the convention (then nothing stays mapped); -HV_ENOSPC if the
 *         map area has no room for the ring; -HV_ENOENT if the frontend's
 *         domain has ended.
 * @pre @p r is not in use (new, or closed by hvg_ring_close()).
 * @post On success the state is #HVG_RING_OPEN.
 */
int hvg_ring_accept(struct hvg_ring *r, uint16_t front_domid, uint32_t conn_ref,
                    uint64_t deadline_ns);

/**
 * @brief Wait until the backend has bound the event channel (frontend).
 *
 * Not needed to send (messages wait in the ring), but tells the frontend
 * that the backend is there. Returns at once on a backend.
 * @param r The ring.
 * @param deadline_ns System time to give up at; 0 waits without limit.
 * @return 0 once connected; -HV_EAGAIN at the deadline; -HV_ENOTCONN if
 *         the backend has closed its end (or its domain ended); the ring's
 *         error if it is not open.
 */
int hvg_ring_wait_peer(struct hvg_ring *r, uint64_t deadline_ns);

/**
 * @brief Send a message: copy it into the next slot, publish it, notify if asked.
 *
 * A frontend sends a request into a free slot; a backend answers the
 * oldest request it received and has not answered (0 bytes: an empty
 * answer). Publishes the messages committed before it too.
 * @param r The ring.
 * @param msg The message.
 * @param size Its size, at most hvg_ring_slot_size(); the rest of the slot is left as it was.
 * @return 0; -HV_ENOSPC if no slot is free (frontend: receive answers
 *         first) or nothing is left to answer (backend); -HV_E2BIG if
 *         @p size exceeds the slot; -HV_ENOTCONN if the message is in the
 *         ring but the peer has closed its end; the ring's error if it is
 *         broken or closed.
 */
int hvg_ring_send(struct hvg_ring *r, const void *msg, size_t size);

/**
 * @brief Receive a message: a checked copy of the next one, waiting until the deadline.
 *
 * A frontend receives the answers to its requests, in order; a backend the
 * requests. When none is waiting, first publishes this end's committed
 * messages (so two ends never wait for each other), re-arms the ring's
 * notification (final check) and blocks with events masked. The message
 * is copied once into @p buf: examine only that copy.
 * @param r The ring.
 * @param[out] buf Where the message goes.
 * @param size Bytes to copy, at most hvg_ring_slot_size(); 0 only takes the message.
 * @param deadline_ns System time to give up at; 0 waits without limit,
 *        #HVG_RING_NO_WAIT does not wait.
 * @return 0 with a message in @p buf; -HV_EAGAIN if none came by the
 *         deadline; -HV_E2BIG if @p size exceeds the slot; -HV_ENOTCONN if
 *         none is waiting and the peer has closed its end; -HV_EPROTO if the
 *         peer broke the ring's protocol (then the ring is disconnected, and
 *         every later call returns -HV_EPROTO).
 */
int hvg_ring_recv(struct hvg_ring *r, void *buf, size_t size, uint64_t deadline_ns);

/**
 * @brief The slot for the next message, to write it in place (the zero-copy send).
 *
 * Write the message into @p slot, then hvg_ring_commit() it, and publish
 * a batch with hvg_ring_flush() (or hvg_ring_send(), or by waiting in
 * hvg_ring_recv()). The slot is shared with the peer: write into it, never
 * rely on reading back what was written.
 * @param r The ring.
 * @param[out] slot The slot, hvg_ring_slot_size() bytes; NULL on an error.
 * @return 0; -HV_ENOSPC as for hvg_ring_send(); the ring's error if it is
 *         broken or closed.
 */
int hvg_ring_reserve(struct hvg_ring *r, void **slot);

/**
 * @brief Count the message written in place at hvg_ring_reserve(), without publishing it.
 * @param r The ring.
 * @return 0; -HV_ENOSPC if no slot was free; the ring's error if it is broken or closed.
 */
int hvg_ring_commit(struct hvg_ring *r);

/**
 * @brief Publish the messages committed, and notify the peer if it asked for it.
 *
 * One notification for a whole batch: the peer asks for an event only
 * when it is about to wait.
 * @param r The ring.
 * @return 0; -HV_ENOTCONN if the peer has closed its end; the ring's error
 *         if it is broken or closed.
 */
int hvg_ring_flush(struct hvg_ring *r);

/**
 * @brief Disconnect the ring for a violation only the protocol above sees.
 *
 * For example an answer to a request never made, or an unknown operation:
 * the ring breaks as if an accessor had found a bad index (the port is
 * closed, a backend unmaps the ring), and every later call returns
 * `-HV_EPROTO` until hvg_ring_close().
 * @param r The ring; nothing happens unless it is open.
 * @post hvg_ring_error() is `-HV_EPROTO` (or the error recorded before).
 */
void hvg_ring_disconnect(struct hvg_ring *r);

/**
 * @brief Close this end: the event channel, then the grants or mappings.
 *
 * Closes the port (the peer sees it disconnected). A backend unmaps the
 * ring. A frontend ends its grants, retrying for up to
 * #HVG_RING_CLOSE_WAIT_NS while the peer still has pages mapped, and
 * gives the pages back once every grant has ended. Also finishes the
 * teardown of a broken ring.
 * @param r The ring.
 * @return 0 once closed (also for a ring already closed); -HV_EBUSY if the
 *         peer still maps some of the frontend's pages: they stay granted
 *         and out of use, the state is #HVG_RING_CLOSING, and a later call
 *         tries again.
 * @post On 0, the state is #HVG_RING_CLOSED and the ring's memory is free.
 */
int hvg_ring_close(struct hvg_ring *r);

/**
 * @brief The ring's error.
 * @param r The ring.
 * @return 0 while it is open; `-HV_EPROTO` (or the recorded error) once
 *         the peer broke it; -HV_ENOTCONN once closed.
 */
int hvg_ring_error(const struct hvg_ring *r);

/**
 * @brief This end's event port.
 * @param r The ring.
 * @return The port, or UINT32_MAX if none is open.
 */
uint32_t hvg_ring_port(const struct hvg_ring *r);

/**
 * @brief Bytes per slot: the largest message.
 * @param r The ring.
 * @return The slot size, or 0 if the ring is not set up.
 */
size_t hvg_ring_slot_size(const struct hvg_ring *r);

/**
 * @brief Slots in the ring: the most requests in flight.
 * @param r The ring.
 * @return The slot count, or 0 if the ring is not set up.
 */
uint32_t hvg_ring_slot_count(const struct hvg_ring *r);

/**
 * @brief Messages hvg_ring_send() accepts now.
 * @param r The ring.
 * @return Frontend: free slots; backend: requests received and not yet
 *         answered; 0 unless the ring is open.
 */
uint32_t hvg_ring_send_count(const struct hvg_ring *r);

#endif /* HV_GUEST_RING_H */
/** @} */
