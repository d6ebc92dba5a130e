/* SPDX-License-Identifier: Apache-2.0 */
/* The fake port: see fake_port.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hv/port.h>

#include "fake_port.h"

jmp_buf fake_power_off_jmp;
int fake_power_off_verdict = -1;

static unsigned char *ram;
static char console[1 << 16];
static size_t console_len;
static uint64_t clock_ns;
static uint64_t clock_step = 1000;
static uint64_t deadline;
static bool armed;
static bool irq_on;
static bool timer_working = true;
static unsigned int fired;

static struct hv_mem_region regions[2];
static struct hv_mem_region reserved[1];
static struct hv_boot_module modules[HV_BOOT_MAX_MODULES];

void fake_port_reset(void)
{
	if (ram == NULL) {
		ram = calloc(1, FAKE_RAM_SIZE);
		if (ram == NULL) {
			abort();
		}
	} else {
		memset(ram, 0, FAKE_RAM_SIZE);
	}
	console_len = 0;
	console[0] = '\0';
	clock_ns = 0;
	clock_step = 1000;
	armed = false;
	irq_on = false;
	timer_working = true;
	fired = 0;
	fake_power_off_verdict = -1;
}

const char *fake_console_text(void)
{
	return console;
}

bool fake_console_contains(const char *needle)
{
	return strstr(console, needle) != NULL;
}

void *fake_ram(uint64_t pa)
{
	if (pa >= FAKE_RAM_SIZE) {
		fprintf(stderr, "fake port: physical address %#llx outside fake RAM\n",
		        (unsigned long long)pa);
		abort();
	}
	return ram + pa;
}

void fake_clock_set_step(uint64_t ns)
{
	clock_step = ns;
}

void fake_timer_set_working(bool working)
{
	timer_working = working;
}

unsigned int fake_timer_fired(void)
{
	return fired;
}

static const struct hv_port_info info = {
        .name = "fake",
        .api_version = HV_PORT_API_VERSION,
        .features = HV_PORT_FEAT_NX,
        .cpu = "host",
        .clock_hz = 1000000000,
        .timer = "fake",
};

const struct hv_port_info *hv_port_info(void)
{
	return &info;
}

void hv_port_console_write(const char *buf, size_t len)
{
	if (len > sizeof(console) - 1 - console_len) {
		len = sizeof(console) - 1 - console_len;
	}
	memcpy(console + console_len, buf, len);
	console_len += len;
	console[console_len] = '\0';
}

int hv_port_console_read(void)
{
	return -1;
}

void *hv_port_phys_to_virt(hv_paddr_t pa)
{
	return fake_ram(pa);
}

hv_paddr_t hv_port_virt_to_phys(const void *va)
{
	return (hv_paddr_t)((const unsigned char *)va - ram);
}

/* Delivers the timer interrupt if it is due and allowed. */
static void maybe_fire(void)
{
	if (armed && irq_on && timer_working && clock_ns >= deadline) {
		armed = false;
		irq_on = false; /* as on hardware: the handler runs with interrupts off */
		fired++;
		hv_core_timer_interrupt();
		irq_on = true;
	}
}

uint64_t hv_port_cycles(void)
{
	return clock_ns;
}

uint64_t hv_port_time_ns(void)
{
	clock_ns += clock_step;
	maybe_fire();
	return clock_ns;
}

void hv_port_timer_arm(uint64_t deadline_ns)
{
	deadline = deadline_ns;
	armed = true;
}

void hv_port_timer_cancel(void)
{
	armed = false;
}

void hv_port_irq_enable(void)
{
	irq_on = true;
	maybe_fire();
}

void hv_port_irq_disable(void)
{
	irq_on = false;
}

void hv_port_cpu_wait(void)
{
	if (armed && timer_working && deadline > clock_ns) {
		clock_ns = deadline;
	}
	irq_on = true;
	maybe_fire();
	irq_on = false;
}

_Noreturn void hv_port_power_off(enum hv_verdict verdict)
{
	fake_power_off_verdict = (int)verdict;
	longjmp(fake_power_off_jmp, 1);
}

void fake_boot_init(struct hv_boot_info *boot)
{
	regions[0] = (struct hv_mem_region){
	        .base = 0, .size = FAKE_RAM_SIZE, .type = HV_MEM_REGION_USABLE};
	regions[1] = (struct hv_mem_region){
	        .base = 0xfee00000, .size = 0x1000, .type = HV_MEM_REGION_RESERVED};
	reserved[0] = (struct hv_mem_region){.base = 0, .size = 1u << 20};
	*boot = (struct hv_boot_info){
	        .protocol = "fake",
	        .loader = "",
	        .cmdline = "",
	        .regions = regions,
	        .region_count = 2,
	        .reserved = reserved,
	        .reserved_count = 1,
	        .modules = modules,
	        .module_count = 0,
	};
}

void fake_boot_add_module(struct hv_boot_info *boot, uint64_t pa, const void *data, size_t size,
                          const char *cmdline)
{
	struct hv_boot_module *m = &modules[boot->module_count++];

	memcpy(fake_ram(pa), data, size);
	*m = (struct hv_boot_module){
	        .base = pa, .size = size, .data = fake_ram(pa), .cmdline = cmdline};
}
