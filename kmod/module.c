// SPDX-License-Identifier: GPL-2.0-only
/*
 * rescap - loadable module attachment
 *
 * Attaches the rescap engine to an unmodified kernel.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/module.h>

#include "proc.h"

static int __init rescap_module_init(void)
{
	const int err = rescap_proc_init();

	if (err)
		return err;
	pr_info("loaded\n");
	return 0;
}

static void __exit rescap_module_exit(void)
{
	rescap_proc_exit();
	pr_info("unloaded\n");
}

module_init(rescap_module_init);
module_exit(rescap_module_exit);

MODULE_DESCRIPTION("rescap: per-process heap and file descriptor caps");
MODULE_LICENSE("GPL");
