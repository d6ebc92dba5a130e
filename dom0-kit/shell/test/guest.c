/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The guest the shell's boot tests create domains from (a boot module
 * marked "image"). A word of its command line says what it does:
 *
 *   (none)  idle: sleep a few milliseconds at a time until destroyed
 *   talk    print three numbered lines, then idle
 *   spin    compute without a pause until destroyed
 *   crash   print a line, then crash (main() returns 1)
 *   exit    print a line, then power off
 */
#include <hv/guest/guest.h>

static bool has_word(const char *cmdline, const char *word)
{
	for (const char *p = cmdline; *p != '\0'; p++) {
		const char *w = word;
		const char *q = p;

		if (p != cmdline && p[-1] != ' ') {
			continue;
		}
		while (*w != '\0' && *q == *w) {
			q++;
			w++;
		}
		if (*w == '\0' && (*q == '\0' || *q == ' ')) {
			return true;
		}
	}
	return false;
}

int main(const struct hv_start_info *si)
{
	if (hvg_trap_init() != 0) {
		return 1;
	}
	if (has_word(si->cmdline, "crash")) {
		hvg_printf("domain %u '%s': crashing as told\n", si->domid, si->name);
		return 1;
	}
	if (has_word(si->cmdline, "exit")) {
		hvg_printf("domain %u '%s': powering off as told\n", si->domid, si->name);
		return 0;
	}
	if (has_word(si->cmdline, "talk")) {
		for (int i = 1; i <= 3; i++) {
			hvg_printf("talk %d of 3\n", i);
		}
	}
	for (;;) {
		if (has_word(si->cmdline, "spin")) {
			hvg_spin_ns(HVG_MS);
		} else {
			hvg_sleep_ns(5 * HVG_MS);
		}
	}
}
