/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The timer interrupt and the start-up self-test of the clock and the
 * one-shot timer. During the self-test the interrupt handler counts ticks
 * and re-arms the timer itself; afterwards the run loop arms the timer
 * (slice ends, guest timers, block deadlines) and reads the clock after
 * every exit, so the handler only counts: the port has already ended the
 * guest's run, which is all a timer interrupt has to do.
 *
 * The handler runs in interrupt context; what it shares with the rest of
 * the core is volatile and written only by it while the self-test runs.
 */
#include <hv/abi/errno.h>
#include <hv/log.h>
#include <hv/port.h>

#include "time/time.h"

static volatile bool selftest_active;
static volatile uint32_t ticks;
static uint32_t tick_target;
static volatile uint64_t tick_deadline;
static volatile uint64_t tick_late_max;
static uint64_t tick_period;
static volatile uint64_t interrupts;

void hv_core_timer_interrupt(void)
{
	uint64_t now;
	uint64_t late;

	if (!selftest_active) {
		interrupts++;
		return;
	}
	now = hv_port_time_ns();
	late = now > tick_deadline ? now - tick_deadline : 0;
	if (late > tick_late_max) {
		tick_late_max = late;
	}
	ticks++;
	if (ticks < tick_target) {
		tick_deadline += tick_period;
		hv_port_timer_arm(tick_deadline);
	}
}

uint64_t hv_time_interrupts(void)
{
	return interrupts;
}

/*
 * Polls the clock rather than halting, so that a timer that never fires
 * ends in an error line instead of a hang.
 */
int hv_time_selftest(uint64_t period, uint32_t count)
{
	uint64_t start = hv_port_time_ns();
	uint64_t limit = start + period * count * 4 + UINT64_C(100000000);
	uint64_t elapsed;

	tick_period = period;
	tick_deadline = start + period;
	tick_late_max = 0;
	tick_target = count;
	ticks = 0;
	interrupts = 0;
	selftest_active = true;
	hv_port_timer_arm(tick_deadline);
	hv_port_irq_enable();
	while (ticks < count && hv_port_time_ns() < limit) {
		/* interrupts arrive here */
	}
	hv_port_irq_disable();
	hv_port_timer_cancel();
	selftest_active = false;
	elapsed = hv_port_time_ns() - start;
	if (ticks < count) {
		hv_err("timer: %u of %u ticks in %llu ms: the one-shot timer does not fire", ticks,
		       count, (unsigned long long)(elapsed / 1000000));
		return -HV_EIO;
	}
	hv_info("timer: %u ticks of %llu us in %llu us, latest by %llu us", ticks,
	        (unsigned long long)(period / 1000), (unsigned long long)(elapsed / 1000),
	        (unsigned long long)(tick_late_max / 1000));
	return 0;
}
