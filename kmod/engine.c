// SPDX-License-Identifier: GPL-2.0-only
/*
 * rescap - the engine: start, stop, process lifetime
 */

#include <linux/sched.h>
#include <linux/sched/signal.h>

#include "armed.h"
#include "engine.h"
#include "events.h"
#include "group.h"
#include "lifetime.h"
#include "measure.h"
#include "netlink.h"
#include "proc.h"
#include "process.h"

/**
 * rescap_engine_init - set up the engine's state and see processes exit
 *
 * Attaches to process fork and exit (lifetime.c), to cgroup removal
 * (group.c) and to cgroup creation (armed.c). The attachment then
 * hooks growth, and only after that opens the control plane with
 * rescap_engine_start(): no process can be registered before its exit
 * would be seen.
 *
 * Context: process context.
 * Return: 0 or a negative errno.
 */
int rescap_engine_init(void)
{
	int err;

	err = rescap_procs_init();
	if (err)
		return err;
	err = rescap_groups_init();
	if (err)
		goto procs;
	err = rescap_groups_attach();
	if (err)
		goto groups;
	err = rescap_armed_attach();
	if (err)
		goto detach;
	err = rescap_lifetime_attach();
	if (!err)
		return 0;
	rescap_armed_detach();
detach:
	rescap_groups_detach();
groups:
	rescap_groups_exit();
procs:
	rescap_procs_exit();
	return err;
}

/**
 * rescap_engine_start - open the control plane: netlink, /proc/rescap
 * @refusing: whether the attachment refuses a growth its hooks are told to
 *            refuse, which makes the deny action available
 *
 * Context: process context.
 * Return: 0 or a negative errno.
 */
int rescap_engine_start(const bool refusing)
{
	int err;

	rescap_enforce_init(refusing);
	err = rescap_netlink_init(refusing);
	if (err)
		return err;
	err = rescap_procfs_init();
	if (err)
		rescap_netlink_exit();
	return err;
}

/**
 * rescap_engine_stop - close the control plane
 *
 * Context: process context.
 */
void rescap_engine_stop(void)
{
	rescap_procfs_exit();
	rescap_netlink_exit();
}

/**
 * rescap_engine_exit - untrack everything and free the engine's state
 *
 * Context: process context; the attachment's hooks are detached already.
 */
void rescap_engine_exit(void)
{
	rescap_lifetime_detach();
	rescap_armed_detach();
	rescap_groups_detach();
	rescap_checks_drain();
	rescap_procs_exit();
	rescap_groups_exit();
}

/**
 * rescap_engine_idle - whether the engine has nothing to govern
 *
 * No process is tracked, no cgroup has a policy and no path is armed: no
 * growth anywhere needs a look, and the attachment may take its growth
 * hooks away until rescap_hooks_get().
 *
 * Context: any.
 * Return: true when nothing is tracked, governed or armed.
 */
bool rescap_engine_idle(void)
{
	return !rescap_tracking() && !rescap_grouping() && !rescap_armed_any();
}

/**
 * rescap_task_forked - a task was created
 * @parent: the forking task
 * @child: the new task, not running yet
 *
 * Context: the fork path, may be atomic.
 */
void rescap_task_forked(struct task_struct *const parent,
			struct task_struct *const child)
{
	if (rescap_tracking())
		rescap_proc_fork(parent, child);
}

/**
 * rescap_task_exiting - a thread exits
 * @task: the thread, counted out of signal->live already
 *
 * Context: the exit path, may be atomic.
 */
void rescap_task_exiting(struct task_struct *const task)
{
	struct rescap_proc *proc;

	if (!rescap_tracking())
		return;
	proc = rescap_proc_exit(task);
	if (proc) {
		/*
		 * The last look at its descriptors, for a peak kept lazily:
		 * its table is still there (exit_files() comes later), the
		 * tables of its other threads are gone already.
		 */
		if (task == current && task->files)
			rescap_peak_raise(&proc->fds_peak,
					  rescap_fd_count(task->files));
		if (rescap_proc_registered(proc))
			rescap_event_exited(task, proc, GFP_ATOMIC);
		rescap_proc_put(proc);
	}
}
