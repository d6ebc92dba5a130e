/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of the CPU pools (libhv/sched/pool.c) on real domains in fake
 * RAM: the default pool hv_sched_setup() makes, creating pools (names,
 * modules, pool-wide parameters, a full table), moving domains (hooks of
 * both modules, states kept, a refused move changing nothing, the control
 * domain never parked, the run loop deciding again), assigning CPUs,
 * destroying pools, switching a pool's module with and without parameters
 * (a failed switch restores every buffer), counting domains; and the pool
 * operations of HV_HC_SCHED_OP (libhv/hypercall/sched_op.c).
 *
 * Most tests use "rec", a module that records its hook calls in its
 * instance state, checks the hook contract (wake only a vCPU that is not
 * runnable, sleep only one that is, remove only one that is not) and can
 * be told to fail its n-th add_vcpu, its init or its set_params.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <hv/abi/sched.h>

#include "domain_fixture.h"
#include "sched/pool.h"

#define SLICE_NS UINT64_C(1000000)
#define REC_MAX  16

/* ------------------------------------------------------------------ */
/* The recording module                                               */
/* ------------------------------------------------------------------ */

struct rec;

/* A vCPU's buffer: the instance it belongs to, and whether it is runnable there. */
struct rec_vcpu {
	const struct rec *owner;
	bool runnable;
};

struct rec {
	unsigned int add_count; /* add_vcpu calls, the failed one included */
	unsigned int remove_count;
	unsigned int wake_count;
	unsigned int sleep_count;
	unsigned int pick_count;
	unsigned int params_count;
	hv_domid_t params_domid;
	unsigned int adds_before_params; /* add_count when set_params was called */
	unsigned int fail_add_at;        /* add_vcpu call n (from 1) fails; 0: none */
	struct hv_sched_vcpu *known[REC_MAX];
	unsigned int known_count;
};

/* What the next rec instances start with; reset by every setup. */
static struct {
	unsigned int init_count;
	int init_rc;
	int params_rc;
	unsigned int fail_add_at;
} rec_next;

static struct rec *rec_of(const struct hv_sched *s)
{
	return s->priv;
}

static int rec_init(struct hv_sched *s)
{
	rec_next.init_count++;
	if (rec_next.init_rc != 0) {
		return rec_next.init_rc;
	}
	rec_of(s)->fail_add_at = rec_next.fail_add_at;
	return 0;
}

static int rec_find(const struct rec *r, const struct hv_sched_vcpu *v)
{
	for (unsigned int i = 0; i < r->known_count; i++) {
		if (r->known[i] == v) {
			return (int)i;
		}
	}
	return -1;
}

static int rec_add(struct hv_sched *s, struct hv_sched_vcpu *v)
{
	struct rec *r = rec_of(s);
	struct rec_vcpu *rv = v->priv;

	r->add_count++;
	/* The core zeroes the buffer it gives. */
	assert_null(rv->owner);
	assert_false(rv->runnable);
	assert_int_equal(rec_find(r, v), -1);
	if (r->add_count == r->fail_add_at) {
		return -HV_ENOSPC;
	}
	assert_true(r->known_count < REC_MAX);
	r->known[r->known_count++] = v;
	rv->owner = r;
	return 0;
}

static void rec_remove(struct hv_sched *s, struct hv_sched_vcpu *v)
{
	struct rec *r = rec_of(s);
	const struct rec_vcpu *rv = v->priv;
	int i = rec_find(r, v);

	assert_true(i >= 0);
	assert_ptr_equal(rv->owner, r);
	assert_false(rv->runnable); /* slept first */
	r->known[i] = r->known[--r->known_count];
	r->remove_count++;
}

static void rec_wake(struct hv_sched *s, struct hv_sched_vcpu *v)
{
	struct rec *r = rec_of(s);
	struct rec_vcpu *rv = v->priv;

	assert_ptr_equal(rv->owner, r);
	assert_false(rv->runnable);
	rv->runnable = true;
	r->wake_count++;
}

static void rec_sleep(struct hv_sched *s, struct hv_sched_vcpu *v)
{
	struct rec *r = rec_of(s);
	struct rec_vcpu *rv = v->priv;

	assert_ptr_equal(rv->owner, r);
	assert_true(rv->runnable);
	rv->runnable = false;
	r->sleep_count++;
}

/* The first runnable vCPU it knows, in the order they were added. */
static struct hv_sched_vcpu *rec_pick(struct hv_sched *s, uint64_t now_ns, uint64_t *slice_ns)
{
	struct rec *r = rec_of(s);

	(void)now_ns;
	r->pick_count++;
	*slice_ns = 0;
	for (unsigned int i = 0; i < r->known_count; i++) {
		if (((const struct rec_vcpu *)r->known[i]->priv)->runnable) {
			return r->known[i];
		}
	}
	return NULL;
}

static int rec_set_params(struct hv_sched *s, hv_domid_t domid, const struct hv_sched_params *p)
{
	struct rec *r = rec_of(s);

	(void)p;
	r->params_count++;
	r->params_domid = domid;
	r->adds_before_params = r->add_count;
	return rec_next.params_rc;
}

static const struct hv_sched_ops rec_ops = {
        .name = "rec",
        .api_version = HV_SCHED_API_VERSION,
        .priv_size = sizeof(struct rec),
        .vcpu_priv_size = sizeof(struct rec_vcpu),
        .init = rec_init,
        .add_vcpu = rec_add,
        .remove_vcpu = rec_remove,
        .wake = rec_wake,
        .sleep = rec_sleep,
        .pick_next = rec_pick,
        .set_params = rec_set_params,
};

_Static_assert(sizeof(struct rec) <= HV_SCHED_PRIV_MAX_SIZE, "rec state fits the instance");
_Static_assert(sizeof(struct rec_vcpu) <= HV_SCHED_VCPU_PRIV_MAX_SIZE, "rec vCPU state fits");

/* The rec instance that is p's current one. */
static struct rec *rec_in(const struct hv_pool *p)
{
	assert_non_null(p);
	assert_ptr_equal(p->current->ops, &rec_ops);
	return rec_of(p->current);
}

/* True if p's rec instance knows v (in v's current buffer); *runnable: as what. */
static bool rec_has(const struct hv_pool *p, const struct hv_vcpu *v, bool *runnable)
{
	const struct rec *r = rec_in(p);
	const struct rec_vcpu *rv = v->sched.priv;

	if (rec_find(r, &v->sched) < 0) {
		return false;
	}
	assert_ptr_equal(rv->owner, r);
	*runnable = rv->runnable;
	return true;
}

/* ------------------------------------------------------------------ */
/* Fixture                                                            */
/* ------------------------------------------------------------------ */

static struct hv_pool *p0;

/* Fake RAM, memory, domains; pool 0 with round-robin (domain_fixture.h). */
static int setup(void **state)
{
	(void)state;
	df_setup();
	memset(&rec_next, 0, sizeof(rec_next));
	p0 = hv_pool_get(HV_POOL_DEFAULT);
	return 0;
}

/* The same, with rec in pool 0 (no domain exists yet: the pools start anew). */
static int setup_rec(void **state)
{
	setup(state);
	assert_int_equal(hv_sched_setup(&rec_ops, SLICE_NS), 0);
	p0 = hv_pool_get(HV_POOL_DEFAULT);
	return 0;
}

/* A new pool running rec; returns it. */
static struct hv_pool *new_pool(const char *name)
{
	uint32_t id = UINT32_MAX;

	assert_int_equal(hv_pool_create(name, &rec_ops, NULL, &id), 0);
	assert_non_null(hv_pool_get(id));
	return hv_pool_get(id);
}

/* A domain of 1 MiB, built and started (vCPU 0 runnable). */
static struct hv_domain *started(const char *name, uint32_t flags)
{
	struct hv_domain *d = df_create(name, 1u << 20, HV_CRASH_DESTROY, flags);

	assert_int_equal(hv_domain_start(d), 0);
	assert_int_equal(d->vcpus[0].state, HV_VCPU_RUNNABLE);
	return d;
}

/*
 * Gives a built domain that has not started a second vCPU, set up as the
 * builder sets up each of vcpu_count (the fixture builds one); it is handed
 * to the module at the start and stays down.
 */
static void second_vcpu(struct hv_domain *d)
{
	assert_int_equal(d->state, HV_DOMAIN_CREATED);
	d->vcpu_count = 2;
	d->vcpus[1].info = &d->shared->vcpu[1];
}

/* ------------------------------------------------------------------ */
/* The default pool                                                   */
/* ------------------------------------------------------------------ */

static void test_setup_makes_default_pool(void **state)
{
	struct hv_domain *d;

	(void)state;
	assert_int_equal(hv_pool_cpu_count(), 1);
	assert_non_null(p0);
	assert_string_equal(p0->name, HV_POOL_DEFAULT_NAME);
	assert_string_equal(p0->name, "default");
	assert_int_equal(p0->id, HV_POOL_DEFAULT);
	assert_int_equal(p0->cpus, 1); /* every CPU: the one there is */
	assert_int_equal(p0->cpu_time_ns, 0);
	assert_ptr_equal(p0->current, &p0->inst[0]);
	assert_ptr_equal(p0->current->ops, &hv_sched_rr);
	assert_int_equal(p0->current->slice_ns, SLICE_NS);
	assert_ptr_equal(hv_sched_instance(), p0->current);
	assert_ptr_equal(hv_pool_of_cpu(0), p0);
	/* No other pool; out of range is none either. */
	for (uint32_t id = 1; id < HV_POOL_MAX; id++) {
		assert_null(hv_pool_get(id));
	}
	assert_null(hv_pool_get(HV_POOL_MAX));
	assert_null(hv_pool_get(UINT32_MAX));
	assert_int_equal(HV_POOL_MAX, HV_SCHED_MAX_POOLS);
	/* New domains join it. */
	assert_int_equal(hv_pool_domain_count(p0), 0);
	d = df_create("a", 1u << 20, HV_CRASH_DESTROY, 0);
	assert_ptr_equal(d->pool, p0);
	assert_int_equal(hv_pool_domain_count(p0), 1);
}

static void test_setup_again_starts_anew(void **state)
{
	struct hv_sched_ops bad = rec_ops;
	struct hv_pool *p;

	(void)state;
	new_pool("extra");
	assert_int_equal(hv_sched_setup(&rec_ops, 5000), 0);
	p = hv_pool_get(HV_POOL_DEFAULT);
	assert_non_null(p);
	assert_ptr_equal(p->current->ops, &rec_ops);
	assert_int_equal(p->current->slice_ns, 5000);
	assert_string_equal(p->name, "default");
	assert_int_equal(p->cpus, 1);
	assert_ptr_equal(hv_pool_of_cpu(0), p);
	assert_null(hv_pool_get(1)); /* "extra" is gone */
	assert_int_equal(rec_next.init_count, 2);
	/* A bad module is refused. */
	bad.pick_next = NULL;
	assert_int_equal(hv_sched_setup(&bad, 5000), -HV_EINVAL);
	assert_int_equal(hv_sched_setup(NULL, 5000), -HV_EINVAL);
	assert_null(hv_pool_get(HV_POOL_DEFAULT));
	rec_next.init_rc = -HV_ENOMEM;
	assert_int_equal(hv_sched_setup(&rec_ops, 5000), -HV_ENOMEM);
	assert_null(hv_pool_get(HV_POOL_DEFAULT));
}

/* ------------------------------------------------------------------ */
/* hv_pool_create                                                     */
/* ------------------------------------------------------------------ */

static void test_create(void **state)
{
	uint32_t id = UINT32_MAX;
	struct hv_pool *p;

	(void)state;
	assert_int_equal(hv_pool_create("batch", &rec_ops, NULL, &id), 0);
	assert_int_equal(id, 1);
	p = hv_pool_get(1);
	assert_non_null(p);
	assert_int_equal(p->id, 1);
	assert_string_equal(p->name, "batch");
	assert_int_equal(p->cpus, 0); /* created without CPUs */
	assert_int_equal(p->cpu_time_ns, 0);
	assert_ptr_equal(p->current->ops, &rec_ops);
	assert_ptr_equal(p->current->priv, p->privs[0]);
	assert_int_equal(p->current->slice_ns, p0->current->slice_ns);
	assert_int_equal(rec_next.init_count, 1);
	assert_int_equal(rec_in(p)->params_count, 0); /* no parameters given */
	assert_int_equal(hv_pool_domain_count(p), 0);
	/* The default pool is unchanged. */
	assert_int_equal(p0->cpus, 1);
	assert_ptr_equal(hv_pool_of_cpu(0), p0);
	console_assert_has("sched: pool 1 'batch' created with module 'rec'");
	/* Another: the next free slot; a name of 15 characters is fine. */
	assert_int_equal(hv_pool_create("fifteen-chars-x", &hv_sched_bvt, NULL, &id), 0);
	assert_int_equal(id, 2);
	assert_string_equal(hv_pool_get(2)->name, "fifteen-chars-x");
	assert_ptr_equal(hv_pool_get(2)->current->ops, &hv_sched_bvt);
}

static void test_create_bad_names(void **state)
{
	uint32_t id = 77;

	(void)state;
	new_pool("batch");
	assert_int_equal(hv_pool_create("", &rec_ops, NULL, &id), -HV_EINVAL);
	assert_int_equal(hv_pool_create(NULL, &rec_ops, NULL, &id), -HV_EINVAL);
	assert_int_equal(hv_pool_create("sixteen-chars-xy", &rec_ops, NULL, &id), -HV_EINVAL);
	assert_int_equal(hv_pool_create("a-much-longer-name-than-that", &rec_ops, NULL, &id),
	                 -HV_EINVAL);
	assert_int_equal(hv_pool_create("batch", &rec_ops, NULL, &id), -HV_EEXIST);
	assert_int_equal(hv_pool_create("default", &rec_ops, NULL, &id), -HV_EEXIST);
	/* Nothing was created: no module set up, no slot taken, *id untouched. */
	assert_int_equal(id, 77);
	assert_int_equal(rec_next.init_count, 1);
	assert_null(hv_pool_get(2));
	assert_int_equal(hv_pool_create("batch2", &rec_ops, NULL, &id), 0);
	assert_int_equal(id, 2);
}

static void test_create_bad_modules(void **state)
{
	struct hv_sched_params params = {.kind = HV_SCHED_KIND_FAIR};
	struct hv_sched_ops no_init = rec_ops;
	struct hv_sched_ops no_add = rec_ops;
	struct hv_sched_ops no_remove = rec_ops;
	struct hv_sched_ops no_wake = rec_ops;
	struct hv_sched_ops no_sleep = rec_ops;
	struct hv_sched_ops no_pick = rec_ops;
	struct hv_sched_ops no_name = rec_ops;
	struct hv_sched_ops old_api = rec_ops;
	struct hv_sched_ops too_big = rec_ops;
	struct hv_sched_ops vcpu_too_big = rec_ops;
	const struct hv_sched_ops *bad[] = {
	        NULL,     &no_init, &no_add,  &no_remove, &no_wake,      &no_sleep,
	        &no_pick, &no_name, &old_api, &too_big,   &vcpu_too_big,
	};
	uint32_t id = 77;

	(void)state;
	no_init.init = NULL;
	no_add.add_vcpu = NULL;
	no_remove.remove_vcpu = NULL;
	no_wake.wake = NULL;
	no_sleep.sleep = NULL;
	no_pick.pick_next = NULL;
	no_name.name = NULL;
	old_api.api_version = HV_SCHED_API_VERSION + 1;
	too_big.priv_size = HV_SCHED_PRIV_MAX_SIZE + 1;
	vcpu_too_big.vcpu_priv_size = HV_SCHED_VCPU_PRIV_MAX_SIZE + 1;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(hv_pool_create("p", bad[i], NULL, &id), -HV_EINVAL);
		assert_null(hv_pool_get(1));
	}
	assert_int_equal(rec_next.init_count, 0); /* refused before init */
	/* The module's init error, as it is. */
	rec_next.init_rc = -HV_ENOMEM;
	assert_int_equal(hv_pool_create("p", &rec_ops, NULL, &id), -HV_ENOMEM);
	assert_int_equal(rec_next.init_count, 1);
	assert_null(hv_pool_get(1));
	rec_next.init_rc = 0;
	/* Pool-wide parameters refused: -HV_EINVAL whatever the module said. */
	rec_next.params_rc = -HV_ERANGE;
	assert_int_equal(hv_pool_create("p", &rec_ops, &params, &id), -HV_EINVAL);
	assert_null(hv_pool_get(1));
	rec_next.params_rc = 0;
	/* A module that takes no parameters refuses them too. */
	assert_int_equal(hv_pool_create("p", &hv_sched_rr, &params, &id), -HV_EINVAL);
	assert_null(hv_pool_get(1));
	/* A cyclic schedule that does not hold. */
	params = (struct hv_sched_params){.kind = HV_SCHED_KIND_CYCLIC,
	                                  .cyclic = {.major_frame_ns = 0, .window_count = 1}};
	assert_int_equal(hv_pool_create("p", &hv_sched_cyclic, &params, &id), -HV_EINVAL);
	assert_null(hv_pool_get(1));
	/* The name stayed free, the slot too. */
	assert_int_equal(id, 77);
	console_assert_lacks("' created with module");
	assert_int_equal(hv_pool_create("p", &rec_ops, NULL, &id), 0);
	assert_int_equal(id, 1);
}

static void test_create_with_params(void **state)
{
	struct hv_sched_params params = {.kind = HV_SCHED_KIND_FAIR};
	struct hv_sched_params got;
	uint32_t id = 0;

	(void)state;
	assert_int_equal(hv_pool_create("rec", &rec_ops, &params, &id), 0);
	assert_int_equal(rec_in(hv_pool_get(id))->params_count, 1);
	assert_int_equal(rec_in(hv_pool_get(id))->params_domid, HV_DOMID_HV);
	/* A cyclic schedule given at creation is the instance's. */
	params = (struct hv_sched_params){
	        .kind = HV_SCHED_KIND_CYCLIC,
	        .cyclic = {.major_frame_ns = 10 * SLICE_NS,
	                   .window_count = 1,
	                   .windows = {{.domid = 3, .offset_ns = SLICE_NS, .length_ns = SLICE_NS}}},
	};
	assert_int_equal(hv_pool_create("cyc", &hv_sched_cyclic, &params, &id), 0);
	assert_int_equal(id, 2);
	memset(&got, 0, sizeof(got));
	assert_int_equal(hv_sched_call_get_params(hv_pool_get(id)->current, HV_DOMID_HV, &got), 0);
	assert_int_equal(got.kind, HV_SCHED_KIND_CYCLIC);
	assert_int_equal(got.cyclic.major_frame_ns, 10 * SLICE_NS);
	assert_int_equal(got.cyclic.window_count, 1);
	assert_int_equal(got.cyclic.windows[0].domid, 3);
	assert_int_equal(got.cyclic.windows[0].offset_ns, SLICE_NS);
}

static void test_create_full_table(void **state)
{
	char name[HV_SCHED_NAME_SIZE];
	uint32_t id = 0;

	(void)state;
	for (uint32_t i = 1; i < HV_POOL_MAX; i++) {
		snprintf(name, sizeof(name), "p%u", (unsigned int)i);
		assert_int_equal(hv_pool_create(name, &rec_ops, NULL, &id), 0);
		assert_int_equal(id, i);
	}
	id = 77;
	assert_int_equal(hv_pool_create("more", &rec_ops, NULL, &id), -HV_ENOSPC);
	assert_int_equal(hv_pool_create("p3", &rec_ops, NULL, &id), -HV_EEXIST);
	assert_int_equal(id, 77);
	assert_int_equal(rec_next.init_count, HV_POOL_MAX - 1);
	/* A slot freed is the next one used. */
	assert_int_equal(hv_pool_destroy(hv_pool_get(3)), 0);
	assert_null(hv_pool_get(3));
	assert_int_equal(hv_pool_create("more", &rec_ops, NULL, &id), 0);
	assert_int_equal(id, 3);
	assert_string_equal(hv_pool_get(3)->name, "more");
	assert_int_equal(hv_pool_create("p3", &rec_ops, NULL, &id), -HV_ENOSPC);
}

/* ------------------------------------------------------------------ */
/* hv_pool_move_domain                                                */
/* ------------------------------------------------------------------ */

static void test_move_domain(void **state)
{
	struct hv_domain *a = started("a", 0);
	struct hv_domain *b = started("b", 0);
	struct hv_vcpu *va = &a->vcpus[0];
	struct hv_vcpu *vb = &b->vcpus[0];
	void *a_old = va->sched.priv;
	struct hv_pool *p = new_pool("batch");
	struct rec *old = rec_in(p0);
	struct rec *to = rec_in(p);
	bool runnable = false;

	(void)state;
	hv_sched_vcpu_block(vb, 5 * SLICE_NS);
	assert_int_equal(old->add_count, 2);
	assert_int_equal(old->wake_count, 2);
	assert_int_equal(old->sleep_count, 1);
	/* A runnable vCPU: slept and removed there, added and woken here. */
	assert_int_equal(hv_pool_move_domain(a, p), 0);
	assert_ptr_equal(a->pool, p);
	assert_int_equal(old->sleep_count, 2);
	assert_int_equal(old->remove_count, 1);
	assert_int_equal(to->add_count, 1);
	assert_int_equal(to->wake_count, 1);
	assert_int_equal(to->sleep_count, 0);
	assert_int_equal(va->state, HV_VCPU_RUNNABLE);
	assert_true(va->in_sched);
	assert_int_equal(a->state, HV_DOMAIN_RUNNING);
	assert_ptr_not_equal(va->sched.priv, a_old);
	assert_true(rec_has(p, va, &runnable));
	assert_true(runnable);
	assert_int_equal(rec_find(old, &va->sched), -1);
	assert_int_equal(hv_pool_domain_count(p), 1);
	assert_int_equal(hv_pool_domain_count(p0), 1);
	console_assert_has("sched: domain 'a' moved from pool 'default' to 'batch'");
	/* A blocked vCPU: removed there without a sleep, added here without a wake. */
	assert_int_equal(hv_pool_move_domain(b, p), 0);
	assert_int_equal(old->sleep_count, 2);
	assert_int_equal(old->remove_count, 2);
	assert_int_equal(old->known_count, 0);
	assert_int_equal(to->add_count, 2);
	assert_int_equal(to->wake_count, 1);
	assert_int_equal(vb->state, HV_VCPU_BLOCKED);
	assert_int_equal(vb->block_deadline, 5 * SLICE_NS);
	assert_int_equal(b->state, HV_DOMAIN_BLOCKED);
	assert_true(rec_has(p, vb, &runnable));
	assert_false(runnable);
	/* The new module decides for them: a is picked, b is not. */
	{
		uint64_t slice = 1;

		assert_ptr_equal(hv_sched_call_pick_next(p->current, 0, &slice), &va->sched);
		hv_sched_vcpu_block(va, 0);
		assert_null(hv_sched_call_pick_next(p->current, 0, &slice));
		assert_int_equal(to->sleep_count, 1);
		/* A wake reaches the module of the domain's pool. */
		hv_sched_vcpu_wake(vb);
		assert_int_equal(to->wake_count, 2);
		assert_ptr_equal(hv_sched_call_pick_next(p->current, 0, &slice), &vb->sched);
		assert_null(hv_sched_call_pick_next(p0->current, 0, &slice));
	}
	/* Into the pool it is in: nothing to do. */
	assert_int_equal(hv_pool_move_domain(b, p), 0);
	assert_int_equal(to->add_count, 2);
	assert_int_equal(to->remove_count, 0);
	/* Back: the two buffers are used in turn. */
	assert_int_equal(hv_pool_move_domain(a, p0), 0);
	assert_ptr_equal(va->sched.priv, a_old);
	assert_ptr_equal(a->pool, p0);
	assert_int_equal(to->remove_count, 1);
	assert_int_equal(old->add_count, 3);
	assert_int_equal(va->state, HV_VCPU_BLOCKED);
	assert_int_equal(hv_pool_domain_count(p), 1);
	assert_int_equal(hv_pool_domain_count(p0), 1);
}

/* A domain that has not started only changes its pool; it starts in the new one. */
static void test_move_domain_not_started(void **state)
{
	struct hv_domain *d = df_create("d", 1u << 20, HV_CRASH_DESTROY, 0);
	struct hv_pool *p = new_pool("batch");
	bool runnable = false;

	(void)state;
	assert_int_equal(hv_pool_move_domain(d, p), 0);
	assert_ptr_equal(d->pool, p);
	assert_int_equal(rec_in(p)->add_count, 0);
	assert_int_equal(rec_in(p0)->remove_count, 0);
	assert_int_equal(hv_pool_domain_count(p), 1); /* built: it counts */
	assert_int_equal(hv_domain_start(d), 0);
	assert_int_equal(rec_in(p)->add_count, 1);
	assert_int_equal(rec_in(p0)->add_count, 0);
	assert_true(rec_has(p, &d->vcpus[0], &runnable));
	assert_true(runnable);
}

static void test_move_domain_two_vcpus(void **state)
{
	struct hv_domain *d = df_create("d", 1u << 20, HV_CRASH_DESTROY, 0);
	struct hv_pool *p = new_pool("batch");
	bool runnable = true;

	(void)state;
	second_vcpu(d);
	assert_int_equal(hv_domain_start(d), 0);
	assert_int_equal(rec_in(p0)->add_count, 2);
	assert_int_equal(hv_pool_move_domain(d, p), 0);
	assert_int_equal(rec_in(p)->add_count, 2);
	assert_int_equal(rec_in(p)->wake_count, 1); /* vCPU 1 stays down */
	assert_int_equal(rec_in(p0)->remove_count, 2);
	assert_int_equal(rec_in(p0)->sleep_count, 1);
	assert_int_equal(rec_in(p0)->known_count, 0);
	assert_int_equal(d->vcpus[0].state, HV_VCPU_RUNNABLE);
	assert_int_equal(d->vcpus[1].state, HV_VCPU_DOWN);
	assert_true(rec_has(p, &d->vcpus[1], &runnable));
	assert_false(runnable);
}

/*
 * A destination that refuses the 2nd vCPU: the 1st leaves it again (slept,
 * removed), and the domain is where it was, its old module's state intact.
 */
static void test_move_domain_refused_changes_nothing(void **state)
{
	struct hv_domain *d = df_create("d", 1u << 20, HV_CRASH_DESTROY, 0);
	struct hv_pool *p = new_pool("batch");
	unsigned char before[2][HV_SCHED_VCPU_PRIV_MAX_SIZE];
	void *priv[2];
	struct rec old_before;
	struct rec *to = rec_in(p);
	bool runnable = false;
	uint64_t slice = 1;

	(void)state;
	second_vcpu(d);
	assert_int_equal(hv_domain_start(d), 0);
	for (int i = 0; i < 2; i++) {
		priv[i] = d->vcpus[i].sched.priv;
		memcpy(before[i], priv[i], sizeof(before[i]));
	}
	old_before = *rec_in(p0);
	to->fail_add_at = 2;
	assert_int_equal(hv_pool_move_domain(d, p), -HV_ENOSPC);
	assert_ptr_equal(d->pool, p0);
	assert_int_equal(to->add_count, 2);
	assert_int_equal(to->wake_count, 1);
	assert_int_equal(to->sleep_count, 1);
	assert_int_equal(to->remove_count, 1);
	assert_int_equal(to->known_count, 0);
	for (int i = 0; i < 2; i++) {
		assert_ptr_equal(d->vcpus[i].sched.priv, priv[i]);
		assert_memory_equal(priv[i], before[i], sizeof(before[i]));
		assert_true(d->vcpus[i].in_sched);
	}
	assert_memory_equal(rec_in(p0), &old_before, sizeof(old_before));
	assert_int_equal(d->vcpus[0].state, HV_VCPU_RUNNABLE);
	assert_int_equal(d->vcpus[1].state, HV_VCPU_DOWN);
	assert_true(rec_has(p0, &d->vcpus[0], &runnable));
	assert_true(runnable);
	assert_ptr_equal(hv_sched_call_pick_next(p0->current, 0, &slice), &d->vcpus[0].sched);
	assert_int_equal(hv_pool_domain_count(p0), 1);
	assert_int_equal(hv_pool_domain_count(p), 0);
	console_assert_lacks("moved from");
	console_assert_has("sched: domain 'd': pool 'batch' refused it");
	/* The first vCPU refused: nothing to undo. */
	to->add_count = 0;
	to->fail_add_at = 1;
	assert_int_equal(hv_pool_move_domain(d, p), -HV_ENOSPC);
	assert_int_equal(to->remove_count, 1);
	assert_ptr_equal(d->pool, p0);
	assert_ptr_equal(d->vcpus[0].sched.priv, priv[0]);
	/* Once the destination takes it, it moves. */
	to->fail_add_at = 0;
	assert_int_equal(hv_pool_move_domain(d, p), 0);
	assert_ptr_equal(d->pool, p);
	assert_int_equal(to->known_count, 2);
	assert_int_equal(rec_in(p0)->known_count, 0);
}

static void test_move_control_domain_never_parked(void **state)
{
	struct hv_domain *ctl = started("ctl", HV_DOMAIN_F_CONTROL);
	struct hv_domain *g = started("g", 0);
	struct hv_pool *p = new_pool("parking");
	void *priv = ctl->vcpus[0].sched.priv;

	(void)state;
	assert_int_equal(hv_pool_move_domain(ctl, p), -HV_EBUSY);
	assert_ptr_equal(ctl->pool, p0);
	assert_ptr_equal(ctl->vcpus[0].sched.priv, priv);
	assert_int_equal(rec_in(p)->add_count, 0);
	assert_int_equal(rec_in(p0)->remove_count, 0);
	/* Any other domain may be parked there. */
	assert_int_equal(hv_pool_move_domain(g, p), 0);
	assert_ptr_equal(g->pool, p);
	assert_int_equal(g->vcpus[0].state, HV_VCPU_RUNNABLE);
	assert_int_equal(rec_in(p)->add_count, 1);
}

/* A control domain built but not started counts as one. */
static void test_move_control_domain_not_started(void **state)
{
	struct hv_domain *ctl = df_create("ctl", 1u << 20, HV_CRASH_DESTROY, HV_DOMAIN_F_CONTROL);
	struct hv_pool *p = new_pool("parking");

	(void)state;
	assert_int_equal(hv_pool_move_domain(ctl, p), -HV_EBUSY);
	assert_ptr_equal(ctl->pool, p0);
}

/* Running-vCPU test: what the CALL step saw. */
static struct {
	struct hv_pool *to;
	bool take_cpu; /* move CPU 0 into 'to' first */
	struct hv_vcpu *moved;
	unsigned int p0_picks; /* pool 0's picks when it moved */
} run_move;

/* CALL step: moves the running vCPU's domain into run_move.to. */
static void move_while_running(struct hv_port_vcpu *p, void *arg)
{
	struct hv_vcpu *v = hv_sched_running();
	bool runnable = false;

	(void)arg;
	assert_non_null(v);
	assert_ptr_equal(&v->port, p);
	assert_int_equal(v->state, HV_VCPU_RUNNING);
	if (run_move.take_cpu) {
		assert_int_equal(hv_pool_assign_cpu(0, run_move.to), 0);
		assert_null(hv_sched_running());
		assert_int_equal(v->state, HV_VCPU_RUNNABLE);
	}
	assert_int_equal(hv_pool_move_domain(v->domain, run_move.to), 0);
	/* The run loop decides again, with the CPU's pool's module. */
	assert_null(hv_sched_running());
	assert_int_equal(v->state, HV_VCPU_RUNNABLE);
	assert_true(rec_has(run_move.to, v, &runnable));
	assert_true(runnable);
	assert_int_equal(rec_in(p0)->known_count, 0);
	run_move.moved = v;
	run_move.p0_picks = rec_in(p0)->pick_count;
}

/* Moved while it runs into a pool without CPUs: it stops running there. */
static void test_move_running_vcpu_parks_it(void **state)
{
	static const struct fake_step steps[] = {
	        FAKE_CALL(move_while_running, NULL),
	        FAKE_POWEROFF,
	};
	struct hv_domain *a = started("a", 0);

	(void)state;
	memset(&run_move, 0, sizeof(run_move));
	run_move.to = new_pool("parking");
	fake_script_set("a", steps, 2);
	hv_sched_run();
	assert_ptr_equal(run_move.moved, &a->vcpus[0]);
	assert_string_equal(fake_run_log(), "a");
	assert_int_equal(a->state, HV_DOMAIN_DEAD);
	/* Its end reached the module of the pool it was in. */
	assert_int_equal(rec_in(run_move.to)->sleep_count, 1);
	assert_int_equal(rec_in(run_move.to)->remove_count, 1);
	assert_int_equal(rec_in(p0)->sleep_count, 1);
	assert_int_equal(rec_in(p0)->remove_count, 1);
	assert_null(hv_sched_running());
}

/* Without a control domain the CPU can follow: the new pool's module picks next. */
static void test_move_running_vcpu_with_the_cpu(void **state)
{
	static const struct fake_step steps[] = {
	        FAKE_CALL(move_while_running, NULL),
	        FAKE_HC(HV_HC_YIELD),
	        FAKE_POWEROFF,
	};
	struct hv_domain *a = started("a", 0);

	(void)state;
	memset(&run_move, 0, sizeof(run_move));
	run_move.to = new_pool("batch");
	run_move.take_cpu = true;
	fake_script_set("a", steps, 3);
	hv_sched_run();
	assert_ptr_equal(run_move.moved, &a->vcpus[0]);
	assert_string_equal(fake_run_log(), "a a");
	assert_int_equal(a->state, HV_DOMAIN_DEAD);
	assert_ptr_equal(hv_pool_of_cpu(0), run_move.to);
	assert_true(rec_in(run_move.to)->pick_count >= 1);
	assert_int_equal(rec_in(p0)->pick_count, run_move.p0_picks);
	/* The second run was accounted to the pool it ran in. */
	assert_true(run_move.to->cpu_time_ns > 0);
}

/* ------------------------------------------------------------------ */
/* hv_pool_assign_cpu                                                 */
/* ------------------------------------------------------------------ */

static void test_assign_cpu_bad_cpu(void **state)
{
	struct hv_pool *p = new_pool("batch");

	(void)state;
	assert_int_equal(hv_pool_assign_cpu(1, p), -HV_EINVAL);
	assert_int_equal(hv_pool_assign_cpu(HV_POOL_MAX_CPUS, p), -HV_EINVAL);
	assert_int_equal(hv_pool_assign_cpu(UINT32_MAX, p), -HV_EINVAL);
	assert_int_equal(p->cpus, 0);
	assert_int_equal(p0->cpus, 1);
	assert_ptr_equal(hv_pool_of_cpu(0), p0);
	/* Into its own pool: nothing to do. */
	assert_int_equal(hv_pool_assign_cpu(0, p0), 0);
	assert_int_equal(p0->cpus, 1);
}

static void test_assign_cpu_keeps_control_domain_running(void **state)
{
	struct hv_domain *ctl = started("ctl", HV_DOMAIN_F_CONTROL);
	struct hv_pool *p = new_pool("batch");

	(void)state;
	assert_int_equal(hv_pool_assign_cpu(0, p), -HV_EBUSY);
	assert_ptr_equal(hv_pool_of_cpu(0), p0);
	assert_int_equal(p0->cpus, 1);
	assert_int_equal(p->cpus, 0);
	assert_ptr_equal(ctl->pool, p0);
	/* Once it has ended, the CPU may go. */
	hv_domain_shutdown(ctl, HV_SHUTDOWN_POWEROFF);
	assert_int_equal(ctl->state, HV_DOMAIN_DEAD);
	assert_int_equal(hv_pool_assign_cpu(0, p), 0);
	assert_ptr_equal(hv_pool_of_cpu(0), p);
}

static void test_assign_cpu_without_control_domain(void **state)
{
	struct hv_domain *g = started("g", 0);
	struct hv_pool *p = new_pool("batch");

	(void)state;
	assert_int_equal(hv_pool_assign_cpu(0, p), 0);
	assert_ptr_equal(hv_pool_of_cpu(0), p);
	assert_int_equal(p->cpus, 1);
	assert_int_equal(p0->cpus, 0);
	assert_ptr_equal(g->pool, p0); /* domains stay; g is parked now */
	console_assert_has("sched: CPU 0 moved from pool 'default' to 'batch'");
	assert_int_equal(hv_pool_assign_cpu(0, p0), 0);
	assert_ptr_equal(hv_pool_of_cpu(0), p0);
	assert_int_equal(p->cpus, 0);
	assert_int_equal(p0->cpus, 1);
}

/*
 * A control domain in a pool that got the CPU (it was built after the CPU
 * left pool 0, and moved to it): the CPU cannot go back.
 */
static void test_assign_cpu_last_of_control_pool(void **state)
{
	struct hv_pool *p = new_pool("ctlpool");
	struct hv_domain *ctl;

	(void)state;
	assert_int_equal(hv_pool_assign_cpu(0, p), 0);
	ctl = started("ctl", HV_DOMAIN_F_CONTROL);
	assert_ptr_equal(ctl->pool, p0); /* new domains join pool 0 */
	assert_int_equal(hv_pool_move_domain(ctl, p), 0);
	assert_int_equal(hv_pool_assign_cpu(0, p0), -HV_EBUSY);
	assert_ptr_equal(hv_pool_of_cpu(0), p);
	assert_int_equal(p->cpus, 1);
	assert_int_equal(p0->cpus, 0);
	/* Nor can it be parked back in pool 0, which has none. */
	assert_int_equal(hv_pool_move_domain(ctl, p0), -HV_EBUSY);
	assert_ptr_equal(ctl->pool, p);
}

/* ------------------------------------------------------------------ */
/* hv_pool_destroy                                                    */
/* ------------------------------------------------------------------ */

static void test_destroy(void **state)
{
	struct hv_domain *g = started("g", 0);
	struct hv_pool *p = new_pool("batch");
	uint32_t id = 0;

	(void)state;
	assert_int_equal(hv_pool_destroy(p0), -HV_EINVAL);
	assert_non_null(hv_pool_get(HV_POOL_DEFAULT));
	/* A pool with a domain that has not ended stays. */
	assert_int_equal(hv_pool_move_domain(g, p), 0);
	assert_int_equal(hv_pool_assign_cpu(0, p), 0);
	assert_int_equal(hv_pool_destroy(p), -HV_EBUSY);
	assert_ptr_equal(hv_pool_get(1), p);
	assert_ptr_equal(hv_pool_of_cpu(0), p);
	assert_int_equal(hv_pool_move_domain(g, p0), 0);
	/* Empty: its CPUs go back to pool 0. */
	assert_int_equal(hv_pool_destroy(p), 0);
	assert_null(hv_pool_get(1));
	assert_ptr_equal(hv_pool_of_cpu(0), p0);
	assert_int_equal(p0->cpus, 1);
	console_assert_has("sched: pool 1 'batch' destroyed");
	/* The name and the slot are free again. */
	assert_int_equal(hv_pool_create("batch", &rec_ops, NULL, &id), 0);
	assert_int_equal(id, 1);
	assert_int_equal(hv_pool_get(1)->cpus, 0);
}

/* A built domain that has not started keeps its pool alive. */
static void test_destroy_with_domain_not_started(void **state)
{
	struct hv_domain *d = df_create("d", 1u << 20, HV_CRASH_DESTROY, 0);
	struct hv_pool *p = new_pool("batch");

	(void)state;
	assert_int_equal(hv_pool_move_domain(d, p), 0);
	assert_int_equal(hv_pool_destroy(p), -HV_EBUSY);
	assert_ptr_equal(hv_pool_get(1), p);
}

/* Ended domains do not keep a pool: they move to pool 0's books. */
static void test_destroy_with_ended_domains(void **state)
{
	struct hv_domain *kept = df_create("kept", 1u << 20, HV_CRASH_KEEP, 0);
	struct hv_domain *dead = started("dead", 0);
	struct hv_pool *p = new_pool("batch");

	(void)state;
	assert_int_equal(hv_domain_start(kept), 0);
	assert_int_equal(hv_pool_move_domain(kept, p), 0);
	assert_int_equal(hv_pool_move_domain(dead, p), 0);
	assert_int_equal(hv_pool_domain_count(p), 2);
	hv_domain_crash(kept, "test");
	hv_domain_shutdown(dead, HV_SHUTDOWN_POWEROFF);
	assert_int_equal(kept->state, HV_DOMAIN_CRASHED);
	assert_int_equal(dead->state, HV_DOMAIN_DEAD);
	/* Their vCPUs left the module of their pool. */
	assert_int_equal(rec_in(p)->remove_count, 2);
	assert_int_equal(rec_in(p)->known_count, 0);
	assert_int_equal(hv_pool_domain_count(p), 0);
	assert_int_equal(hv_pool_destroy(p), 0);
	assert_ptr_equal(kept->pool, p0);
	assert_ptr_equal(dead->pool, p0);
	assert_null(hv_pool_get(1));
	assert_int_equal(hv_pool_domain_count(p0), 0);
}

/* ------------------------------------------------------------------ */
/* hv_pool_switch                                                     */
/* ------------------------------------------------------------------ */

static void test_switch_with_cyclic_schedule(void **state)
{
	struct hv_domain *a = started("a", 0);
	struct hv_domain *b = started("b", 0);
	struct hv_sched_params params = {
	        .kind = HV_SCHED_KIND_CYCLIC,
	        .cyclic =
	                {.major_frame_ns = 4 * SLICE_NS,
	                 .window_count = 2,
	                 .windows = {{.domid = 1, .offset_ns = SLICE_NS, .length_ns = 2 * SLICE_NS},
	                             {.domid = 0, .offset_ns = 0, .length_ns = SLICE_NS}}},
	};
	struct hv_sched_params got;
	struct hv_sched *before = p0->current;
	void *a_old = a->vcpus[0].sched.priv;
	uint64_t t0 = 10 * SLICE_NS;
	uint64_t slice = 0;

	(void)state;
	assert_int_equal(hv_pool_switch(p0, &hv_sched_cyclic, &params), 0);
	assert_ptr_equal(p0->current->ops, &hv_sched_cyclic);
	assert_ptr_not_equal(p0->current, before);
	assert_ptr_equal(hv_sched_instance(), p0->current);
	assert_int_equal(p0->current->slice_ns, SLICE_NS);
	assert_ptr_not_equal(a->vcpus[0].sched.priv, a_old);
	console_assert_has("sched: switched from 'rr' to 'cyclic'");
	memset(&got, 0, sizeof(got));
	assert_int_equal(hv_sched_call_get_params(p0->current, HV_DOMID_HV, &got), 0);
	assert_int_equal(got.kind, HV_SCHED_KIND_CYCLIC);
	assert_int_equal(got.cyclic.major_frame_ns, 4 * SLICE_NS);
	assert_int_equal(got.cyclic.window_count, 2);
	/* Both vCPUs are runnable in it, and the schedule decides. */
	assert_ptr_equal(hv_sched_call_pick_next(p0->current, t0, &slice), &a->vcpus[0].sched);
	assert_int_equal(slice, SLICE_NS);
	assert_ptr_equal(hv_sched_call_pick_next(p0->current, t0 + SLICE_NS, &slice),
	                 &b->vcpus[0].sched);
	assert_int_equal(slice, 2 * SLICE_NS);
	assert_null(hv_sched_call_pick_next(p0->current, t0 + 3 * SLICE_NS + SLICE_NS / 2, &slice));
	assert_int_equal(slice, SLICE_NS / 2);
	/* Without a schedule the core switches too: nothing runs. */
	assert_int_equal(hv_pool_switch(p0, &hv_sched_cyclic, NULL), 0);
	assert_ptr_equal(a->vcpus[0].sched.priv, a_old);
	assert_null(hv_sched_call_pick_next(p0->current, t0, &slice));
	/* Back to round-robin, which takes both. */
	assert_int_equal(hv_pool_switch(p0, &hv_sched_rr, NULL), 0);
	assert_ptr_equal(hv_sched_call_pick_next(p0->current, t0, &slice), &a->vcpus[0].sched);
	assert_ptr_equal(hv_sched_call_pick_next(p0->current, t0, &slice), &b->vcpus[0].sched);
}

/* Pool-wide parameters reach the new module before any vCPU does. */
static void test_switch_params_before_vcpus(void **state)
{
	struct hv_sched_params params = {.kind = HV_SCHED_KIND_FAIR};
	struct hv_domain *a = started("a", 0);
	struct hv_sched *before = p0->current;
	void *priv = a->vcpus[0].sched.priv;
	bool runnable = false;

	(void)state;
	assert_int_equal(hv_pool_switch(p0, &rec_ops, &params), 0);
	assert_int_equal(rec_in(p0)->params_count, 1);
	assert_int_equal(rec_in(p0)->params_domid, HV_DOMID_HV);
	assert_int_equal(rec_in(p0)->adds_before_params, 0);
	assert_int_equal(rec_in(p0)->add_count, 1);
	assert_true(rec_has(p0, &a->vcpus[0], &runnable));
	assert_true(runnable);
	/* Refused parameters: -HV_EINVAL, and the instance stays. */
	before = p0->current;
	priv = a->vcpus[0].sched.priv;
	rec_next.params_rc = -HV_ERANGE;
	assert_int_equal(hv_pool_switch(p0, &rec_ops, &params), -HV_EINVAL);
	assert_ptr_equal(p0->current, before);
	assert_ptr_equal(a->vcpus[0].sched.priv, priv);
	assert_int_equal(rec_in(p0)->add_count, 1);
	/* A bad module, a failing init: the same. */
	assert_int_equal(hv_pool_switch(p0, NULL, NULL), -HV_EINVAL);
	rec_next.init_rc = -HV_ENOMEM;
	assert_int_equal(hv_pool_switch(p0, &rec_ops, NULL), -HV_ENOMEM);
	assert_ptr_equal(p0->current, before);
	assert_ptr_equal(a->vcpus[0].sched.priv, priv);
}

/* A pool's switch concerns its own domains only. */
static void test_switch_other_pool(void **state)
{
	struct hv_domain *a = started("a", 0);
	struct hv_domain *b = started("b", 0);
	struct hv_pool *p = new_pool("batch");
	void *a_priv;
	void *b_priv = b->vcpus[0].sched.priv;
	uint64_t slice = 0;

	(void)state;
	assert_int_equal(hv_pool_move_domain(a, p), 0);
	a_priv = a->vcpus[0].sched.priv;
	assert_int_equal(hv_pool_switch(p, &hv_sched_rr, NULL), 0);
	console_assert_has("sched: pool 'batch' switched from 'rec' to 'rr'");
	assert_ptr_equal(p->current->ops, &hv_sched_rr);
	assert_ptr_equal(p->current, &p->inst[1]);
	assert_ptr_equal(p0->current->ops, &hv_sched_rr);
	assert_ptr_equal(hv_sched_instance(), p0->current);
	assert_ptr_not_equal(a->vcpus[0].sched.priv, a_priv);
	assert_ptr_equal(b->vcpus[0].sched.priv, b_priv);
	assert_ptr_equal(hv_sched_call_pick_next(p->current, 0, &slice), &a->vcpus[0].sched);
	assert_ptr_equal(hv_sched_call_pick_next(p->current, 0, &slice), &a->vcpus[0].sched);
}

/*
 * The new module refuses the n-th vCPU (n = 1, 2, 3, one per domain):
 * every vCPU keeps its old buffer, the old instance stays current and
 * still holds every runnable vCPU.
 */
static void test_switch_failure_restores_buffers(void **state)
{
	struct hv_domain *d[3] = {started("a", 0), started("b", 0), started("c", 0)};
	struct hv_sched *before = p0->current;
	void *priv[3];
	uint64_t slice = 0;

	(void)state;
	for (int i = 0; i < 3; i++) {
		priv[i] = d[i]->vcpus[0].sched.priv;
	}
	for (unsigned int n = 1; n <= 3; n++) {
		rec_next.fail_add_at = n;
		assert_int_equal(hv_pool_switch(p0, &rec_ops, NULL), -HV_ENOSPC);
		assert_ptr_equal(p0->current, before);
		assert_ptr_equal(hv_sched_instance(), before);
		assert_ptr_equal(before->ops, &hv_sched_rr);
		for (int i = 0; i < 3; i++) {
			assert_ptr_equal(d[i]->vcpus[0].sched.priv, priv[i]);
			assert_true(d[i]->vcpus[0].in_sched);
		}
	}
	console_assert_lacks("switched from");
	console_assert_has("sched: pool 'default': cannot switch from 'rr' to 'rec'");
	/* Round-robin still has all three, in turn. */
	for (int i = 0; i < 3; i++) {
		assert_ptr_equal(hv_sched_call_pick_next(p0->current, 0, &slice),
		                 &d[i]->vcpus[0].sched);
	}
	/* And a switch that succeeds gives each vCPU its other buffer. */
	rec_next.fail_add_at = 0;
	assert_int_equal(hv_pool_switch(p0, &rec_ops, NULL), 0);
	for (int i = 0; i < 3; i++) {
		assert_ptr_not_equal(d[i]->vcpus[0].sched.priv, priv[i]);
	}
	assert_int_equal(rec_in(p0)->known_count, 3);
}

/* The same with a domain of another pool between those of the pool switched. */
static void test_switch_failure_skips_other_pools(void **state)
{
	struct hv_domain *d[3] = {started("a", 0), started("b", 0), started("c", 0)};
	struct hv_pool *p = new_pool("batch");
	struct hv_sched *before = p0->current;
	void *priv[3];

	(void)state;
	assert_int_equal(hv_pool_move_domain(d[1], p), 0);
	for (int i = 0; i < 3; i++) {
		priv[i] = d[i]->vcpus[0].sched.priv;
	}
	rec_next.fail_add_at = 2; /* c's vCPU, the 2nd of pool 0 */
	assert_int_equal(hv_pool_switch(p0, &rec_ops, NULL), -HV_ENOSPC);
	assert_ptr_equal(p0->current, before);
	for (int i = 0; i < 3; i++) {
		assert_ptr_equal(d[i]->vcpus[0].sched.priv, priv[i]);
	}
	/* b is still known to its pool's module, as runnable. */
	{
		bool runnable = false;

		assert_true(rec_has(p, &d[1]->vcpus[0], &runnable));
		assert_true(runnable);
	}
}

/* A domain of two vCPUs whose second is refused, after another domain went in. */
static void test_switch_failure_inside_a_domain(void **state)
{
	struct hv_domain *a = started("a", 0);
	struct hv_domain *b = df_create("b", 1u << 20, HV_CRASH_DESTROY, 0);
	struct hv_sched *before = p0->current;
	void *priv[3];

	(void)state;
	second_vcpu(b);
	assert_int_equal(hv_domain_start(b), 0);
	priv[0] = a->vcpus[0].sched.priv;
	priv[1] = b->vcpus[0].sched.priv;
	priv[2] = b->vcpus[1].sched.priv;
	rec_next.fail_add_at = 3;
	assert_int_equal(hv_pool_switch(p0, &rec_ops, NULL), -HV_ENOSPC);
	assert_ptr_equal(p0->current, before);
	assert_ptr_equal(a->vcpus[0].sched.priv, priv[0]);
	assert_ptr_equal(b->vcpus[0].sched.priv, priv[1]);
	assert_ptr_equal(b->vcpus[1].sched.priv, priv[2]);
}

/* ------------------------------------------------------------------ */
/* hv_pool_domain_count                                               */
/* ------------------------------------------------------------------ */

static void test_domain_count(void **state)
{
	struct hv_domain *built = df_create("built", 1u << 20, HV_CRASH_DESTROY, 0);
	struct hv_domain *run = started("run", 0);
	struct hv_domain *off = started("off", 0);
	struct hv_domain *kept = df_create("kept", 1u << 20, HV_CRASH_KEEP, 0);
	struct hv_domain *away = started("away", 0);
	struct hv_pool *p = new_pool("batch");

	(void)state;
	(void)built;
	assert_int_equal(hv_domain_start(kept), 0);
	assert_int_equal(hv_pool_domain_count(p0), 5);
	assert_int_equal(hv_pool_move_domain(away, p), 0);
	assert_int_equal(hv_pool_domain_count(p0), 4);
	assert_int_equal(hv_pool_domain_count(p), 1);
	hv_domain_shutdown(off, HV_SHUTDOWN_POWEROFF);
	assert_int_equal(hv_pool_domain_count(p0), 3);
	hv_domain_crash(kept, "test");
	assert_int_equal(kept->state, HV_DOMAIN_CRASHED);
	assert_int_equal(hv_pool_domain_count(p0), 2);
	hv_sched_vcpu_block(&run->vcpus[0], 0); /* blocked still counts */
	assert_int_equal(hv_pool_domain_count(p0), 2);
	hv_domain_crash(away, "test");
	assert_int_equal(hv_pool_domain_count(p), 0);
	assert_int_equal(hv_pool_domain_count(p0), 2);
}

/* ------------------------------------------------------------------ */
/* HV_HC_SCHED_OP: the pool operations                                */
/* ------------------------------------------------------------------ */

/* Guest addresses in the control domain's free memory. */
#define HC_OUT    0x0
#define HC_NAME   0x100
#define HC_SCHED  0x200
#define HC_PARAMS 0x1000

static struct hv_domain *ctl;
static struct hv_vcpu *cv;
static struct hv_domain *guest;
static struct hv_vcpu *gv;

/* Setup: a domain 'g' (id 0) and the control domain 'ctl' (id 1), both entered. */
static int setup_hc(void **state)
{
	setup(state);
	guest = df_create("g", 1u << 20, HV_CRASH_DESTROY, 0);
	gv = df_enter(guest);
	ctl = df_create("ctl", 1u << 20, HV_CRASH_DESTROY, HV_DOMAIN_F_CONTROL);
	cv = df_enter(ctl);
	return 0;
}

/* A string in the control domain's memory at 'offset'; returns its address. */
static uint64_t ctl_string(uint64_t offset, const char *s)
{
	uint64_t va = ctl->layout.mem_start + offset;

	df_write(ctl, va, s, strlen(s) + 1);
	return va;
}

static int64_t sched_op(uint64_t op, uint64_t a1, uint64_t a2)
{
	return df_hypercall(cv, HV_HC_SCHED_OP, op, a1, a2);
}

/* The operations with a fourth argument go to the handler directly. */
static int64_t sched_op4(uint64_t op, uint64_t a1, uint64_t a2, uint64_t a3)
{
	const uint64_t args[6] = {op, a1, a2, a3, 0, 0};

	return hv_hypercall_sched_op(cv, args);
}

static struct hv_sched_pool_info pool_info(uint64_t id)
{
	struct hv_sched_pool_info info;
	uint64_t out = ctl->layout.mem_start + HC_OUT;

	memset(&info, 0xa5, sizeof(info));
	df_write(ctl, out, &info, sizeof(info));
	assert_int_equal(sched_op(HV_SCHED_OP_POOL_INFO, id, out), 0);
	df_read(ctl, out, &info, sizeof(info));
	return info;
}

static void test_hc_pool_ops_need_control(void **state)
{
	uint64_t name = guest->layout.mem_start + HC_NAME;
	uint64_t sched = guest->layout.mem_start + HC_SCHED;
	uint64_t out = guest->layout.mem_start + HC_OUT;
	unsigned char fill[sizeof(struct hv_sched_pool_info)];
	unsigned char after[sizeof(fill)];
	const uint64_t calls[][4] = {
	        {HV_SCHED_OP_POOL_CREATE, name, sched, 0},
	        {HV_SCHED_OP_POOL_DESTROY, 0, 0, 0},
	        {HV_SCHED_OP_POOL_DESTROY, 1, 0, 0},
	        {HV_SCHED_OP_POOL_SET_SCHEDULER, 0, sched, 0},
	        {HV_SCHED_OP_POOL_INFO, 0, out, 0},
	        {HV_SCHED_OP_POOL_INFO, 99, 0, 0},
	        {HV_SCHED_OP_POOL_MOVE_DOMAIN, 0, 1, 0},
	        {HV_SCHED_OP_POOL_ASSIGN_CPU, 0, 1, 0},
	        {HV_SCHED_OP_DOMAIN_POOL, 0, 0, 0},
	        {HV_SCHED_OP_DOMAIN_POOL, UINT64_MAX, 0, 0},
	};
	unsigned int copies;

	(void)state;
	new_pool("batch");
	df_write(guest, name, "mine", 5);
	df_write(guest, sched, "bvt", 4);
	memset(fill, 0x5a, sizeof(fill));
	df_write(guest, out, fill, sizeof(fill));
	df_load(gv);
	copies = fake_copy_count();
	for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
		const uint64_t args[6] = {calls[i][0], calls[i][1], calls[i][2], calls[i][3]};

		assert_int_equal(
		        df_hypercall(gv, HV_HC_SCHED_OP, calls[i][0], calls[i][1], calls[i][2]),
		        -HV_EPERM);
		assert_int_equal(hv_hypercall_sched_op(gv, args), -HV_EPERM);
	}
	/* Not an argument was read or written. */
	assert_int_equal(fake_copy_count(), copies);
	df_read(guest, out, after, sizeof(after));
	assert_memory_equal(after, fill, sizeof(fill));
	/* Nothing changed. */
	assert_null(hv_pool_get(2));
	assert_non_null(hv_pool_get(1));
	assert_ptr_equal(p0->current->ops, &hv_sched_rr);
	assert_ptr_equal(hv_pool_of_cpu(0), p0);
	assert_ptr_equal(guest->pool, p0);
	assert_int_equal(guest->state, HV_DOMAIN_RUNNING);
}

static void test_hc_pool_create_and_info(void **state)
{
	uint64_t name = ctl_string(HC_NAME, "batch");
	uint64_t sched = ctl_string(HC_SCHED, "bvt");
	struct hv_sched_pool_info info;
	struct hv_sched_pool_info want;

	(void)state;
	assert_int_equal(sched_op(HV_SCHED_OP_POOL_CREATE, name, sched), 1);
	assert_non_null(hv_pool_get(1));
	assert_ptr_equal(hv_pool_get(1)->current->ops, &hv_sched_bvt);
	/* Every byte of the answer: no padding or stale byte left. */
	info = pool_info(1);
	memset(&want, 0, sizeof(want));
	strcpy(want.name, "batch");
	strcpy(want.sched, "bvt");
	want.id = 1;
	assert_memory_equal(&info, &want, sizeof(want));
	info = pool_info(0);
	memset(&want, 0, sizeof(want));
	strcpy(want.name, "default");
	strcpy(want.sched, "rr");
	want.cpus = 1;
	want.id = 0;
	want.domains = 2;
	assert_memory_equal(&info, &want, sizeof(want));
	/* CPU time and domains follow the pool. */
	hv_pool_get(1)->cpu_time_ns = 12345;
	assert_int_equal(sched_op(HV_SCHED_OP_POOL_MOVE_DOMAIN, guest->id, 1), 0);
	info = pool_info(1);
	assert_int_equal(info.cpu_time_ns, 12345);
	assert_int_equal(info.domains, 1);
	assert_int_equal(pool_info(0).domains, 1);
	/* A bad output buffer. */
	assert_int_equal(sched_op(HV_SCHED_OP_POOL_INFO, 1, 0), -HV_EFAULT);
	assert_int_equal(sched_op(HV_SCHED_OP_POOL_INFO, 1, UINT64_C(0xffff800000001000)),
	                 -HV_EFAULT);
}

static void test_hc_pool_create_errors(void **state)
{
	struct hv_sched_params params = {
	        .kind = HV_SCHED_KIND_CYCLIC,
	        .cyclic = {.major_frame_ns = 4 * SLICE_NS,
	                   .window_count = 1,
	                   .windows = {{.domid = 1, .offset_ns = 0, .length_ns = SLICE_NS}}},
	};
	uint64_t pva = ctl->layout.mem_start + HC_PARAMS;
	uint64_t name = ctl_string(HC_NAME, "batch");
	uint64_t sched = ctl_string(HC_SCHED, "rr");
	uint64_t other = ctl_string(HC_NAME + 0x40, "other");
	uint64_t bad_name;
	char label[HV_SCHED_NAME_SIZE];

	(void)state;
	assert_int_equal(sched_op(HV_SCHED_OP_POOL_CREATE, name, sched), 1);
	assert_int_equal(sched_op(HV_SCHED_OP_POOL_CREATE, name, sched), -HV_EEXIST);
	/* Names: empty, 16 characters without a NUL, unreadable. */
	bad_name = ctl_string(HC_NAME + 0x80, "");
	assert_int_equal(sched_op(HV_SCHED_OP_POOL_CREATE, bad_name, sched), -HV_EINVAL);
	df_write(ctl, bad_name, "sixteen-chars-xyz", 17);
	assert_int_equal(sched_op(HV_SCHED_OP_POOL_CREATE, bad_name, sched), -HV_EINVAL);
	assert_int_equal(sched_op(HV_SCHED_OP_POOL_CREATE, 0, sched), -HV_EFAULT);
	/* Modules: empty, unknown, unreadable; cyclic needs a schedule. */
	assert_int_equal(sched_op(HV_SCHED_OP_POOL_CREATE, other, ctl_string(HC_SCHED, "")),
	                 -HV_EINVAL);
	assert_int_equal(sched_op(HV_SCHED_OP_POOL_CREATE, other, ctl_string(HC_SCHED, "nope")),
	                 -HV_ENOENT);
	assert_int_equal(sched_op(HV_SCHED_OP_POOL_CREATE, other, 0), -HV_EFAULT);
	sched = ctl_string(HC_SCHED, "cyclic");
	assert_int_equal(sched_op(HV_SCHED_OP_POOL_CREATE, other, sched), -HV_EINVAL);
	/* Parameters: unreadable, refused. */
	assert_int_equal(sched_op4(HV_SCHED_OP_POOL_CREATE, other, sched, DF_GUARD), -HV_EFAULT);
	params.cyclic.window_count = 0;
	df_write(ctl, pva, &params, sizeof(params));
	assert_int_equal(sched_op4(HV_SCHED_OP_POOL_CREATE, other, sched, pva), -HV_EINVAL);
	assert_null(hv_pool_get(2));
	/* With a schedule it is created. */
	params.cyclic.window_count = 1;
	df_write(ctl, pva, &params, sizeof(params));
	assert_int_equal(sched_op4(HV_SCHED_OP_POOL_CREATE, other, sched, pva), 2);
	assert_ptr_equal(hv_pool_get(2)->current->ops, &hv_sched_cyclic);
	/* Until the table is full. */
	sched = ctl_string(HC_SCHED, "rr");
	for (uint64_t id = 3; id < HV_SCHED_MAX_POOLS; id++) {
		snprintf(label, sizeof(label), "p%u", (unsigned int)id);
		assert_int_equal(
		        sched_op(HV_SCHED_OP_POOL_CREATE, ctl_string(HC_NAME, label), sched),
		        (int64_t)id);
	}
	assert_int_equal(sched_op(HV_SCHED_OP_POOL_CREATE, ctl_string(HC_NAME, "more"), sched),
	                 -HV_ENOSPC);
}

static void test_hc_pool_ids(void **state)
{
	static const uint64_t ops[] = {HV_SCHED_OP_POOL_DESTROY, HV_SCHED_OP_POOL_SET_SCHEDULER,
	                               HV_SCHED_OP_POOL_INFO, HV_SCHED_OP_POOL_MOVE_DOMAIN,
	                               HV_SCHED_OP_POOL_ASSIGN_CPU};
	static const uint64_t out_of_range[] = {HV_SCHED_MAX_POOLS, HV_SCHED_MAX_POOLS + 1,
	                                        UINT32_MAX, UINT64_C(1) << 32, UINT64_MAX};
	uint64_t out = ctl->layout.mem_start + HC_OUT;
	uint64_t sched = ctl_string(HC_SCHED, "bvt");

	(void)state;
	new_pool("batch");
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		bool move = ops[i] == HV_SCHED_OP_POOL_MOVE_DOMAIN ||
		            ops[i] == HV_SCHED_OP_POOL_ASSIGN_CPU;
		/* The pool is the last argument of a move, the first of the others. */
		uint64_t other = ops[i] == HV_SCHED_OP_POOL_INFO ? out : sched;

		for (size_t k = 0; k < sizeof(out_of_range) / sizeof(out_of_range[0]); k++) {
			uint64_t id = out_of_range[k];

			assert_int_equal(move ? sched_op(ops[i], 0, id)
			                      : sched_op(ops[i], id, other),
			                 -HV_EINVAL);
		}
		for (uint64_t id = 2; id < HV_SCHED_MAX_POOLS; id++) {
			assert_int_equal(move ? sched_op(ops[i], 0, id)
			                      : sched_op(ops[i], id, other),
			                 -HV_ENOENT);
		}
	}
	/* Unknown operations. */
	assert_int_equal(sched_op(HV_SCHED_OP_DOMAIN_POOL + 1, 0, 0), -HV_EINVAL);
	assert_int_equal(sched_op(UINT64_MAX, 0, 0), -HV_EINVAL);
	/* Nothing changed. */
	assert_ptr_equal(guest->pool, p0);
	assert_ptr_equal(hv_pool_of_cpu(0), p0);
	assert_ptr_equal(hv_pool_get(1)->current->ops, &rec_ops);
	assert_ptr_equal(p0->current->ops, &hv_sched_rr);
}

static void test_hc_move_assign_destroy(void **state)
{
	uint64_t name = ctl_string(HC_NAME, "batch");
	uint64_t sched = ctl_string(HC_SCHED, "bvt");

	(void)state;
	assert_int_equal(sched_op(HV_SCHED_OP_POOL_CREATE, name, sched), 1);
	/* A domain's pool. */
	assert_int_equal(sched_op(HV_SCHED_OP_DOMAIN_POOL, guest->id, 0), 0);
	assert_int_equal(sched_op(HV_SCHED_OP_DOMAIN_POOL, ctl->id, 0), 0);
	assert_int_equal(sched_op(HV_SCHED_OP_DOMAIN_POOL, 5, 0), -HV_ENOENT);
	assert_int_equal(sched_op(HV_SCHED_OP_DOMAIN_POOL, HV_CONFIG_MAX_DOMAINS, 0), -HV_EINVAL);
	assert_int_equal(sched_op(HV_SCHED_OP_DOMAIN_POOL, UINT64_MAX, 0), -HV_EINVAL);
	/* Moves. */
	assert_int_equal(sched_op(HV_SCHED_OP_POOL_MOVE_DOMAIN, guest->id, 1), 0);
	assert_int_equal(sched_op(HV_SCHED_OP_DOMAIN_POOL, guest->id, 0), 1);
	assert_ptr_equal(guest->pool, hv_pool_get(1));
	assert_int_equal(sched_op(HV_SCHED_OP_POOL_MOVE_DOMAIN, ctl->id, 1), -HV_EBUSY);
	assert_int_equal(sched_op(HV_SCHED_OP_DOMAIN_POOL, ctl->id, 0), 0);
	assert_int_equal(sched_op(HV_SCHED_OP_POOL_MOVE_DOMAIN, 5, 1), -HV_ENOENT);
	assert_int_equal(sched_op(HV_SCHED_OP_POOL_MOVE_DOMAIN, HV_CONFIG_MAX_DOMAINS, 1),
	                 -HV_EINVAL);
	assert_int_equal(sched_op(HV_SCHED_OP_POOL_MOVE_DOMAIN, UINT64_MAX, 0), -HV_EINVAL);
	/* A domain's parameters are those of its pool's module. */
	{
		struct hv_sched_params p;
		uint64_t buf = ctl->layout.mem_start + HC_PARAMS;

		assert_int_equal(sched_op(HV_SCHED_OP_GET_PARAMS, guest->id, buf), 0);
		df_read(ctl, buf, &p, sizeof(p));
		assert_int_equal(p.kind, HV_SCHED_KIND_BVT);
		assert_int_equal(p.bvt.weight, HV_SCHED_WEIGHT_DEFAULT);
		assert_int_equal(sched_op(HV_SCHED_OP_GET_PARAMS, ctl->id, buf), -HV_ENOSYS);
	}
	/* CPUs: none but 0; not the control domain's last. */
	assert_int_equal(sched_op(HV_SCHED_OP_POOL_ASSIGN_CPU, 0, 1), -HV_EBUSY);
	assert_int_equal(sched_op(HV_SCHED_OP_POOL_ASSIGN_CPU, 1, 1), -HV_EINVAL);
	assert_int_equal(sched_op(HV_SCHED_OP_POOL_ASSIGN_CPU, UINT32_MAX, 1), -HV_EINVAL);
	assert_int_equal(sched_op(HV_SCHED_OP_POOL_ASSIGN_CPU, UINT64_C(1) << 32, 1), -HV_EINVAL);
	assert_int_equal(sched_op(HV_SCHED_OP_POOL_ASSIGN_CPU, 0, 0), 0);
	assert_ptr_equal(hv_pool_of_cpu(0), p0);
	/* Destroy: not pool 0, not with a domain in it. */
	assert_int_equal(sched_op(HV_SCHED_OP_POOL_DESTROY, 0, 0), -HV_EINVAL);
	assert_int_equal(sched_op(HV_SCHED_OP_POOL_DESTROY, 1, 0), -HV_EBUSY);
	assert_int_equal(sched_op(HV_SCHED_OP_POOL_MOVE_DOMAIN, guest->id, 0), 0);
	assert_int_equal(sched_op(HV_SCHED_OP_POOL_DESTROY, 1, 0), 0);
	assert_null(hv_pool_get(1));
	assert_int_equal(sched_op(HV_SCHED_OP_POOL_DESTROY, 1, 0), -HV_ENOENT);
	assert_int_equal(sched_op(HV_SCHED_OP_POOL_INFO, 1, ctl->layout.mem_start), -HV_ENOENT);
	/* An ended domain has no pool to ask about. */
	hv_domain_shutdown(guest, HV_SHUTDOWN_POWEROFF);
	assert_int_equal(sched_op(HV_SCHED_OP_DOMAIN_POOL, guest->id, 0), -HV_ENOENT);
	assert_int_equal(sched_op(HV_SCHED_OP_POOL_MOVE_DOMAIN, guest->id, 0), -HV_ENOENT);
}

static void test_hc_pool_set_scheduler(void **state)
{
	struct hv_sched_params params = {
	        .kind = HV_SCHED_KIND_CYCLIC,
	        .cyclic = {.major_frame_ns = 4 * SLICE_NS,
	                   .window_count = 1,
	                   .windows = {{.domid = 0, .offset_ns = 0, .length_ns = SLICE_NS}}},
	};
	struct hv_sched_params got;
	uint64_t pva = ctl->layout.mem_start + HC_PARAMS;
	uint64_t sched = ctl_string(HC_SCHED, "bvt");
	uint64_t slice = 0;

	(void)state;
	assert_int_equal(sched_op(HV_SCHED_OP_POOL_CREATE, ctl_string(HC_NAME, "batch"), sched), 1);
	assert_int_equal(sched_op(HV_SCHED_OP_POOL_MOVE_DOMAIN, guest->id, 1), 0);
	assert_int_equal(sched_op(HV_SCHED_OP_POOL_SET_SCHEDULER, 1, ctl_string(HC_SCHED, "fair")),
	                 0);
	assert_ptr_equal(hv_pool_get(1)->current->ops, &hv_sched_fair);
	assert_ptr_equal(p0->current->ops, &hv_sched_rr); /* pool 0 untouched */
	assert_string_equal(pool_info(1).sched, "fair");
	/* Cyclic: only with a schedule, given to the pool as a whole. */
	sched = ctl_string(HC_SCHED, "cyclic");
	assert_int_equal(sched_op(HV_SCHED_OP_POOL_SET_SCHEDULER, 1, sched), -HV_EINVAL);
	assert_int_equal(sched_op4(HV_SCHED_OP_POOL_SET_SCHEDULER, 1, sched, DF_GUARD), -HV_EFAULT);
	assert_ptr_equal(hv_pool_get(1)->current->ops, &hv_sched_fair);
	df_write(ctl, pva, &params, sizeof(params));
	assert_int_equal(sched_op4(HV_SCHED_OP_POOL_SET_SCHEDULER, 1, sched, pva), 0);
	assert_ptr_equal(hv_pool_get(1)->current->ops, &hv_sched_cyclic);
	memset(&got, 0, sizeof(got));
	assert_int_equal(hv_sched_call_get_params(hv_pool_get(1)->current, HV_DOMID_HV, &got), 0);
	assert_int_equal(got.cyclic.window_count, 1);
	assert_int_equal(got.cyclic.major_frame_ns, 4 * SLICE_NS);
	assert_ptr_equal(hv_sched_call_pick_next(hv_pool_get(1)->current, 0, &slice),
	                 &guest->vcpus[0].sched);
	/* Pool 0 through the pool operation too. */
	assert_int_equal(
	        sched_op(HV_SCHED_OP_POOL_SET_SCHEDULER, 0, ctl_string(HC_SCHED + 0x40, "bvt")), 0);
	assert_ptr_equal(hv_sched_instance()->ops, &hv_sched_bvt);
	assert_int_equal(sched_op(HV_SCHED_OP_POOL_SET_SCHEDULER, 0, ctl_string(HC_SCHED, "nope")),
	                 -HV_ENOENT);
	assert_ptr_equal(hv_sched_instance()->ops, &hv_sched_bvt);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup(test_setup_makes_default_pool, setup),
	        cmocka_unit_test_setup(test_setup_again_starts_anew, setup),
	        cmocka_unit_test_setup(test_create, setup),
	        cmocka_unit_test_setup(test_create_bad_names, setup),
	        cmocka_unit_test_setup(test_create_bad_modules, setup),
	        cmocka_unit_test_setup(test_create_with_params, setup),
	        cmocka_unit_test_setup(test_create_full_table, setup),
	        cmocka_unit_test_setup(test_move_domain, setup_rec),
	        cmocka_unit_test_setup(test_move_domain_not_started, setup_rec),
	        cmocka_unit_test_setup(test_move_domain_two_vcpus, setup_rec),
	        cmocka_unit_test_setup(test_move_domain_refused_changes_nothing, setup_rec),
	        cmocka_unit_test_setup(test_move_control_domain_never_parked, setup_rec),
	        cmocka_unit_test_setup(test_move_control_domain_not_started, setup_rec),
	        cmocka_unit_test_setup(test_move_running_vcpu_parks_it, setup_rec),
	        cmocka_unit_test_setup(test_move_running_vcpu_with_the_cpu, setup_rec),
	        cmocka_unit_test_setup(test_assign_cpu_bad_cpu, setup),
	        cmocka_unit_test_setup(test_assign_cpu_keeps_control_domain_running, setup),
	        cmocka_unit_test_setup(test_assign_cpu_without_control_domain, setup),
	        cmocka_unit_test_setup(test_assign_cpu_last_of_control_pool, setup),
	        cmocka_unit_test_setup(test_destroy, setup),
	        cmocka_unit_test_setup(test_destroy_with_domain_not_started, setup),
	        cmocka_unit_test_setup(test_destroy_with_ended_domains, setup_rec),
	        cmocka_unit_test_setup(test_switch_with_cyclic_schedule, setup),
	        cmocka_unit_test_setup(test_switch_params_before_vcpus, setup),
	        cmocka_unit_test_setup(test_switch_other_pool, setup),
	        cmocka_unit_test_setup(test_switch_failure_restores_buffers, setup),
	        cmocka_unit_test_setup(test_switch_failure_skips_other_pools, setup),
	        cmocka_unit_test_setup(test_switch_failure_inside_a_domain, setup),
	        cmocka_unit_test_setup(test_domain_count, setup),
	        cmocka_unit_test_setup(test_hc_pool_ops_need_control, setup_hc),
	        cmocka_unit_test_setup(test_hc_pool_create_and_info, setup_hc),
	        cmocka_unit_test_setup(test_hc_pool_create_errors, setup_hc),
	        cmocka_unit_test_setup(test_hc_pool_ids, setup_hc),
	        cmocka_unit_test_setup(test_hc_move_assign_destroy, setup_hc),
	        cmocka_unit_test_setup(test_hc_pool_set_scheduler, setup_hc),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
