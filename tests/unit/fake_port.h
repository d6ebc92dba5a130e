/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A fake board port for host unit tests of the portable core. It captures
 * the console, gives a clock that moves a fixed step per reading, fires the
 * one-shot timer when the clock passes the deadline with interrupts on, and
 * turns power-off into a longjmp back into the test. Console input is what
 * the test queued with fake_console_input(), a byte per read.
 *
 * Guest address spaces are a table of mappings (and of the intermediate
 * tables a 4-level radix tree would need, asked for through the core's
 * pt_alloc callback), translating guest addresses into fake RAM; copies
 * from and to the guest fail with -HV_EFAULT on unmapped pages and, for
 * writes, on read-only ones. hv_port_as_unmap() removes a mapping and
 * keeps the tables, as a real port does, and counts the unmaps of the
 * loaded address space (where a real port invalidates the TLB);
 * hv_port_as_query() reports a mapping as it was made (the fake has NX).
 * Naming a root that hv_port_as_init() never saw aborts.
 *
 * vCPUs do not run code: hv_port_vcpu_run() plays a script of exits per
 * domain (hypercalls with arguments, exceptions, interrupts, a spin until
 * the timer fires, or a call back into the test), and a domain without a
 * script, or at its end, powers off.
 * A "fast" hypercall step is first offered to hv_core_hypercall_fast(), as
 * the x86 port does, and exits only if the core refuses it.
 * Every hv_port_vcpu_set_reg() call is logged. Like a real port, the fake
 * remembers the loaded address space and the last vCPU run until the core
 * destroys them, and aborts when the core re-initialises a root still
 * loaded or leaves it a last vCPU that was zeroed without being destroyed.
 */
#ifndef HV_TESTS_FAKE_PORT_H
#define HV_TESTS_FAKE_PORT_H

#include <setjmp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <hv/abi/hypercall.h>
#include <hv/boot.h>
#include <hv/port.h>

/* Size of the fake physical memory, mapped at physical address 0. */
#define FAKE_RAM_SIZE (64u << 20)

/* Resets the console, the clock and the timer; clears fake RAM. */
void fake_port_reset(void);
/* Everything written to the console since the last reset, NUL-terminated. */
const char *fake_console_text(void);
/* True if the console output contains 'needle'. */
bool fake_console_contains(const char *needle);
/* Queues bytes for hv_port_console_read() (emptied by fake_port_reset()). */
void fake_console_input(const char *buf, size_t len);
/* Bytes queued that hv_port_console_read() has not returned yet. */
size_t fake_console_input_left(void);
/* Pointer to fake RAM at physical address 'pa'. */
void *fake_ram(uint64_t pa);
/* Nanoseconds the clock advances at each reading (default 1000). */
void fake_clock_set_step(uint64_t ns);
/* Moves the clock on by 'ns' without reading it (no timer fires). */
void fake_clock_advance(uint64_t ns);
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

/* --- Guest address spaces --- */

/* The fake's hv_port_guest_va_limit(). */
#define FAKE_GUEST_VA_LIMIT UINT64_C(0x0000800000000000)

/* The mapping of 'va' in address space 'root'; false if unmapped. */
bool fake_as_lookup(uint64_t root, uint64_t va, uint64_t *pa, uint32_t *flags);
/* Number of pages mapped in 'root'. */
size_t fake_as_mapping_count(uint64_t root);
/* Calls fn for every mapping of 'root', in no particular order. */
void fake_as_for_each(uint64_t root,
                      void (*fn)(uint64_t va, uint64_t pa, uint32_t flags, void *arg), void *arg);
/* Intermediate tables the fake asked the core for in 'root' (the root excluded). */
size_t fake_as_table_count(uint64_t root);
/* True if 'pa' is 'root' or one of its intermediate tables. */
bool fake_as_is_table(uint64_t root, uint64_t pa);
/* Makes 'root' the loaded address space (what hv_port_vcpu_run() does). */
void fake_as_load(uint64_t root);
/* Reads or writes guest memory of 'root' ignoring permissions; -1 if unmapped. */
int fake_guest_read(uint64_t root, uint64_t va, void *buf, size_t len);
int fake_guest_write(uint64_t root, uint64_t va, const void *buf, size_t len);
/* Copies asked of the port that reached at or above the guest limit (a core bug). */
unsigned int fake_copy_outside_limit(void);
/* Number of copies the port was asked for. */
unsigned int fake_copy_count(void);
/* When set, hv_port_as_map() fails with this error from the n-th call on (0: never). */
void fake_as_fail_map_after(unsigned int n, int error);
/*
 * hv_port_as_unmap() calls that removed a mapping, and those of them that
 * removed it from the loaded address space (a real port flushes the TLB
 * entry for those).
 */
unsigned int fake_as_unmap_count(void);
unsigned int fake_as_unmap_loaded_count(void);
/* Number of pages of every address space that map the frame holding 'pa'. */
size_t fake_as_frame_map_count(uint64_t pa);
/* The loaded address space (0: none), and hv_port_as_destroy() calls so far. */
uint64_t fake_as_loaded(void);
unsigned int fake_as_destroy_count(void);
/*
 * Calls fn at every hv_port_vcpu_destroy() (with root 0) and every
 * hv_port_as_destroy() (with v NULL), before the fake forgets anything.
 */
void fake_port_on_destroy(void (*fn)(const struct hv_port_vcpu *v, uint64_t root, void *arg),
                          void *arg);

/* --- vCPUs --- */

enum fake_step_kind {
	FAKE_STEP_HYPERCALL = 1, /* exit with a hypercall: nr, args */
	FAKE_STEP_EXCEPTION,     /* exit with an exception: vector, error code, address */
	FAKE_STEP_INTERRUPT,     /* exit with an unrelated interrupt */
	FAKE_STEP_SPIN,          /* compute until the timer fires, then exit with it */
	FAKE_STEP_CALL,          /* call fn(vcpu, arg) and go on with the next step */
	FAKE_STEP_FAST_HC,       /* offer a hypercall to hv_core_hypercall_fast(); exit if refused,
	                          * or after it if the timer is due by then */
};

struct fake_step {
	enum fake_step_kind kind;
	uint64_t nr;         /* hypercall number, or exception vector */
	uint64_t args[6];    /* hypercall arguments; args[0] error code, args[1] address */
	unsigned int repeat; /* times to play the step (0 counts as 1) */
	void (*fn)(struct hv_port_vcpu *v, void *arg);
	void *arg;
};

#define FAKE_HC(n, ...)                                                                            \
	{                                                                                          \
		.kind = FAKE_STEP_HYPERCALL, .nr = (n), .args = { __VA_ARGS__ }                    \
	}
#define FAKE_FAST_HC(n, ...)                                                                       \
	{                                                                                          \
		.kind = FAKE_STEP_FAST_HC, .nr = (n), .args = { __VA_ARGS__ }                      \
	}
#define FAKE_EXC(vec, err, addr)                                                                   \
	{                                                                                          \
		.kind = FAKE_STEP_EXCEPTION, .nr = (vec), .args = {(err), (addr) }                 \
	}
#define FAKE_INTR()                                                                                \
	{                                                                                          \
		.kind = FAKE_STEP_INTERRUPT                                                        \
	}
#define FAKE_SPIN(n)                                                                               \
	{                                                                                          \
		.kind = FAKE_STEP_SPIN, .repeat = (n)                                              \
	}
#define FAKE_CALL(f, a)                                                                            \
	{                                                                                          \
		.kind = FAKE_STEP_CALL, .fn = (f), .arg = (a)                                      \
	}
#define FAKE_POWEROFF FAKE_HC(HV_HC_SHUTDOWN, HV_SHUTDOWN_POWEROFF)

/* Gives domain 'domain' a script (copied); it carries on across restarts. */
void fake_script_set(const char *domain, const struct fake_step *steps, size_t count);
/* Steps of the script not played yet (repeats included). */
size_t fake_script_left(const char *domain);
/* Clock nanoseconds each played step takes (default 1000). */
void fake_vcpu_set_step_cost(uint64_t ns);
/* A vCPU's registers, as the fake holds them; put sets one without logging. */
uint64_t fake_vcpu_get(const struct hv_port_vcpu *v, enum hv_port_reg reg);
void fake_vcpu_put(struct hv_port_vcpu *v, enum hv_port_reg reg, uint64_t value);
/* Its address space, and the name of its domain (from its start info). */
uint64_t fake_vcpu_root(const struct hv_port_vcpu *v);
const char *fake_vcpu_domain(const struct hv_port_vcpu *v);
/* Makes v's address space the loaded one, as if v had just exited. */
void fake_vcpu_make_current(struct hv_port_vcpu *v);

/* The log of hv_port_vcpu_set_reg() calls since the last reset or clear. */
struct fake_set_reg {
	const struct hv_port_vcpu *v;
	enum hv_port_reg reg;
	uint64_t value;
};
size_t fake_set_reg_count(void);
const struct fake_set_reg *fake_set_reg_at(size_t i);
/* The last value v's 'reg' was set to; false if it was not set. */
bool fake_set_reg_last(const struct hv_port_vcpu *v, enum hv_port_reg reg, uint64_t *value);
void fake_set_reg_clear(void);

/* hv_port_vcpu_destroy() calls so far. */
unsigned int fake_vcpu_destroy_count(void);
/* FAKE_FAST_HC steps the core handled on its fast path, and those it refused. */
unsigned int fake_fast_handled(void);
unsigned int fake_fast_refused(void);

/* The domains hv_port_vcpu_run() ran, in order: "a b a c ...", cut at 4 KiB. */
const char *fake_run_log(void);
/* Number of hv_port_vcpu_run() calls. */
unsigned int fake_run_count(void);

#endif /* HV_TESTS_FAKE_PORT_H */
