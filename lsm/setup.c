// SPDX-License-Identifier: GPL-2.0-only
/*
 * rescap LSM - registration
 *
 * The LSM build of rescap: the engine shared with the loadable module,
 * attached through LSM hooks instead of tracepoints and kprobes.
 */

#include <linux/init.h>
#include <linux/lsm_hooks.h>
#include <uapi/linux/lsm.h>

#include "setup.h"

const struct lsm_id rescap_lsmid = {
	.name = RESCAP_LSM_NAME,
	.id = LSM_ID_RESCAP,
};

static int __init rescap_lsm_init(void)
{
	security_add_hooks(NULL, 0, &rescap_lsmid);
	pr_info("rescap: LSM initialized\n");
	return 0;
}

DEFINE_LSM(rescap) = {
	.name = RESCAP_LSM_NAME,
	.init = rescap_lsm_init,
};
