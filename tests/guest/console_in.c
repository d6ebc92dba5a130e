/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Console input (HV_HC_CONSOLE_READ, HV_VIRQ_CONSOLE), with real serial
 * input: the boot test feeds "\n\n\nhello\n" (console_in.input) to the
 * machine's serial port. The control domain waits for HV_VIRQ_CONSOLE,
 * blocking with a deadline, reads until a non-empty line is complete and
 * prints it ("got: hello"); any other domain is refused with -HV_EPERM,
 * whatever its buffer.
 *
 * The leading newlines are there to be lost: QEMU hands the UART a byte
 * as soon as it can hold one, before the hypervisor's port has set the
 * UART up, and setting it up clears its FIFO. Empty lines are skipped.
 */
#include <hv/guest/guest.h>
#include <hv/guest/test.h>

#define LINE_MAX 64

static volatile uint64_t console_events;

static void on_console(uint32_t port, void *arg)
{
	(void)port;
	(void)arg;
	console_events++;
}

static bool is_control(void)
{
	return (hvg_start_info()->flags & HV_START_F_CONTROL) != 0;
}

HVG_TEST(reads_the_serial_line)
{
	uint64_t deadline = hvg_time_ns() + 20 * HVG_S;
	char line[LINE_MAX + 1];
	size_t len = 0;
	uint64_t seen = 0;

	if (!is_control()) {
		hvg_test_skip("not the control domain");
	}
	while (len < LINE_MAX && (len == 0 || line[len - 1] != '\n')) {
		int64_t n;

		/* Short blocks: the hypervisor looks at the serial port when it
		 * wakes from idle, which a block deadline makes it do. */
		while (console_events == seen && hvg_time_ns() < deadline) {
			hvg_block(hvg_time_ns() + 10 * HVG_MS);
		}
		HVG_CHECK(console_events > seen);
		if (console_events == seen) {
			return; /* no input before the deadline */
		}
		seen = console_events;
		n = hvg_console_read(line + len, LINE_MAX - len);
		HVG_CHECK(n >= 0);
		if (n < 0) {
			return;
		}
		len += (size_t)n;
		while (len > 0 && line[0] == '\n') {
			/* An empty line: skip it. */
			for (size_t i = 1; i < len; i++) {
				line[i - 1] = line[i];
			}
			len--;
		}
	}
	line[len] = '\0';
	if (len > 0 && line[len - 1] == '\n') {
		line[--len] = '\0';
	}
	hvg_printf("got: %s\n", line);
	HVG_CHECK_EQ(len, 5);
	HVG_CHECK(line[0] == 'h' && line[1] == 'e' && line[2] == 'l' && line[3] == 'l' &&
	          line[4] == 'o');
	/* Nothing is left: the call returns at once. */
	HVG_CHECK_EQ(hvg_console_read(line, sizeof(line)), 0);
}

HVG_TEST(others_are_refused)
{
	char buf[16];

	if (is_control()) {
		hvg_test_skip("the control domain may read");
	}
	HVG_CHECK_EQ(hvg_console_read(buf, sizeof(buf)), -HV_EPERM);
	HVG_CHECK_EQ(hvg_console_read(NULL, 16), -HV_EPERM);
	HVG_CHECK_EQ(hvg_console_read(buf, UINT64_MAX), -HV_EPERM);
}

int main(const struct hv_start_info *si)
{
	/* Before the runner enables events: input may come at any time. */
	if (si->flags & HV_START_F_CONTROL) {
		hvg_on_event(si->virq_port[HV_VIRQ_CONSOLE], on_console, NULL);
	}
	return hvg_test_main(si);
}
