// SPDX-License-Identifier: GPL-2.0-only
/*
 * rescap LSM - registration
 *
 * The LSM build of rescap: the engine shared with the loadable module,
 * attached through LSM hooks that can refuse a growth (hooks.c), with
 * the same control plane: the "rescap" generic netlink family and
 * /proc/rescap.
 */

#define pr_fmt(fmt) "rescap: " fmt

#include <linux/init.h>
#include <linux/lsm_hooks.h>
#include <uapi/linux/lsm.h>

#include "engine.h"
#include "hooks.h"
#include "setup.h"

const struct lsm_id rescap_lsmid = {
	.name = RESCAP_LSM_NAME,
	.id = LSM_ID_RESCAP,
};

struct lsm_blob_sizes rescap_blob_sizes __ro_after_init = {
	.lbs_task = sizeof(struct rescap_task_cache),
};

static bool rescap_enabled __ro_after_init;

static int __init rescap_lsm_init(void)
{
	/* The framework has made lbs_task our blob's offset by now. */
	rescap_task_cache_offset = rescap_blob_sizes.lbs_task;
	rescap_add_hooks();
	rescap_enabled = true;
	pr_info("LSM initialized\n");
	return 0;
}

/*
 * LSM hooks are always called: the engine's first test in each of them is
 * what nothing tracked costs, with nothing to attach or take away.
 */
int rescap_hooks_get(void)
{
	return 0;
}

void rescap_hooks_put(void)
{
}

void rescap_hooks_idle(void)
{
}

/*
 * The control plane needs generic netlink and procfs, which come up after
 * the LSMs: the engine starts from an initcall, before the first user
 * space process.
 */
static int __init rescap_lsm_start(void)
{
	int err;

	if (!rescap_enabled)
		return 0;
	err = rescap_engine_init();
	if (!err) {
		err = rescap_engine_start(true);
		if (err)
			rescap_engine_exit();
	}
	if (err)
		pr_err("cannot start: %d; nothing can be tracked\n", err);
	return err;
}
fs_initcall(rescap_lsm_start);

DEFINE_LSM(rescap) = {
	.name = RESCAP_LSM_NAME,
	.init = rescap_lsm_init,
	.blobs = &rescap_blob_sizes,
};
