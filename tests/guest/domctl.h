/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The domain-control test's cast: the control domain "witness"
 * (domctl.c) and the image "child" (domctl_child.c, a boot module marked
 * "image"), from which the witness creates domains at run time. What the
 * child writes into the page the witness granted it.
 */
#ifndef TG_DOMCTL_H
#define TG_DOMCTL_H

#include <stdint.h>

/* Word 0 of the witness's page: CHILD_MAGIC + the child's domain id. */
#define CHILD_MAGIC 0x43484c4400000000ull
/* Word 1: the child's own checks (1: all held). */
#define CHILD_CHECKS_OK 1

/* Word 0 of the page the child grants: GRANT_MAGIC + its domain id. */
#define GRANT_MAGIC 0x4752414e00000000ull

#endif /* TG_DOMCTL_H */
