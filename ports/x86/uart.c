/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The hypervisor console: a 16550 UART on COM1 (I/O port 0x3f8),
 * 115200 baud, 8 data bits, no parity, 1 stop bit, polled.
 *
 * Polled output works with interrupts on or off, from exception handlers,
 * and before anything else is set up, which hv_port_console_write()
 * promises. A board without a UART reads back 0xff from the line status
 * register, which looks like "transmitter empty": output is then silently
 * lost instead of hanging, and the wait below is bounded anyway.
 */
#include "x86.h"

#define COM1 0x3f8

#define UART_DATA 0 /* RBR/THR, or divisor low byte when DLAB = 1 */
#define UART_IER  1 /* interrupt enable, or divisor high byte */
#define UART_FCR  2
#define UART_LCR  3
#define UART_MCR  4
#define UART_LSR  5

#define LSR_DATA_READY (1u << 0)
#define LSR_THR_EMPTY  (1u << 5)

void x86_uart_init(void)
{
	x86_outb(COM1 + UART_IER, 0x00); /* polled: no interrupts */
	x86_outb(COM1 + UART_LCR, 0x80); /* DLAB: expose the divisor */
	x86_outb(COM1 + UART_DATA, 1);   /* 115200 = 115200 / 1 */
	x86_outb(COM1 + UART_IER, 0);
	x86_outb(COM1 + UART_LCR, 0x03); /* 8N1, DLAB off */
	x86_outb(COM1 + UART_FCR, 0xc7); /* FIFOs on and cleared */
	x86_outb(COM1 + UART_MCR, 0x03); /* DTR and RTS; OUT2 off: no IRQ */
}

static void uart_putc(char c)
{
	/* About 1 ms at 115200 baud on hardware; a dead UART must not hang us. */
	for (unsigned int spin = 0; spin < 100000; spin++) {
		if (x86_inb(COM1 + UART_LSR) & LSR_THR_EMPTY) {
			break;
		}
	}
	x86_outb(COM1 + UART_DATA, (uint8_t)c);
}

void hv_port_console_write(const char *buf, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (buf[i] == '\n') {
			uart_putc('\r');
		}
		uart_putc(buf[i]);
	}
}

int hv_port_console_read(void)
{
	uint8_t lsr = x86_inb(COM1 + UART_LSR);

	/* 0xff: no UART at all (the bus floats high). */
	if (lsr == 0xff || !(lsr & LSR_DATA_READY)) {
		return -1;
	}
	return x86_inb(COM1 + UART_DATA);
}
