/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file
 * @defgroup hvg_console Guest console output
 * @brief Formatted output through #HV_HC_CONSOLE_WRITE.
 *
 * The formatter is libhv's own (`hv_vsnprintf()`, compiled into the guest
 * runtime), so guests and the hypervisor understand the same conversions:
 * `%d %i %u %x %X %o %c %s %p %%` with the length modifiers `hh h l ll z j
 * t`, flags, width and precision; no floating point. The hypervisor prefixes
 * each line with the domain's name, so a guest writes whole lines.
 * @{
 */
#ifndef HV_GUEST_CONSOLE_H
#define HV_GUEST_CONSOLE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/** Longest output of one hvg_printf() call; longer output is cut and ends in "...". */
#define HVG_PRINTF_MAX 512

/**
 * @brief Write all of a buffer to the console.
 *
 * Loops over #HV_HC_CONSOLE_WRITE, which writes at most 4096 bytes a call.
 * @param buf Bytes to write.
 * @param len Number of bytes.
 * @return @p len, or the negative `HV_E*` code of the first failing call.
 */
int64_t hvg_console_write_all(const void *buf, size_t len);

/**
 * @brief Write a NUL-terminated string to the console.
 * @param s The string (no newline is added).
 * @return Its length, or a negative `HV_E*` code.
 */
int64_t hvg_puts(const char *s);

/**
 * @brief Print formatted output to the console.
 *
 * Formats into a buffer of #HVG_PRINTF_MAX bytes on the stack and writes it
 * with one hypercall, so that a line printed by one call is never split by
 * another domain's output. Safe to call from exception and event handlers.
 * @param fmt Format string (see the group description).
 * @return Number of bytes written, or a negative `HV_E*` code.
 */
int hvg_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/**
 * @brief Print formatted output to the console.
 * @param fmt Format string.
 * @param ap Arguments.
 * @return Number of bytes written, or a negative `HV_E*` code.
 */
int hvg_vprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

/**
 * @brief Format into a buffer (libhv's formatter).
 * @param buf Destination; always NUL-terminated when @p size > 0.
 * @param size Size of @p buf.
 * @param fmt Format string.
 * @return The length the full output would have had.
 */
int hvg_snprintf(char *buf, size_t size, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

#endif /* HV_GUEST_CONSOLE_H */
/** @} */
