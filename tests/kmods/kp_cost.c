// SPDX-License-Identifier: GPL-2.0-only
/*
 * kp_cost - what empty kprobes on rescap's three growth points cost.
 *
 * make bench loads it to compare kprobes with the ftrace callbacks rescap
 * attaches with, on the same functions.
 */

#include <linux/init.h>
#include <linux/kprobes.h>
#include <linux/module.h>

static int kp_cost_pre(struct kprobe *p, struct pt_regs *regs)
{
	return 0;
}

static struct kprobe kp_cost_kps[] = {
	{ .symbol_name = "may_expand_vm", .pre_handler = kp_cost_pre },
	{ .symbol_name = "alloc_fd", .pre_handler = kp_cost_pre },
	{ .symbol_name = "do_dup2", .pre_handler = kp_cost_pre },
};

static struct kprobe *kp_cost_list[ARRAY_SIZE(kp_cost_kps)];

static int __init kp_cost_init(void)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(kp_cost_kps); i++)
		kp_cost_list[i] = &kp_cost_kps[i];
	return register_kprobes(kp_cost_list, ARRAY_SIZE(kp_cost_list));
}

static void __exit kp_cost_exit(void)
{
	unregister_kprobes(kp_cost_list, ARRAY_SIZE(kp_cost_list));
}

module_init(kp_cost_init);
module_exit(kp_cost_exit);

MODULE_DESCRIPTION("rescap test bed: empty kprobes on the growth points");
MODULE_LICENSE("GPL");
