/* SPDX-License-Identifier: Apache-2.0 */
/*
 * C start-up of the x86-64 port.
 *
 * boot.S enters x86_main() in 64-bit mode on the higher-half boot stack,
 * interrupts off, still on the boot page tables. The order below matters:
 *  1. the UART, so that every later failure can be reported;
 *  2. GDT, TSS and IDT, so that a fault prints a register dump instead of
 *     triple-faulting;
 *  3. the boot information, copied while the loader's memory is still
 *     reachable through the boot direct map;
 *  4. the final page tables (which drop the identity map and need the
 *     memory map);
 *  5. the guest entry machinery: per-CPU area and GS base, the syscall
 *     MSRs (it records the final CR3, so after step 4);
 *  6. the PICs, the TSC calibration and the APIC timer (which need the
 *     APIC mapping of step 4).
 * Then the integrator's hv_firmware_main() runs with interrupts off, and
 * its verdict ends the run.
 */
#include <hv/log.h>

#include "x86.h"

static struct hv_port_info info;

const struct hv_port_info *hv_port_info(void)
{
	return &info;
}

_Noreturn void x86_main(uint32_t magic, uint32_t info_pa)
{
	const struct hv_boot_info *boot;
	int verdict;

	x86_uart_init();
	x86_cpu_init();
	boot = x86_bootinfo_parse(magic, info_pa);
	x86_paging_init(boot);
	x86_vcpu_setup();
	x86_time_init();

	info = (struct hv_port_info){
	        .name = "x86-64",
	        .api_version = HV_PORT_API_VERSION,
	        .features = x86_port_features(),
	        .cpu = x86_cpu.brand,
	        .clock_hz = x86_tsc_hz(),
	        .timer = x86_timer_name(),
	};

	verdict = hv_firmware_main(boot);
	hv_port_irq_disable();
	hv_port_power_off(verdict == HV_VERDICT_PASS ? HV_VERDICT_PASS : HV_VERDICT_FAIL);
}
