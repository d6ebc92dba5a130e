/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Time of the x86-64 port: the TSC as the clock, the local APIC timer as
 * the one-shot timer.
 *
 *  - The TSC frequency is measured against the 8254 PIT (channel 2, gated
 *    through port 0x61, which needs no interrupt): the shortest of three
 *    10 ms windows, since an interruption can only lengthen a window. Under
 *    QEMU's -icount the TSC counts instructions; the measurement still
 *    yields a consistent frequency.
 *  - hv_port_time_ns() scales TSC ticks since x86_time_init() with a
 *    32.32 fixed-point multiplier and a 128-bit product, so it cannot
 *    overflow for centuries and never decreases on one CPU.
 *  - The timer uses TSC-deadline mode when CPUID.1:ECX[24] offers it: the
 *    deadline is the TSC value itself. Otherwise the APIC timer runs in
 *    one-shot mode, its rate measured in the same PIT windows. A one-shot
 *    count is 32 bits and can be too short for a far deadline; the
 *    interrupt handler then re-arms until the deadline has really passed,
 *    so hv_core_timer_interrupt() is never called early.
 *  - hv_port_time_scale() gives guests the same clock in the form
 *    ns = ns0 + ((tsc - tsc0) << shift) * mul >> 32 with a 32-bit mul:
 *    mul = ns_mult >> shift, shift >= 0 the smallest that makes it fit
 *    (0 for a TSC of 1 GHz or more, where ns_mult < 2^32 already, so the
 *    guest computes exactly the hypervisor's product). A guest multiplies
 *    the shifted delta by mul into 96 bits (64 x 32); the shifted delta
 *    itself overflows only after 2^(64 - shift) ticks, centuries for any
 *    real clock. A guest that keeps the product in 64 bits stays exact
 *    while the shifted delta is below 2^32: 2^32 / (tsc_hz << shift)
 *    seconds, about 1 s at 4 GHz and 4.3 s at 1 GHz; with shift > 0,
 *    tsc_hz << shift lies between 1 and 2 GHz, so 2.1 to 4.3 s: the core
 *    should republish at least every second. Both forms truncate, so a guest's
 *    value never exceeds hv_port_time_ns() at the same TSC, and a new
 *    snapshot never moves a guest's clock backwards.
 *  - The legacy 8259 PICs are remapped to vectors 0x20..0x2f (away from the
 *    exceptions) and fully masked: the local APIC is the only source.
 * State is touched with interrupts off (single CPU so far).
 */
#include <hv/log.h>

#include "x86.h"

#define PIT_HZ       1193182
#define CALIBRATE_MS UINT64_C(10)
#define NSEC_PER_SEC UINT64_C(1000000000)

/* Local APIC registers (byte offsets). */
#define LAPIC_TPR       0x080
#define LAPIC_EOI       0x0b0
#define LAPIC_SVR       0x0f0
#define LAPIC_LVT_TIMER 0x320
#define LAPIC_LVT_LINT0 0x350
#define LAPIC_LVT_ERROR 0x370
#define LAPIC_TIMER_ICR 0x380
#define LAPIC_TIMER_CCR 0x390
#define LAPIC_TIMER_DCR 0x3e0

#define LVT_MASKED       (1u << 16)
#define LVT_TSC_DEADLINE (2u << 17)
#define SVR_ENABLE       (1u << 8)
#define APIC_BASE_ENABLE (1u << 11)

static uint64_t tsc_hz, tsc_at_boot;
static uint64_t ns_mult;   /* ns per tick, 32.32 fixed point */
static uint32_t scale_mul; /* ns_mult >> scale_shift, for hv_port_time_scale() */
static int8_t scale_shift;
static uint64_t lapic_hz;
static bool deadline_mode, armed;
static uint64_t armed_ns;

static uint32_t lapic_read(uint32_t reg)
{
	return *(volatile uint32_t *)(X86_FIXMAP_LAPIC + reg);
}

static void lapic_write(uint32_t reg, uint32_t v)
{
	*(volatile uint32_t *)(X86_FIXMAP_LAPIC + reg) = v;
}

static void pic_mask_all(void)
{
	/* ICW1..ICW4: edge, cascade, vectors 0x20/0x28, slave on IRQ 2, 8086. */
	x86_outb(0x20, 0x11);
	x86_outb(0xa0, 0x11);
	x86_outb(0x21, X86_VEC_PIC_BASE);
	x86_outb(0xa1, X86_VEC_PIC_BASE + 8);
	x86_outb(0x21, 0x04);
	x86_outb(0xa1, 0x02);
	x86_outb(0x21, 0x01);
	x86_outb(0xa1, 0x01);
	x86_outb(0x21, 0xff);
	x86_outb(0xa1, 0xff);
}

/*
 * One PIT window: TSC ticks and APIC-timer ticks (divide by 1) in
 * CALIBRATE_MS, or 0 ticks if the PIT never reported the end.
 */
static void pit_window(uint64_t *tsc_ticks, uint64_t *apic_ticks)
{
	uint32_t count = (uint32_t)(PIT_HZ * CALIBRATE_MS / 1000);
	uint8_t ctl = x86_inb(0x61);
	uint64_t t0, t1;
	uint32_t a0, a1;
	bool done = false;

	/* Gate channel 2 on, speaker off; mode 0 counts down, OUT2 rises at 0. */
	x86_outb(0x61, (ctl & ~0x02) | 0x01);
	x86_outb(0x43, 0xb0); /* channel 2, lobyte/hibyte, mode 0, binary */
	x86_outb(0x42, count & 0xff);
	x86_outb(0x42, count >> 8);
	if (!deadline_mode) {
		lapic_write(LAPIC_TIMER_ICR, 0xffffffff);
	}
	t0 = x86_rdtsc();
	a0 = deadline_mode ? 0 : lapic_read(LAPIC_TIMER_CCR);
	/*
	 * A missing PIT must not hang us: give up after 10^8 reads (seconds on
	 * hardware). The bound must stay large: under -icount a 10 ms window
	 * is only ten million instructions, millions of loop iterations.
	 */
	for (uint32_t spin = 0; spin < 100000000; spin++) {
		if (x86_inb(0x61) & 0x20) {
			done = true;
			break;
		}
	}
	t1 = x86_rdtsc();
	a1 = deadline_mode ? 0 : lapic_read(LAPIC_TIMER_CCR);
	x86_outb(0x61, ctl);
	/* Under 100 kHz is no real TSC: OUT2 read high at once (no PIT). */
	*tsc_ticks = done && t1 - t0 >= CALIBRATE_MS * 100 ? t1 - t0 : 0;
	*apic_ticks = a0 - a1;
}

static void calibrate(void)
{
	uint64_t best_tsc = UINT64_MAX, best_apic = 0;

	for (int i = 0; i < 3; i++) {
		uint64_t t, a;

		pit_window(&t, &a);
		if (t != 0 && t < best_tsc) {
			best_tsc = t;
			best_apic = a;
		}
	}
	if (best_tsc == UINT64_MAX) {
		hv_warn("x86: the PIT did not respond; assuming a 1 GHz TSC");
		best_tsc = NSEC_PER_SEC / 1000 * CALIBRATE_MS;
		best_apic = 100000 * CALIBRATE_MS;
	}
	tsc_hz = best_tsc * 1000 / CALIBRATE_MS;
	lapic_hz = best_apic * 1000 / CALIBRATE_MS;
	if (lapic_hz == 0) {
		lapic_hz = 1;
	}
	/* 1e9 << 32 fits in 64 bits, so this needs no 128-bit division. */
	ns_mult = (NSEC_PER_SEC << 32) / tsc_hz;

	uint64_t mul = ns_mult;
	int8_t shift = 0;

	while (mul > UINT32_MAX) {
		mul >>= 1;
		shift++;
	}
	scale_mul = (uint32_t)mul;
	scale_shift = shift;
}

/* a * b / NSEC_PER_SEC, rounded up, without a 128-bit division. */
static uint64_t ns_to_ticks(uint64_t ns, uint64_t hz)
{
	uint64_t sec = ns / NSEC_PER_SEC, rem = ns % NSEC_PER_SEC;

	/* rem * hz < 1e9 * 1.8e10: fits for clocks below 18 GHz. */
	return sec * hz + (rem * hz + NSEC_PER_SEC - 1) / NSEC_PER_SEC;
}

uint64_t x86_tsc_hz(void)
{
	return tsc_hz;
}

const char *x86_timer_name(void)
{
	return deadline_mode ? "lapic-tsc-deadline" : "lapic-oneshot";
}

uint64_t hv_port_cycles(void)
{
	return x86_rdtsc();
}

static uint64_t ticks_to_ns(uint64_t tsc)
{
	return (uint64_t)(((unsigned __int128)(tsc - tsc_at_boot) * ns_mult) >> 32);
}

uint64_t hv_port_time_ns(void)
{
	return ticks_to_ns(x86_rdtsc());
}

void hv_port_time_scale(struct hv_port_time_scale *scale)
{
	/* One TSC reading for both fields: they describe the same instant. */
	uint64_t tsc = x86_rdtsc();

	scale->cycles = tsc;
	scale->ns = ticks_to_ns(tsc);
	scale->mul = scale_mul;
	scale->shift = scale_shift;
}

/* Program the hardware for armed_ns; interrupts are off. */
static void program(void)
{
	uint64_t now = hv_port_time_ns();
	uint64_t delta = armed_ns > now ? armed_ns - now : 0;

	if (deadline_mode) {
		uint64_t tsc = tsc_at_boot + ns_to_ticks(armed_ns, tsc_hz);

		/* 0 would disarm; a past value fires at once, as wanted. */
		x86_wrmsr(X86_MSR_TSC_DEADLINE, tsc ? tsc : 1);
	} else {
		uint64_t count = ns_to_ticks(delta, lapic_hz);

		if (count == 0) {
			count = 1;
		}
		if (count > 0xffffffff) {
			count = 0xffffffff; /* fires early; x86_timer_interrupt re-arms */
		}
		lapic_write(LAPIC_TIMER_ICR, (uint32_t)count);
	}
}

void hv_port_timer_arm(uint64_t deadline_ns)
{
	bool on = x86_irq_save();

	armed_ns = deadline_ns;
	armed = true;
	program();
	x86_irq_restore(on);
}

void hv_port_timer_cancel(void)
{
	bool on = x86_irq_save();

	armed = false;
	if (deadline_mode) {
		x86_wrmsr(X86_MSR_TSC_DEADLINE, 0);
	} else {
		lapic_write(LAPIC_TIMER_ICR, 0);
	}
	x86_irq_restore(on);
}

void x86_timer_interrupt(void)
{
	lapic_write(LAPIC_EOI, 0);
	/* A cancelled timer's interrupt may already have been pending. */
	if (!armed) {
		return;
	}
	if (hv_port_time_ns() < armed_ns) {
		program();
		return;
	}
	armed = false;
	hv_core_timer_interrupt();
}

void hv_port_irq_enable(void)
{
	__asm__ volatile("sti" : : : "memory");
}

void hv_port_irq_disable(void)
{
	__asm__ volatile("cli" : : : "memory");
}

void hv_port_cpu_wait(void)
{
	/* sti takes effect after the next instruction: no wake-up is lost. */
	__asm__ volatile("sti; hlt; cli" : : : "memory");
}

void x86_time_init(void)
{
	pic_mask_all();

	/* Enable the APIC (xAPIC mode), accept all priorities. */
	x86_wrmsr(X86_MSR_APIC_BASE, x86_rdmsr(X86_MSR_APIC_BASE) | APIC_BASE_ENABLE);
	lapic_write(LAPIC_SVR, SVR_ENABLE | X86_VEC_SPURIOUS);
	lapic_write(LAPIC_TPR, 0);
	/* The masked 8259s feed LINT0; LINT1 stays the NMI line. */
	lapic_write(LAPIC_LVT_LINT0, LVT_MASKED);
	lapic_write(LAPIC_LVT_ERROR, LVT_MASKED);

	deadline_mode = x86_cpu.tsc_deadline;
	/* Nothing fires until a deadline is armed, whatever firmware left. */
	lapic_write(LAPIC_LVT_TIMER, LVT_MASKED);
	if (!deadline_mode) {
		lapic_write(LAPIC_TIMER_DCR, 0xb); /* divide by 1 */
	}
	calibrate();
	tsc_at_boot = x86_rdtsc();

	if (deadline_mode) {
		lapic_write(LAPIC_LVT_TIMER, LVT_TSC_DEADLINE | X86_VEC_TIMER);
		/* Order the LVT write before any later TSC_DEADLINE write (SDM). */
		__asm__ volatile("mfence" : : : "memory");
		x86_wrmsr(X86_MSR_TSC_DEADLINE, 0);
	} else {
		lapic_write(LAPIC_TIMER_ICR, 0);
		lapic_write(LAPIC_LVT_TIMER, X86_VEC_TIMER); /* one-shot */
	}
}
