// SPDX-License-Identifier: GPL-2.0-only
/*
 * rescap - loadable module attachment
 *
 * Attaches the rescap engine to an unmodified kernel through tracepoints
 * and ftrace callbacks (probes.c). The module reacts once a process's
 * usage has grown, before the process returns to user space; refusing
 * the allocation itself (the deny action) needs the LSM build.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/module.h>

#include "engine.h"
#include "probes.h"

static int __init rescap_module_init(void)
{
	int err;

	err = rescap_engine_init();
	if (err)
		return err;
	err = rescap_probes_attach();
	if (err)
		goto engine;
	err = rescap_engine_start(false);
	if (err)
		goto probes;
	pr_info("loaded\n");
	return 0;
probes:
	rescap_probes_detach();
engine:
	rescap_engine_exit();
	return err;
}

static void __exit rescap_module_exit(void)
{
	rescap_engine_stop();
	rescap_probes_detach();
	rescap_engine_exit();
	pr_info("unloaded\n");
}

module_init(rescap_module_init);
module_exit(rescap_module_exit);

MODULE_DESCRIPTION("rescap: per-process heap and file descriptor caps");
MODULE_LICENSE("GPL");
/* The package's version: DKMS builds (and make modules) pass RESCAP_VERSION. */
#ifndef RESCAP_VERSION
#define RESCAP_VERSION "unknown"
#endif
MODULE_VERSION(RESCAP_VERSION);
