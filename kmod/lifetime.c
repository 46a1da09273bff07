// SPDX-License-Identifier: GPL-2.0-only
/*
 * rescap - process lifetime: the fork and exit tracepoints
 *
 * Both builds see processes fork and exit through the sched_process_fork
 * and sched_process_exit tracepoints, looked up by name (their symbols are
 * not exported to modules). No LSM hook fits: task_alloc runs before the
 * child has a pid, and task_free long after the exit.
 */

#define pr_fmt(fmt) "rescap: " fmt

#include <linux/sched.h>
#include <linux/tracepoint.h>

#include "engine.h"
#include "lifetime.h"

static void rescap_tp_fork(void *const data, struct task_struct *const parent,
			   struct task_struct *const child)
{
	rescap_task_forked(parent, child);
}

static void rescap_tp_exit(void *const data, struct task_struct *const task)
{
	rescap_task_exiting(task);
}

/**
 * struct rescap_tp - a tracepoint to attach to
 * @name: its name
 * @probe: our probe
 * @tp: the tracepoint, once found
 */
struct rescap_tp {
	const char *name;
	void *probe;
	struct tracepoint *tp;
};

/* In attach order: exit before fork, so no entry is made unseen. */
static struct rescap_tp rescap_tps[] = {
	{ .name = "sched_process_exit", .probe = rescap_tp_exit },
	{ .name = "sched_process_fork", .probe = rescap_tp_fork },
};

static void rescap_tp_find(struct tracepoint *const tp, void *const priv)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(rescap_tps); i++)
		if (!strcmp(tp->name, rescap_tps[i].name))
			rescap_tps[i].tp = tp;
}

static void rescap_tps_detach(int n)
{
	while (n--)
		tracepoint_probe_unregister(rescap_tps[n].tp,
					    rescap_tps[n].probe, NULL);
	tracepoint_synchronize_unregister();
}

/**
 * rescap_lifetime_attach - attach to process fork and exit
 *
 * Context: process context.
 * Return: 0, or the error of the tracepoint that could not be attached
 * (its name is logged).
 */
int rescap_lifetime_attach(void)
{
	int i, err;

	for_each_kernel_tracepoint(rescap_tp_find, NULL);
	for (i = 0; i < ARRAY_SIZE(rescap_tps); i++) {
		err = -ENOENT;
		if (rescap_tps[i].tp)
			err = tracepoint_probe_register(rescap_tps[i].tp,
							rescap_tps[i].probe,
							NULL);
		if (err) {
			pr_err("cannot attach to tracepoint %s: %d\n",
			       rescap_tps[i].name, err);
			rescap_tps_detach(i);
			return err;
		}
	}
	return 0;
}

/**
 * rescap_lifetime_detach - detach; no probe runs on return
 *
 * Context: process context.
 */
void rescap_lifetime_detach(void)
{
	rescap_tps_detach(ARRAY_SIZE(rescap_tps));
}
