/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Ending the run.
 *
 * Under QEMU the verdict leaves through the isa-debug-exit device at I/O
 * port 0xf4: writing v makes QEMU exit with status (v << 1) | 1, so PASS
 * (0) exits 1 and FAIL (1) exits 3. A triple fault exits 0, which is why
 * nothing here ever lets the CPU reset. On hardware (no such device) the
 * port tries QEMU's and Bochs' ACPI PM1a shutdown ports, then halts with
 * interrupts off. It deliberately never resets through the keyboard
 * controller: a reset would look like a reboot, not an end.
 */
#include "x86.h"

_Noreturn void hv_port_power_off(enum hv_verdict verdict)
{
	__asm__ volatile("cli");
	x86_outb(0xf4, verdict == HV_VERDICT_PASS ? 0 : 1);
	/* PM1a_CNT with SLP_EN and SLP_TYP 0 (S5 on QEMU's q35 and piix). */
	x86_outw(0x604, 0x2000);
	x86_outw(0xb004, 0x2000);
	for (;;) {
		__asm__ volatile("cli; hlt");
	}
}
