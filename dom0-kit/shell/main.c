/* SPDX-License-Identifier: Apache-2.0 */
/*
 * hv-dom0-shell: a domain 0 that is the shell and nothing else (see
 * <hv/shell.h> and docs/shell.md). It powers off after `poweroff`, which
 * makes the appliance's verdict PASS, and crashes after a failed command
 * under `onerror fail` (verdict FAIL).
 */
#include <hv/guest/guest.h>
#include <hv/shell.h>

int main(const struct hv_start_info *si)
{
	return hvsh_main(si, NULL);
}
