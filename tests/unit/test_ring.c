/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of the shared-memory descriptor rings (include/hv/abi/ring.h):
 * the layout, round trips in both directions, full and empty rings, the
 * free-running indices across the 2^32 wrap-around, the notification hints
 * (an event exactly when the consumer asked for one, and no lost wake-up
 * thanks to the final check, also with two real threads), and hostile
 * peers: slots rewritten after the copy, producer indices that jump ahead
 * or go backwards. A disconnected end must keep failing with -HV_EPROTO
 * without touching the area, which the tests check by revoking all access
 * to it. The in-place producers (slot_next and commit) interleave with
 * put and get. A random run checks both ends against a reference queue (set
 * HV_TEST_SEED to replay one; the default seed is fixed).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <hv/abi/errno.h>
#include <hv/abi/ring.h>

#define PAGE ((size_t)4096)

/* Starting indices: zero, and just before the uint32_t wrap-around. */
static const uint32_t starts[] = {0, UINT32_MAX - 2, UINT32_MAX, UINT32_MAX - 37, 0x7ffffffdu};

/* A request or response of the test protocol; slots are at least this big. */
struct msg {
	uint32_t seq;   /* sequence number of the request */
	uint32_t len;   /* payload bytes that follow, at most the slot size - 8 */
	uint8_t data[]; /* pattern(seq, i) */
};

static uint8_t pattern(uint32_t seq, size_t i, bool response)
{
	return (uint8_t)(seq * 131u + (uint32_t)i * 7u + (response ? 0x5au : 0u));
}

static void fill_msg(uint8_t *buf, size_t size, uint32_t seq, bool response)
{
	struct msg m = {.seq = seq, .len = (uint32_t)(size - sizeof(m))};

	memcpy(buf, &m, sizeof(m));
	for (size_t i = sizeof(m); i < size; i++) {
		buf[i] = pattern(seq, i, response);
	}
}

static bool msg_ok(const uint8_t *buf, size_t size, uint32_t seq, bool response)
{
	struct msg m;

	memcpy(&m, buf, sizeof(m));
	if (m.seq != seq || m.len != size - sizeof(m)) {
		return false;
	}
	for (size_t i = sizeof(m); i < size; i++) {
		if (buf[i] != pattern(seq, i, response)) {
			return false;
		}
	}
	return true;
}

/* An area of exactly 'size' bytes, so that ASan sees any access outside it. */
static void *area_alloc(size_t size)
{
	void *area = NULL;

	assert_int_equal(posix_memalign(&area, HV_RING_ALIGN, size), 0);
	memset(area, 0xcc, size);
	return area;
}

static struct hv_ring_shared *shared_of(void *area)
{
	return area;
}

/* Whole pages whose access the tests can revoke with mprotect(). */
static void *pages_alloc(size_t size)
{
	void *area = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	assert_true(area != MAP_FAILED);
	return area;
}

static void revoke_access(void *area, size_t size)
{
	assert_int_equal(mprotect(area, size, PROT_NONE), 0);
}

static void pages_free(void *area, size_t size)
{
	assert_int_equal(munmap(area, size), 0);
}

/*
 * Every call on a disconnected end fails with err. The caller has revoked
 * access to the area first: a call that touched it would fault.
 */
static void assert_front_stays_broken(struct hv_ring_front *f, int err)
{
	uint8_t buf[16] = {0};
	bool flag = true;
	void *slot;

	assert_true(hv_ring_front_broken(f));
	assert_int_equal(hv_ring_front_free_count(f), 0);
	assert_int_equal(hv_ring_front_put(f, buf, sizeof(buf)), err);
	assert_int_equal(hv_ring_front_push(f, &flag), err);
	assert_false(flag);
	assert_int_equal(hv_ring_front_get(f, buf, sizeof(buf)), err);
	flag = true;
	assert_int_equal(hv_ring_front_final_check(f, &flag), err);
	assert_false(flag);
	assert_int_equal(hv_ring_front_refresh(f), err);
	slot = buf;
	assert_int_equal(hv_ring_front_slot_next(f, &slot), err);
	assert_null(slot);
	assert_int_equal(hv_ring_front_commit(f), err);
	hv_ring_front_disconnect(f);
	assert_int_equal(hv_ring_front_get(f, buf, sizeof(buf)), err);
}

static void assert_back_stays_broken(struct hv_ring_back *b, int err)
{
	uint8_t buf[16] = {0};
	bool flag = true;
	void *slot;

	assert_true(hv_ring_back_broken(b));
	assert_int_equal(hv_ring_back_unanswered_count(b), 0);
	assert_int_equal(hv_ring_back_get(b, buf, sizeof(buf)), err);
	assert_int_equal(hv_ring_back_put(b, buf, sizeof(buf)), err);
	assert_int_equal(hv_ring_back_push(b, &flag), err);
	assert_false(flag);
	flag = true;
	assert_int_equal(hv_ring_back_final_check(b, &flag), err);
	assert_false(flag);
	assert_int_equal(hv_ring_back_refresh(b), err);
	slot = buf;
	assert_int_equal(hv_ring_back_slot_next(b, &slot), err);
	assert_null(slot);
	assert_int_equal(hv_ring_back_commit(b), err);
	hv_ring_back_disconnect(b);
	assert_int_equal(hv_ring_back_get(b, buf, sizeof(buf)), err);
}

static void test_slot_count(void **state)
{
	(void)state;
	assert_int_equal(hv_ring_slot_count(PAGE, 64), 32); /* 63 fit; a power of two */
	assert_int_equal(hv_ring_slot_count(PAGE, 8), 256);
	assert_int_equal(hv_ring_slot_count(PAGE, 112), 32);
	assert_int_equal(hv_ring_slot_count(PAGE, 2016), 2);
	assert_int_equal(hv_ring_slot_count(PAGE, 2024), 1);
	assert_int_equal(hv_ring_slot_count(PAGE, 4096), 0); /* the header takes 64 bytes */
	assert_int_equal(hv_ring_slot_count(2 * PAGE, 4096), 1);
	assert_int_equal(hv_ring_slot_count(9 * PAGE, 4096), 8);
	assert_int_equal(hv_ring_slot_count(HV_RING_AREA_SIZE(4096, 8) - 1, 4096), 4);
	assert_int_equal(hv_ring_slot_count(HV_RING_AREA_SIZE(24, 3), 24), 2);
	assert_int_equal(hv_ring_slot_count(HV_RING_AREA_SIZE(8, 1u << 20), 8),
	                 HV_RING_MAX_SLOT_COUNT);
	/* Invalid slot sizes, and areas too small for one slot. */
	assert_int_equal(hv_ring_slot_count(PAGE, 0), 0);
	assert_int_equal(hv_ring_slot_count(PAGE, 12), 0);
	assert_int_equal(hv_ring_slot_count(64 * PAGE, 4104), 0);
	assert_int_equal(hv_ring_slot_count(64, 8), 0);
	assert_int_equal(hv_ring_slot_count(0, 8), 0);
	assert_int_equal(hv_ring_slot_count(71, 8), 0);
	assert_int_equal(hv_ring_slot_count(72, 8), 1);
	assert_int_equal(HV_RING_AREA_SIZE(64, 32), 64 + 2048);
}

/* The layout is ABI: pin the header and where each index's slot lies. */
static void test_layout(void **state)
{
	const size_t size = HV_RING_AREA_SIZE(24, 4);
	uint8_t *area = area_alloc(size);
	struct hv_ring_shared *s = shared_of(area);
	struct hv_ring_front f;
	struct hv_ring_back b;
	uint8_t req[24];
	bool notify;

	(void)state;
	assert_int_equal(hv_ring_front_init_at(&f, area, size, 24, 6), 0);
	assert_int_equal(f.slot_count, 4);
	assert_int_equal(s->req_prod, 6);
	assert_int_equal(s->rsp_prod, 6);
	assert_int_equal(s->req_event, 7);
	assert_int_equal(s->rsp_event, 7);
	for (size_t i = 0; i < sizeof(s->pad); i++) {
		assert_int_equal(s->pad[i], 0);
	}
	assert_int_equal(hv_ring_back_attach(&b, area, size, 24), 0);

	/* Index 6 is slot 2, at byte 64 + 2 * 24 = 112. */
	memset(req, 0xa1, sizeof(req));
	assert_int_equal(hv_ring_front_put(&f, req, sizeof(req)), 0);
	assert_memory_equal(area + 112, req, sizeof(req));
	assert_int_equal(s->req_prod, 6); /* not published yet */
	assert_int_equal(hv_ring_front_push(&f, &notify), 0);
	assert_int_equal(s->req_prod, 7);
	assert_true(notify);

	/* The response goes into the slot its request came in. */
	assert_int_equal(hv_ring_back_get(&b, req, sizeof(req)), 0);
	memset(req, 0xb2, 8);
	assert_int_equal(hv_ring_back_put(&b, req, 8), 0);
	assert_memory_equal(area + 112, req, 8);
	assert_int_equal(area[112 + 8], 0xa1); /* the rest is left as it was */
	assert_int_equal(hv_ring_back_push(&b, &notify), 0);
	assert_int_equal(s->rsp_prod, 7);
	assert_true(notify);
	/* Nothing was written outside the header and slot 2. */
	assert_int_equal(area[64 + 24], 0xcc);     /* slot 1 */
	assert_int_equal(area[64 + 24 * 3], 0xcc); /* slot 3 */
	free(area);
}

static void test_init_rejects_bad_arguments(void **state)
{
	uint8_t *area = area_alloc(PAGE);
	struct hv_ring_front f;
	struct hv_ring_back b;

	(void)state;
	assert_int_equal(hv_ring_front_init(&f, NULL, PAGE, 64), -HV_EINVAL);
	assert_front_stays_broken(&f, -HV_EINVAL);
	assert_int_equal(hv_ring_front_init(&f, area + 8, PAGE - 64, 64), -HV_EINVAL);
	assert_front_stays_broken(&f, -HV_EINVAL);
	assert_int_equal(hv_ring_front_init(&f, area, PAGE, 60), -HV_EINVAL);
	assert_int_equal(hv_ring_front_init(&f, area, PAGE, 4096), -HV_EINVAL);
	assert_int_equal(hv_ring_front_init(&f, area, 64, 8), -HV_EINVAL);
	assert_int_equal(hv_ring_back_attach(&b, NULL, PAGE, 64), -HV_EINVAL);
	assert_back_stays_broken(&b, -HV_EINVAL);
	assert_int_equal(hv_ring_back_attach(&b, area + 32, PAGE - 64, 64), -HV_EINVAL);
	assert_int_equal(hv_ring_back_attach(&b, area, PAGE, 8192), -HV_EINVAL);
	assert_back_stays_broken(&b, -HV_EINVAL);
	/* The rejected calls wrote nothing. */
	for (size_t i = 0; i < PAGE; i++) {
		assert_int_equal(area[i], 0xcc);
	}
	assert_int_equal(hv_ring_front_init(&f, area, PAGE, 64), 0);
	assert_false(hv_ring_front_broken(&f));
	assert_int_equal(hv_ring_back_attach(&b, area, PAGE, 64), 0);
	assert_false(hv_ring_back_broken(&b));
	free(area);
}

static void test_round_trip(void **state)
{
	const size_t size = PAGE;
	uint8_t *area = area_alloc(size);
	uint8_t buf[64];
	struct hv_ring_front f;
	struct hv_ring_back b;
	bool notify;

	(void)state;
	assert_int_equal(hv_ring_front_init(&f, area, size, 64), 0);
	assert_int_equal(hv_ring_back_attach(&b, area, size, 64), 0);
	assert_int_equal(hv_ring_front_free_count(&f), 32);
	for (uint32_t i = 0; i < 3; i++) {
		fill_msg(buf, 16 + 8 * i, i, false);
		assert_int_equal(hv_ring_front_put(&f, buf, 16 + 8 * i), 0);
	}
	assert_int_equal(hv_ring_front_free_count(&f), 29);
	/* Nothing is visible before the push. */
	assert_int_equal(hv_ring_back_get(&b, buf, sizeof(buf)), -HV_EAGAIN);
	assert_int_equal(hv_ring_front_push(&f, &notify), 0);
	assert_true(notify);

	for (uint32_t i = 0; i < 3; i++) {
		memset(buf, 0, sizeof(buf));
		assert_int_equal(hv_ring_back_get(&b, buf, 16 + 8 * i), 0);
		assert_true(msg_ok(buf, 16 + 8 * i, i, false));
	}
	assert_int_equal(hv_ring_back_get(&b, buf, sizeof(buf)), -HV_EAGAIN);
	assert_int_equal(hv_ring_back_unanswered_count(&b), 3);
	for (uint32_t i = 0; i < 3; i++) {
		fill_msg(buf, 32, i, true);
		assert_int_equal(hv_ring_back_put(&b, buf, 32), 0);
	}
	assert_int_equal(hv_ring_back_unanswered_count(&b), 0);
	assert_int_equal(hv_ring_back_put(&b, buf, 32), -HV_ENOSPC);
	assert_int_equal(hv_ring_front_get(&f, buf, 32), -HV_EAGAIN); /* not pushed */
	assert_int_equal(hv_ring_back_push(&b, &notify), 0);
	assert_true(notify);
	/* Slots stay taken until their responses are read. */
	assert_int_equal(hv_ring_front_free_count(&f), 29);
	for (uint32_t i = 0; i < 3; i++) {
		memset(buf, 0, sizeof(buf));
		assert_int_equal(hv_ring_front_get(&f, buf, 32), 0);
		assert_true(msg_ok(buf, 32, i, true));
	}
	assert_int_equal(hv_ring_front_get(&f, buf, 32), -HV_EAGAIN);
	assert_int_equal(hv_ring_front_free_count(&f), 32);
	/* A push with nothing new publishes nothing and notifies nobody. */
	assert_int_equal(hv_ring_front_push(&f, &notify), 0);
	assert_false(notify);
	assert_int_equal(hv_ring_back_push(&b, &notify), 0);
	assert_false(notify);
	assert_false(hv_ring_front_broken(&f));
	assert_false(hv_ring_back_broken(&b));
	free(area);
}

static void test_sizes(void **state)
{
	const size_t size = HV_RING_AREA_SIZE(32, 2);
	uint8_t *area = area_alloc(size);
	uint8_t buf[64] = {0};
	struct hv_ring_front f;
	struct hv_ring_back b;
	bool notify;

	(void)state;
	assert_int_equal(hv_ring_front_init(&f, area, size, 32), 0);
	assert_int_equal(hv_ring_back_attach(&b, area, size, 32), 0);
	/* Too big for a slot: refused, and the end stays connected. */
	assert_int_equal(hv_ring_front_put(&f, buf, 33), -HV_E2BIG);
	assert_int_equal(hv_ring_front_get(&f, buf, 33), -HV_E2BIG);
	assert_int_equal(hv_ring_back_get(&b, buf, 33), -HV_E2BIG);
	assert_int_equal(hv_ring_back_put(&b, buf, 33), -HV_E2BIG);
	/* Empty messages carry no bytes but still take a slot. */
	assert_int_equal(hv_ring_front_put(&f, NULL, 0), 0);
	assert_int_equal(hv_ring_front_push(&f, &notify), 0);
	assert_int_equal(hv_ring_back_get(&b, NULL, 0), 0);
	assert_int_equal(hv_ring_back_put(&b, NULL, 0), 0);
	assert_int_equal(hv_ring_back_push(&b, &notify), 0);
	assert_int_equal(hv_ring_front_get(&f, NULL, 0), 0);
	/* A consumer may copy fewer bytes than the slot holds. */
	fill_msg(buf, 32, 9, false);
	assert_int_equal(hv_ring_front_put(&f, buf, 32), 0);
	assert_int_equal(hv_ring_front_push(&f, &notify), 0);
	memset(buf, 0, sizeof(buf));
	assert_int_equal(hv_ring_back_get(&b, buf, 8), 0);
	assert_true(msg_ok(buf, 8, 9, false) == false); /* len says 24 bytes follow */
	assert_int_equal(buf[0], 9);
	assert_int_equal(buf[8], 0);
	assert_false(hv_ring_front_broken(&f));
	assert_false(hv_ring_back_broken(&b));
	free(area);
}

static void test_full_and_empty(void **state)
{
	const size_t size = HV_RING_AREA_SIZE(16, 4);
	uint8_t *area = area_alloc(size);
	uint8_t buf[16];
	struct hv_ring_front f;
	struct hv_ring_back b;
	bool notify;

	(void)state;
	for (size_t k = 0; k < sizeof(starts) / sizeof(starts[0]); k++) {
		assert_int_equal(hv_ring_front_init_at(&f, area, size, 16, starts[k]), 0);
		assert_int_equal(hv_ring_back_attach(&b, area, size, 16), 0);
		assert_int_equal(hv_ring_front_get(&f, buf, 16), -HV_EAGAIN);
		assert_int_equal(hv_ring_back_get(&b, buf, 16), -HV_EAGAIN);
		for (uint32_t i = 0; i < 4; i++) {
			fill_msg(buf, 16, i, false);
			assert_int_equal(hv_ring_front_put(&f, buf, 16), 0);
		}
		assert_int_equal(hv_ring_front_free_count(&f), 0);
		assert_int_equal(hv_ring_front_put(&f, buf, 16), -HV_ENOSPC);
		assert_int_equal(hv_ring_front_push(&f, &notify), 0);
		/* The backend takes all four and answers two: still full. */
		for (uint32_t i = 0; i < 4; i++) {
			assert_int_equal(hv_ring_back_get(&b, buf, 16), 0);
			assert_true(msg_ok(buf, 16, i, false));
		}
		assert_int_equal(hv_ring_back_get(&b, buf, 16), -HV_EAGAIN);
		for (uint32_t i = 0; i < 2; i++) {
			fill_msg(buf, 16, i, true);
			assert_int_equal(hv_ring_back_put(&b, buf, 16), 0);
		}
		assert_int_equal(hv_ring_back_push(&b, &notify), 0);
		assert_int_equal(hv_ring_front_put(&f, buf, 16), -HV_ENOSPC);
		/* Reading one response frees one slot. */
		assert_int_equal(hv_ring_front_get(&f, buf, 16), 0);
		assert_true(msg_ok(buf, 16, 0, true));
		assert_int_equal(hv_ring_front_free_count(&f), 1);
		fill_msg(buf, 16, 4, false);
		assert_int_equal(hv_ring_front_put(&f, buf, 16), 0);
		assert_int_equal(hv_ring_front_put(&f, buf, 16), -HV_ENOSPC);
		assert_int_equal(hv_ring_front_push(&f, &notify), 0);
		assert_int_equal(hv_ring_back_get(&b, buf, 16), 0);
		assert_true(msg_ok(buf, 16, 4, false));
		for (uint32_t i = 2; i < 5; i++) {
			fill_msg(buf, 16, i, true);
			assert_int_equal(hv_ring_back_put(&b, buf, 16), 0);
		}
		assert_int_equal(hv_ring_back_put(&b, buf, 16), -HV_ENOSPC);
		assert_int_equal(hv_ring_back_push(&b, &notify), 0);
		for (uint32_t i = 1; i < 5; i++) {
			assert_int_equal(hv_ring_front_get(&f, buf, 16), 0);
			assert_true(msg_ok(buf, 16, i, true));
		}
		assert_int_equal(hv_ring_front_get(&f, buf, 16), -HV_EAGAIN);
		assert_int_equal(hv_ring_front_free_count(&f), 4);
	}
	free(area);
}

/*
 * Many rounds of uneven batches through a 4-slot ring from each starting
 * index: the indices cross 2^32 (and 2^31) and every message arrives once,
 * in order.
 */
static void test_wrap_around(void **state)
{
	const size_t size = HV_RING_AREA_SIZE(24, 4);
	uint8_t *area = area_alloc(size);
	struct hv_ring_shared *s = shared_of(area);
	uint8_t buf[24];

	(void)state;
	for (size_t k = 0; k < sizeof(starts) / sizeof(starts[0]); k++) {
		struct hv_ring_front f;
		struct hv_ring_back b;
		uint32_t sent = 0;
		uint32_t served = 0;
		uint32_t received = 0;
		bool notify;

		assert_int_equal(hv_ring_front_init_at(&f, area, size, 24, starts[k]), 0);
		assert_int_equal(hv_ring_back_attach(&b, area, size, 24), 0);
		for (uint32_t round = 0; round < 200; round++) {
			uint32_t batch = round % 5;

			for (uint32_t i = 0; i < batch && hv_ring_front_free_count(&f) > 0; i++) {
				fill_msg(buf, 24, sent, false);
				assert_int_equal(hv_ring_front_put(&f, buf, 24), 0);
				sent++;
			}
			assert_int_equal(hv_ring_front_push(&f, &notify), 0);
			while (hv_ring_back_get(&b, buf, 24) == 0) {
				assert_true(msg_ok(buf, 24, served, false));
				fill_msg(buf, 24, served, true);
				assert_int_equal(hv_ring_back_put(&b, buf, 24), 0);
				served++;
				if (round % 3 == 0) {
					break; /* leave some for the next round */
				}
			}
			assert_int_equal(hv_ring_back_push(&b, &notify), 0);
			while (hv_ring_front_get(&f, buf, 24) == 0) {
				assert_true(msg_ok(buf, 24, received, true));
				received++;
			}
		}
		assert_true(received > 100);
		assert_int_equal(s->req_prod, (uint32_t)(starts[k] + sent));
		assert_int_equal(s->rsp_prod, (uint32_t)(starts[k] + served));
		assert_false(hv_ring_front_broken(&f));
		assert_false(hv_ring_back_broken(&b));
	}
	free(area);
}

static void test_need_notify(void **state)
{
	(void)state;
	/* The event index lies in (old, new]. */
	assert_true(hv_ring_need_notify(10, 11, 11));
	assert_true(hv_ring_need_notify(10, 15, 11));
	assert_true(hv_ring_need_notify(10, 15, 15));
	assert_false(hv_ring_need_notify(10, 15, 10));
	assert_false(hv_ring_need_notify(10, 15, 16));
	assert_false(hv_ring_need_notify(10, 10, 10));
	assert_false(hv_ring_need_notify(10, 15, 3)); /* consumer asked long ago */
	/* Across the wrap-around. */
	assert_true(hv_ring_need_notify(UINT32_MAX - 1, 2, UINT32_MAX));
	assert_true(hv_ring_need_notify(UINT32_MAX - 1, 2, 0));
	assert_true(hv_ring_need_notify(UINT32_MAX - 1, 2, 2));
	assert_false(hv_ring_need_notify(UINT32_MAX - 1, 2, UINT32_MAX - 1));
	assert_false(hv_ring_need_notify(UINT32_MAX - 1, 2, 3));
}

/*
 * The producer notifies exactly when the consumer has asked (initially, and
 * after a final check found nothing), and not for pushes that follow while
 * the consumer is still busy.
 */
static void test_notify_hints(void **state)
{
	const size_t size = HV_RING_AREA_SIZE(8, 8);
	uint8_t *area = area_alloc(size);
	struct hv_ring_shared *s = shared_of(area);
	uint8_t buf[8] = {0};

	(void)state;
	for (size_t k = 0; k < sizeof(starts) / sizeof(starts[0]); k++) {
		struct hv_ring_front f;
		struct hv_ring_back b;
		bool notify;
		bool more;

		assert_int_equal(hv_ring_front_init_at(&f, area, size, 8, starts[k]), 0);
		assert_int_equal(hv_ring_back_attach(&b, area, size, 8), 0);

		/* The backend starts out waiting: the first push notifies. */
		assert_int_equal(hv_ring_front_put(&f, buf, 8), 0);
		assert_int_equal(hv_ring_front_push(&f, &notify), 0);
		assert_true(notify);
		/* It has not re-armed, so later pushes do not. */
		assert_int_equal(hv_ring_front_put(&f, buf, 8), 0);
		assert_int_equal(hv_ring_front_put(&f, buf, 8), 0);
		assert_int_equal(hv_ring_front_push(&f, &notify), 0);
		assert_false(notify);

		/* A final check with requests waiting says so and does not re-arm. */
		assert_int_equal(hv_ring_back_get(&b, buf, 8), 0);
		assert_int_equal(hv_ring_back_final_check(&b, &more), 0);
		assert_true(more);
		assert_int_equal(s->req_event, starts[k] + 1);
		assert_int_equal(hv_ring_back_get(&b, buf, 8), 0);
		assert_int_equal(hv_ring_back_get(&b, buf, 8), 0);
		assert_int_equal(hv_ring_back_get(&b, buf, 8), -HV_EAGAIN);

		/*
		 * The race the final check closes: the frontend pushes between the
		 * backend's last get and its final check. The event index is stale,
		 * so no notification; the final check finds the request.
		 */
		assert_int_equal(hv_ring_front_put(&f, buf, 8), 0);
		assert_int_equal(hv_ring_front_push(&f, &notify), 0);
		assert_false(notify);
		assert_int_equal(hv_ring_back_final_check(&b, &more), 0);
		assert_true(more);
		assert_int_equal(hv_ring_back_get(&b, buf, 8), 0);

		/* Nothing left: the final check re-arms, and the next push notifies once. */
		assert_int_equal(hv_ring_back_final_check(&b, &more), 0);
		assert_false(more);
		assert_int_equal(s->req_event, starts[k] + 5);
		assert_int_equal(hv_ring_front_put(&f, buf, 8), 0);
		assert_int_equal(hv_ring_front_put(&f, buf, 8), 0);
		assert_int_equal(hv_ring_front_push(&f, &notify), 0);
		assert_true(notify);
		assert_int_equal(hv_ring_front_put(&f, buf, 8), 0);
		assert_int_equal(hv_ring_front_push(&f, &notify), 0);
		assert_false(notify);

		/* The same on the response side. */
		for (int i = 0; i < 8; i++) {
			(void)hv_ring_back_get(&b, buf, 8);
		}
		assert_int_equal(hv_ring_back_unanswered_count(&b), 7);
		assert_int_equal(hv_ring_back_put(&b, buf, 8), 0);
		assert_int_equal(hv_ring_back_push(&b, &notify), 0);
		assert_true(notify); /* the frontend starts out waiting too */
		assert_int_equal(hv_ring_back_put(&b, buf, 8), 0);
		assert_int_equal(hv_ring_back_push(&b, &notify), 0);
		assert_false(notify);
		assert_int_equal(hv_ring_front_get(&f, buf, 8), 0);
		assert_int_equal(hv_ring_front_get(&f, buf, 8), 0);
		assert_int_equal(hv_ring_front_get(&f, buf, 8), -HV_EAGAIN);
		assert_int_equal(hv_ring_back_put(&b, buf, 8), 0);
		assert_int_equal(hv_ring_back_push(&b, &notify), 0);
		assert_false(notify); /* the frontend has not re-armed yet */
		assert_int_equal(hv_ring_front_final_check(&f, &more), 0);
		assert_true(more);
		assert_int_equal(hv_ring_front_get(&f, buf, 8), 0);
		assert_int_equal(hv_ring_front_final_check(&f, &more), 0);
		assert_false(more);
		assert_int_equal(s->rsp_event, starts[k] + 4);
		for (int i = 0; i < 4; i++) {
			assert_int_equal(hv_ring_back_put(&b, buf, 8), 0);
		}
		assert_int_equal(hv_ring_back_push(&b, &notify), 0);
		assert_true(notify);
	}
	free(area);
}

/*
 * A request is examined only through the copy: a frontend that rewrites the
 * slot after the backend copied it (here, a length that passed the
 * backend's check turned into a huge one) changes nothing the backend uses.
 */
static void test_slot_rewritten_after_copy(void **state)
{
	const size_t size = HV_RING_AREA_SIZE(64, 4);
	uint8_t *area = area_alloc(size);
	struct hv_ring_front f;
	struct hv_ring_back b;
	uint8_t buf[64];
	uint8_t copy[64];
	struct msg m;
	bool notify;

	(void)state;
	assert_int_equal(hv_ring_front_init(&f, area, size, 64), 0);
	assert_int_equal(hv_ring_back_attach(&b, area, size, 64), 0);
	fill_msg(buf, 40, 3, false);
	assert_int_equal(hv_ring_front_put(&f, buf, 40), 0);
	assert_int_equal(hv_ring_front_push(&f, &notify), 0);

	assert_int_equal(hv_ring_back_get(&b, copy, sizeof(copy)), 0);
	/* The hostile frontend rewrites the published slot: len and payload. */
	m = (struct msg){.seq = 3, .len = 0xfffffff0u};
	memcpy(area + 64, &m, sizeof(m));
	memset(area + 64 + sizeof(m), 0xee, 64 - sizeof(m));
	/* The backend checks and uses its copy, which is what the slot held at the get. */
	memcpy(&m, copy, sizeof(m));
	assert_int_equal(m.len, 32);
	assert_true(msg_ok(copy, 40, 3, false));
	/* Rewriting a consumed slot is not an index violation: the ring carries on. */
	assert_int_equal(hv_ring_back_put(&b, copy, 40), 0);
	assert_int_equal(hv_ring_back_push(&b, &notify), 0);
	assert_false(hv_ring_back_broken(&b));
	free(area);
}

/* A backend whose area the frontend set up at a start index and filled before attaching. */
static void setup_ring(struct hv_ring_front *f, struct hv_ring_back *b, void *area, size_t size,
                       uint32_t first, uint32_t requests)
{
	uint8_t buf[16] = {0};
	bool notify;

	assert_int_equal(hv_ring_front_init_at(f, area, size, 16, first), 0);
	for (uint32_t i = 0; i < requests; i++) {
		fill_msg(buf, 16, i, false);
		assert_int_equal(hv_ring_front_put(f, buf, 16), 0);
	}
	assert_int_equal(hv_ring_front_push(f, &notify), 0);
	assert_int_equal(hv_ring_back_attach(b, area, size, 16), 0);
}

/* A frontend that publishes more requests than there are slots. */
static void test_req_prod_too_far_ahead(void **state)
{
	const size_t size = PAGE; /* 252 slots fit: 128 */
	uint8_t buf[16];

	(void)state;
	for (size_t k = 0; k < sizeof(starts) / sizeof(starts[0]); k++) {
		static const uint32_t bad[] = {129, 200, 0x80000000u, UINT32_MAX};

		for (size_t j = 0; j < sizeof(bad) / sizeof(bad[0]); j++) {
			uint8_t *area = pages_alloc(size);
			struct hv_ring_shared *s = shared_of(area);
			struct hv_ring_front f;
			struct hv_ring_back b;

			setup_ring(&f, &b, area, size, starts[k], 1);
			assert_int_equal(b.slot_count, 128);
			__atomic_store_n(&s->req_prod, starts[k] + bad[j], __ATOMIC_RELEASE);
			assert_int_equal(hv_ring_back_get(&b, buf, 16), -HV_EPROTO);
			/* A valid value afterwards does not reconnect it. */
			__atomic_store_n(&s->req_prod, starts[k] + 1, __ATOMIC_RELEASE);
			revoke_access(area, size);
			assert_back_stays_broken(&b, -HV_EPROTO);
			pages_free(area, size);
		}
	}
}

/* Exactly a full ring is fine; one more is a violation, also counted from unanswered requests. */
static void test_req_prod_window_is_exact(void **state)
{
	const size_t size = HV_RING_AREA_SIZE(16, 4);
	uint8_t *area = area_alloc(size);
	struct hv_ring_shared *s = shared_of(area);
	struct hv_ring_front f;
	struct hv_ring_back b;
	uint8_t buf[16] = {0};
	bool notify;

	(void)state;
	setup_ring(&f, &b, area, size, UINT32_MAX - 1, 4);
	for (int i = 0; i < 4; i++) {
		assert_int_equal(hv_ring_back_get(&b, buf, 16), 0);
	}
	/* Answered but not pushed: the frontend cannot have reused those slots. */
	assert_int_equal(hv_ring_back_put(&b, buf, 16), 0);
	assert_int_equal(hv_ring_back_put(&b, buf, 16), 0);
	__atomic_store_n(&s->req_prod, UINT32_MAX - 1 + 5, __ATOMIC_RELEASE);
	assert_int_equal(hv_ring_back_get(&b, buf, 16), -HV_EPROTO);
	assert_back_stays_broken(&b, -HV_EPROTO);

	/* Once two responses are pushed, two more requests are allowed, not three. */
	setup_ring(&f, &b, area, size, UINT32_MAX - 1, 4);
	for (int i = 0; i < 4; i++) {
		assert_int_equal(hv_ring_back_get(&b, buf, 16), 0);
	}
	assert_int_equal(hv_ring_back_put(&b, buf, 16), 0);
	assert_int_equal(hv_ring_back_put(&b, buf, 16), 0);
	assert_int_equal(hv_ring_back_push(&b, &notify), 0);
	__atomic_store_n(&s->req_prod, UINT32_MAX - 1 + 6, __ATOMIC_RELEASE);
	assert_int_equal(hv_ring_back_get(&b, buf, 16), 0);
	assert_int_equal(hv_ring_back_get(&b, buf, 16), 0);
	assert_int_equal(hv_ring_back_get(&b, buf, 16), -HV_EAGAIN);
	__atomic_store_n(&s->req_prod, UINT32_MAX - 1 + 7, __ATOMIC_RELEASE);
	assert_int_equal(hv_ring_back_get(&b, buf, 16), -HV_EPROTO);
	assert_back_stays_broken(&b, -HV_EPROTO);
	free(area);
}

static void test_req_prod_backwards(void **state)
{
	const size_t size = PAGE;
	uint8_t buf[16];

	(void)state;
	for (size_t k = 0; k < sizeof(starts) / sizeof(starts[0]); k++) {
		uint32_t first = starts[k];
		uint8_t *area = pages_alloc(size);
		struct hv_ring_shared *s = shared_of(area);
		struct hv_ring_front f;
		struct hv_ring_back b;

		/* Behind the consumer. */
		setup_ring(&f, &b, area, size, first, 3);
		for (uint32_t i = 0; i < 3; i++) {
			assert_int_equal(hv_ring_back_get(&b, buf, 16), 0);
			assert_true(msg_ok(buf, 16, i, false));
		}
		__atomic_store_n(&s->req_prod, first + 2, __ATOMIC_RELEASE);
		assert_int_equal(hv_ring_back_get(&b, buf, 16), -HV_EPROTO);
		revoke_access(area, size);
		assert_back_stays_broken(&b, -HV_EPROTO);
		assert_int_equal(mprotect(area, size, PROT_READ | PROT_WRITE), 0);

		/*
		 * Behind what was published, though still ahead of the consumer: the
		 * requests already accepted are served, then the index is refused.
		 */
		setup_ring(&f, &b, area, size, first, 5);
		assert_int_equal(hv_ring_back_get(&b, buf, 16), 0);
		__atomic_store_n(&s->req_prod, first + 3, __ATOMIC_RELEASE);
		for (uint32_t i = 1; i < 5; i++) {
			assert_int_equal(hv_ring_back_get(&b, buf, 16), 0);
			assert_true(msg_ok(buf, 16, i, false));
		}
		assert_int_equal(hv_ring_back_get(&b, buf, 16), -HV_EPROTO);
		assert_back_stays_broken(&b, -HV_EPROTO);

		/* The final check validates too. */
		setup_ring(&f, &b, area, size, first, 2);
		assert_int_equal(hv_ring_back_get(&b, buf, 16), 0);
		assert_int_equal(hv_ring_back_get(&b, buf, 16), 0);
		__atomic_store_n(&s->req_prod, first + 1, __ATOMIC_RELEASE);
		{
			bool more = true;

			assert_int_equal(hv_ring_back_final_check(&b, &more), -HV_EPROTO);
			assert_false(more);
		}
		revoke_access(area, size);
		assert_back_stays_broken(&b, -HV_EPROTO);
		pages_free(area, size);
	}
}

/* The backend's index is checked against what the frontend published. */
static void test_rsp_prod_violations(void **state)
{
	const size_t size = PAGE;
	uint8_t buf[16] = {0};

	(void)state;
	for (size_t k = 0; k < sizeof(starts) / sizeof(starts[0]); k++) {
		static const uint32_t bad[] = {3, 4, 128, 0x80000000u, UINT32_MAX};
		uint32_t first = starts[k];

		for (size_t j = 0; j < sizeof(bad) / sizeof(bad[0]); j++) {
			uint8_t *area = pages_alloc(size);
			struct hv_ring_shared *s = shared_of(area);
			struct hv_ring_front f;
			struct hv_ring_back b;

			/* Two requests published, a third one put but not pushed. */
			setup_ring(&f, &b, area, size, first, 2);
			assert_int_equal(hv_ring_front_put(&f, buf, 16), 0);
			__atomic_store_n(&s->rsp_prod, first + bad[j], __ATOMIC_RELEASE);
			assert_int_equal(hv_ring_front_get(&f, buf, 16), -HV_EPROTO);
			revoke_access(area, size);
			assert_front_stays_broken(&f, -HV_EPROTO);
			pages_free(area, size);
		}

		/* Backwards: behind the last value, though ahead of the consumer. */
		{
			uint8_t *area = pages_alloc(size);
			struct hv_ring_shared *s = shared_of(area);
			struct hv_ring_front f;
			struct hv_ring_back b;
			bool more = true;

			setup_ring(&f, &b, area, size, first, 4);
			__atomic_store_n(&s->rsp_prod, first + 4, __ATOMIC_RELEASE);
			assert_int_equal(hv_ring_front_get(&f, buf, 16), 0);
			__atomic_store_n(&s->rsp_prod, first + 2, __ATOMIC_RELEASE);
			for (int i = 0; i < 3; i++) {
				assert_int_equal(hv_ring_front_get(&f, buf, 16), 0);
			}
			assert_int_equal(hv_ring_front_final_check(&f, &more), -HV_EPROTO);
			assert_false(more);
			revoke_access(area, size);
			assert_front_stays_broken(&f, -HV_EPROTO);
			pages_free(area, size);
		}
	}
}

/*
 * The race a final check exists for, made deterministic: the area is
 * read-only while the consumer runs its final check, so its one store (the
 * event index) faults; the handler makes the area writable again and lets
 * the producer push one message right then, after the consumer's first
 * look and before its request for an event lands. The push sees the stale
 * event index and does not notify, so the final check must find the
 * message itself.
 */
struct race_state {
	uint8_t *area;
	struct hv_ring_front *front;
	struct hv_ring_back *back;
	void *fault_addr;
	int faults;
	bool notify;
	int rc;
};

static struct race_state race;

static void race_front_pushes(void)
{
	uint8_t buf[16] = {0};

	race.rc = hv_ring_front_put(race.front, buf, sizeof(buf));
	if (race.rc == 0) {
		race.rc = hv_ring_front_push(race.front, &race.notify);
	}
}

static void race_back_pushes(void)
{
	uint8_t buf[16] = {0};

	race.rc = hv_ring_back_put(race.back, buf, sizeof(buf));
	if (race.rc == 0) {
		race.rc = hv_ring_back_push(race.back, &race.notify);
	}
}

static void (*race_step)(void);

static void race_handler(int sig, siginfo_t *si, void *context)
{
	uint8_t *addr = si->si_addr;

	(void)context;
	if (race.area == NULL || addr < race.area || addr >= race.area + PAGE) {
		signal(sig, SIG_DFL); /* a real crash: fault again, without this handler */
		return;
	}
	race.faults++;
	race.fault_addr = addr;
	mprotect(race.area, PAGE, PROT_READ | PROT_WRITE);
	race_step();
}

static void test_final_check_race(void **state)
{
	struct sigaction sa = {.sa_sigaction = race_handler, .sa_flags = SA_SIGINFO};
	struct sigaction old;
	uint8_t buf[16] = {0};

	(void)state;
	sigemptyset(&sa.sa_mask);
	assert_int_equal(sigaction(SIGSEGV, &sa, &old), 0);
	for (size_t k = 0; k < sizeof(starts) / sizeof(starts[0]); k++) {
		uint8_t *area = pages_alloc(PAGE);
		struct hv_ring_shared *s = shared_of(area);
		struct hv_ring_front f;
		struct hv_ring_back b;
		bool more = false;

		/* Backend side: one request served, the backend about to wait. */
		setup_ring(&f, &b, area, PAGE, starts[k], 2);
		assert_int_equal(hv_ring_back_get(&b, buf, 16), 0);
		assert_int_equal(hv_ring_back_get(&b, buf, 16), 0);
		assert_int_equal(hv_ring_back_get(&b, buf, 16), -HV_EAGAIN);
		race = (struct race_state){.area = area, .front = &f, .back = &b};
		race_step = race_front_pushes;
		assert_int_equal(mprotect(area, PAGE, PROT_READ), 0);
		assert_int_equal(hv_ring_back_final_check(&b, &more), 0);
		assert_int_equal(race.faults, 1);
		assert_ptr_equal(race.fault_addr, &s->req_event);
		assert_int_equal(race.rc, 0);
		assert_false(race.notify);
		assert_true(more); /* else the request would wait with nobody awake */
		assert_int_equal(hv_ring_back_get(&b, buf, 16), 0);

		/* Frontend side: two responses due, one read, the frontend about to wait. */
		assert_int_equal(hv_ring_back_put(&b, buf, 16), 0);
		assert_int_equal(hv_ring_back_push(&b, &more), 0);
		assert_int_equal(hv_ring_front_get(&f, buf, 16), 0);
		assert_int_equal(hv_ring_front_get(&f, buf, 16), -HV_EAGAIN);
		race = (struct race_state){.area = area, .front = &f, .back = &b};
		race_step = race_back_pushes;
		assert_int_equal(mprotect(area, PAGE, PROT_READ), 0);
		assert_int_equal(hv_ring_front_final_check(&f, &more), 0);
		assert_int_equal(race.faults, 1);
		assert_ptr_equal(race.fault_addr, &s->rsp_event);
		assert_int_equal(race.rc, 0);
		assert_false(race.notify);
		assert_true(more);
		assert_int_equal(hv_ring_front_get(&f, buf, 16), 0);
		race.area = NULL;
		pages_free(area, PAGE);
	}
	assert_int_equal(sigaction(SIGSEGV, &old, NULL), 0);
}

/* The protocol above can disconnect an end for what only it can see. */
static void test_disconnect_by_protocol(void **state)
{
	const size_t size = PAGE;
	uint8_t *area = pages_alloc(size);
	struct hv_ring_front f;
	struct hv_ring_back b;

	(void)state;
	setup_ring(&f, &b, area, size, 0, 1);
	hv_ring_back_disconnect(&b);
	hv_ring_front_disconnect(&f);
	revoke_access(area, size);
	assert_back_stays_broken(&b, -HV_EPROTO);
	assert_front_stays_broken(&f, -HV_EPROTO);
	pages_free(area, size);
}

static uint64_t rng_state;

static uint64_t rng(void)
{
	/* xorshift64*: the same sequence on every host for a given seed. */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * UINT64_C(2685821657736338717);
}

static unsigned long long test_seed(void)
{
	const char *env = getenv("HV_TEST_SEED");
	unsigned long long seed = env != NULL ? strtoull(env, NULL, 0) : 0x51a7e5eedULL;

	if (seed == 0) {
		seed = 1;
	}
	return seed;
}

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fail_msg("seed %llu (HV_TEST_SEED to replay), run %d op %d: %s failed",    \
			         seed, run, op, #cond);                                            \
		}                                                                                  \
	} while (0)

#define RUNS   40
#define OPS    4000
#define MAXQ   1024
#define MAXMSG 256

/*
 * Random operations on both ends of honest rings against a reference: the
 * sequence numbers of requests put, published, taken, answered, published
 * and read. Each step's result must be what the reference predicts, each
 * message must arrive intact and in order, and a push must notify exactly
 * when the consumer is waiting (at the start, or after a final check that
 * found nothing).
 */
static void test_random_against_reference(void **state)
{
	static const size_t slot_sizes[] = {8, 16, 24, 64, 128, 256};
	unsigned long long seed = test_seed();
	uint8_t buf[MAXMSG];
	int run = -1;
	int op = -1;

	(void)state;
	rng_state = seed;
	print_message("random run: seed %llu\n", seed);
	for (run = 0; run < RUNS; run++) {
		size_t slot_size = slot_sizes[rng() % 6];
		size_t size = HV_RING_AREA_SIZE(slot_size, 1u << (rng() % 6)) + 64 * (rng() % 3);
		uint32_t first = rng() % 2 ? (uint32_t)rng() : UINT32_MAX - (uint32_t)(rng() % 64);
		uint32_t count = hv_ring_slot_count(size, slot_size);
		uint8_t *area = area_alloc(size);
		struct hv_ring_front f;
		struct hv_ring_back b;
		/* Reference: counts of requests in each state, all from 0. */
		uint32_t put = 0;
		uint32_t pushed = 0;
		uint32_t taken = 0;
		uint32_t answered = 0;
		uint32_t rsp_pushed = 0;
		uint32_t read = 0;
		bool back_waiting = true;
		bool front_waiting = true;
		size_t req_lens[MAXQ];
		size_t rsp_lens[MAXQ];

		op = -1;
		CHECK(count >= 1);
		CHECK(hv_ring_front_init_at(&f, area, size, slot_size, first) == 0);
		CHECK(hv_ring_back_attach(&b, area, size, slot_size) == 0);
		for (op = 0; op < OPS; op++) {
			unsigned int r = (unsigned int)(rng() % 100);
			size_t len = (size_t)(rng() % (slot_size + 1));
			bool flag = false;
			int rc;

			if (len < sizeof(struct msg)) {
				len = sizeof(struct msg);
			}
			CHECK(hv_ring_front_free_count(&f) == count - (put - read));
			CHECK(hv_ring_back_unanswered_count(&b) == taken - answered);
			if (r < 25) {
				fill_msg(buf, len, put, false);
				rc = hv_ring_front_put(&f, buf, len);
				CHECK(rc == (put - read < count ? 0 : -HV_ENOSPC));
				if (rc == 0) {
					req_lens[put % MAXQ] = len;
					put++;
				}
			} else if (r < 35) {
				CHECK(hv_ring_front_push(&f, &flag) == 0);
				CHECK(flag == (put != pushed && back_waiting));
				if (put != pushed) {
					back_waiting = false;
				}
				pushed = put;
			} else if (r < 55) {
				rc = hv_ring_back_get(&b, buf, slot_size);
				CHECK(rc == (taken < pushed ? 0 : -HV_EAGAIN));
				if (rc == 0) {
					CHECK(msg_ok(buf, req_lens[taken % MAXQ], taken, false));
					taken++;
				}
			} else if (r < 60) {
				CHECK(hv_ring_back_final_check(&b, &flag) == 0);
				CHECK(flag == (taken < pushed));
				back_waiting = back_waiting || !flag;
			} else if (r < 75) {
				fill_msg(buf, len, answered, true);
				rc = hv_ring_back_put(&b, buf, len);
				CHECK(rc == (answered < taken ? 0 : -HV_ENOSPC));
				if (rc == 0) {
					rsp_lens[answered % MAXQ] = len;
					answered++;
				}
			} else if (r < 82) {
				CHECK(hv_ring_back_push(&b, &flag) == 0);
				CHECK(flag == (answered != rsp_pushed && front_waiting));
				if (answered != rsp_pushed) {
					front_waiting = false;
				}
				rsp_pushed = answered;
			} else if (r < 96) {
				rc = hv_ring_front_get(&f, buf, slot_size);
				CHECK(rc == (read < rsp_pushed ? 0 : -HV_EAGAIN));
				if (rc == 0) {
					CHECK(msg_ok(buf, rsp_lens[read % MAXQ], read, true));
					read++;
				}
			} else {
				CHECK(hv_ring_front_final_check(&f, &flag) == 0);
				CHECK(flag == (read < rsp_pushed));
				front_waiting = front_waiting || !flag;
			}
		}
		CHECK(!hv_ring_front_broken(&f) && !hv_ring_back_broken(&b));
		CHECK(shared_of(area)->req_prod == first + pushed);
		CHECK(shared_of(area)->rsp_prod == first + rsp_pushed);
		free(area);
	}
}

/*
 * A hostile frontend that writes random values into every shared field and
 * slot between the backend's calls. Whatever it does, the backend reads
 * only inside the area (ASan watches its edges), never hands out more
 * requests than the frontend could have published, and once it reports
 * -HV_EPROTO it stays disconnected without touching the area (which is
 * freed by then: ASan would report any access).
 */
static void test_random_hostile_frontend(void **state)
{
	unsigned long long seed = test_seed();
	const size_t size = HV_RING_AREA_SIZE(32, 8);
	uint8_t buf[32];
	int run = -1;
	int op = -1;
	int broken_runs = 0;

	(void)state;
	rng_state = seed ^ 0x7777; /* not the sequence the reference run uses */
	for (run = 0; run < 200; run++) {
		uint8_t *area = area_alloc(size);
		struct hv_ring_shared *s = shared_of(area);
		uint32_t first = (uint32_t)rng();
		struct hv_ring_back b;
		struct hv_ring_front f;
		uint32_t taken = 0;
		uint32_t answered_pushed = 0;

		CHECK(hv_ring_front_init_at(&f, area, size, 32, first) == 0);
		CHECK(hv_ring_back_attach(&b, area, size, 32) == 0);
		for (op = 0; op < 200 && !hv_ring_back_broken(&b); op++) {
			unsigned int r = (unsigned int)(rng() % 100);
			bool flag;
			int rc;

			/* The frontend scribbles. */
			if (r < 30) {
				uint32_t v = rng() % 4 ? first + taken + (uint32_t)(rng() % 12)
				                       : (uint32_t)rng();

				__atomic_store_n(&s->req_prod, v, __ATOMIC_RELEASE);
			} else if (r < 40) {
				__atomic_store_n(&s->req_event, (uint32_t)rng(), __ATOMIC_RELAXED);
			} else if (r < 50) {
				__atomic_store_n(&s->rsp_prod, (uint32_t)rng(), __ATOMIC_RELAXED);
			} else if (r < 60) {
				area[64 + rng() % (size - 64)] = (uint8_t)rng();
			}
			/* The backend works. */
			r = (unsigned int)(rng() % 100);
			if (r < 50) {
				rc = hv_ring_back_get(&b, buf, sizeof(buf));
				CHECK(rc == 0 || rc == -HV_EAGAIN || rc == -HV_EPROTO);
				taken += rc == 0;
			} else if (r < 70) {
				rc = hv_ring_back_put(&b, buf, sizeof(buf));
				CHECK(rc == 0 || rc == -HV_ENOSPC);
			} else if (r < 85) {
				CHECK(hv_ring_back_push(&b, &flag) == 0);
				answered_pushed = b.rsp_pushed - first;
			} else {
				rc = hv_ring_back_final_check(&b, &flag);
				CHECK(rc == 0 || rc == -HV_EPROTO);
			}
			/* Never more requests than slots beyond the responses published. */
			CHECK(taken - answered_pushed <= b.slot_count);
		}
		free(area);
		if (hv_ring_back_broken(&b)) {
			broken_runs++;
			assert_back_stays_broken(&b, -HV_EPROTO);
		}
	}
	/* Most runs meet a bad index before they end. */
	CHECK(broken_runs > 100);
}

/* Large slots: 4 KiB messages through a ring of nine pages. */
static void test_page_sized_slots(void **state)
{
	const size_t size = 9 * PAGE;
	uint8_t *area = area_alloc(size);
	static uint8_t buf[PAGE];
	struct hv_ring_front f;
	struct hv_ring_back b;
	uint32_t sent = 0;
	uint32_t received = 0;
	bool notify;

	(void)state;
	assert_int_equal(hv_ring_front_init_at(&f, area, size, PAGE, UINT32_MAX - 3), 0);
	assert_int_equal(hv_ring_back_attach(&b, area, size, PAGE), 0);
	assert_int_equal(f.slot_count, 8);
	while (received < 100) {
		while (sent < 100 && hv_ring_front_free_count(&f) > 0) {
			fill_msg(buf, PAGE, sent, false);
			assert_int_equal(hv_ring_front_put(&f, buf, PAGE), 0);
			sent++;
		}
		assert_int_equal(hv_ring_front_push(&f, &notify), 0);
		while (hv_ring_back_get(&b, buf, PAGE) == 0) {
			struct msg m;

			memcpy(&m, buf, sizeof(m));
			assert_true(msg_ok(buf, PAGE, m.seq, false));
			fill_msg(buf, PAGE, m.seq, true);
			assert_int_equal(hv_ring_back_put(&b, buf, PAGE), 0);
		}
		assert_int_equal(hv_ring_back_push(&b, &notify), 0);
		while (hv_ring_front_get(&f, buf, PAGE) == 0) {
			assert_true(msg_ok(buf, PAGE, received, true));
			received++;
		}
	}
	free(area);
}

/*
 * The in-place producers: requests and responses written straight into
 * their slots (slot_next, then commit) instead of copied in with put, from
 * every starting index, so that the slots wrap around and the indices
 * cross 2^32; a full ring and an answered backend refuse, and a commit
 * without a free slot changes nothing.
 */
static void test_in_place(void **state)
{
	const size_t size = HV_RING_AREA_SIZE(32, 4);
	uint8_t *area = area_alloc(size);
	struct hv_ring_shared *s = shared_of(area);
	uint8_t buf[32];

	(void)state;
	for (size_t k = 0; k < sizeof(starts) / sizeof(starts[0]); k++) {
		struct hv_ring_front f;
		struct hv_ring_back b;
		uint32_t sent = 0;
		uint32_t received = 0;
		bool notify;
		void *slot;

		assert_int_equal(hv_ring_front_init_at(&f, area, size, 32, starts[k]), 0);
		assert_int_equal(hv_ring_back_attach(&b, area, size, 32), 0);
		assert_int_equal(hv_ring_back_slot_next(&b, &slot), -HV_ENOSPC);
		assert_null(slot);
		assert_int_equal(hv_ring_back_commit(&b), -HV_ENOSPC);
		for (uint32_t round = 0; round < 50; round++) {
			uint32_t batch = 1 + round % 4;

			for (uint32_t i = 0; i < batch; i++) {
				assert_int_equal(hv_ring_front_slot_next(&f, &slot), 0);
				assert_ptr_equal(slot, hv_ring_slot(s, 32, 4, starts[k] + sent));
				fill_msg(slot, 32, sent, false);
				assert_int_equal(hv_ring_front_commit(&f), 0);
				sent++;
			}
			if (batch == 4) {
				assert_int_equal(hv_ring_front_slot_next(&f, &slot), -HV_ENOSPC);
				assert_null(slot);
				assert_int_equal(hv_ring_front_commit(&f), -HV_ENOSPC);
				assert_int_equal(hv_ring_front_free_count(&f), 0);
			}
			/* Nothing is published before the push. */
			assert_int_equal(hv_ring_back_get(&b, buf, 32), -HV_EAGAIN);
			assert_int_equal(hv_ring_front_push(&f, &notify), 0);
			for (uint32_t i = 0; i < batch; i++) {
				uint32_t seq = sent - batch + i;

				assert_int_equal(hv_ring_back_get(&b, buf, 32), 0);
				assert_true(msg_ok(buf, 32, seq, false));
				/* The response goes into the slot its request came in. */
				assert_int_equal(hv_ring_back_slot_next(&b, &slot), 0);
				assert_ptr_equal(slot, hv_ring_slot(s, 32, 4, starts[k] + seq));
				fill_msg(slot, 32, seq, true);
				assert_int_equal(hv_ring_back_commit(&b), 0);
				assert_int_equal(hv_ring_back_commit(&b), -HV_ENOSPC);
			}
			assert_int_equal(hv_ring_front_get(&f, buf, 32), -HV_EAGAIN);
			assert_int_equal(hv_ring_back_push(&b, &notify), 0);
			while (hv_ring_front_get(&f, buf, 32) == 0) {
				assert_true(msg_ok(buf, 32, received, true));
				received++;
			}
			assert_int_equal(received, sent);
		}
		assert_int_equal(s->req_prod, (uint32_t)(starts[k] + sent));
		assert_int_equal(s->rsp_prod, (uint32_t)(starts[k] + sent));
		assert_false(hv_ring_front_broken(&f));
		assert_false(hv_ring_back_broken(&b));
	}
	free(area);
}

/*
 * A frontend that writes its requests in place and a backend that answers
 * in place share the ring with put and get as usual: mixing the two
 * producer styles keeps the order.
 */
static void test_in_place_mixed_with_put(void **state)
{
	const size_t size = HV_RING_AREA_SIZE(16, 8);
	uint8_t *area = area_alloc(size);
	uint8_t buf[16];
	struct hv_ring_front f;
	struct hv_ring_back b;
	bool notify;
	void *slot;

	(void)state;
	assert_int_equal(hv_ring_front_init(&f, area, size, 16), 0);
	assert_int_equal(hv_ring_back_attach(&b, area, size, 16), 0);
	for (uint32_t i = 0; i < 8; i++) {
		if (i % 2 == 0) {
			assert_int_equal(hv_ring_front_slot_next(&f, &slot), 0);
			fill_msg(slot, 16, i, false);
			assert_int_equal(hv_ring_front_commit(&f), 0);
		} else {
			fill_msg(buf, 16, i, false);
			assert_int_equal(hv_ring_front_put(&f, buf, 16), 0);
		}
	}
	assert_int_equal(hv_ring_front_push(&f, &notify), 0);
	assert_true(notify);
	for (uint32_t i = 0; i < 8; i++) {
		assert_int_equal(hv_ring_back_get(&b, buf, 16), 0);
		assert_true(msg_ok(buf, 16, i, false));
		if (i % 2 == 1) {
			assert_int_equal(hv_ring_back_slot_next(&b, &slot), 0);
			fill_msg(slot, 16, i, true);
			assert_int_equal(hv_ring_back_commit(&b), 0);
		} else {
			fill_msg(buf, 16, i, true);
			assert_int_equal(hv_ring_back_put(&b, buf, 16), 0);
		}
	}
	assert_int_equal(hv_ring_back_push(&b, &notify), 0);
	assert_true(notify);
	for (uint32_t i = 0; i < 8; i++) {
		assert_int_equal(hv_ring_front_get(&f, buf, 16), 0);
		assert_true(msg_ok(buf, 16, i, true));
	}
	assert_int_equal(hv_ring_front_free_count(&f), 8);
	free(area);
}

/*
 * Two threads, each with a semaphore standing in for its event channel: a
 * side that found nothing to do runs its final check and then sleeps until
 * notified. A lost wake-up leaves both asleep, which the timeout turns into
 * a failure.
 */
#define THREAD_MESSAGES 200000u
#define WAIT_SECONDS    10

struct thread_end {
	struct hv_ring_front *front;
	struct hv_ring_back *back;
	sem_t *wake_self;
	sem_t *wake_peer;
	uint32_t notifies;
	uint32_t waits;
	const char *error;
};

static bool wait_event(sem_t *sem)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += WAIT_SECONDS;
	while (sem_timedwait(sem, &ts) != 0) {
		if (errno != EINTR) {
			return false;
		}
	}
	return true;
}

static void *front_thread(void *arg)
{
	struct thread_end *e = arg;
	uint8_t buf[40];
	uint32_t sent = 0;
	uint32_t received = 0;

	while (received < THREAD_MESSAGES) {
		bool flag;
		int rc;

		while (sent < THREAD_MESSAGES && hv_ring_front_free_count(e->front) > 0) {
			size_t len = 8 + (sent % 5) * 8;

			fill_msg(buf, len, sent, false);
			if (hv_ring_front_put(e->front, buf, len) != 0) {
				e->error = "put failed";
				return NULL;
			}
			sent++;
		}
		if (hv_ring_front_push(e->front, &flag) != 0) {
			e->error = "push failed";
			return NULL;
		}
		if (flag) {
			e->notifies++;
			sem_post(e->wake_peer);
		}
		while ((rc = hv_ring_front_get(e->front, buf, 16)) == 0) {
			if (!msg_ok(buf, 16, received, true)) {
				e->error = "response corrupted or out of order";
				return NULL;
			}
			received++;
		}
		if (rc != -HV_EAGAIN) {
			e->error = "get failed";
			return NULL;
		}
		if (sent < THREAD_MESSAGES && hv_ring_front_free_count(e->front) > 0) {
			continue;
		}
		if (hv_ring_front_final_check(e->front, &flag) != 0) {
			e->error = "final check failed";
			return NULL;
		}
		if (!flag && received < THREAD_MESSAGES) {
			e->waits++;
			if (!wait_event(e->wake_self)) {
				e->error = "frontend lost a wake-up";
				return NULL;
			}
		}
	}
	return NULL;
}

static void *back_thread(void *arg)
{
	struct thread_end *e = arg;
	uint8_t buf[40];
	uint32_t served = 0;

	while (served < THREAD_MESSAGES) {
		bool flag;
		int rc;

		while ((rc = hv_ring_back_get(e->back, buf, sizeof(buf))) == 0) {
			size_t len = 8 + (served % 5) * 8;

			if (!msg_ok(buf, len, served, false)) {
				e->error = "request corrupted or out of order";
				return NULL;
			}
			fill_msg(buf, 16, served, true);
			if (hv_ring_back_put(e->back, buf, 16) != 0) {
				e->error = "put failed";
				return NULL;
			}
			served++;
		}
		if (rc != -HV_EAGAIN) {
			e->error = "get failed";
			return NULL;
		}
		if (hv_ring_back_push(e->back, &flag) != 0) {
			e->error = "push failed";
			return NULL;
		}
		if (flag) {
			e->notifies++;
			sem_post(e->wake_peer);
		}
		if (served == THREAD_MESSAGES) {
			break;
		}
		if (hv_ring_back_final_check(e->back, &flag) != 0) {
			e->error = "final check failed";
			return NULL;
		}
		if (!flag) {
			e->waits++;
			if (!wait_event(e->wake_self)) {
				e->error = "backend lost a wake-up";
				return NULL;
			}
		}
	}
	return NULL;
}

static void test_threads_no_lost_wakeup(void **state)
{
	const size_t size = HV_RING_AREA_SIZE(40, 8);
	uint8_t *area = area_alloc(size);
	struct hv_ring_front f;
	struct hv_ring_back b;
	sem_t wake_front;
	sem_t wake_back;
	struct thread_end fe = {.front = &f, .wake_self = &wake_front, .wake_peer = &wake_back};
	struct thread_end be = {.back = &b, .wake_self = &wake_back, .wake_peer = &wake_front};
	pthread_t ft;
	pthread_t bt;

	(void)state;
	assert_int_equal(hv_ring_front_init_at(&f, area, size, 40, UINT32_MAX - 1000), 0);
	assert_int_equal(hv_ring_back_attach(&b, area, size, 40), 0);
	assert_int_equal(sem_init(&wake_front, 0, 0), 0);
	assert_int_equal(sem_init(&wake_back, 0, 0), 0);
	assert_int_equal(pthread_create(&bt, NULL, back_thread, &be), 0);
	assert_int_equal(pthread_create(&ft, NULL, front_thread, &fe), 0);
	assert_int_equal(pthread_join(ft, NULL), 0);
	assert_int_equal(pthread_join(bt, NULL), 0);
	if (fe.error != NULL || be.error != NULL) {
		fail_msg("frontend: %s; backend: %s", fe.error != NULL ? fe.error : "ok",
		         be.error != NULL ? be.error : "ok");
	}
	print_message("threads: %u messages, %u+%u notifications, %u+%u waits\n", THREAD_MESSAGES,
	              fe.notifies, be.notifies, fe.waits, be.waits);
	assert_false(hv_ring_front_broken(&f));
	assert_false(hv_ring_back_broken(&b));
	/* Notifications are suppressed while the consumer is busy. */
	assert_true(fe.notifies <= THREAD_MESSAGES && be.notifies <= THREAD_MESSAGES);
	sem_destroy(&wake_front);
	sem_destroy(&wake_back);
	free(area);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_slot_count),
	        cmocka_unit_test(test_layout),
	        cmocka_unit_test(test_init_rejects_bad_arguments),
	        cmocka_unit_test(test_round_trip),
	        cmocka_unit_test(test_sizes),
	        cmocka_unit_test(test_full_and_empty),
	        cmocka_unit_test(test_wrap_around),
	        cmocka_unit_test(test_need_notify),
	        cmocka_unit_test(test_notify_hints),
	        cmocka_unit_test(test_slot_rewritten_after_copy),
	        cmocka_unit_test(test_req_prod_too_far_ahead),
	        cmocka_unit_test(test_req_prod_window_is_exact),
	        cmocka_unit_test(test_req_prod_backwards),
	        cmocka_unit_test(test_rsp_prod_violations),
	        cmocka_unit_test(test_final_check_race),
	        cmocka_unit_test(test_disconnect_by_protocol),
	        cmocka_unit_test(test_random_against_reference),
	        cmocka_unit_test(test_random_hostile_frontend),
	        cmocka_unit_test(test_page_sized_slots),
	        cmocka_unit_test(test_in_place),
	        cmocka_unit_test(test_in_place_mixed_with_put),
	        cmocka_unit_test(test_threads_no_lost_wakeup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
