/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file
 * @defgroup hv_log Console output and logging
 * @brief Formatted output to the hypervisor console, with log levels.
 *
 * The formatter understands the conversions libhv needs and nothing that
 * would pull in floating point: `%d %i %u %x %X %o %c %s %p %%`, the
 * length modifiers `hh h l ll z j t`, the flags `- 0 + space #`, a field
 * width and a precision (both may be `*`).
 * @{
 */
#ifndef HV_LOG_H
#define HV_LOG_H

#include <stdarg.h>
#include <hv/types.h>

/** Log levels, most severe first. */
enum hv_log_level {
	HV_LOG_ERROR = 0,   /**< A hypervisor bug or a bad configuration. */
	HV_LOG_WARNING = 1, /**< Something is wrong but the run goes on. */
	HV_LOG_NOTICE = 2,  /**< A guest misbehaved, or a noteworthy event. */
	HV_LOG_INFO = 3,    /**< Normal progress (the default threshold). */
	HV_LOG_DEBUG = 4,   /**< Details for developers. */
};

/**
 * @brief Format into a buffer.
 * @param buf Destination; always NUL-terminated when @p size > 0.
 * @param size Size of @p buf in bytes.
 * @param fmt Format string.
 * @param ap Arguments.
 * @return The length the full output would have had (as C's vsnprintf).
 */
int hv_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
        __attribute__((format(printf, 3, 0)));

/**
 * @brief Format into a buffer.
 * @param buf Destination; always NUL-terminated when @p size > 0.
 * @param size Size of @p buf in bytes.
 * @param fmt Format string.
 * @return The length the full output would have had (as C's snprintf).
 */
int hv_snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/**
 * @brief Print to the hypervisor console.
 * @param fmt Format string.
 * @return Number of bytes written.
 */
int hv_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/**
 * @brief Print to the hypervisor console.
 * @param fmt Format string.
 * @param ap Arguments.
 * @return Number of bytes written.
 */
int hv_vprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

/**
 * @brief Log a message if @p level is at or above the threshold.
 *
 * The line is printed as `hv: <message>` (with `error: `, `warning: `,
 * `notice: ` or `debug: ` after the prefix for those levels) and a newline
 * is added if the message has none.
 * @param level One of `enum hv_log_level`.
 * @param fmt Format string.
 */
void hv_log(enum hv_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/**
 * @brief Set the most detailed level that is printed.
 * @param level New threshold; messages with a higher level are dropped.
 */
void hv_log_set_level(enum hv_log_level level);

/** @brief The current threshold. @return The most detailed level printed. */
enum hv_log_level hv_log_get_level(void);

/**
 * @brief Name an error code, for messages.
 * @param err 0, or a negated `HV_E*` code such as `-HV_EBUSY`.
 * @return A static string such as "HV_EBUSY (object is in use)", or
 *         "unknown error" for a value that is no `HV_E*` code.
 */
const char *hv_strerror(int err);

/** Log a hypervisor bug or bad configuration. */
#define hv_err(...) hv_log(HV_LOG_ERROR, __VA_ARGS__)
/** Log a warning. */
#define hv_warn(...) hv_log(HV_LOG_WARNING, __VA_ARGS__)
/** Log a notice (guest misbehaviour and other noteworthy events). */
#define hv_notice(...) hv_log(HV_LOG_NOTICE, __VA_ARGS__)
/** Log normal progress. */
#define hv_info(...) hv_log(HV_LOG_INFO, __VA_ARGS__)
/** Log developer detail. */
#define hv_debug(...) hv_log(HV_LOG_DEBUG, __VA_ARGS__)

#endif /* HV_LOG_H */
/** @} */
