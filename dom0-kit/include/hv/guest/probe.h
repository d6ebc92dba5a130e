/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file
 * @defgroup hvg_probe Guest memory probes
 * @brief Accesses that are meant to fault, written in assembly.
 *
 * Reading or writing through a pointer the program knows to be bad is
 * undefined behaviour in C: the compiler may drop the access or replace it
 * with `ud2`. Tests that expect a fault (HVG_CATCH_FAULT()) use these
 * probes instead: each is exactly one memory access (or one call) the
 * compiler cannot see through.
 * @{
 */
#ifndef HV_GUEST_PROBE_H
#define HV_GUEST_PROBE_H

#include <stdint.h>

/**
 * @brief Read one byte.
 * @param addr Guest virtual address.
 * @return The byte.
 */
static inline uint8_t hvg_probe_read8(uint64_t addr)
{
	uint8_t v;

	__asm__ volatile("movb (%1), %0" : "=q"(v) : "r"(addr) : "memory");
	return v;
}

/**
 * @brief Read eight bytes.
 * @param addr Guest virtual address.
 * @return The value.
 */
static inline uint64_t hvg_probe_read64(uint64_t addr)
{
	uint64_t v;

	__asm__ volatile("movq (%1), %0" : "=r"(v) : "r"(addr) : "memory");
	return v;
}

/**
 * @brief Write one byte.
 * @param addr Guest virtual address.
 * @param v The byte.
 */
static inline void hvg_probe_write8(uint64_t addr, uint8_t v)
{
	__asm__ volatile("movb %1, (%0)" : : "r"(addr), "q"(v) : "memory");
}

/**
 * @brief Call the code at an address.
 *
 * Meant for addresses that must not be executable: if the call succeeds,
 * the code there must be a `ret` (0xc3).
 * @param addr Guest virtual address.
 */
static inline void hvg_probe_call(uint64_t addr)
{
	/* The callee is a lone ret, or faults at its first byte: nothing but rax is touched. */
	__asm__ volatile("call *%0" : : "r"(addr) : "memory", "rax", "cc");
}

#endif /* HV_GUEST_PROBE_H */
/** @} */
