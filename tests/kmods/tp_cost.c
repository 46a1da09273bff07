// SPDX-License-Identifier: GPL-2.0-only
/*
 * tp_cost - what attaching to the sys_exit tracepoint costs everyone.
 *
 * Attaches an empty probe to sys_exit, as a module that watched syscall
 * returns would, so that make bench can show the price of that design
 * next to the kprobes rescap uses: every syscall of every process takes
 * the slow path while any sys_exit probe is attached.
 */

#include <linux/init.h>
#include <linux/module.h>
#include <linux/ptrace.h>
#include <linux/string.h>
#include <linux/tracepoint.h>

static struct tracepoint *tp_cost_tp;

static void tp_cost_probe(void *data, struct pt_regs *regs, long ret)
{
}

static void tp_cost_find(struct tracepoint *tp, void *priv)
{
	if (!strcmp(tp->name, "sys_exit"))
		tp_cost_tp = tp;
}

static int __init tp_cost_init(void)
{
	for_each_kernel_tracepoint(tp_cost_find, NULL);
	if (!tp_cost_tp)
		return -ENOENT;
	return tracepoint_probe_register(tp_cost_tp, tp_cost_probe, NULL);
}

static void __exit tp_cost_exit(void)
{
	tracepoint_probe_unregister(tp_cost_tp, tp_cost_probe, NULL);
	tracepoint_synchronize_unregister();
}

module_init(tp_cost_init);
module_exit(tp_cost_exit);

MODULE_DESCRIPTION("rescap test bed: an empty sys_exit tracepoint probe");
MODULE_LICENSE("GPL");
