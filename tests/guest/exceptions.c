/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Exception bouncing: each exception a guest can raise reaches its
 * registered handler with the right vector, error code, fault address and
 * rip, through the entry registered for that vector, and the guest
 * resumes afterwards with its registers intact. Also: privileged
 * instructions and software interrupts fault instead of acting, a fault
 * on a broken stack is still delivered on the exception stack, handlers
 * nest, and a bad HV_HC_IRET frame goes to the failsafe callback.
 */
#include <hv/guest/guest.h>
#include <hv/guest/test.h>

#include "probes.h"

static void expect(const struct hvg_fault *f, uint64_t vector, uint64_t error, const char *rip,
                   const char *what)
{
	if (!f->happened) {
		hvg_test_fail("%s: no exception", what);
		return;
	}
	if (f->vector != vector || f->error_code != error || f->rip != tg_addr(rip) ||
	    f->entry != vector) {
		hvg_test_fail("%s: got %s (vector %llu via entry %llu) error %#llx at rip %#llx; "
		              "expected %s error %#llx at rip %#llx",
		              what, hvg_vector_name(f->vector), (unsigned long long)f->vector,
		              (unsigned long long)f->entry, (unsigned long long)f->error_code,
		              (unsigned long long)f->rip, hvg_vector_name(vector),
		              (unsigned long long)error, (unsigned long long)tg_addr(rip));
	}
}

HVG_TEST(page_fault)
{
	struct hvg_fault f;
	uint64_t before = hvg_trap_count(HVG_VEC_PF);

	HVG_CATCH_FAULT(HVG_VEC_PF, &f, tg_read8(0x123));
	expect(&f, HVG_VEC_PF, HVG_PF_USER, tg_read8_insn, "read of 0x123");
	HVG_CHECK_EQ(f.fault_addr, 0x123);
	HVG_CATCH_FAULT(HVG_VEC_PF, &f, tg_write8(tg_addr(hvg_rodata_start) + 5, 0));
	expect(&f, HVG_VEC_PF, HVG_PF_USER | HVG_PF_WRITE | HVG_PF_PRESENT, tg_write8_insn,
	       "write to rodata");
	HVG_CHECK_EQ(f.fault_addr, tg_addr(hvg_rodata_start) + 5);
	HVG_CHECK_EQ(hvg_trap_count(HVG_VEC_PF), before + 2);
}

HVG_TEST(general_protection)
{
	struct hvg_fault f;

	HVG_CATCH_FAULT(HVG_VEC_ANY, &f, tg_cli());
	expect(&f, HVG_VEC_GP, 0, tg_cli_insn, "cli");
	HVG_CATCH_FAULT(HVG_VEC_ANY, &f, tg_hlt());
	expect(&f, HVG_VEC_GP, 0, tg_hlt_insn, "hlt");
	HVG_CATCH_FAULT(HVG_VEC_ANY, &f, tg_mov_cr3());
	expect(&f, HVG_VEC_GP, 0, tg_mov_cr3_insn, "mov from cr3");
	/* Port I/O: this port would end the whole machine under QEMU. */
	HVG_CATCH_FAULT(HVG_VEC_ANY, &f, tg_out_debug_exit());
	expect(&f, HVG_VEC_GP, 0, tg_out_insn, "out to isa-debug-exit");
}

/*
 * A ring-3 int n through a DPL-0 gate is #GP with the gate in the error
 * code: (n << 3) | 2 on hardware, (n << 4) | 2 under QEMU's TCG, which puts
 * the gate's byte offset in a 64-bit IDT there. Either names the gate.
 */
static void expect_int_refused(unsigned int n, const struct hvg_fault *f, const char *rip)
{
	if (f->happened && f->vector == HVG_VEC_GP && f->error_code == ((n << 4) | 2)) {
		return;
	}
	expect(f, HVG_VEC_GP, (n << 3) | 2, rip, n == 0x80 ? "int $0x80" : "int $0x20");
}

HVG_TEST(software_interrupts_refused)
{
	struct hvg_fault f;

	HVG_CATCH_FAULT(HVG_VEC_ANY, &f, tg_int80());
	expect_int_refused(0x80, &f, tg_int80_insn);
	HVG_CATCH_FAULT(HVG_VEC_ANY, &f, tg_int20());
	expect_int_refused(0x20, &f, tg_int20_insn);
}

HVG_TEST(invalid_opcode)
{
	struct hvg_fault f;

	HVG_CATCH_FAULT(HVG_VEC_UD, &f, tg_ud2());
	expect(&f, HVG_VEC_UD, 0, tg_ud2_insn, "ud2");
}

HVG_TEST(divide_error)
{
	struct hvg_fault f;
	volatile unsigned int r = 0;

	HVG_CATCH_FAULT(HVG_VEC_DE, &f, r = tg_div0(7));
	expect(&f, HVG_VEC_DE, 0, tg_div0_insn, "divide by zero");
	HVG_CHECK_EQ(r, 0);
}

HVG_TEST(breakpoint)
{
	struct hvg_fault f;

	/* int3 is a trap: the frame's rip is the next instruction. */
	HVG_CATCH_FAULT(HVG_VEC_ANY, &f, tg_int3());
	expect(&f, HVG_VEC_BP, 0, tg_int3_after, "int3");
}

static bool resume_after_int3(struct hvg_trap_ctx *ctx)
{
	/* Nothing to do: a trap's rip is already past the int3. */
	return ctx->frame.vector == HVG_VEC_BP;
}

HVG_TEST(registers_kept_by_exception_return)
{
	uint64_t changed;

	if (hvg_on_trap(HVG_VEC_BP, resume_after_int3) != 0) {
		hvg_test_error("hvg_on_trap");
	}
	changed = tg_regs_across(UINT64_MAX);
	hvg_on_trap(HVG_VEC_BP, NULL);
	if (changed != 0) {
		hvg_test_fail(
		        "int3 and HV_HC_IRET changed registers (mask %#llx: bit 0 rbx, 1 rbp, "
		        "2 rdx, 3 rsi, 4 rdi, 5-7 r8-r10, 8-11 r12-r15, 12 rsp, 13 rax, 14 "
		        "rcx, 15 r11)",
		        (unsigned long long)changed);
	}
}

static uint64_t nested_depth;
static struct hvg_fault nested_fault;

static bool nest_ud_inside(struct hvg_trap_ctx *ctx)
{
	/* A #UD inside the #BP handler: its frame goes below this one. */
	nested_depth++;
	HVG_CATCH_FAULT(HVG_VEC_UD, &nested_fault, tg_ud2());
	return ctx->frame.vector == HVG_VEC_BP;
}

HVG_TEST(nested_handlers)
{
	nested_depth = 0;
	nested_fault.happened = false;
	hvg_on_trap(HVG_VEC_BP, nest_ud_inside);
	tg_int3();
	tg_int3();
	hvg_on_trap(HVG_VEC_BP, NULL);
	HVG_CHECK_EQ(nested_depth, 2);
	expect(&nested_fault, HVG_VEC_UD, 0, tg_ud2_insn, "#UD inside a handler");
	/* The nested frame lies on the exception stack, below the outer one. */
	HVG_CHECK(nested_fault.rsp != 0);
}

HVG_TEST(fpu_and_sse_usable)
{
	struct hvg_fault f;
	volatile double x = 2.0;
	volatile double y = 0;
	uint64_t bits = 0;

	/* SSE2 arithmetic (the compiler's own choice for double) and x87. */
	HVG_CATCH_FAULT(HVG_VEC_ANY, &f, y = x * 1.5 + 1.0);
	HVG_CHECK(!f.happened);
	HVG_CHECK(y == 4.0);
	HVG_CATCH_FAULT(HVG_VEC_ANY, &f,
	                __asm__ volatile("fninit; fld1; fld1; faddp; fistpll %0"
	                                 : "=m"(bits)));
	HVG_CHECK(!f.happened);
	HVG_CHECK_EQ(bits, 2);
}

HVG_TEST(descriptor_tables_hidden)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) idtr = {0, 0};
	struct hvg_fault f;

	/* With UMIP, sidt faults; without, it shows where the IDT is (not a
	 * hole, but worth knowing). */
	HVG_CATCH_FAULT(HVG_VEC_ANY, &f, __asm__ volatile("sidt %0" : "=m"(idtr)));
	if (f.happened) {
		HVG_CHECK_EQ(f.vector, HVG_VEC_GP);
	} else {
		hvg_test_note("sidt works in ring 3 (no UMIP): base %#llx",
		              (unsigned long long)idtr.base);
	}
}

HVG_TEST(fault_with_broken_stack)
{
	struct hvg_fault f;

	/* With rsp = 0 the frame can only go on the registered exception stack. */
	HVG_CATCH_FAULT(HVG_VEC_ANY, &f, tg_rsp_zero_ud2());
	expect(&f, HVG_VEC_UD, 0, tg_rsp_zero_ud2_insn, "ud2 with rsp = 0");
	HVG_CHECK_EQ(f.rsp, 0);
	HVG_CATCH_FAULT(HVG_VEC_ANY, &f, tg_rsp_set_ud2(TG_HV_IMAGE));
	HVG_CHECK(f.happened && f.vector == HVG_VEC_UD);
	HVG_CHECK_EQ(f.rsp, TG_HV_IMAGE);
	HVG_CATCH_FAULT(HVG_VEC_ANY, &f, tg_rsp_set_ud2(TG_NONCANONICAL));
	HVG_CHECK(f.happened && f.vector == HVG_VEC_UD);
}

static uint64_t bad_value;
static bool bad_rip;

/* Returns from #UD through a frame the hypervisor must refuse. */
static bool return_badly(struct hvg_trap_ctx *ctx)
{
	if (bad_rip) {
		ctx->frame.rip = bad_value;
	} else {
		ctx->frame.rsp = bad_value;
	}
	return true;
}

static void check_failsafe(bool rip, uint64_t value)
{
	struct hvg_fault f;

	bad_rip = rip;
	bad_value = value;
	hvg_on_trap(HVG_VEC_UD, return_badly);
	HVG_CATCH_FAULT(HV_TRAP_FAILSAFE, &f, tg_ud2());
	hvg_on_trap(HVG_VEC_UD, NULL);
	if (!f.happened || f.vector != HV_TRAP_FAILSAFE || f.entry != HV_TRAP_FAILSAFE) {
		hvg_test_fail("iret with %s %#llx: happened %d, vector %llu via entry %llu",
		              rip ? "rip" : "rsp", (unsigned long long)value, f.happened,
		              (unsigned long long)f.vector, (unsigned long long)f.entry);
	}
}

HVG_TEST(bad_iret_frame_goes_to_failsafe)
{
	struct hvg_fault f;

	check_failsafe(true, TG_NONCANONICAL);
	check_failsafe(true, TG_HV_IMAGE);
	check_failsafe(false, TG_NONCANONICAL_2);
	check_failsafe(false, TG_HV_HALF_START);
	HVG_CHECK_EQ(hvg_trap_count(HV_TRAP_FAILSAFE), 4);
	/* Handling still works afterwards. */
	HVG_CATCH_FAULT(HVG_VEC_UD, &f, tg_ud2());
	expect(&f, HVG_VEC_UD, 0, tg_ud2_insn, "ud2 after the failsafe");
}

HVG_TEST_MAIN()
