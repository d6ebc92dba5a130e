/* SPDX-License-Identifier: MIT */
/**
 * @file
 * @defgroup hv_abi_ring Shared-memory descriptor rings
 * @brief Request/response rings in memory shared by two domains, with checked accessors.
 *
 * A ring is a memory area (one page or several contiguous ones) that a
 * frontend and a backend both map: a 64-byte header,
 * `struct hv_ring_shared`, followed by `slot_count` slots of `slot_size`
 * bytes each. The frontend writes requests into slots and publishes them by
 * advancing `req_prod`; the backend copies each request out, answers it by
 * writing a response into the slot the request occupied, and publishes the
 * response by advancing `rsp_prod`. A protocol (block, network, console)
 * chooses the slot size; both ends compute the same slot count from the
 * area size with hv_ring_slot_count(). See docs/rings.md for a worked
 * example.
 *
 * Indices are free-running `uint32_t` counters that wrap around; slot
 * `i` is `slots[i % slot_count]` (the count is a power of two). Each end
 * keeps its own consumer and producer counters in private memory,
 * `struct hv_ring_front` and `struct hv_ring_back`, that the peer cannot
 * touch. Each shared field has one writer:
 *
 * | field       | written by | meaning                                                     |
 * |-------------|------------|-------------------------------------------------------------|
 * | `req_prod`  | frontend   | requests published                                          |
 * | `req_event` | backend    | notify the backend when `req_prod` reaches this value       |
 * | `rsp_prod`  | backend    | responses published                                         |
 * | `rsp_event` | frontend   | notify the frontend when `rsp_prod` reaches this value      |
 *
 * **Nothing the peer writes is trusted.** The consumer accessors,
 * hv_ring_front_get() and hv_ring_back_get(), read the peer's producer
 * index once (an acquire load into a local), check it against what the
 * protocol allows (it never moves backwards; requests never get more than
 * `slot_count` ahead of the responses published, and responses never get
 * ahead of the requests published), and copy a slot into
 * the caller's buffer before anyone looks at it: the caller examines only
 * its private copy, so a peer that rewrites a slot afterwards changes
 * nothing. An index that fails the check disconnects this end: the call
 * returns `-HV_EPROTO`, and so does every later call on that end, without
 * touching shared memory again. A notification index (`*_event`) is only a
 * hint: a bad one costs extra or missing notifications to the peer that
 * wrote it, never safety.
 *
 * The functions are `static inline` so that a guest needs nothing but this
 * header. They copy with `__builtin_memcpy`, which the compiler may turn
 * into a call to `memcpy`: as for any GCC or Clang freestanding program, a
 * `memcpy` must be linked in (libhv and the dom0-kit runtime provide one).
 * Neither end is thread-safe: one thread (or vCPU at a time) drives an end,
 * and the frontend and backend may run concurrently on different CPUs.
 * @{
 */
#ifndef HV_ABI_RING_H
#define HV_ABI_RING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <hv/abi/errno.h>

/** Size of `struct hv_ring_shared`: the slots start at this offset in the area. */
#define HV_RING_HEADER_SIZE 64
/** Required alignment of a ring area (a page-aligned area always qualifies). */
#define HV_RING_ALIGN 64
/** A slot size is a multiple of this. */
#define HV_RING_SLOT_ALIGN 8
/** Largest slot size: a page. */
#define HV_RING_MAX_SLOT_SIZE 4096
/** Largest slot count; a larger area leaves the rest unused. */
#define HV_RING_MAX_SLOT_COUNT 65536u
/** Bytes an area needs for `slot_count` slots of `slot_size` bytes. */
#define HV_RING_AREA_SIZE(slot_size, slot_count)                                                   \
	((size_t)HV_RING_HEADER_SIZE + (size_t)(slot_size) * (size_t)(slot_count))

/**
 * The start of a ring area, shared by the frontend and the backend. Access
 * the four indices only with `__atomic` builtins (the accessors below do);
 * each has a single writer, named in the table above.
 */
struct hv_ring_shared {
	uint32_t req_prod;  /**< Requests published (written by the frontend). */
	uint32_t req_event; /**< Backend wants an event once `req_prod` reaches this. */
	uint32_t rsp_prod;  /**< Responses published (written by the backend). */
	uint32_t rsp_event; /**< Frontend wants an event once `rsp_prod` reaches this. */
	uint8_t pad[48];    /**< Zero; reserved. */
	uint8_t slots[];    /**< `slot_count` slots of `slot_size` bytes. */
};
_Static_assert(sizeof(struct hv_ring_shared) == HV_RING_HEADER_SIZE, "hv_ring_shared layout");
_Static_assert(__builtin_offsetof(struct hv_ring_shared, req_event) == 4,
               "hv_ring_shared.req_event");
_Static_assert(__builtin_offsetof(struct hv_ring_shared, rsp_prod) == 8, "hv_ring_shared.rsp_prod");
_Static_assert(__builtin_offsetof(struct hv_ring_shared, rsp_event) == 12,
               "hv_ring_shared.rsp_event");
_Static_assert(__builtin_offsetof(struct hv_ring_shared, slots) == HV_RING_HEADER_SIZE,
               "hv_ring_shared.slots");
_Static_assert((HV_RING_MAX_SLOT_COUNT & (HV_RING_MAX_SLOT_COUNT - 1)) == 0 &&
                       HV_RING_MAX_SLOT_COUNT <= (UINT32_C(1) << 31),
               "free-running uint32_t indices need a power-of-two count of at most 2^31");

/**
 * The frontend's private view of a ring: it produces requests and consumes
 * responses. Lives in the frontend's own memory; the backend never sees
 * it, so its layout is not part of the ABI. Set up by
 * hv_ring_front_init(); its fields are for the accessors.
 */
struct hv_ring_front {
	struct hv_ring_shared *shared; /**< The ring area. */
	uint32_t slot_size;            /**< Bytes per slot. */
	uint32_t slot_count;           /**< Slots, a power of two. */
	uint32_t req_prod_pvt;         /**< Requests written into slots, published or not. */
	uint32_t req_pushed;           /**< Value last stored into `req_prod`. */
	uint32_t rsp_cons;             /**< Responses copied out. */
	uint32_t rsp_seen;             /**< `rsp_prod` as last read and found valid. */
	int broken; /**< 0 while connected; else the error every call returns (`-HV_EPROTO`). */
};

/**
 * The backend's private view of a ring: it consumes requests and produces
 * responses. Lives in the backend's own memory (the hypervisor's, for an
 * in-hypervisor backend); the frontend never sees it. Set up by
 * hv_ring_back_attach(); its fields are for the accessors. Not shared, so
 * its layout is not part of the ABI.
 */
struct hv_ring_back {
	struct hv_ring_shared *shared; /**< The ring area. */
	uint32_t slot_size;            /**< Bytes per slot. */
	uint32_t slot_count;           /**< Slots, a power of two. */
	uint32_t req_cons;             /**< Requests copied out. */
	uint32_t req_seen;             /**< `req_prod` as last read and found valid. */
	uint32_t rsp_prod_pvt;         /**< Responses written into slots, published or not. */
	uint32_t rsp_pushed;           /**< Value last stored into `rsp_prod`. */
	int broken; /**< 0 while connected; else the error every call returns (`-HV_EPROTO`). */
};

/**
 * @brief How many slots of `slot_size` bytes a ring area of `area_size` bytes holds.
 *
 * The largest power of two that fits after the header, at most
 * #HV_RING_MAX_SLOT_COUNT. Both ends call this with the same arguments and
 * so agree on the layout.
 * @param area_size Bytes in the ring area.
 * @param slot_size Bytes per slot: a multiple of #HV_RING_SLOT_ALIGN, at most
 *                  #HV_RING_MAX_SLOT_SIZE.
 * @return The slot count, or 0 if the slot size is invalid or not one slot fits.
 */
static inline uint32_t hv_ring_slot_count(size_t area_size, size_t slot_size)
{
	size_t fit;
	uint32_t count = 1;

	if (slot_size == 0 || slot_size > HV_RING_MAX_SLOT_SIZE ||
	    slot_size % HV_RING_SLOT_ALIGN != 0 || area_size < HV_RING_AREA_SIZE(slot_size, 1)) {
		return 0;
	}
	fit = (area_size - HV_RING_HEADER_SIZE) / slot_size;
	while (count < HV_RING_MAX_SLOT_COUNT && (size_t)count * 2 <= fit) {
		count *= 2;
	}
	return count;
}

/**
 * @brief Address of the slot that index `idx` maps to.
 * @param shared The ring area.
 * @param slot_size Bytes per slot.
 * @param slot_count Slots, a power of two.
 * @param idx A free-running index.
 * @return The slot, always inside the area: the index is reduced modulo the count.
 */
static inline uint8_t *hv_ring_slot(struct hv_ring_shared *shared, uint32_t slot_size,
                                    uint32_t slot_count, uint32_t idx)
{
	return shared->slots + (size_t)(idx & (slot_count - 1)) * slot_size;
}

/**
 * @brief Whether a producer index read from the peer is allowed.
 *
 * All differences are taken modulo 2^32 from `base`, the oldest index that
 * still counts against the window, so the check is exact across
 * wrap-around.
 * @param prod The value just read.
 * @param seen The value read (and accepted) before.
 * @param base The oldest index of the window.
 * @param limit How far past `base` the peer may be.
 * @return True if `prod` is not behind `seen` and at most `limit` past `base`.
 */
static inline bool hv_ring_prod_valid(uint32_t prod, uint32_t seen, uint32_t base, uint32_t limit)
{
	uint32_t ahead = prod - base;

	return ahead >= seen - base && ahead <= limit;
}

/**
 * @brief Whether a producer that moved its index from `old_prod` to
 * `new_prod` must notify a consumer that asked to be woken at `event`.
 * @param old_prod The index before the push.
 * @param new_prod The index after the push.
 * @param event The consumer's event index, read after the new index was stored.
 * @return True if `event` lies in (`old_prod`, `new_prod`], modulo 2^32.
 */
static inline bool hv_ring_need_notify(uint32_t old_prod, uint32_t new_prod, uint32_t event)
{
	return (uint32_t)(new_prod - event) < (uint32_t)(new_prod - old_prod);
}

/**
 * @brief Keeps the compiler from reading shared memory in place of a private copy.
 *
 * After this barrier the compiler may assume nothing about the contents of
 * shared memory, so code that examines a copy cannot be compiled into
 * fresh reads of the slot it came from.
 */
static inline void hv_ring_compiler_barrier(void)
{
	__asm__ __volatile__("" ::: "memory");
}

/**
 * @brief Checks a ring area and its slot size.
 * @param area The ring area.
 * @param area_size Bytes in it.
 * @param slot_size Bytes per slot.
 * @param[out] slot_count The slot count, if valid.
 * @return 0, or `-HV_EINVAL` if the area is NULL or misaligned, or the sizes are invalid.
 */
static inline int hv_ring_check_area(const void *area, size_t area_size, size_t slot_size,
                                     uint32_t *slot_count)
{
	*slot_count = hv_ring_slot_count(area_size, slot_size);
	if (area == NULL || (uintptr_t)area % HV_RING_ALIGN != 0 || *slot_count == 0) {
		return -HV_EINVAL;
	}
	return 0;
}

/**
 * @brief Sets up the frontend of a ring, and the shared header, with indices starting at `first`.
 *
 * Protocols start at 0 (hv_ring_front_init()); any other start behaves the
 * same, and lets tests cross the 2^32 wrap-around quickly.
 * @param[out] front The frontend's private state.
 * @param area The ring area, aligned to #HV_RING_ALIGN; the header is overwritten.
 * @param area_size Bytes in the area.
 * @param slot_size Bytes per slot, as the protocol defines it.
 * @param first The first request and response index.
 * @return 0, or `-HV_EINVAL` for a bad area or slot size; then `front` is left
 *         disconnected with that error, and touches no memory.
 * @pre The backend has not attached yet.
 */
static inline int hv_ring_front_init_at(struct hv_ring_front *front, void *area, size_t area_size,
                                        size_t slot_size, uint32_t first)
{
	struct hv_ring_shared *s = area;
	uint32_t count;
	int rc = hv_ring_check_area(area, area_size, slot_size, &count);

	if (rc != 0) {
		*front = (struct hv_ring_front){.broken = rc};
		return rc;
	}
	*front = (struct hv_ring_front){
	        .shared = s,
	        .slot_size = (uint32_t)slot_size,
	        .slot_count = count,
	        .req_prod_pvt = first,
	        .req_pushed = first,
	        .rsp_cons = first,
	        .rsp_seen = first,
	};
	__builtin_memset(s->pad, 0, sizeof(s->pad));
	__atomic_store_n(&s->req_event, first + 1, __ATOMIC_RELAXED);
	__atomic_store_n(&s->rsp_event, first + 1, __ATOMIC_RELAXED);
	__atomic_store_n(&s->req_prod, first, __ATOMIC_RELAXED);
	__atomic_store_n(&s->rsp_prod, first, __ATOMIC_RELEASE);
	return 0;
}

/**
 * @brief Sets up the frontend of a ring, and the shared header, with indices starting at 0.
 * @param[out] front The frontend's private state.
 * @param area The ring area, aligned to #HV_RING_ALIGN; the header is overwritten.
 * @param area_size Bytes in the area.
 * @param slot_size Bytes per slot, as the protocol defines it.
 * @return 0, or `-HV_EINVAL` as for hv_ring_front_init_at().
 * @pre The backend has not attached yet.
 */
static inline int hv_ring_front_init(struct hv_ring_front *front, void *area, size_t area_size,
                                     size_t slot_size)
{
	return hv_ring_front_init_at(front, area, area_size, slot_size, 0);
}

/**
 * @brief Attaches the backend to a ring the frontend has set up.
 *
 * Reads `rsp_prod` once as the starting point; whatever the frontend put
 * there, later indices are checked against it. Requests the frontend
 * published before the backend attached are seen by the first
 * hv_ring_back_get().
 * @param[out] back The backend's private state.
 * @param area The ring area as the backend maps it, aligned to #HV_RING_ALIGN.
 * @param area_size Bytes the backend mapped; the backend touches nothing beyond.
 * @param slot_size Bytes per slot, as the protocol defines it.
 * @return 0, or `-HV_EINVAL` for a bad area or slot size; then `back` is left
 *         disconnected with that error, and touches no memory.
 */
static inline int hv_ring_back_attach(struct hv_ring_back *back, void *area, size_t area_size,
                                      size_t slot_size)
{
	struct hv_ring_shared *s = area;
	uint32_t count;
	uint32_t start;
	int rc = hv_ring_check_area(area, area_size, slot_size, &count);

	if (rc != 0) {
		*back = (struct hv_ring_back){.broken = rc};
		return rc;
	}
	start = __atomic_load_n(&s->rsp_prod, __ATOMIC_ACQUIRE);
	*back = (struct hv_ring_back){
	        .shared = s,
	        .slot_size = (uint32_t)slot_size,
	        .slot_count = count,
	        .req_cons = start,
	        .req_seen = start,
	        .rsp_prod_pvt = start,
	        .rsp_pushed = start,
	};
	return 0;
}

/**
 * @brief Whether the frontend is disconnected.
 * @param front The frontend.
 * @return True once a call found a protocol violation (or init failed).
 */
static inline bool hv_ring_front_broken(const struct hv_ring_front *front)
{
	return front->broken != 0;
}

/**
 * @brief Whether the backend is disconnected.
 * @param back The backend.
 * @return True once a call found a protocol violation (or attach failed).
 */
static inline bool hv_ring_back_broken(const struct hv_ring_back *back)
{
	return back->broken != 0;
}

/**
 * @brief Disconnects the frontend, for a violation that only the protocol above sees.
 *
 * For example a response whose identifier matches no outstanding request.
 * Every later call returns `-HV_EPROTO` (or the error already recorded).
 * @param front The frontend.
 * @post hv_ring_front_broken() is true.
 */
static inline void hv_ring_front_disconnect(struct hv_ring_front *front)
{
	if (front->broken == 0) {
		front->broken = -HV_EPROTO;
	}
}

/**
 * @brief Disconnects the backend, for a violation that only the protocol above sees.
 *
 * For example a request with an unknown operation code. Every later call
 * returns `-HV_EPROTO` (or the error already recorded).
 * @param back The backend.
 * @post hv_ring_back_broken() is true.
 */
static inline void hv_ring_back_disconnect(struct hv_ring_back *back)
{
	if (back->broken == 0) {
		back->broken = -HV_EPROTO;
	}
}

/**
 * @brief Slots free for new requests.
 *
 * A slot stays taken from its request until its response has been copied
 * out, so this is the slot count minus the requests in flight.
 * @param front The frontend.
 * @return Requests hv_ring_front_put() will accept now; 0 if disconnected.
 */
static inline uint32_t hv_ring_front_free_count(const struct hv_ring_front *front)
{
	if (front->broken != 0) {
		return 0;
	}
	return front->slot_count - (front->req_prod_pvt - front->rsp_cons);
}

/**
 * @brief Copies a request into the next free slot, without publishing it.
 * @param front The frontend.
 * @param req The request.
 * @param size Its size in bytes, at most the slot size; the rest of the slot is left as it was.
 * @return 0; `-HV_ENOSPC` if every slot is in flight, `-HV_E2BIG` if `size`
 *         exceeds the slot size, or the error that disconnected the frontend.
 */
static inline int hv_ring_front_put(struct hv_ring_front *front, const void *req, size_t size)
{
	if (front->broken != 0) {
		return front->broken;
	}
	if (size > front->slot_size) {
		return -HV_E2BIG;
	}
	if (front->req_prod_pvt - front->rsp_cons == front->slot_count) {
		return -HV_ENOSPC;
	}
	if (size != 0) {
		__builtin_memcpy(hv_ring_slot(front->shared, front->slot_size, front->slot_count,
		                              front->req_prod_pvt),
		                 req, size);
	}
	front->req_prod_pvt++;
	return 0;
}

/**
 * @brief The slot the next request goes into, for a producer that writes it in place.
 *
 * The zero-copy alternative to hv_ring_front_put(): write the request
 * straight into the slot, then hv_ring_front_commit() it. Nothing is
 * published until hv_ring_front_push(). The slot is shared memory that the
 * backend can also write: store into it, but never read back from it a
 * value that matters.
 * @param front The frontend.
 * @param[out] slot The slot (hv_ring_front::slot_size bytes); NULL on an error.
 * @return 0; `-HV_ENOSPC` if every slot is in flight, or the error that
 *         disconnected the frontend.
 */
static inline int hv_ring_front_slot_next(struct hv_ring_front *front, void **slot)
{
	*slot = NULL;
	if (front->broken != 0) {
		return front->broken;
	}
	if (front->req_prod_pvt - front->rsp_cons == front->slot_count) {
		return -HV_ENOSPC;
	}
	*slot = hv_ring_slot(front->shared, front->slot_size, front->slot_count,
	                     front->req_prod_pvt);
	return 0;
}

/**
 * @brief Counts the request written in place at hv_ring_front_slot_next(), without publishing it.
 *
 * The same as hv_ring_front_put() of 0 bytes: the slot keeps what the
 * producer wrote into it.
 * @param front The frontend.
 * @return 0; `-HV_ENOSPC` if every slot is in flight, or the error that
 *         disconnected the frontend.
 */
static inline int hv_ring_front_commit(struct hv_ring_front *front)
{
	if (front->broken != 0) {
		return front->broken;
	}
	if (front->req_prod_pvt - front->rsp_cons == front->slot_count) {
		return -HV_ENOSPC;
	}
	front->req_prod_pvt++;
	return 0;
}

/**
 * @brief Publishes the requests put since the last push, and says whether to notify.
 *
 * Stores `req_prod` with release ordering (the slots are written before the
 * backend can see the index), then, after a full fence, reads `req_event`:
 * the backend needs an event only if it asked for one at an index this
 * push passed. Send it (an event channel) when `*notify` is true.
 * @param front The frontend.
 * @param[out] notify Whether the backend must be notified.
 * @return 0, or the error that disconnected the frontend (then `*notify` is false).
 */
static inline int hv_ring_front_push(struct hv_ring_front *front, bool *notify)
{
	uint32_t old_prod = front->req_pushed;
	uint32_t new_prod = front->req_prod_pvt;
	uint32_t event;

	*notify = false;
	if (front->broken != 0) {
		return front->broken;
	}
	if (new_prod == old_prod) {
		return 0;
	}
	__atomic_store_n(&front->shared->req_prod, new_prod, __ATOMIC_RELEASE);
	front->req_pushed = new_prod;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	event = __atomic_load_n(&front->shared->req_event, __ATOMIC_RELAXED);
	*notify = hv_ring_need_notify(old_prod, new_prod, event);
	return 0;
}

/**
 * @brief Reads `rsp_prod` once and checks it (used by the accessors).
 *
 * The backend can only answer published requests, and never takes a
 * response back: valid values lie between the last one seen and
 * `req_pushed`.
 * @param front The frontend.
 * @return 0, or `-HV_EPROTO` (and the frontend is disconnected), or the
 *         error that disconnected it before.
 */
static inline int hv_ring_front_refresh(struct hv_ring_front *front)
{
	uint32_t prod;

	if (front->broken != 0) {
		return front->broken;
	}
	prod = __atomic_load_n(&front->shared->rsp_prod, __ATOMIC_ACQUIRE);
	if (!hv_ring_prod_valid(prod, front->rsp_seen, front->rsp_cons,
	                        front->req_pushed - front->rsp_cons)) {
		front->broken = -HV_EPROTO;
		return front->broken;
	}
	front->rsp_seen = prod;
	return 0;
}

/**
 * @brief Copies the next response out of the ring, checking the backend's index.
 *
 * The slot is copied into `rsp` once, before anything examines it; the
 * caller works on that copy only. The slot is then free for a new request.
 * @param front The frontend.
 * @param[out] rsp Buffer for the response.
 * @param size Bytes to copy, at most the slot size.
 * @return 0 with a response in `rsp`; `-HV_EAGAIN` if none is published;
 *         `-HV_E2BIG` if `size` exceeds the slot size; `-HV_EPROTO` if the
 *         backend's `rsp_prod` is invalid (went backwards, or past the
 *         requests published), which disconnects the frontend; or the error
 *         that disconnected it before.
 * @post After `-HV_EPROTO` the frontend stays disconnected: no later call
 *       touches the area.
 */
static inline int hv_ring_front_get(struct hv_ring_front *front, void *rsp, size_t size)
{
	const uint8_t *slot;
	int rc;

	if (front->broken != 0) {
		return front->broken;
	}
	if (size > front->slot_size) {
		return -HV_E2BIG;
	}
	if (front->rsp_seen == front->rsp_cons) {
		rc = hv_ring_front_refresh(front);
		if (rc != 0) {
			return rc;
		}
		if (front->rsp_seen == front->rsp_cons) {
			return -HV_EAGAIN;
		}
	}
	if (size != 0) {
		slot = hv_ring_slot(front->shared, front->slot_size, front->slot_count,
		                    front->rsp_cons);
		__builtin_memcpy(rsp, slot, size);
		hv_ring_compiler_barrier();
	}
	front->rsp_cons++;
	return 0;
}

/**
 * @brief Re-arms `rsp_event` before the frontend waits, so that no response goes unnoticed.
 *
 * Call when hv_ring_front_get() returned `-HV_EAGAIN` and the frontend is
 * about to wait for an event. If responses are already published, says so
 * without re-arming. Otherwise asks for an event at the next response, and
 * then (after a full fence) reads `rsp_prod` again: a response published
 * before the backend could see the request for an event is found here. If
 * `*more` is false it is safe to wait for the event channel.
 * @param front The frontend.
 * @param[out] more Whether responses are waiting (call hv_ring_front_get() again).
 * @return 0, or `-HV_EPROTO` as for hv_ring_front_get() (then `*more` is false).
 */
static inline int hv_ring_front_final_check(struct hv_ring_front *front, bool *more)
{
	int rc;

	*more = false;
	if (front->broken != 0) {
		return front->broken;
	}
	if (front->rsp_seen == front->rsp_cons) {
		rc = hv_ring_front_refresh(front);
		if (rc != 0) {
			return rc;
		}
	}
	if (front->rsp_seen == front->rsp_cons) {
		__atomic_store_n(&front->shared->rsp_event, front->rsp_cons + 1, __ATOMIC_RELAXED);
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		rc = hv_ring_front_refresh(front);
		if (rc != 0) {
			return rc;
		}
	}
	*more = front->rsp_seen != front->rsp_cons;
	return 0;
}

/**
 * @brief Reads `req_prod` once and checks it (used by the accessors).
 *
 * The frontend cannot have more than `slot_count` requests beyond the
 * responses published to it, and never takes a request back: valid values
 * lie between the last one seen and `rsp_pushed + slot_count`.
 * @param back The backend.
 * @return 0, or `-HV_EPROTO` (and the backend is disconnected), or the
 *         error that disconnected it before.
 */
static inline int hv_ring_back_refresh(struct hv_ring_back *back)
{
	uint32_t prod;

	if (back->broken != 0) {
		return back->broken;
	}
	prod = __atomic_load_n(&back->shared->req_prod, __ATOMIC_ACQUIRE);
	if (!hv_ring_prod_valid(prod, back->req_seen, back->rsp_pushed, back->slot_count)) {
		back->broken = -HV_EPROTO;
		return back->broken;
	}
	back->req_seen = prod;
	return 0;
}

/**
 * @brief Copies the next request out of the ring, checking the frontend's index.
 *
 * The slot is copied into `req` once, before anything examines it; the
 * caller validates and uses that copy only. Answer it with
 * hv_ring_back_put(): responses go out in the order requests came in.
 * @param back The backend.
 * @param[out] req Buffer for the request.
 * @param size Bytes to copy, at most the slot size.
 * @return 0 with a request in `req`; `-HV_EAGAIN` if none is published;
 *         `-HV_E2BIG` if `size` exceeds the slot size; `-HV_EPROTO` if the
 *         frontend's `req_prod` is invalid (went backwards, or more than
 *         `slot_count` ahead of the responses published), which disconnects
 *         the backend; or the error that disconnected it before.
 * @post After `-HV_EPROTO` the backend stays disconnected: no later call
 *       touches the area.
 */
static inline int hv_ring_back_get(struct hv_ring_back *back, void *req, size_t size)
{
	const uint8_t *slot;
	int rc;

	if (back->broken != 0) {
		return back->broken;
	}
	if (size > back->slot_size) {
		return -HV_E2BIG;
	}
	if (back->req_seen == back->req_cons) {
		rc = hv_ring_back_refresh(back);
		if (rc != 0) {
			return rc;
		}
		if (back->req_seen == back->req_cons) {
			return -HV_EAGAIN;
		}
	}
	if (size != 0) {
		slot = hv_ring_slot(back->shared, back->slot_size, back->slot_count,
		                    back->req_cons);
		__builtin_memcpy(req, slot, size);
		hv_ring_compiler_barrier();
	}
	back->req_cons++;
	return 0;
}

/**
 * @brief Requests copied out and not yet answered.
 * @param back The backend.
 * @return Responses hv_ring_back_put() will accept now; 0 if disconnected.
 */
static inline uint32_t hv_ring_back_unanswered_count(const struct hv_ring_back *back)
{
	if (back->broken != 0) {
		return 0;
	}
	return back->req_cons - back->rsp_prod_pvt;
}

/**
 * @brief Copies a response into the slot of the oldest unanswered request, without publishing it.
 * @param back The backend.
 * @param rsp The response.
 * @param size Its size in bytes, at most the slot size; the rest of the slot is left as it was.
 * @return 0; `-HV_ENOSPC` if every request copied out is already answered,
 *         `-HV_E2BIG` if `size` exceeds the slot size, or the error that
 *         disconnected the backend.
 */
static inline int hv_ring_back_put(struct hv_ring_back *back, const void *rsp, size_t size)
{
	if (back->broken != 0) {
		return back->broken;
	}
	if (size > back->slot_size) {
		return -HV_E2BIG;
	}
	if (back->rsp_prod_pvt == back->req_cons) {
		return -HV_ENOSPC;
	}
	if (size != 0) {
		__builtin_memcpy(hv_ring_slot(back->shared, back->slot_size, back->slot_count,
		                              back->rsp_prod_pvt),
		                 rsp, size);
	}
	back->rsp_prod_pvt++;
	return 0;
}

/**
 * @brief The slot the next response goes into, for a producer that writes it in place.
 *
 * The zero-copy alternative to hv_ring_back_put(): the slot of the oldest
 * unanswered request, which the backend has already copied out. Write the
 * response into it, then hv_ring_back_commit() it. The slot is shared
 * memory that the frontend can also write: store into it, but never read
 * back from it a value that matters.
 * @param back The backend.
 * @param[out] slot The slot (hv_ring_back::slot_size bytes); NULL on an error.
 * @return 0; `-HV_ENOSPC` if every request copied out is already answered,
 *         or the error that disconnected the backend.
 */
static inline int hv_ring_back_slot_next(struct hv_ring_back *back, void **slot)
{
	*slot = NULL;
	if (back->broken != 0) {
		return back->broken;
	}
	if (back->rsp_prod_pvt == back->req_cons) {
		return -HV_ENOSPC;
	}
	*slot = hv_ring_slot(back->shared, back->slot_size, back->slot_count, back->rsp_prod_pvt);
	return 0;
}

/**
 * @brief Counts the response written in place at hv_ring_back_slot_next(), without publishing it.
 *
 * The same as hv_ring_back_put() of 0 bytes.
 * @param back The backend.
 * @return 0; `-HV_ENOSPC` if every request copied out is already answered,
 *         or the error that disconnected the backend.
 */
static inline int hv_ring_back_commit(struct hv_ring_back *back)
{
	if (back->broken != 0) {
		return back->broken;
	}
	if (back->rsp_prod_pvt == back->req_cons) {
		return -HV_ENOSPC;
	}
	back->rsp_prod_pvt++;
	return 0;
}

/**
 * @brief Publishes the responses put since the last push, and says whether to notify.
 *
 * As hv_ring_front_push(), with `rsp_prod` and `rsp_event`.
 * @param back The backend.
 * @param[out] notify Whether the frontend must be notified.
 * @return 0, or the error that disconnected the backend (then `*notify` is false).
 */
static inline int hv_ring_back_push(struct hv_ring_back *back, bool *notify)
{
	uint32_t old_prod = back->rsp_pushed;
	uint32_t new_prod = back->rsp_prod_pvt;
	uint32_t event;

	*notify = false;
	if (back->broken != 0) {
		return back->broken;
	}
	if (new_prod == old_prod) {
		return 0;
	}
	__atomic_store_n(&back->shared->rsp_prod, new_prod, __ATOMIC_RELEASE);
	back->rsp_pushed = new_prod;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	event = __atomic_load_n(&back->shared->rsp_event, __ATOMIC_RELAXED);
	*notify = hv_ring_need_notify(old_prod, new_prod, event);
	return 0;
}

/**
 * @brief Re-arms `req_event` before the backend waits, so that no request goes unnoticed.
 *
 * As hv_ring_front_final_check(), with `req_prod` and `req_event`.
 * @param back The backend.
 * @param[out] more Whether requests are waiting (call hv_ring_back_get() again).
 * @return 0, or `-HV_EPROTO` as for hv_ring_back_get() (then `*more` is false).
 */
static inline int hv_ring_back_final_check(struct hv_ring_back *back, bool *more)
{
	int rc;

	*more = false;
	if (back->broken != 0) {
		return back->broken;
	}
	if (back->req_seen == back->req_cons) {
		rc = hv_ring_back_refresh(back);
		if (rc != 0) {
			return rc;
		}
	}
	if (back->req_seen == back->req_cons) {
		__atomic_store_n(&back->shared->req_event, back->req_cons + 1, __ATOMIC_RELAXED);
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		rc = hv_ring_back_refresh(back);
		if (rc != 0) {
			return rc;
		}
	}
	*more = back->req_seen != back->req_cons;
	return 0;
}

#endif /* HV_ABI_RING_H */
/** @} */
