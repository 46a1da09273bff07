/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * rescap LSM - registration
 */

#ifndef _SECURITY_RESCAP_SETUP_H
#define _SECURITY_RESCAP_SETUP_H

#include <linux/lsm_hooks.h>

#define RESCAP_LSM_NAME "rescap"

extern const struct lsm_id rescap_lsmid;
extern struct lsm_blob_sizes rescap_blob_sizes;

#endif /* _SECURITY_RESCAP_SETUP_H */
