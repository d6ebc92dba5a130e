/* SPDX-License-Identifier: Apache-2.0 */
/* The fake port: see fake_port.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hv/abi/errno.h>
#include <hv/abi/shared.h>
#include <hv/port.h>

#include "fake_port.h"

static void as_reset(void);
static void vcpu_reset(void);

jmp_buf fake_power_off_jmp;
int fake_power_off_verdict = -1;

static unsigned char *ram;
static char console[1 << 16];
static size_t console_len;
static char input[16384];
static size_t input_len;
static size_t input_pos;
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
	input_len = 0;
	input_pos = 0;
	clock_ns = 0;
	clock_step = 1000;
	armed = false;
	irq_on = false;
	timer_working = true;
	fired = 0;
	fake_power_off_verdict = -1;
	as_reset();
	vcpu_reset();
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

void fake_clock_advance(uint64_t ns)
{
	clock_ns += ns;
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

void fake_console_input(const char *buf, size_t len)
{
	if (len > sizeof(input) - input_len) {
		abort();
	}
	memcpy(input + input_len, buf, len);
	input_len += len;
}

size_t fake_console_input_left(void)
{
	return input_len - input_pos;
}

int hv_port_console_read(void)
{
	if (input_pos == input_len) {
		input_pos = 0;
		input_len = 0;
		return -1;
	}
	return (unsigned char)input[input_pos++];
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

/* --- Time scale --- */

void hv_port_time_scale(struct hv_port_time_scale *scale)
{
	/* The fake's cycle counter is its clock: ns = (delta << 1) * 2^31 >> 32. */
	scale->cycles = clock_ns;
	scale->ns = clock_ns;
	scale->mul = UINT32_C(1) << 31;
	scale->shift = 1;
}

/* --- Guest address spaces --- */

#define AS_ENTRIES   (1u << 16)
#define AS_BUCKETS   (1u << 14)
#define AS_NONE      UINT32_MAX
#define AS_MAX_ROOTS 128
#define PAGE         UINT64_C(4096)

/* kind 0: a mapping of page 'key'; kind 1-3: a table of that level covering 'key'. */
struct as_entry {
	uint64_t root;
	uint64_t key;
	uint64_t pa;
	uint32_t flags;
	uint32_t kind;
	uint32_t next;
};

static struct as_entry as_entries[AS_ENTRIES];
static uint32_t as_buckets[AS_BUCKETS];
static uint32_t as_free;
static uint64_t as_roots[AS_MAX_ROOTS];
static size_t as_root_count;
static uint64_t as_loaded;
static unsigned int copies;
static unsigned int copies_outside;
static unsigned int map_calls;
static unsigned int map_fail_after;
static int map_fail_error;
static unsigned int as_destroys;
static unsigned int unmaps;
static unsigned int unmaps_loaded;
static void (*destroy_hook)(const struct hv_port_vcpu *v, uint64_t root, void *arg);
static void *destroy_hook_arg;

static void as_reset(void)
{
	for (uint32_t i = 0; i < AS_BUCKETS; i++) {
		as_buckets[i] = AS_NONE;
	}
	for (uint32_t i = 0; i < AS_ENTRIES; i++) {
		as_entries[i].next = i + 1 < AS_ENTRIES ? i + 1 : AS_NONE;
	}
	as_free = 0;
	as_root_count = 0;
	as_loaded = 0;
	copies = 0;
	copies_outside = 0;
	map_calls = 0;
	map_fail_after = 0;
	map_fail_error = 0;
	as_destroys = 0;
	unmaps = 0;
	unmaps_loaded = 0;
	destroy_hook = NULL;
	destroy_hook_arg = NULL;
}

static uint32_t as_hash(uint64_t root, uint32_t kind, uint64_t key)
{
	uint64_t h = root * 0x9e3779b97f4a7c15u ^ (key + kind) * 0xc2b2ae3d27d4eb4fu;

	return (uint32_t)(h >> 40) % AS_BUCKETS;
}

static struct as_entry *as_find(uint64_t root, uint32_t kind, uint64_t key)
{
	for (uint32_t i = as_buckets[as_hash(root, kind, key)]; i != AS_NONE;
	     i = as_entries[i].next) {
		struct as_entry *e = &as_entries[i];

		if (e->root == root && e->kind == kind && e->key == key) {
			return e;
		}
	}
	return NULL;
}

static void as_insert(uint64_t root, uint32_t kind, uint64_t key, uint64_t pa, uint32_t flags)
{
	uint32_t b = as_hash(root, kind, key);
	uint32_t i = as_free;

	if (i == AS_NONE) {
		fprintf(stderr, "fake port: mapping table full\n");
		abort();
	}
	as_free = as_entries[i].next;
	as_entries[i] = (struct as_entry){.root = root,
	                                  .key = key,
	                                  .pa = pa,
	                                  .flags = flags,
	                                  .kind = kind,
	                                  .next = as_buckets[b]};
	as_buckets[b] = i;
}

/* Removes the mapping of page 'va' from 'root' into *pa; false if there was none. */
static bool as_remove(uint64_t root, uint64_t va, uint64_t *pa)
{
	uint32_t *link = &as_buckets[as_hash(root, 0, va)];

	while (*link != AS_NONE) {
		uint32_t i = *link;
		struct as_entry *e = &as_entries[i];

		if (e->root == root && e->kind == 0 && e->key == va) {
			*pa = e->pa;
			*link = e->next;
			e->next = as_free;
			as_free = i;
			return true;
		}
		link = &e->next;
	}
	return false;
}

/* Forgets everything about 'root' (it is being made anew). */
static void as_forget(uint64_t root)
{
	for (uint32_t b = 0; b < AS_BUCKETS; b++) {
		uint32_t *link = &as_buckets[b];

		while (*link != AS_NONE) {
			uint32_t i = *link;

			if (as_entries[i].root == root) {
				*link = as_entries[i].next;
				as_entries[i].next = as_free;
				as_free = i;
			} else {
				link = &as_entries[i].next;
			}
		}
	}
}

static bool as_known(uint64_t root)
{
	for (size_t i = 0; i < as_root_count; i++) {
		if (as_roots[i] == root) {
			return true;
		}
	}
	return false;
}

/* The core only ever names roots it made: anything else is a core bug. */
static void as_check_known(const char *what, uint64_t root)
{
	if (!as_known(root)) {
		fprintf(stderr, "fake port: %s in unknown root %#llx\n", what,
		        (unsigned long long)root);
		abort();
	}
}

static bool frame_is_zero(uint64_t pa)
{
	const unsigned char *p = fake_ram(pa);

	for (size_t i = 0; i < PAGE; i++) {
		if (p[i] != 0) {
			return false;
		}
	}
	return true;
}

uint64_t hv_port_guest_va_limit(void)
{
	return FAKE_GUEST_VA_LIMIT;
}

int hv_port_as_init(hv_paddr_t root)
{
	if (root % PAGE != 0 || root >= FAKE_RAM_SIZE || !frame_is_zero(root)) {
		fprintf(stderr, "fake port: as_init of a bad or dirty root %#llx\n",
		        (unsigned long long)root);
		abort();
	}
	/* On hardware the CPU would have been walking it while the core zeroed it. */
	if (root == as_loaded) {
		fprintf(stderr, "fake port: as_init of the loaded root %#llx (no as_destroy)\n",
		        (unsigned long long)root);
		abort();
	}
	as_forget(root);
	if (!as_known(root)) {
		if (as_root_count == AS_MAX_ROOTS) {
			abort();
		}
		as_roots[as_root_count++] = root;
	}
	return 0;
}

int hv_port_as_map(hv_paddr_t root, uint64_t va, hv_paddr_t pa, uint32_t flags,
                   const struct hv_port_pt_alloc *alloc)
{
	static const unsigned int shift[4] = {0, 21, 30, 39};

	map_calls++;
	if (map_fail_after != 0 && map_calls >= map_fail_after) {
		return map_fail_error;
	}
	as_check_known("as_map", root);
	if (va % PAGE != 0 || pa % PAGE != 0 || va >= FAKE_GUEST_VA_LIMIT || pa >= FAKE_RAM_SIZE ||
	    (flags & ~(HV_PORT_MAP_WRITE | HV_PORT_MAP_EXEC)) != 0) {
		return -HV_EINVAL;
	}
	if (as_find(root, 0, va) != NULL) {
		return -HV_EEXIST;
	}
	for (uint32_t level = 3; level >= 1; level--) {
		uint64_t key = va >> shift[level];
		hv_paddr_t table;
		int rc;

		if (as_find(root, level, key) != NULL) {
			continue;
		}
		rc = alloc->alloc(alloc->ctx, &table);
		if (rc != 0) {
			return rc;
		}
		if (table % PAGE != 0 || table >= FAKE_RAM_SIZE || !frame_is_zero(table)) {
			fprintf(stderr, "fake port: pt_alloc gave a bad or dirty frame %#llx\n",
			        (unsigned long long)table);
			abort();
		}
		as_insert(root, level, key, table, 0);
	}
	as_insert(root, 0, va, pa, flags);
	return 0;
}

int hv_port_as_unmap(hv_paddr_t root, uint64_t va, hv_paddr_t *pa)
{
	uint64_t old;

	as_check_known("as_unmap", root);
	if (va % PAGE != 0 || va >= FAKE_GUEST_VA_LIMIT) {
		return -HV_EINVAL;
	}
	/* The intermediate tables stay, as on hardware: the core frees them with the domain. */
	if (!as_remove(root, va, &old)) {
		return -HV_ENOENT;
	}
	unmaps++;
	/* Where a real port must invalidate the TLB entry (nothing to do otherwise). */
	if (root == as_loaded) {
		unmaps_loaded++;
	}
	if (pa != NULL) {
		*pa = old;
	}
	return 0;
}

int hv_port_as_query(hv_paddr_t root, uint64_t va, hv_paddr_t *pa, uint32_t *flags)
{
	as_check_known("as_query", root);
	if (va >= FAKE_GUEST_VA_LIMIT) {
		return -HV_EINVAL;
	}
	/* The fake has NX (hv_port_info()), so the flags are those the page was mapped with. */
	return fake_as_lookup(root, va, pa, flags) ? 0 : -HV_ENOENT;
}

unsigned int fake_as_unmap_count(void)
{
	return unmaps;
}

unsigned int fake_as_unmap_loaded_count(void)
{
	return unmaps_loaded;
}

size_t fake_as_frame_map_count(uint64_t pa)
{
	size_t n = 0;

	for (uint32_t b = 0; b < AS_BUCKETS; b++) {
		for (uint32_t i = as_buckets[b]; i != AS_NONE; i = as_entries[i].next) {
			if (as_entries[i].kind == 0 && as_entries[i].pa == (pa & ~(PAGE - 1))) {
				n++;
			}
		}
	}
	return n;
}

void hv_port_as_destroy(hv_paddr_t root)
{
	as_destroys++;
	if (destroy_hook != NULL) {
		destroy_hook(NULL, root, destroy_hook_arg);
	}
	/* The mappings stay readable for the tests (a kept domain's memory stays). */
	if (root == as_loaded) {
		as_loaded = 0;
	}
}

unsigned int fake_as_destroy_count(void)
{
	return as_destroys;
}

uint64_t fake_as_loaded(void)
{
	return as_loaded;
}

void fake_port_on_destroy(void (*fn)(const struct hv_port_vcpu *v, uint64_t root, void *arg),
                          void *arg)
{
	destroy_hook = fn;
	destroy_hook_arg = arg;
}

bool fake_as_lookup(uint64_t root, uint64_t va, uint64_t *pa, uint32_t *flags)
{
	const struct as_entry *e = as_find(root, 0, va & ~(PAGE - 1));

	if (e == NULL) {
		return false;
	}
	if (pa != NULL) {
		*pa = e->pa;
	}
	if (flags != NULL) {
		*flags = e->flags;
	}
	return true;
}

static size_t as_count(uint64_t root, bool tables)
{
	size_t n = 0;

	for (uint32_t b = 0; b < AS_BUCKETS; b++) {
		for (uint32_t i = as_buckets[b]; i != AS_NONE; i = as_entries[i].next) {
			if (as_entries[i].root == root && (as_entries[i].kind != 0) == tables) {
				n++;
			}
		}
	}
	return n;
}

size_t fake_as_mapping_count(uint64_t root)
{
	return as_count(root, false);
}

size_t fake_as_table_count(uint64_t root)
{
	return as_count(root, true);
}

void fake_as_for_each(uint64_t root,
                      void (*fn)(uint64_t va, uint64_t pa, uint32_t flags, void *arg), void *arg)
{
	for (uint32_t b = 0; b < AS_BUCKETS; b++) {
		for (uint32_t i = as_buckets[b]; i != AS_NONE; i = as_entries[i].next) {
			const struct as_entry *e = &as_entries[i];

			if (e->root == root && e->kind == 0) {
				fn(e->key, e->pa, e->flags, arg);
			}
		}
	}
}

bool fake_as_is_table(uint64_t root, uint64_t pa)
{
	if (pa == root) {
		return true;
	}
	for (uint32_t b = 0; b < AS_BUCKETS; b++) {
		for (uint32_t i = as_buckets[b]; i != AS_NONE; i = as_entries[i].next) {
			if (as_entries[i].root == root && as_entries[i].kind != 0 &&
			    as_entries[i].pa == pa) {
				return true;
			}
		}
	}
	return false;
}

void fake_as_load(uint64_t root)
{
	as_loaded = root;
}

void fake_as_fail_map_after(unsigned int n, int error)
{
	map_calls = 0;
	map_fail_after = n;
	map_fail_error = error;
}

/* Copies between 'buf' and guest memory of 'root'; -HV_EFAULT on a page not allowed. */
static int guest_copy(uint64_t root, uint64_t va, void *buf, size_t len, bool write, bool check)
{
	unsigned char *p = buf;

	if (va >= FAKE_GUEST_VA_LIMIT || len > FAKE_GUEST_VA_LIMIT - va) {
		return -HV_EFAULT;
	}
	while (len > 0) {
		uint64_t off = va % PAGE;
		size_t n = PAGE - off < len ? (size_t)(PAGE - off) : len;
		uint64_t pa;
		uint32_t flags;

		if (!fake_as_lookup(root, va, &pa, &flags) ||
		    (check && write && !(flags & HV_PORT_MAP_WRITE))) {
			return -HV_EFAULT;
		}
		if (write) {
			memcpy(fake_ram(pa + off), p, n);
		} else {
			memcpy(p, fake_ram(pa + off), n);
		}
		p += n;
		va += n;
		len -= n;
	}
	return 0;
}

int fake_guest_read(uint64_t root, uint64_t va, void *buf, size_t len)
{
	return guest_copy(root, va, buf, len, false, false) == 0 ? 0 : -1;
}

int fake_guest_write(uint64_t root, uint64_t va, const void *buf, size_t len)
{
	return guest_copy(root, va, (void *)buf, len, true, false) == 0 ? 0 : -1;
}

unsigned int fake_copy_outside_limit(void)
{
	return copies_outside;
}

unsigned int fake_copy_count(void)
{
	return copies;
}

int hv_port_copy_from_guest(void *dst, uint64_t src, size_t len)
{
	copies++;
	if (src >= FAKE_GUEST_VA_LIMIT || len > FAKE_GUEST_VA_LIMIT - src) {
		copies_outside++;
	}
	return guest_copy(as_loaded, src, dst, len, false, true);
}

int hv_port_copy_to_guest(uint64_t dst, const void *src, size_t len)
{
	copies++;
	if (dst >= FAKE_GUEST_VA_LIMIT || len > FAKE_GUEST_VA_LIMIT - dst) {
		copies_outside++;
	}
	return guest_copy(as_loaded, dst, (void *)src, len, true, true);
}

/* --- vCPUs --- */

#define VCPU_MAGIC  UINT64_C(0x46414b4556435055)
#define REG_COUNT   7
#define MAX_SCRIPTS 16
#define SET_LOG_MAX 4096

struct fake_vcpu {
	uint64_t magic;
	uint64_t regs[REG_COUNT];
	uint64_t root;
	char domain[32];
};
_Static_assert(sizeof(struct fake_vcpu) <= HV_PORT_VCPU_SIZE, "fake vCPU fits");

struct script {
	char domain[32];
	struct fake_step *steps;
	size_t count;
	size_t pos;
	unsigned int done; /* repeats of steps[pos] played */
};

static struct script scripts[MAX_SCRIPTS];
static uint64_t step_cost = 1000;
static struct fake_set_reg set_log[SET_LOG_MAX];
static size_t set_log_count;
static char run_log[4096];
static size_t run_log_len;
static unsigned int runs;
/* The vCPU that ran last, whose state a real port would still hold. */
static const struct hv_port_vcpu *last_vcpu;
static unsigned int vcpu_destroys;
static unsigned int fast_handled;
static unsigned int fast_refused;

static void vcpu_reset(void)
{
	last_vcpu = NULL;
	vcpu_destroys = 0;
	fast_handled = 0;
	fast_refused = 0;
	for (size_t i = 0; i < MAX_SCRIPTS; i++) {
		free(scripts[i].steps);
		scripts[i] = (struct script){.steps = NULL};
	}
	step_cost = 1000;
	set_log_count = 0;
	run_log[0] = '\0';
	run_log_len = 0;
	runs = 0;
}

static struct fake_vcpu *fv(const struct hv_port_vcpu *v)
{
	struct fake_vcpu *f = (struct fake_vcpu *)(void *)v->opaque;

	if (f->magic != VCPU_MAGIC) {
		fprintf(stderr, "fake port: vCPU %p was not initialised\n", (const void *)v);
		abort();
	}
	return f;
}

static struct script *script_of(const char *domain, bool create)
{
	for (size_t i = 0; i < MAX_SCRIPTS; i++) {
		if (scripts[i].steps != NULL && strcmp(scripts[i].domain, domain) == 0) {
			return &scripts[i];
		}
	}
	if (!create) {
		return NULL;
	}
	for (size_t i = 0; i < MAX_SCRIPTS; i++) {
		if (scripts[i].steps == NULL) {
			snprintf(scripts[i].domain, sizeof(scripts[i].domain), "%s", domain);
			return &scripts[i];
		}
	}
	abort();
}

void fake_script_set(const char *domain, const struct fake_step *steps, size_t count)
{
	struct script *s = script_of(domain, true);

	free(s->steps);
	s->steps = calloc(count + 1, sizeof(*steps));
	if (s->steps == NULL) {
		abort();
	}
	memcpy(s->steps, steps, count * sizeof(*steps));
	s->count = count;
	s->pos = 0;
	s->done = 0;
}

size_t fake_script_left(const char *domain)
{
	const struct script *s = script_of(domain, false);
	size_t left = 0;

	if (s == NULL) {
		return 0;
	}
	for (size_t i = s->pos; i < s->count; i++) {
		unsigned int r = s->steps[i].repeat ? s->steps[i].repeat : 1;

		left += i == s->pos ? r - s->done : r;
	}
	return left;
}

void fake_vcpu_set_step_cost(uint64_t ns)
{
	step_cost = ns;
}

uint64_t fake_vcpu_get(const struct hv_port_vcpu *v, enum hv_port_reg reg)
{
	return fv(v)->regs[reg];
}

void fake_vcpu_put(struct hv_port_vcpu *v, enum hv_port_reg reg, uint64_t value)
{
	fv(v)->regs[reg] = value;
}

uint64_t fake_vcpu_root(const struct hv_port_vcpu *v)
{
	return fv(v)->root;
}

const char *fake_vcpu_domain(const struct hv_port_vcpu *v)
{
	return fv(v)->domain;
}

void fake_vcpu_make_current(struct hv_port_vcpu *v)
{
	as_loaded = fv(v)->root;
}

size_t fake_set_reg_count(void)
{
	return set_log_count;
}

const struct fake_set_reg *fake_set_reg_at(size_t i)
{
	return i < set_log_count ? &set_log[i] : NULL;
}

bool fake_set_reg_last(const struct hv_port_vcpu *v, enum hv_port_reg reg, uint64_t *value)
{
	for (size_t i = set_log_count; i > 0; i--) {
		if (set_log[i - 1].v == v && set_log[i - 1].reg == reg) {
			*value = set_log[i - 1].value;
			return true;
		}
	}
	return false;
}

void fake_set_reg_clear(void)
{
	set_log_count = 0;
}

const char *fake_run_log(void)
{
	return run_log;
}

unsigned int fake_run_count(void)
{
	return runs;
}

unsigned int fake_vcpu_destroy_count(void)
{
	return vcpu_destroys;
}

unsigned int fake_fast_handled(void)
{
	return fast_handled;
}

unsigned int fake_fast_refused(void)
{
	return fast_refused;
}

void hv_port_vcpu_destroy(struct hv_port_vcpu *v)
{
	vcpu_destroys++;
	if (destroy_hook != NULL) {
		destroy_hook(v, 0, destroy_hook_arg);
	}
	if (last_vcpu == v) {
		last_vcpu = NULL;
	}
}

void hv_port_vcpu_init(struct hv_port_vcpu *v, hv_paddr_t root, uint64_t entry, uint64_t stack,
                       uint64_t arg)
{
	struct fake_vcpu *f = (struct fake_vcpu *)(void *)v->opaque;
	struct hv_start_info si;

	if (last_vcpu == v) {
		last_vcpu = NULL; /* reused memory: forgotten, as on x86 */
	}
	memset(f, 0, sizeof(*f));
	f->magic = VCPU_MAGIC;
	f->root = root;
	f->regs[HV_REG_PC] = entry;
	f->regs[HV_REG_SP] = stack;
	f->regs[HV_REG_ARG0] = arg;
	f->regs[HV_REG_FLAGS] = 0x202;
	/* The domain's name, from the start info the core wrote: scripts are by name. */
	if (fake_guest_read(root, arg, &si, sizeof(si)) == 0) {
		snprintf(f->domain, sizeof(f->domain), "%.*s", (int)sizeof(si.name), si.name);
	}
}

uint64_t hv_port_vcpu_reg(const struct hv_port_vcpu *v, enum hv_port_reg reg)
{
	return fv(v)->regs[reg];
}

void hv_port_vcpu_set_reg(struct hv_port_vcpu *v, enum hv_port_reg reg, uint64_t value)
{
	struct fake_vcpu *f = fv(v);

	if (reg == HV_REG_FLAGS) {
		value = (value & 0xcd5u) | 0x202u; /* arithmetic and direction flags; IF on */
	}
	f->regs[reg] = value;
	if (set_log_count < SET_LOG_MAX) {
		set_log[set_log_count++] =
		        (struct fake_set_reg){.v = v, .reg = reg, .value = value};
	}
}

/* The timer interrupt, taken while the guest runs. */
static void take_timer(struct hv_exit *exit)
{
	armed = false;
	fired++;
	hv_core_timer_interrupt();
	exit->reason = HV_EXIT_INTERRUPT;
}

void hv_port_vcpu_run(struct hv_port_vcpu *v, struct hv_exit *exit)
{
	static const struct fake_step poweroff = FAKE_POWEROFF;
	struct fake_vcpu *f = fv(v);
	struct script *s = script_of(f->domain, false);

	/* A real port saves the previous vCPU's state now: it must still be one. */
	if (last_vcpu != NULL && last_vcpu != v &&
	    ((const struct fake_vcpu *)(const void *)last_vcpu->opaque)->magic != VCPU_MAGIC) {
		fprintf(stderr, "fake port: the last vCPU %p was freed or zeroed without destroy\n",
		        (const void *)last_vcpu);
		abort();
	}
	last_vcpu = v;
	as_loaded = f->root;
	runs++;
	if (run_log_len + strlen(f->domain) + 2 < sizeof(run_log)) {
		run_log_len +=
		        (size_t)snprintf(run_log + run_log_len, sizeof(run_log) - run_log_len,
		                         "%s%s", run_log_len ? " " : "", f->domain);
	}
	memset(exit, 0, sizeof(*exit));
	/* An interrupt already due is taken before the first guest instruction. */
	if (armed && timer_working && clock_ns >= deadline) {
		clock_ns += 100;
		take_timer(exit);
		return;
	}
	for (;;) {
		const struct fake_step *step = &poweroff;
		int64_t fast_result = 0;

		if (s != NULL && s->pos < s->count) {
			step = &s->steps[s->pos];
			if (++s->done >= (step->repeat ? step->repeat : 1)) {
				s->pos++;
				s->done = 0;
			}
		}
		clock_ns += step_cost;
		exit->pc = f->regs[HV_REG_PC];
		switch (step->kind) {
		case FAKE_STEP_CALL:
			step->fn(v, step->arg);
			continue;
		case FAKE_STEP_FAST_HC:
			/* What the x86 port does: offer it to the fast path first. */
			if (hv_core_hypercall_fast(step->nr, step->args, &fast_result)) {
				fast_handled++;
				f->regs[HV_REG_RET] = (uint64_t)fast_result;
				/* Back in the guest with interrupts on: a due timer fires. */
				if (armed && timer_working && clock_ns >= deadline) {
					take_timer(exit);
					return;
				}
				continue;
			}
			/* Refused: the ordinary exit. */
			fast_refused++;
			__attribute__((fallthrough));
		case FAKE_STEP_HYPERCALL:
			/* What syscall does: rcx = return address, r11 = flags. */
			f->regs[HV_REG_TMP0] = f->regs[HV_REG_PC];
			f->regs[HV_REG_TMP1] = f->regs[HV_REG_FLAGS];
			f->regs[HV_REG_RET] = step->nr;
			f->regs[HV_REG_ARG0] = step->args[0];
			exit->reason = HV_EXIT_HYPERCALL;
			exit->nr = step->nr;
			memcpy(exit->args, step->args, sizeof(exit->args));
			return;
		case FAKE_STEP_EXCEPTION:
			exit->reason = HV_EXIT_EXCEPTION;
			exit->vector = (uint32_t)step->nr;
			exit->error_code = step->args[0];
			exit->fault_addr = step->args[1];
			return;
		case FAKE_STEP_SPIN:
			if (armed && timer_working) {
				if (clock_ns < deadline) {
					clock_ns = deadline;
				}
				take_timer(exit);
				return;
			}
			clock_ns += 1000000;
			exit->reason = HV_EXIT_INTERRUPT;
			return;
		case FAKE_STEP_INTERRUPT:
		default:
			exit->reason = HV_EXIT_INTERRUPT;
			return;
		}
	}
}
