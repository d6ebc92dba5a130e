/* SPDX-License-Identifier: Apache-2.0 */
/* hvsim: the command line, for the built-in scheduler modules (see hvsim.h). */
#include "hvsim.h"

int main(int argc, char **argv)
{
	return hvsim_main(argc, argv, NULL);
}
