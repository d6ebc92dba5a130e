/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Console output and log levels. Each call formats its whole output into a
 * buffer on the stack and hands it to the port in one write, so a line is
 * never split by another line printed from an interrupt handler. Output
 * longer than the buffer is cut and marked with "...".
 */
#include <hv/log.h>
#include <hv/port.h>

#define HV_LOG_LINE_MAX 512

static enum hv_log_level log_threshold = HV_LOG_INFO;

static void write_cut(char *buf, int n)
{
	size_t len = (size_t)n;

	if (n < 0) {
		return;
	}
	if (len >= HV_LOG_LINE_MAX) {
		/* Mark the cut: the line ends "...\n" within the buffer. */
		len = HV_LOG_LINE_MAX - 1;
		buf[len - 4] = '.';
		buf[len - 3] = '.';
		buf[len - 2] = '.';
		buf[len - 1] = '\n';
	}
	hv_port_console_write(buf, len);
}

int hv_vprintf(const char *fmt, va_list ap)
{
	char buf[HV_LOG_LINE_MAX];
	int n = hv_vsnprintf(buf, sizeof(buf), fmt, ap);

	write_cut(buf, n);
	return n < HV_LOG_LINE_MAX ? n : HV_LOG_LINE_MAX - 1;
}

int hv_printf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = hv_vprintf(fmt, ap);
	va_end(ap);
	return n;
}

static const char *const level_prefix[] = {
        [HV_LOG_ERROR] = "hv: error: ",   [HV_LOG_WARNING] = "hv: warning: ",
        [HV_LOG_NOTICE] = "hv: notice: ", [HV_LOG_INFO] = "hv: ",
        [HV_LOG_DEBUG] = "hv: debug: ",
};

void hv_log(enum hv_log_level level, const char *fmt, ...)
{
	char buf[HV_LOG_LINE_MAX];
	va_list ap;
	int n;

	if (level > log_threshold) {
		return;
	}
	n = hv_snprintf(buf, sizeof(buf), "%s", level_prefix[level]);
	va_start(ap, fmt);
	n += hv_vsnprintf(buf + n, sizeof(buf) - (size_t)n, fmt, ap);
	va_end(ap);
	if (n < HV_LOG_LINE_MAX && buf[n - 1] != '\n') {
		if (n < HV_LOG_LINE_MAX - 1) {
			buf[n++] = '\n';
			buf[n] = '\0';
		} else {
			n = HV_LOG_LINE_MAX; /* no room for the newline: cut */
		}
	}
	write_cut(buf, n);
}

void hv_log_set_level(enum hv_log_level level)
{
	log_threshold = level > HV_LOG_DEBUG ? HV_LOG_DEBUG : level;
}

enum hv_log_level hv_log_get_level(void)
{
	return log_threshold;
}
