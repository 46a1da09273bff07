// SPDX-License-Identifier: GPL-2.0-only
/*
 * rescap - /proc/rescap
 *
 * One line per tracked process the reader may inspect (see
 * rescap_may_inspect()) and can see in its pid namespace, with a header,
 * in aligned columns. Sizes are in bytes; a missing cap is "max", as in
 * cgroup v2 files. COMM and CGROUP escape white space and backslashes as
 * octal (\040), as /proc/mounts does, so each line splits on white space.
 */

#include <linux/pid_namespace.h>
#include <linux/proc_fs.h>
#include <linux/sched/task.h>
#include <linux/seq_file.h>
#include <linux/slab.h>

#include "measure.h"
#include "process.h"
#include "proc.h"

#define RESCAP_PROC_BATCH 32

static void rescap_proc_escaped(struct seq_file *const m, const char *s,
				const int width)
{
	int n = 0;

	for (; *s; s++) {
		if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\\') {
			seq_printf(m, "\\%03o", (unsigned char)*s);
			n += 4;
		} else {
			seq_putc(m, *s);
			n++;
		}
	}
	for (; n < width; n++)
		seq_putc(m, ' ');
}

static void rescap_proc_line(struct seq_file *const m,
			     struct rescap_proc *const proc,
			     struct pid_namespace *const ns, char *const path)
{
	struct rescap_snapshot snap;
	struct task_struct *leader;
	struct rescap_caps caps;
	const pid_t nr = pid_nr_ns(proc->pid, ns);
	bool visible;

	if (!nr || !rescap_proc_registered(proc))
		return;
	leader = get_pid_task(proc->pid, PIDTYPE_TGID);
	if (!leader)
		return;
	visible = rescap_may_inspect(m->file, leader);
	if (visible && rescap_task_cgroup_path_ns(leader, path, PATH_MAX) < 0)
		strscpy(path, "-", PATH_MAX);
	put_task_struct(leader);
	if (!visible || rescap_snapshot(proc->pid, &snap))
		return;
	spin_lock(&proc->lock);
	caps = proc->caps;
	spin_unlock(&proc->lock);

	seq_printf(m, "%-8d ", nr);
	rescap_proc_escaped(m, snap.comm, 16);
	seq_printf(m, " %-5c %14llu ", snap.state, snap.usage.heap);
	if (caps.heap == RESCAP_NO_CAP)
		seq_printf(m, "%14s ", "max");
	else
		seq_printf(m, "%14llu ", caps.heap);
	seq_printf(m, "%8llu ", snap.usage.fds);
	if (caps.fds == RESCAP_NO_CAP)
		seq_printf(m, "%8s ", "max");
	else
		seq_printf(m, "%8llu ", caps.fds);
	seq_printf(m, "%-6s ", rescap_action_name(caps.action));
	rescap_proc_escaped(m, path, 0);
	seq_putc(m, '\n');
}

static int rescap_proc_show(struct seq_file *const m, void *const v)
{
	struct rescap_proc *procs[RESCAP_PROC_BATCH];
	struct pid_namespace *const ns = proc_pid_ns(file_inode(m->file)->i_sb);
	struct rescap_proc *last = NULL;
	u64 cursor = 0;
	char *path;
	int i, n;

	seq_printf(m, "%-8s %-16s %-5s %14s %14s %8s %8s %-6s %s\n",
		   "PID", "COMM", "STATE", "HEAP", "HEAP_CAP", "FDS",
		   "FD_CAP", "ACTION", "CGROUP");
	path = kmalloc(PATH_MAX, GFP_KERNEL);
	if (!path)
		return -ENOMEM;
	do {
		n = rescap_procs_collect(cursor, last, procs,
					 ARRAY_SIZE(procs));
		rescap_proc_put(last);
		last = NULL;
		for (i = 0; i < n; i++) {
			rescap_proc_line(m, procs[i], ns, path);
			cursor = procs[i]->seq;
			if (i == n - 1)
				last = procs[i];	/* where to go on from */
			else
				rescap_proc_put(procs[i]);
		}
	} while (n);
	kfree(path);
	return 0;
}

int rescap_procfs_init(void)
{
	if (!proc_create_single("rescap", 0444, NULL, rescap_proc_show))
		return -ENOMEM;
	return 0;
}

void rescap_procfs_exit(void)
{
	remove_proc_entry("rescap", NULL);
}
