/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Time as the core keeps it: system time is hv_port_time_ns(); each vCPU's
 * virtual time is how long it has run; wall-clock time at system time 0
 * comes from the appliance description. All three are published in the
 * shared-info page, so that guests read time without a hypercall.
 *
 * The module also owns hv_core_timer_interrupt(): during the start-up
 * self-test it counts ticks; afterwards the run loop handles timers by
 * looking at the clock after every exit, so the interrupt only has to end
 * the guest's run (the port does that) and is merely counted.
 */
#ifndef HV_TIME_TIME_H
#define HV_TIME_TIME_H

#include <stdint.h>

struct hv_domain;
struct hv_port_time_scale;
struct hv_vcpu;

/* Sets the wall-clock time at system time 0 for domains built from now on. */
void hv_time_set_wallclock(uint64_t sec, uint32_t nsec);

/* Writes the wall clock into d's shared-info page (wc_version odd meanwhile). */
void hv_time_publish_wallclock(struct hv_domain *d);

/*
 * Writes system time as of 'now' (a hv_port_time_scale() snapshot) and v's
 * virtual time, v->run_time_ns at now->cycles, into v's record in the
 * shared-info page, with the version protocol: the version is odd while
 * the record changes.
 */
void hv_time_publish(struct hv_vcpu *v, const struct hv_port_time_scale *now);

/*
 * Publishes only v's virtual time: v->run_time_ns, reached at cycle count
 * 'cycles' (hv_port_cycles()), the moment v resumes. Same version protocol.
 */
void hv_time_publish_run_time(struct hv_vcpu *v, uint64_t cycles);

/*
 * The start-up self-test: waits for 'count' ticks of 'period' ns from the
 * one-shot timer, re-armed from its own interrupt, polling the clock with
 * interrupts on. Prints the result; -HV_EIO if the timer does not fire.
 */
int hv_time_selftest(uint64_t period, uint32_t count);

/* Timer interrupts taken since start-up, outside the self-test. */
uint64_t hv_time_interrupts(void);

#endif /* HV_TIME_TIME_H */
