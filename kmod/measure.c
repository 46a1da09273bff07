// SPDX-License-Identifier: GPL-2.0-only
/*
 * rescap - measuring a process
 *
 * Usage is read from the kernel's own state whenever it is needed, never
 * kept as a counter of our own that could drift: the heap is mm->data_vm,
 * the descriptors are the bits set in the open_fds bitmaps of the file
 * tables of its threads (which include a descriptor reserved but not yet
 * installed).
 */

#include <linux/capability.h>
#include <linux/cgroup.h>
#include <linux/cred.h>
#include <linux/fdtable.h>
#include <linux/kernfs.h>
#include <linux/nsproxy.h>
#include <linux/rcupdate.h>
#include <linux/sched/coredump.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>

#include "group.h"
#include "measure.h"

/**
 * rescap_fd_count - open descriptors in a file table
 * @files: the table
 *
 * O(max_fds / BITS_PER_LONG).
 *
 * Return: the number of bits set in the table's open_fds.
 */
u64 rescap_fd_count(struct files_struct *const files)
{
	bool exact = true;

	return rescap_fd_bound(files, UINT_MAX, &exact);
}

/* How many distinct file tables of one process are told apart. */
#define RESCAP_TABLES_MAX 16

/**
 * rescap_process_fds_bound - open descriptors of a process, or a bound
 * @task: any thread of the process
 * @counted: as for rescap_fd_bound(), for each table
 * @exact: cleared when the result is a bound, left alone otherwise
 *
 * The descriptors in the file tables of all its threads. A thread that
 * unshared its table (unshare(CLONE_FILES), close_range() with
 * CLOSE_RANGE_UNSHARE, a clone() of a thread without CLONE_FILES) has one
 * of its own, a copy that counts again every descriptor it holds; each
 * table is counted once. Beyond RESCAP_TABLES_MAX distinct tables, a table
 * may be counted once for each thread that holds it: more, never less.
 *
 * O(threads + table sizes up to @counted / BITS_PER_LONG).
 *
 * Context: any task context, may be atomic; takes each thread's task_lock
 * (never held when a file table's file_lock is taken).
 * Return: the number of open descriptors, or a bound on it.
 */
u64 rescap_process_fds_bound(struct task_struct *const task,
			     const unsigned int counted, bool *const exact)
{
	const struct files_struct *seen[RESCAP_TABLES_MAX];
	unsigned int nseen = 0, i;
	struct files_struct *files;
	struct task_struct *t;
	u64 n = 0;

	rcu_read_lock();
	for_each_thread(task, t) {
		task_lock(t);
		files = t->files;
		for (i = 0; files && i < nseen; i++)
			if (seen[i] == files)
				files = NULL;
		if (files) {
			n += rescap_fd_bound(files, counted, exact);
			if (nseen < ARRAY_SIZE(seen))
				seen[nseen++] = files;
		}
		task_unlock(t);
	}
	rcu_read_unlock();
	return n;
}

/**
 * rescap_process_fds - open descriptors of a process
 * @task: any thread of the process
 *
 * As rescap_process_fds_bound(), every table counted.
 *
 * Return: the number of open descriptors.
 */
u64 rescap_process_fds(struct task_struct *const task)
{
	bool exact = true;

	return rescap_process_fds_bound(task, UINT_MAX, &exact);
}

static u64 rescap_rss_anon_bytes(struct mm_struct *const mm)
{
	const long pages = get_mm_counter(mm, MM_ANONPAGES);

	return pages > 0 ? (u64)pages << PAGE_SHIFT : 0;
}

/*
 * Reads what @what asks of @task's address space and file table; false
 * if it has no mm.
 */
static bool rescap_measure_task(struct task_struct *const task,
				struct rescap_usage *const usage,
				const unsigned int what)
{
	bool found = false;

	task_lock(task);
	if (task->mm) {
		if (what & RESCAP_MEASURE_HEAP) {
			usage->heap = rescap_heap_bytes(task->mm);
			usage->rss_anon = rescap_rss_anon_bytes(task->mm);
		}
		found = true;
	}
	task_unlock(task);
	if (found && (what & RESCAP_MEASURE_FDS))
		usage->fds = rescap_process_fds(task);
	return found;
}

/**
 * rescap_usage_of_task - the usage of a task's process, from that task
 * @task: a task with a stable mm and file table (current, or a new child)
 * @usage: filled in; zero where the task has none, or not asked for
 * @what: RESCAP_MEASURE_HEAP, RESCAP_MEASURE_FDS, or both
 */
void rescap_usage_of_task(struct task_struct *const task,
			  struct rescap_usage *const usage,
			  const unsigned int what)
{
	*usage = (struct rescap_usage){};
	rescap_measure_task(task, usage, what);
}

/* The first live thread of the group: the leader may be a zombie. */
static bool rescap_measure_group(struct task_struct *const leader,
				 struct rescap_usage *const usage)
{
	struct task_struct *t;

	for_each_thread(leader, t)
		if (rescap_measure_task(t, usage, RESCAP_MEASURE_ALL))
			return true;
	return false;
}

/**
 * rescap_usage_of - the usage of a thread group
 * @tgid: the thread group's struct pid
 * @usage: filled in
 *
 * Return: 0, or -ESRCH when the group is gone.
 */
int rescap_usage_of(struct pid *const tgid, struct rescap_usage *const usage)
{
	struct task_struct *leader;
	int err = -ESRCH;

	*usage = (struct rescap_usage){};
	rcu_read_lock();
	leader = pid_task(tgid, PIDTYPE_TGID);
	if (leader) {
		rescap_measure_group(leader, usage);
		err = 0;
	}
	rcu_read_unlock();
	return err;
}

/**
 * rescap_snapshot - a thread group's usage and identity
 * @tgid: the thread group's struct pid
 * @snap: filled in
 *
 * Return: 0, or -ESRCH when the group is gone.
 */
int rescap_snapshot(struct pid *const tgid, struct rescap_snapshot *const snap)
{
	struct task_struct *leader;

	*snap = (struct rescap_snapshot){};
	rcu_read_lock();
	leader = pid_task(tgid, PIDTYPE_TGID);
	if (!leader) {
		rcu_read_unlock();
		return -ESRCH;
	}
	rescap_measure_group(leader, &snap->usage);
	get_task_comm(snap->comm, leader);
	snap->state = task_index_to_char(task_state_index(leader));
	snap->uid = task_uid(leader);
#ifdef CONFIG_CGROUPS
	snap->cgroup_id = cgroup_id(task_dfl_cgroup(leader));
#endif
	rcu_read_unlock();
	return 0;
}

/**
 * rescap_cgroup_path - a task's cgroup v2 path from the hierarchy's root
 * @task: the task
 * @buf: where to write it
 * @len: size of @buf
 *
 * Context: any; takes no sleeping lock.
 * Return: the length of the path, or a negative errno (-ENAMETOOLONG if
 * @buf is too small, -ENOENT without cgroups).
 */
int rescap_cgroup_path(struct task_struct *const task, char *const buf,
		       const size_t len)
{
#ifdef CONFIG_CGROUPS
	int ret;

	rcu_read_lock();
	ret = kernfs_path_from_node(task_dfl_cgroup(task)->kn, NULL, buf, len);
	rcu_read_unlock();
	if (ret >= (int)len)
		return -ENAMETOOLONG;
	return ret;
#else
	return -ENOENT;
#endif
}

/**
 * rescap_cgroup_path_ns - a cgroup's path as current's cgroup namespace
 * sees it
 * @cgrp: the cgroup
 * @buf: where to write it
 * @len: size of @buf
 *
 * Relative to the root of current's cgroup namespace, as
 * /proc/self/cgroup shows paths: a cgroup outside it starts with "/..".
 *
 * Context: process context, may sleep.
 * Return: the length of the path, or a negative errno (-ENAMETOOLONG if
 * @buf is too small).
 */
int rescap_cgroup_path_ns(struct cgroup *const cgrp, char *const buf,
			  const size_t len)
{
	const int ret = cgroup_path_ns(cgrp, buf, len,
				       current->nsproxy->cgroup_ns);

	if (ret >= (int)len)
		return -ENAMETOOLONG;
	return ret;
}

/**
 * rescap_task_cgroup_path_ns - a task's cgroup v2 path as current's cgroup
 * namespace sees it
 * @task: the task
 * @buf: where to write it
 * @len: size of @buf
 *
 * Context: process context, may sleep.
 * Return: as rescap_cgroup_path_ns(), or -ESRCH when the task is leaving
 * its cgroup as it is asked.
 */
int rescap_task_cgroup_path_ns(struct task_struct *const task,
			       char *const buf, const size_t len)
{
	struct cgroup *cgrp;
	int ret;

	rcu_read_lock();
	cgrp = task_dfl_cgroup(task);
	if (!css_tryget(&cgrp->self))
		cgrp = NULL;
	rcu_read_unlock();
	if (!cgrp)
		return -ESRCH;
	ret = rescap_cgroup_path_ns(cgrp, buf, len);
	cgroup_put(cgrp);
	return ret;
}

static bool rescap_capable(const struct file *const file,
			   struct user_namespace *const ns, const int cap)
{
	return file ? file_ns_capable(file, ns, cap) :
		      ns_capable_noaudit(ns, cap);
}

/**
 * rescap_may_inspect - whether a reader may see a process in /proc/rescap
 * or get it over netlink
 * @file: the file it reads, whose opener's credentials decide (as for
 *        /proc/PID files), or NULL for current's (a netlink request)
 * @task: the process's leader
 *
 * The credential part of the ptrace read check of /proc/PID files (the
 * module cannot call ptrace_may_access()): the reader's fs ids equal all
 * of the target's ids and the target is dumpable, or the reader has
 * CAP_SYS_PTRACE in the user namespace of the target's address space
 * (of its credentials when it has none). CAP_SYS_RESOURCE, rescap's own
 * admin capability, sees everything too.
 *
 * Return: true when the reader may see @task.
 */
bool rescap_may_inspect(const struct file *const file,
			struct task_struct *const task)
{
	const struct cred *const cred = file ? file->f_cred : current_cred();
	const struct cred *tcred;
	bool ok;

	if (same_thread_group(task, current) ||
	    rescap_capable(file, &init_user_ns, CAP_SYS_RESOURCE))
		return true;
	tcred = get_task_cred(task);
	ok = uid_eq(cred->fsuid, tcred->euid) &&
	     uid_eq(cred->fsuid, tcred->suid) &&
	     uid_eq(cred->fsuid, tcred->uid) &&
	     gid_eq(cred->fsgid, tcred->egid) &&
	     gid_eq(cred->fsgid, tcred->sgid) &&
	     gid_eq(cred->fsgid, tcred->gid);
	task_lock(task);
	if (ok && task->mm && get_dumpable(task->mm) != SUID_DUMP_USER)
		ok = false;
	/* As ptrace: the address space's namespace, under task_lock. */
	if (!ok)
		ok = rescap_capable(file, task->mm ? task->mm->user_ns :
						     tcred->user_ns,
				    CAP_SYS_PTRACE);
	task_unlock(task);
	put_cred(tcred);
	return ok;
}

/**
 * rescap_cgroup_members - each process of a cgroup and its descendants
 * @cgrp: the cgroup
 * @fn: called with the leader of each process whose domain cgroup
 *      (rescap_task_domain()) is @cgrp or below it, and its usage, under
 *      RCU: it must not sleep
 * @arg: for @fn
 *
 * Kernel threads and processes without an address space are left out.
 * O(number of processes): for the control plane, never a hot path.
 *
 * Context: process context.
 */
void rescap_cgroup_members(struct cgroup *const cgrp,
			   void (*fn)(struct task_struct *leader,
				      const struct rescap_usage *usage,
				      void *arg),
			   void *const arg)
{
	struct rescap_usage usage;
	struct task_struct *p;

	rcu_read_lock();
	for_each_process(p) {
		if ((p->flags & PF_KTHREAD) ||
		    !cgroup_is_descendant(rescap_task_domain(p), cgrp))
			continue;
		usage = (struct rescap_usage){};
		if (rescap_measure_group(p, &usage))
			fn(p, &usage, arg);
	}
	rcu_read_unlock();
}
