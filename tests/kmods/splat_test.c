// SPDX-License-Identifier: GPL-2.0-only
/*
 * splat_test - proves the VM runner's splat detector works.
 *
 * Loading it triggers one WARN_ON on purpose; the runner must then report
 * the boot as failed. Never load it anywhere but the test VM.
 */

#include <linux/bug.h>
#include <linux/init.h>
#include <linux/module.h>

static int __init splat_test_init(void)
{
	WARN_ON(1);
	return 0;
}

static void __exit splat_test_exit(void)
{
}

module_init(splat_test_init);
module_exit(splat_test_exit);

MODULE_DESCRIPTION("rescap test bed: triggers a WARN_ON on load");
MODULE_LICENSE("GPL");
