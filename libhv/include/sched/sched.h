/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The scheduling core (architecture decision D3): it owns the vCPU states,
 * time accounting, the timers and the run loop; the scheduler module
 * (struct hv_sched_ops, include/hv/sched.h) only picks the next vCPU. The
 * module is called through the inline wrappers below, which handle the
 * optional hooks; the mandatory ones were checked in hv_sched_setup().
 */
#ifndef HV_SCHED_SCHED_H
#define HV_SCHED_SCHED_H

#include <stdbool.h>
#include <stdint.h>

#include <hv/abi/errno.h>
#include <hv/sched.h>

struct hv_vcpu;

static inline int hv_sched_call_init(struct hv_sched *s)
{
	return s->ops->init(s);
}

static inline int hv_sched_call_add_vcpu(struct hv_sched *s, struct hv_sched_vcpu *v)
{
	return s->ops->add_vcpu(s, v);
}

static inline void hv_sched_call_remove_vcpu(struct hv_sched *s, struct hv_sched_vcpu *v)
{
	s->ops->remove_vcpu(s, v);
}

static inline void hv_sched_call_wake(struct hv_sched *s, struct hv_sched_vcpu *v)
{
	s->ops->wake(s, v);
}

static inline void hv_sched_call_sleep(struct hv_sched *s, struct hv_sched_vcpu *v)
{
	s->ops->sleep(s, v);
}

static inline struct hv_sched_vcpu *hv_sched_call_pick_next(struct hv_sched *s, uint64_t now_ns,
                                                            uint64_t *slice_ns)
{
	return s->ops->pick_next(s, now_ns, slice_ns);
}

static inline void hv_sched_call_yield(struct hv_sched *s, struct hv_sched_vcpu *v)
{
	if (s->ops->yield != NULL) {
		s->ops->yield(s, v);
	}
}

static inline void hv_sched_call_dump(const struct hv_sched *s)
{
	if (s->ops->dump != NULL) {
		s->ops->dump(s);
	}
}

static inline void hv_sched_call_forget_domain(struct hv_sched *s, hv_domid_t domid)
{
	if (s->ops->forget_domain != NULL) {
		s->ops->forget_domain(s, domid);
	}
}

/* Sets a domain's parameters; -HV_ENOSYS if the module takes none. */
static inline int hv_sched_call_set_params(struct hv_sched *s, hv_domid_t domid,
                                           const struct hv_sched_params *p)
{
	if (s->ops->set_params == NULL) {
		return -HV_ENOSYS;
	}
	return s->ops->set_params(s, domid, p);
}

/* Reads a domain's parameters; -HV_ENOSYS if the module takes none. */
static inline int hv_sched_call_get_params(const struct hv_sched *s, hv_domid_t domid,
                                           struct hv_sched_params *p)
{
	if (s->ops->get_params == NULL) {
		return -HV_ENOSYS;
	}
	return s->ops->get_params(s, domid, p);
}

/*
 * Checks a module (API version, sizes, name, mandatory hooks; each fault
 * is logged as "sched: module '<name>': ...") and sets up the pools: the
 * default pool, with every CPU and an instance of the module with the
 * default time slice, and no other. Returns 0, -HV_EINVAL or the init hook's
 * error.
 */
int hv_sched_setup(const struct hv_sched_ops *ops, uint64_t slice_ns);

/*
 * Switches the default pool's scheduler to another module at run time
 * (hv_pool_switch() with no parameters): a new instance of 'ops' is set up
 * (with the same default time slice), every vCPU of the pool's domains
 * that the old module knows is added to it and the runnable ones are woken
 * in it; then it becomes current. Domains keep running: the next decision
 * is the new module's. The old module's parameters are not carried over.
 * Returns 0, -HV_EINVAL for a bad module, or the new module's init or
 * add_vcpu error; on an error the old instance is current and untouched.
 */
int hv_sched_switch(const struct hv_sched_ops *ops);

/* The default pool's current instance (hv_sched_setup(), then hv_sched_switch()). */
struct hv_sched *hv_sched_instance(void);

/* Forgets the run loop's state (the running vCPU, a pending decision). */
void hv_sched_reset(void);

/*
 * Pools changed (a module switched, a domain or a CPU moved): the running
 * vCPU goes back to RUNNABLE and the next decision is made afresh by the
 * CPU's pool's module.
 */
void hv_sched_resched(void);

/* True if v is RUNNABLE or RUNNING: known to its module as runnable. */
bool hv_sched_vcpu_runnable(const struct hv_vcpu *v);

/* Hands a vCPU to the module (it stays down). */
int hv_sched_vcpu_add(struct hv_vcpu *v);

/* Takes a vCPU down for good: not runnable, unknown to the module, no timers. */
void hv_sched_vcpu_stop(struct hv_vcpu *v);

/* Makes a down or blocked vCPU runnable. */
void hv_sched_vcpu_wake(struct hv_vcpu *v);

/* Blocks a runnable vCPU until woken or until 'deadline_ns' (0: none). */
void hv_sched_vcpu_block(struct hv_vcpu *v, uint64_t deadline_ns);

/* Sets (0: cancels) the vCPU's one-shot HV_VIRQ_TIMER deadline. */
void hv_sched_vcpu_set_timer(struct hv_vcpu *v, uint64_t deadline_ns);

/* Pauses a runnable or blocked vCPU (the control domain's pause); others stay as they are. */
void hv_sched_vcpu_pause(struct hv_vcpu *v);

/* Returns a paused vCPU to the state it was paused in (a blocked one with an event due wakes). */
void hv_sched_vcpu_unpause(struct hv_vcpu *v);

/* Ends v's time slice; the module may move it back (yield hook). */
void hv_sched_vcpu_yield(struct hv_vcpu *v);

/*
 * The run loop: runs vCPUs until every domain has ended, handling their
 * exits, timers and events. If every domain left is blocked with nothing
 * that could wake it, those domains are stranded and the loop ends.
 */
void hv_sched_run(void);

/* The vCPU picked to run, or NULL. */
struct hv_vcpu *hv_sched_running(void);

#endif /* HV_SCHED_SCHED_H */
