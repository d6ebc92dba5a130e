/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The scheduling core: vCPU states, time accounting, timers and the run
 * loop (see sched/sched.h). The scheduler module decides who runs; this
 * file decides when to ask it and does everything else.
 *
 * The run loop, on the boot CPU with interrupts disabled except inside
 * hv_port_vcpu_run() and hv_port_cpu_wait():
 *
 *   loop:
 *     (console input is polled after an interrupt exit and an idle wait,
 *       and raises HV_VIRQ_CONSOLE in the control domain)
 *     expire timers (guest one-shot timers raise HV_VIRQ_TIMER, block
 *       deadlines wake their vCPU)
 *     stop when every domain has ended
 *     pick a vCPU: keep the running one until its slice ends, it sleeps
 *       or it yields; otherwise ask the module
 *     none runnable: wait for the next deadline (hv_port_cpu_wait()); if
 *       there is none, nothing can ever wake the domains left: strand them
 *     enter the event upcall if one is due
 *     arm the timer, publish its time, hv_port_vcpu_run(), account
 *     handle the exit: hypercall, exception, interrupt
 *
 * Timers are multiplexed on the port's single one-shot timer: before a
 * vCPU runs or the CPU waits, the timer is armed for the earliest of the
 * slice end, every guest timer and every block deadline. The interrupt
 * only makes the guest exit; the loop reads the clock and does the rest.
 *
 * The port copies in the address space of the vCPU that last exited, so an
 * upcall can only be written for that vCPU. A vCPU that has an upcall due
 * but was not the last to run is "kicked": it runs with the timer armed
 * for now, exits at once with an interrupt, and gets its upcall on the
 * next turn of the loop, before it runs again.
 *
 * The hypercall fast path: while a vCPU runs, the port may offer its
 * hypercalls to hv_core_hypercall_fast() instead of exiting. It handles
 * only those that change nothing the loop looks at after an exit
 * (HV_CORE_HYPERCALL_FAST_SET: no blocking, yielding, ending, events,
 * timers or register reloads), and only while the exit would lead straight
 * back into the same vCPU with nothing more to do:
 *   - no upcall is pending (checked at each call): the loop would enter
 *     it, and a guest that unmasks events makes a hypercall for exactly
 *     that;
 *   - not a kick: the vCPU must exit at once (the gate is closed, as
 *     outside a run).
 * Deadlines need no check. The port timer is armed, before the run, for
 * the earliest of them (slice end, guest timers, block deadlines), and a
 * fast hypercall adds or moves none. Once that deadline has passed, the
 * timer interrupt is pending: the port returns to the guest with
 * interrupts enabled (x86: sysretq restores the guest's IF), so it is
 * taken at once, the vCPU exits to the loop, and the loop handles the
 * deadline. A fast hypercall that starts just after the deadline only
 * delays that by its own length.
 * Nothing is published either: the loop publishes the vCPU's run time and
 * the cycle count when it resumes (run_tsc_timestamp), and the guest
 * extrapolates from there with the TSC, fast hypercalls included. The
 * time spent in the fast path is part of the run: the loop accounts it to
 * the vCPU (and its domain) after the exit, with the rest of the run. A
 * guest that scribbles on its own time record during the run, against the
 * ABI, has it repaired at its next exit; that concerns only itself.
 * The decision comes before any work, so a hypercall is never run twice.
 *
 * Invariant: only `running` is in state RUNNING; every RUNNABLE or
 * RUNNING vCPU is known to the module as runnable (woken, not slept).
 */
#include <hv/abi/errno.h>
#include <hv/abi/shared.h>
#include <hv/log.h>
#include <hv/port.h>

#include "console/console.h"
#include "domain/domain.h"
#include "event/event.h"
#include "guest/access.h"
#include "hypercall/hypercall.h"
#include "lib/check.h"
#include "lib/string.h"
#include "sched/pool.h"
#include "sched/sched.h"
#include "time/time.h"
#include "trap/trap.h"

#define NO_DEADLINE UINT64_MAX

static struct hv_vcpu *running;
/*
 * The earliest guest timer or block deadline, so that the loop scans the
 * domains only when one may have passed; 0 forces a fresh scan (set when a
 * deadline is added). Deadlines that go away (a wake, a cancel) can leave
 * it early: that costs one needless scan, never a missed deadline.
 */
static uint64_t timer_next;
/* End of an idle period the scheduler module asked for, 0 for none. */
static uint64_t idle_until;
/* The deadline the port timer is armed for, 0 when unknown or fired. */
static uint64_t timer_armed;
/* The vCPU whose time record was published last (see stale_record()). */
static struct hv_vcpu *published;
static uint64_t slice_end;
static bool repick;
/*
 * What the fast path checks before it handles a hypercall of `running`:
 * while `running` is inside hv_port_vcpu_run(), its upcall_pending byte
 * (set: the loop must deliver the upcall first); for a kick and outside a
 * run, fast_closed, which is never 0, so every call is refused. One load
 * and one test, with nothing to check for NULL.
 */
static const uint8_t fast_closed = 1;
static const uint8_t *fast_gate = &fast_closed;

void hv_sched_reset(void)
{
	running = NULL;
	repick = false;
	idle_until = 0;
}

/* The pool of the CPU this runs on. */
static struct hv_pool *this_pool(void)
{
	return hv_pool_of_cpu(0);
}

/* The instance that knows v: that of its domain's pool. */
static struct hv_sched *sched_of(const struct hv_vcpu *v)
{
	return v->domain->pool->current;
}

bool hv_sched_vcpu_runnable(const struct hv_vcpu *v)
{
	return v->state == HV_VCPU_RUNNABLE || v->state == HV_VCPU_RUNNING;
}

void hv_sched_resched(void)
{
	if (running != NULL && running->state == HV_VCPU_RUNNING) {
		running->state = HV_VCPU_RUNNABLE;
	}
	running = NULL;
	repick = false;
	idle_until = 0;
}

struct hv_vcpu *hv_sched_running(void)
{
	return running;
}

int hv_sched_vcpu_add(struct hv_vcpu *v)
{
	int rc;

	HV_CHECK(!v->in_sched);
	hv_memset(v->sched.priv, 0, HV_SCHED_VCPU_PRIV_MAX_SIZE);
	rc = hv_sched_call_add_vcpu(sched_of(v), &v->sched);
	v->in_sched = rc == 0;
	return rc;
}

/* v stops being runnable, for 'state'. */
static void sleep_vcpu(struct hv_vcpu *v, enum hv_vcpu_state state)
{
	if (hv_sched_vcpu_runnable(v)) {
		hv_sched_call_sleep(sched_of(v), &v->sched);
	}
	v->state = state;
	if (v == running) {
		running = NULL;
	}
	hv_domain_update_state(v->domain);
}

void hv_sched_vcpu_stop(struct hv_vcpu *v)
{
	if (v->in_sched) {
		sleep_vcpu(v, HV_VCPU_DOWN);
		hv_sched_call_remove_vcpu(sched_of(v), &v->sched);
		v->in_sched = false;
	}
	v->state = HV_VCPU_DOWN;
	v->timer_deadline = 0;
	v->block_deadline = 0;
	if (v == running) {
		running = NULL;
	}
}

void hv_sched_vcpu_wake(struct hv_vcpu *v)
{
	if (!v->in_sched || (v->state != HV_VCPU_BLOCKED && v->state != HV_VCPU_DOWN)) {
		return;
	}
	v->state = HV_VCPU_RUNNABLE;
	v->block_deadline = 0;
	hv_sched_call_wake(sched_of(v), &v->sched);
	hv_domain_update_state(v->domain);
}

void hv_sched_vcpu_block(struct hv_vcpu *v, uint64_t deadline_ns)
{
	if (!hv_sched_vcpu_runnable(v)) {
		return;
	}
	sleep_vcpu(v, HV_VCPU_BLOCKED);
	v->block_deadline = deadline_ns;
	timer_next = 0;
}

void hv_sched_vcpu_pause(struct hv_vcpu *v)
{
	if (v->state != HV_VCPU_RUNNABLE && v->state != HV_VCPU_RUNNING &&
	    v->state != HV_VCPU_BLOCKED) {
		return;
	}
	v->paused_from = v->state == HV_VCPU_BLOCKED ? HV_VCPU_BLOCKED : HV_VCPU_RUNNABLE;
	sleep_vcpu(v, HV_VCPU_PAUSED);
}

void hv_sched_vcpu_unpause(struct hv_vcpu *v)
{
	if (v->state != HV_VCPU_PAUSED) {
		return;
	}
	if (v->paused_from == HV_VCPU_BLOCKED && !hv_event_upcall_pending(v)) {
		/* Its deadline may have passed meanwhile: look at the clock again. */
		v->state = HV_VCPU_BLOCKED;
		timer_next = 0;
		return;
	}
	v->state = HV_VCPU_RUNNABLE;
	v->block_deadline = 0;
	hv_sched_call_wake(sched_of(v), &v->sched);
}

void hv_sched_vcpu_set_timer(struct hv_vcpu *v, uint64_t deadline_ns)
{
	/* A deadline in the past fires at the next look at the clock. */
	v->timer_deadline = deadline_ns;
	timer_next = 0;
}

void hv_sched_vcpu_yield(struct hv_vcpu *v)
{
	if (!hv_sched_vcpu_runnable(v)) {
		return;
	}
	hv_sched_call_yield(sched_of(v), &v->sched);
	if (v == running) {
		repick = true;
	}
}

static struct hv_vcpu *vcpu_of(struct hv_sched_vcpu *sv)
{
	return (struct hv_vcpu *)(void *)((char *)sv - __builtin_offsetof(struct hv_vcpu, sched));
}

static struct hv_vcpu *pick(uint64_t now)
{
	struct hv_pool *pool = this_pool();
	struct hv_sched *instance = pool->current;
	struct hv_sched_vcpu *sv;
	struct hv_vcpu *v;
	uint64_t slice = 0;

	if (running != NULL && running->state == HV_VCPU_RUNNING && !repick && now < slice_end) {
		return running;
	}
	repick = false;
	if (running != NULL && running->state == HV_VCPU_RUNNING) {
		running->state = HV_VCPU_RUNNABLE;
	}
	running = NULL;
	sv = hv_sched_call_pick_next(instance, now, &slice);
	if (sv == NULL) {
		/* A module may keep the CPU idle on purpose (a cyclic window of
		 * an absent domain, a capped domain): the slice says how long. */
		idle_until = slice != 0 ? now + slice : 0;
		return NULL;
	}
	v = vcpu_of(sv);
	if (!hv_sched_vcpu_runnable(v) || hv_domain_get(sv->domid) != v->domain ||
	    v->domain->pool != pool) {
		hv_panic("sched: module '%s' picked vCPU %u of domain %u, which is not runnable "
		         "here",
		         instance->ops->name, sv->vcpu_id, sv->domid);
	}
	v->state = HV_VCPU_RUNNING;
	running = v;
	slice_end = now + (slice != 0 ? slice : instance->slice_ns);
	return v;
}

static void expire_timers(uint64_t now)
{
	for (hv_domid_t id = 0; id < HV_CONFIG_MAX_DOMAINS; id++) {
		struct hv_domain *d = hv_domain_get(id);

		if (d == NULL || hv_domain_ended(d)) {
			continue;
		}
		for (uint32_t i = 0; i < d->vcpu_count; i++) {
			struct hv_vcpu *v = &d->vcpus[i];

			if (v->timer_deadline != 0 && now >= v->timer_deadline) {
				v->timer_deadline = 0;
				hv_event_raise_virq(d, HV_VIRQ_TIMER);
			}
			if (v->state == HV_VCPU_BLOCKED && v->block_deadline != 0 &&
			    now >= v->block_deadline) {
				hv_sched_vcpu_wake(v);
			}
		}
	}
}

/* The earliest guest timer or block deadline, or NO_DEADLINE. */
static uint64_t next_deadline(void)
{
	uint64_t next = NO_DEADLINE;

	for (hv_domid_t id = 0; id < HV_CONFIG_MAX_DOMAINS; id++) {
		struct hv_domain *d = hv_domain_get(id);

		if (d == NULL || hv_domain_ended(d)) {
			continue;
		}
		for (uint32_t i = 0; i < d->vcpu_count; i++) {
			const struct hv_vcpu *v = &d->vcpus[i];

			if (v->timer_deadline != 0 && v->timer_deadline < next) {
				next = v->timer_deadline;
			}
			if (v->state == HV_VCPU_BLOCKED && v->block_deadline != 0 &&
			    v->block_deadline < next) {
				next = v->block_deadline;
			}
		}
	}
	return next;
}

/* A fresh page (version 0) or one the guest scribbled on (odd version). */
static bool stale_record(const struct hv_vcpu *v)
{
	uint32_t version = ((const volatile struct hv_vcpu_info *)v->info)->time.version;

	return version == 0 || (version & 1) != 0;
}

static void arm(uint64_t deadline)
{
	if (deadline == timer_armed) {
		return; /* reprogramming the timer is not free: skip when unchanged */
	}
	timer_armed = deadline;
	if (deadline == NO_DEADLINE) {
		hv_port_timer_cancel();
	} else {
		hv_port_timer_arm(deadline);
	}
}

/*
 * Nothing runnable: gives back a destroyed domain's memory if some is
 * left (a step, then the loop looks again), else waits for the next
 * deadline; false if there is none.
 */
static bool idle(void)
{
	uint64_t next;

	if (hv_domain_reclaim_some()) {
		return true;
	}
	next = next_deadline();

	if (idle_until != 0 && idle_until < next) {
		next = idle_until;
	}
	idle_until = 0;
	if (next == NO_DEADLINE) {
		hv_notice("run: no domain can run and nothing is left to wake one");
		for (hv_domid_t id = 0; id < HV_CONFIG_MAX_DOMAINS; id++) {
			struct hv_domain *d = hv_domain_get(id);

			if (d != NULL) {
				hv_domain_strand(d);
			}
		}
		return false;
	}
	arm(next);
	hv_port_cpu_wait();
	timer_armed = 0; /* it may be what woke us */
	hv_console_input_poll();
	return true;
}

/*
 * Enters the upcall if one is due and v's address space is loaded; asks
 * for a kick if it is due but another address space is loaded. Returns
 * false if v can no longer run (the upcall crashed its domain).
 */
static bool prepare(struct hv_vcpu *v, bool *kick)
{
	*kick = false;
	if (!hv_event_upcall_due(v)) {
		return true;
	}
	if (hv_guest_current() != v) {
		*kick = true;
		return true;
	}
	hv_trap_upcall(v);
	return v->state == HV_VCPU_RUNNING;
}

static void handle_exit(struct hv_vcpu *v, const struct hv_exit *exit)
{
	switch (exit->reason) {
	case HV_EXIT_HYPERCALL:
		hv_hypercall_dispatch(v, exit);
		break;
	case HV_EXIT_EXCEPTION:
		hv_trap_exception(v, exit);
		break;
	case HV_EXIT_INTERRUPT:
		/* Not on the fast path: input waits for the next interrupt exit or idle. */
		hv_console_input_poll();
		break;
	default:
		hv_err("port: vCPU exit with unknown reason %u", exit->reason);
		hv_domain_crash(v->domain, "unknown exit reason %u from the port", exit->reason);
		break;
	}
}

void hv_sched_run(void)
{
	for (;;) {
		uint64_t now = hv_port_time_ns();
		struct hv_port_time_scale clock;
		struct hv_exit exit;
		struct hv_vcpu *v;
		uint64_t deadline;
		uint64_t ran;
		bool kick;

		if (now >= timer_next) {
			expire_timers(now);
			timer_next = next_deadline();
		}
		if (hv_domain_all_ended()) {
			break;
		}
		/* A destroyed domain's memory comes back a bounded step per turn. */
		(void)hv_domain_reclaim_some();
		v = pick(now);
		if (v == NULL) {
			if (!idle()) {
				break;
			}
			continue;
		}
		if (!prepare(v, &kick)) {
			continue;
		}
		/* The fast path relies on this: the timer ends the run at the deadline. */
		deadline = slice_end < timer_next ? slice_end : timer_next;
		arm(kick ? now : deadline);
		/* A kick must exit at once: no fast path. */
		fast_gate = kick || v->info == NULL ? &fast_closed : &v->info->upcall_pending;
		/* From here on v's address space is the port's current one. */
		hv_guest_set_current(v);
		/*
		 * The run starts now: its virtual time goes on from here, at this
		 * cycle count. The rest of the record stays valid while the
		 * clock's scale does: refresh it on a switch and after interrupts,
		 * not on every hypercall.
		 */
		hv_port_time_scale(&clock);
		if (v != published || v->info == NULL || stale_record(v)) {
			hv_time_publish(v, &clock);
			published = v;
		} else {
			hv_time_publish_run_time(v, clock.cycles);
		}
		exit = (struct hv_exit){.reason = 0};
		hv_port_vcpu_run(&v->port, &exit);
		fast_gate = &fast_closed;
		ran = hv_port_time_ns() - clock.ns;
		v->run_time_ns += ran;
		v->domain->cpu_time_ns += ran;
		v->domain->pool->cpu_time_ns += ran;
		if (exit.reason == HV_EXIT_INTERRUPT) {
			/* The timer may have fired: it is no longer armed. */
			timer_armed = 0;
			published = NULL;
		}
		handle_exit(v, &exit);
	}
	hv_port_timer_cancel();
	running = NULL;
	timer_next = 0;
	timer_armed = 0;
	idle_until = 0;
	published = NULL;
	fast_gate = &fast_closed;
}

bool hv_core_hypercall_fast(uint64_t nr, const uint64_t *args, int64_t *result)
{
	int64_t (*handler)(struct hv_vcpu *, const uint64_t *);

	/*
	 * Decide before doing anything: a refused call is dispatched after the
	 * exit. The gate needs no volatile: it is read once per call. The
	 * hints keep GCC from setting up a refusal before the tests.
	 */
	if (__builtin_expect(nr >= HV_HC_COUNT, 0)) {
		return false;
	}
	handler = hv_hypercall_fast_table[nr];
	if (__builtin_expect(handler == NULL || *fast_gate != 0, 0)) {
		return false;
	}
	/* The gate is open: `running` is the vCPU in the port. */
	*result = handler(running, args);
	return true;
}
