/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Exception handling: registration with the hypervisor, dispatch from the
 * entry stubs (entry.S), handlers, and catch points.
 *
 * Catch points form a stack threaded through the callers' stack frames
 * (catch_top is the innermost). A fault is taken by the innermost catch
 * point armed for its vector, else by a handler, else by the innermost
 * catch point armed for any vector. Taking a fault rewrites the handler's
 * context so that HV_HC_IRET returns into hvg_catch_save() with 1: the
 * return to the interrupted code goes through the hypervisor like any
 * other, so the hypervisor's view of handler nesting and of the event
 * mask stays right. Catch points inside the one that takes the fault are
 * abandoned with it.
 *
 * One vCPU: nothing here needs a lock, but state read by a handler is
 * only ever changed in single stores.
 */
#include "asm.h"
#include "runtime.h"

_Static_assert(HVG_ASM_HC_IRET == HV_HC_IRET, "asm.h: HV_HC_IRET");
_Static_assert(HVG_ASM_TRAP_EVENT == HV_TRAP_EVENT, "asm.h: HV_TRAP_EVENT");
_Static_assert(HVG_ASM_TRAP_FAILSAFE == HV_TRAP_FAILSAFE, "asm.h: HV_TRAP_FAILSAFE");
_Static_assert(HVG_ASM_CTX_REGS == __builtin_offsetof(struct hvg_trap_ctx, frame),
               "asm.h: struct hvg_trap_ctx");
_Static_assert(HVG_ASM_JMP_RIP == 7 * sizeof(uint64_t), "asm.h: struct hvg_catch");

/* Handlers and counts: one slot per vector, and the last for the failsafe. */
#define SLOT_FAILSAFE HV_TRAP_VECTORS
#define SLOTS         (HV_TRAP_VECTORS + 1)

/* Deep enough for a handler that prints, with nested frames of 88 bytes
 * plus the stubs' 600-odd bytes each up to HV_TRAP_MAX_NESTING. */
#define EXC_STACK_SIZE 16384

static _Alignas(16) unsigned char exc_stack[EXC_STACK_SIZE];
static bool (*handlers[SLOTS])(struct hvg_trap_ctx *ctx);
static uint64_t counts[SLOTS];
static struct hvg_catch *catch_top;

static const char *const names[HV_TRAP_VECTORS] = {
        "#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "#09", "#TS",
        "#NP", "#SS", "#GP", "#PF", "#15", "#MF", "#AC", "#MC", "#XM", "#VE", "#CP",
        "#22", "#23", "#24", "#25", "#26", "#27", "#HV", "#VC", "#SX", "#31",
};

const char *hvg_vector_name(uint64_t vector)
{
	if (vector < HV_TRAP_VECTORS) {
		return names[vector];
	}
	if (vector == HV_TRAP_EVENT) {
		return "event";
	}
	if (vector == HV_TRAP_FAILSAFE) {
		return "failsafe";
	}
	return "?";
}

static int slot_of(uint64_t vector)
{
	if (vector < HV_TRAP_VECTORS) {
		return (int)vector;
	}
	return vector == HV_TRAP_FAILSAFE ? SLOT_FAILSAFE : -1;
}

int hvg_trap_init(void)
{
	struct hv_trap_info table[HV_TRAP_VECTORS];
	int rc;

	rc = hvg_stack_switch((uint64_t)(uintptr_t)(exc_stack + sizeof(exc_stack)));
	if (rc != 0) {
		return rc;
	}
	for (unsigned int v = 0; v < HV_TRAP_VECTORS; v++) {
		/* Events stay masked in exception handlers: a handler that
		 * prints or resumes at a catch point is never interrupted by an
		 * upcall, and HV_HC_IRET restores the interrupted mask. */
		table[v] = (struct hv_trap_info){
		        .address = hvg_entry_table[v],
		        .vector = (uint8_t)v,
		        .flags = HV_TRAP_F_MASK_EVENTS,
		};
	}
	rc = hvg_set_trap_table(table, HV_TRAP_VECTORS);
	if (rc != 0) {
		return rc;
	}
	rc = hvg_set_callbacks(hvg_entry_event, hvg_entry_failsafe);
	if (rc != 0) {
		return rc;
	}
	hvg_events_enable();
	return 0;
}

int hvg_on_trap(uint64_t vector, bool (*fn)(struct hvg_trap_ctx *ctx))
{
	int slot = slot_of(vector);

	if (slot < 0) {
		return -HV_EINVAL;
	}
	handlers[slot] = fn;
	return 0;
}

uint64_t hvg_trap_count(uint64_t vector)
{
	int slot = slot_of(vector);

	return slot < 0 ? 0 : counts[slot];
}

void hvg_catch_push(struct hvg_catch *c, uint64_t vector)
{
	c->prev = catch_top;
	c->vector = vector;
	c->fault = (struct hvg_fault){.happened = false};
	catch_top = c;
}

void hvg_catch_pop(struct hvg_catch *c)
{
	catch_top = c->prev;
}

_Noreturn void hvg_catch_jump(struct hvg_catch *c)
{
	/* Catch points armed inside c are abandoned: c is innermost again. */
	catch_top = c;
	hvg_catch_restore(c);
}

void hvg_trap_resume_at(struct hvg_trap_ctx *ctx, struct hvg_catch *c)
{
	catch_top = c;
	ctx->rbx = c->jmp[0];
	ctx->rbp = c->jmp[1];
	ctx->r12 = c->jmp[2];
	ctx->r13 = c->jmp[3];
	ctx->r14 = c->jmp[4];
	ctx->r15 = c->jmp[5];
	ctx->frame.rsp = c->jmp[6];
	ctx->frame.rip = c->jmp[7];
	ctx->frame.rax = 1; /* hvg_catch_save() returns 1 */
	/* The C ABI wants the direction flag clear at a function's return. */
	ctx->frame.rflags &= ~(uint64_t)0x400;
}

static struct hvg_catch *find_catch(uint64_t vector)
{
	for (struct hvg_catch *c = catch_top; c != NULL; c = c->prev) {
		if (c->vector == vector) {
			return c;
		}
	}
	return NULL;
}

static void take(struct hvg_trap_ctx *ctx, struct hvg_catch *c, uint32_t entry)
{
	c->fault = (struct hvg_fault){
	        .happened = true,
	        .vector = ctx->frame.vector,
	        .error_code = ctx->frame.error_code,
	        .fault_addr = ctx->frame.fault_addr,
	        .rip = ctx->frame.rip,
	        .rsp = ctx->frame.rsp,
	        .entry = entry,
	};
	hvg_trap_resume_at(ctx, c);
}

static _Noreturn void unexpected(const struct hvg_trap_ctx *ctx, uint32_t entry)
{
	const struct hv_trap_frame *f = &ctx->frame;

	hvg_printf("runtime: unexpected %s (vector %llu, entry %u) at rip %#llx: error %#llx, "
	           "address %#llx, rsp %#llx\n",
	           hvg_vector_name(f->vector), (unsigned long long)f->vector, entry,
	           (unsigned long long)f->rip, (unsigned long long)f->error_code,
	           (unsigned long long)f->fault_addr, (unsigned long long)f->rsp);
	hvg_exit(HV_SHUTDOWN_CRASH);
}

void hvg_trap_dispatch(struct hvg_trap_ctx *ctx, uint32_t entry)
{
	struct hvg_catch *c;
	int slot;

	if (entry == HV_TRAP_EVENT && ctx->frame.vector == HV_TRAP_EVENT) {
		hvg_event_upcall(ctx);
		return;
	}
	slot = slot_of(entry);
	if (slot >= 0) {
		counts[slot]++;
	}
	if (ctx->frame.vector != entry) {
		/* A hypervisor bug: say so, and let the catch point see both numbers. */
		hvg_printf("runtime: frame for vector %llu arrived through the entry of %u\n",
		           (unsigned long long)ctx->frame.vector, entry);
	}
	c = find_catch(ctx->frame.vector);
	if (c != NULL) {
		take(ctx, c, entry);
		return;
	}
	slot = slot_of(ctx->frame.vector);
	if (slot >= 0 && handlers[slot] != NULL && handlers[slot](ctx)) {
		return;
	}
	c = find_catch(HVG_VEC_ANY);
	if (c != NULL) {
		take(ctx, c, entry);
		return;
	}
	unexpected(ctx, entry);
}
