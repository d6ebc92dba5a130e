/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A fake board port for host unit tests of the portable core. It captures
 * the console, gives a clock that moves a fixed step per reading, fires the
 * one-shot timer when the clock passes the deadline with interrupts on, and
 * turns power-off into a longjmp back into the test.
 */
#ifndef HV_TESTS_FAKE_PORT_H
#define HV_TESTS_FAKE_PORT_H

#include <setjmp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <hv/boot.h>

/* Size of the fake physical memory, mapped at physical address 0. */
#define FAKE_RAM_SIZE (64u << 20)

/* Resets the console, the clock and the timer; clears fake RAM. */
void fake_port_reset(void);
/* Everything written to the console since the last reset, NUL-terminated. */
const char *fake_console_text(void);
/* True if the console output contains 'needle'. */
bool fake_console_contains(const char *needle);
/* Pointer to fake RAM at physical address 'pa'. */
void *fake_ram(uint64_t pa);
/* Nanoseconds the clock advances at each reading (default 1000). */
void fake_clock_set_step(uint64_t ns);
/* When false, the timer never fires (a broken board). */
void fake_timer_set_working(bool working);
/* Number of times the timer interrupt was delivered. */
unsigned int fake_timer_fired(void);

/*
 * Power-off lands here: set with setjmp(fake_power_off_jmp) before calling
 * code that may panic; fake_power_off_verdict holds the verdict.
 */
extern jmp_buf fake_power_off_jmp;
extern int fake_power_off_verdict;

/*
 * A boot description over fake RAM: one usable region of FAKE_RAM_SIZE at 0,
 * the low 1 MiB reserved, and the modules added with fake_boot_add_module().
 */
void fake_boot_init(struct hv_boot_info *boot);
/* Copies 'data' into fake RAM at 'pa' and adds it as a module. */
void fake_boot_add_module(struct hv_boot_info *boot, uint64_t pa, const void *data, size_t size,
                          const char *cmdline);

#endif /* HV_TESTS_FAKE_PORT_H */
