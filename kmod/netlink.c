// SPDX-License-Identifier: GPL-2.0-only
/*
 * rescap - the generic netlink control plane
 *
 * The request handlers of the "rescap" family (include/rescap.yaml is the
 * contract; the policy and ops tables in nl-gen.c are generated from it).
 * Handlers run in the requester's context: current is the caller, whose
 * pid namespace names the pids of requests and replies.
 */

#include <linux/capability.h>
#include <linux/cgroup.h>
#include <linux/cred.h>
#include <linux/file.h>
#include <linux/kernfs.h>
#include <linux/magic.h>
#include <linux/pid_namespace.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/stringify.h>
#include <linux/user_namespace.h>
#include <net/genetlink.h>
#include <net/sock.h>

#include "armed.h"
#include "group.h"
#include "measure.h"
#include "netlink.h"
#include "nl-gen.h"
#include "policy.h"
#include "process.h"

/* How many entries a dump takes references on at a time. */
#define RESCAP_DUMP_BATCH 32

/* The members a get of a cgroup lists one by one, and its reply's size. */
#define RESCAP_GROUP_MEMBERS_MAX 256
#define RESCAP_GROUP_REPLY_SIZE (32 * 1024)

static bool rescap_deny_supported;

static const struct genl_multicast_group rescap_mcgrps[] = {
	[RESCAP_NLGRP_EVENTS] = {
		.name = RESCAP_EVENTS_MCGRP_NAME,
		.flags = GENL_MCAST_CAP_NET_ADMIN,
	},
};

struct genl_family rescap_family = {
	.name = RESCAP_FAMILY_NAME,
	.version = RESCAP_FAMILY_VERSION,
	.maxattr = ARRAY_SIZE(rescap_nl_policy) - 1,
	.policy = rescap_nl_policy,
	.module = THIS_MODULE,
	.small_ops = rescap_nl_ops,
	.n_small_ops = ARRAY_SIZE(rescap_nl_ops),
	.resv_start_op = RESCAP_CMD_RESET + 1,
	.mcgrps = rescap_mcgrps,
	.n_mcgrps = ARRAY_SIZE(rescap_mcgrps),
};

/*
 * The struct pid behind a pidfd. The module cannot call pidfd_pid(), so
 * it recognizes a pidfd by what only the kernel creates: an inode of
 * pidfs, whose i_private is the pid (as in 6.12), or before pidfs (as in
 * 6.1) an anonymous inode file named "[pidfd]", whose private_data is.
 */
static struct pid *rescap_pidfd_pid(struct file *const file)
{
#ifdef PID_FS_MAGIC
	if (file_inode(file)->i_sb->s_magic == PID_FS_MAGIC)
		return file_inode(file)->i_private;
#else
	if (file_inode(file)->i_sb->s_magic == ANON_INODE_FS_MAGIC &&
	    !strcmp(file->f_path.dentry->d_name.name, "[pidfd]"))
		return file->private_data;
#endif
	return ERR_PTR(-EBADF);
}

/*
 * The thread group leader of the process behind the pidfd in @attr, with
 * a reference; NULL if it has exited; an ERR_PTR if @attr is no pidfd.
 */
static struct task_struct *rescap_nl_pidfd_task(struct genl_info *const info,
						const struct nlattr *const attr)
{
	const s32 fd = nla_get_s32(attr);
	struct task_struct *task;
	struct file *file;
	struct pid *pid;

	file = fd >= 0 ? fget(fd) : NULL;
	if (!file) {
		NL_SET_ERR_MSG_ATTR(info->extack, attr, "not an open descriptor");
		return ERR_PTR(-EBADF);
	}
	pid = rescap_pidfd_pid(file);
	if (IS_ERR(pid)) {
		fput(file);
		NL_SET_ERR_MSG_ATTR(info->extack, attr, "not a pidfd");
		return ERR_CAST(pid);
	}
	rcu_read_lock();
	task = pid_task(pid, PIDTYPE_PID) ?: pid_task(pid, PIDTYPE_TGID);
	if (task)
		task = get_task_struct(task->group_leader);
	rcu_read_unlock();
	fput(file);
	return task;
}

/*
 * The process a request names, by pid (in the caller's pid namespace; a
 * thread id names its process) or by pidfd. Returns a task reference on
 * the thread group leader, or an ERR_PTR.
 */
static struct task_struct *rescap_nl_target(struct genl_info *const info)
{
	struct nlattr *const *const attrs = info->attrs;
	struct task_struct *task = NULL;

	if (!!attrs[RESCAP_A_PID] == !!attrs[RESCAP_A_PIDFD]) {
		GENL_SET_ERR_MSG(info, "give exactly one of pid and pidfd");
		return ERR_PTR(-EINVAL);
	}
	if (attrs[RESCAP_A_PID]) {
		const u32 nr = nla_get_u32(attrs[RESCAP_A_PID]);

		if (!nr || nr > PID_MAX_LIMIT) {
			NL_SET_ERR_MSG_ATTR(info->extack, attrs[RESCAP_A_PID],
					    "not a process id");
			return ERR_PTR(-EINVAL);
		}
		rcu_read_lock();
		task = pid_task(find_vpid(nr), PIDTYPE_PID);
		if (task)
			task = get_task_struct(task->group_leader);
		rcu_read_unlock();
	} else {
		task = rescap_nl_pidfd_task(info, attrs[RESCAP_A_PIDFD]);
		if (IS_ERR(task))
			return task;
	}
	if (!task) {
		GENL_SET_ERR_MSG(info, "no such process");
		return ERR_PTR(-ESRCH);
	}
	return task;
}

/* Why a process can change nothing, itself or through a daemon. */
enum rescap_nl_capped {
	RESCAP_NL_FREE,
	RESCAP_NL_TRACKED,
	RESCAP_NL_GOVERNED,	/* by a cgroup policy */
};

static enum rescap_nl_capped rescap_nl_capped(struct task_struct *const task)
{
	struct rescap_proc *proc;
	bool tracked;

	rcu_read_lock();
	proc = rescap_proc_lookup(task_tgid(task));
	tracked = proc && rescap_proc_registered(proc);
	rcu_read_unlock();
	if (tracked)
		return RESCAP_NL_TRACKED;
	return rescap_governed(task) ? RESCAP_NL_GOVERNED : RESCAP_NL_FREE;
}

/*
 * Whether @cred has @cap in @ns, as the capability LSM decides it (an
 * effective capability in @ns or an ancestor, or the owner of a child of
 * the cred's namespace on the way), without an audit record.
 */
static bool rescap_cred_has_cap(const struct cred *const cred,
				struct user_namespace *ns, const int cap)
{
	for (;;) {
		if (ns == cred->user_ns)
			return cap_raised(cred->cap_effective, cap);
		if (ns->level <= cred->user_ns->level)
			return false;
		if (ns->parent == cred->user_ns && uid_eq(ns->owner, cred->euid))
			return true;
		ns = ns->parent;
	}
}

/*
 * The process a request is made for, named by caller-pidfd (a daemon's
 * client), is judged as if it asked itself: never when it is tracked or
 * governed (EPERM), and only with CAP_SYS_RESOURCE in the user namespace
 * of the socket's network namespace unless the daemon authorized it by
 * its own policy (caller-authorized; EACCES otherwise, so the daemon can
 * tell "ask polkit" from "never").
 */
static int rescap_nl_may_change_for(struct sk_buff *const skb,
				    struct genl_info *const info)
{
	struct nlattr *const attr = info->attrs[RESCAP_A_CALLER_PIDFD];
	struct task_struct *const task = rescap_nl_pidfd_task(info, attr);
	const struct cred *cred;
	enum rescap_nl_capped why;
	int err = 0;

	if (IS_ERR(task))
		return PTR_ERR(task);
	if (!task) {
		NL_SET_ERR_MSG_ATTR(info->extack, attr, "the caller has exited");
		return -ESRCH;
	}
	why = rescap_nl_capped(task);
	if (why == RESCAP_NL_TRACKED) {
		GENL_SET_ERR_MSG(info, "a tracked caller cannot change rescap state");
		err = -EPERM;
	} else if (why == RESCAP_NL_GOVERNED) {
		GENL_SET_ERR_MSG(info, "a caller under a cgroup policy cannot change rescap");
		err = -EPERM;
	} else if (!info->attrs[RESCAP_A_CALLER_AUTHORIZED]) {
		cred = get_task_cred(task);
		if (!rescap_cred_has_cap(cred, sock_net(skb->sk)->user_ns,
					 CAP_SYS_RESOURCE)) {
			GENL_SET_ERR_MSG(info, "the caller lacks CAP_SYS_RESOURCE");
			err = -EACCES;
		}
		put_cred(cred);
	}
	put_task_struct(task);
	return err;
}

/*
 * Mutations need CAP_SYS_RESOURCE (of the socket's opener and of the
 * caller), and never come from a tracked process or one governed by a
 * cgroup policy: a capped process, or a child it forks, can never lift
 * its own cap. A daemon's client named by caller-pidfd is judged too.
 */
static int rescap_nl_may_change(struct sk_buff *const skb,
				struct genl_info *const info)
{
	enum rescap_nl_capped why;

	if (!netlink_capable(skb, CAP_SYS_RESOURCE)) {
		GENL_SET_ERR_MSG(info, "CAP_SYS_RESOURCE is needed");
		return -EPERM;
	}
	why = rescap_nl_capped(current);
	if (why == RESCAP_NL_TRACKED) {
		GENL_SET_ERR_MSG(info, "a tracked process cannot change rescap state");
		return -EPERM;
	}
	if (why == RESCAP_NL_GOVERNED) {
		GENL_SET_ERR_MSG(info, "a process under a cgroup policy cannot change rescap");
		return -EPERM;
	}
	if (info->attrs[RESCAP_A_CALLER_AUTHORIZED] &&
	    !info->attrs[RESCAP_A_CALLER_PIDFD]) {
		GENL_SET_ERR_MSG(info, "caller-authorized needs caller-pidfd");
		return -EINVAL;
	}
	if (info->attrs[RESCAP_A_CALLER_PIDFD])
		return rescap_nl_may_change_for(skb, info);
	return 0;
}

/* Whether a request names a cgroup (and not a process). */
static bool rescap_nl_names_cgroup(const struct genl_info *const info)
{
	return info->attrs[RESCAP_A_CGROUP_ID] || info->attrs[RESCAP_A_CGROUP_FD];
}

/*
 * The cgroup a request names by cgroup-id or cgroup-fd, with a reference,
 * or an ERR_PTR. Permissions are checked before: an unprivileged caller
 * learns nothing of which cgroups exist.
 */
static struct cgroup *rescap_nl_cgroup(struct genl_info *const info)
{
	struct nlattr *const *const attrs = info->attrs;
	struct cgroup *cgrp;

	if (attrs[RESCAP_A_PID] || attrs[RESCAP_A_PIDFD] ||
	    (attrs[RESCAP_A_CGROUP_ID] && attrs[RESCAP_A_CGROUP_FD])) {
		GENL_SET_ERR_MSG(info, "give exactly one of pid, pidfd, cgroup-id and cgroup-fd");
		return ERR_PTR(-EINVAL);
	}
	if (attrs[RESCAP_A_CGROUP_ID]) {
		cgrp = cgroup_get_from_id(nla_get_u64(attrs[RESCAP_A_CGROUP_ID]));
		if (IS_ERR(cgrp)) {
			NL_SET_ERR_MSG_ATTR(info->extack, attrs[RESCAP_A_CGROUP_ID],
					    "no such cgroup");
			return ERR_PTR(-ENOENT);
		}
	} else {
		cgrp = cgroup_get_from_fd(nla_get_s32(attrs[RESCAP_A_CGROUP_FD]));
		if (IS_ERR(cgrp)) {
			NL_SET_ERR_MSG_ATTR(info->extack, attrs[RESCAP_A_CGROUP_FD],
					    "not a cgroup v2 directory");
			return ERR_PTR(-EBADF);
		}
	}
	return cgrp;
}

/* The entry of @task's process if registered, referenced, or an ERR_PTR. */
static struct rescap_proc *rescap_nl_tracked(struct genl_info *const info,
					     struct task_struct *const task)
{
	struct rescap_proc *proc;

	rcu_read_lock();
	proc = rescap_proc_get(task_tgid(task));
	rcu_read_unlock();
	if (proc && !rescap_proc_registered(proc)) {
		rescap_proc_put(proc);	/* a cgroup member only */
		proc = NULL;
	}
	if (!proc) {
		GENL_SET_ERR_MSG(info, "the process is not tracked");
		return ERR_PTR(-ENOENT);
	}
	return proc;
}

/*
 * The entry of a request's target, with a reference, and the task in
 * *@taskp, or an ERR_PTR. The target is resolved once: a pidfd number
 * that is pointed at another process meanwhile changes nothing.
 */
static struct rescap_proc *rescap_nl_target_proc(struct genl_info *const info,
						 struct task_struct **const taskp)
{
	struct task_struct *const task = rescap_nl_target(info);
	struct rescap_proc *proc;

	if (IS_ERR(task))
		return ERR_CAST(task);
	proc = rescap_nl_tracked(info, task);
	if (IS_ERR(proc))
		put_task_struct(task);
	else
		*taskp = task;
	return proc;
}

/*
 * The start of every request that changes a tracked process: the caller
 * may change things and the target is tracked. Returns the entry with a
 * reference and the task in *@taskp, or an ERR_PTR.
 */
static struct rescap_proc *rescap_nl_change_target(struct sk_buff *const skb,
						   struct genl_info *const info,
						   struct task_struct **const taskp)
{
	const int err = rescap_nl_may_change(skb, info);

	if (err)
		return ERR_PTR(err);
	return rescap_nl_target_proc(info, taskp);
}

/*
 * Applies the caps a register or set-cap request gives to @caps and
 * validates them.
 * Returns 0 or a negative errno, with the reason in the extended ack.
 */
static int rescap_nl_update_caps(struct genl_info *const info,
				 struct rescap_caps *const caps)
{
	struct nlattr *const *const attrs = info->attrs;
	int err;

	if (attrs[RESCAP_A_HEAP_CAP])
		caps->heap = nla_get_u64(attrs[RESCAP_A_HEAP_CAP]);
	if (attrs[RESCAP_A_FD_CAP])
		caps->fds = nla_get_u64(attrs[RESCAP_A_FD_CAP]);
	if (attrs[RESCAP_A_ACTION])
		caps->action = nla_get_u32(attrs[RESCAP_A_ACTION]);
	if (attrs[RESCAP_A_SOFT_PCT])
		caps->soft_pct = nla_get_u32(attrs[RESCAP_A_SOFT_PCT]);
	err = rescap_caps_check(caps, rescap_deny_supported);
	if (err == -EOPNOTSUPP)
		GENL_SET_ERR_MSG(info, "the deny action needs the LSM build of rescap");
	else if (err)
		GENL_SET_ERR_MSG(info, "caps must be at least " __stringify(RESCAP_CAP_MIN)
				 ", soft-pct at most " __stringify(RESCAP_SOFT_PCT_MAX));
	return err;
}

/*
 * Refuses, with ERANGE, a request that leaves @usage over a cap of @caps
 * (the caps as they will be) that it sets, or that it makes enforce, from
 * notify to deny or kill: no surprise kill of a process that is over a cap
 * already, unless the request says force. @old are the caps before.
 */
static int rescap_nl_check_usage(struct genl_info *const info,
				 const struct rescap_caps *const old,
				 const struct rescap_caps *const caps,
				 const struct rescap_usage *const usage)
{
	static const int cap_attrs[] = { RESCAP_A_HEAP_CAP, RESCAP_A_FD_CAP };
	struct nlattr *const *const attrs = info->attrs;
	const struct nlattr *const action = attrs[RESCAP_A_ACTION];
	const bool enforces = action && caps->action != old->action &&
			      caps->action != RESCAP_ACTION_NOTIFY;
	int i;

	if (attrs[RESCAP_A_FORCE])
		return 0;
	for (i = 0; i < ARRAY_SIZE(cap_attrs); i++) {
		const bool heap = cap_attrs[i] == RESCAP_A_HEAP_CAP;
		const struct nlattr *const attr = attrs[cap_attrs[i]];

		if ((attr || enforces) &&
		    rescap_cap_below_usage(heap ? caps->heap : caps->fds,
					   heap ? usage->heap : usage->fds)) {
			NL_SET_ERR_MSG_ATTR(info->extack, attr ?: action,
					    "usage over the cap already (set force to apply it)");
			return -ERANGE;
		}
	}
	return 0;
}

int rescap_nl_register_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct rescap_caps caps = rescap_caps_none;
	struct rescap_usage usage = {};
	struct task_struct *task;
	u32 flags = 0;
	int err;

	err = rescap_nl_may_change(skb, info);
	if (err)
		return err;
	task = rescap_nl_target(info);
	if (IS_ERR(task))
		return PTR_ERR(task);
	if (task->flags & PF_KTHREAD) {
		GENL_SET_ERR_MSG(info, "kernel threads are never tracked");
		err = -EINVAL;
		goto out;
	}
	if (is_global_init(task)) {
		GENL_SET_ERR_MSG(info, "init (pid 1) is never tracked");
		err = -EINVAL;
		goto out;
	}
	if (info->attrs[RESCAP_A_FLAGS])
		flags = nla_get_u32(info->attrs[RESCAP_A_FLAGS]);
	err = rescap_nl_update_caps(info, &caps);
	if (!err && !info->attrs[RESCAP_A_FORCE])
		err = rescap_usage_of(task_tgid(task), &usage);
	if (!err)
		err = rescap_nl_check_usage(info, &rescap_caps_none, &caps,
					    &usage);
	if (err)
		goto out;
	err = rescap_proc_register(task, flags, &caps);
	if (err == -EEXIST)
		GENL_SET_ERR_MSG(info, "the process is tracked already");
	else if (err == -ESRCH)
		GENL_SET_ERR_MSG(info, "the process is exiting");
out:
	put_task_struct(task);
	return err;
}

int rescap_nl_deregister_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct task_struct *task;
	struct rescap_proc *proc;
	int err = 0;

	proc = rescap_nl_change_target(skb, info, &task);
	if (IS_ERR(proc))
		return PTR_ERR(proc);
	if (!rescap_proc_unlink(proc)) {
		GENL_SET_ERR_MSG(info, "the process is not tracked");
		err = -ENOENT;
	}
	rescap_proc_put(proc);
	put_task_struct(task);
	return err;
}

/* Fills one process's attributes into a get reply or dump message. */
static int rescap_nl_fill(struct sk_buff *const skb,
			  struct rescap_proc *const proc,
			  const u32 portid, const u32 seq, const int flags)
{
	struct rescap_snapshot snap;
	struct task_struct *leader;
	struct rescap_caps caps;
	char state[2];
	char *path;
	void *hdr;
	int err;

	err = rescap_snapshot(proc->pid, &snap);
	if (err)
		return err;
	/* Peaks are raised lazily: a read counts as a look. */
	rescap_peak_raise(&proc->heap_peak, snap.usage.heap);
	rescap_peak_raise(&proc->fds_peak, snap.usage.fds);
	spin_lock(&proc->lock);
	caps = proc->caps;
	spin_unlock(&proc->lock);
	state[0] = snap.state;
	state[1] = '\0';
	hdr = genlmsg_put(skb, portid, seq, &rescap_family, flags,
			  RESCAP_CMD_GET);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_u32(skb, RESCAP_A_PID,
			pid_nr_ns(proc->pid, task_active_pid_ns(current))) ||
	    nla_put_string(skb, RESCAP_A_COMM, snap.comm) ||
	    nla_put_string(skb, RESCAP_A_STATE, state) ||
	    nla_put_u32(skb, RESCAP_A_UID,
			from_kuid_munged(current_user_ns(), snap.uid)) ||
	    nla_put_u32(skb, RESCAP_A_FLAGS, READ_ONCE(proc->flags)) ||
	    nla_put_u64_64bit(skb, RESCAP_A_HEAP, snap.usage.heap,
			      RESCAP_A_PAD) ||
	    nla_put_u64_64bit(skb, RESCAP_A_HEAP_PEAK,
			      atomic64_read(&proc->heap_peak), RESCAP_A_PAD) ||
	    nla_put_u64_64bit(skb, RESCAP_A_HEAP_CAP, caps.heap, RESCAP_A_PAD) ||
	    nla_put_u64_64bit(skb, RESCAP_A_RSS_ANON, snap.usage.rss_anon,
			      RESCAP_A_PAD) ||
	    nla_put_u64_64bit(skb, RESCAP_A_FDS, snap.usage.fds, RESCAP_A_PAD) ||
	    nla_put_u64_64bit(skb, RESCAP_A_FDS_PEAK,
			      atomic64_read(&proc->fds_peak), RESCAP_A_PAD) ||
	    nla_put_u64_64bit(skb, RESCAP_A_FD_CAP, caps.fds, RESCAP_A_PAD) ||
	    nla_put_u32(skb, RESCAP_A_ACTION, caps.action) ||
	    nla_put_u32(skb, RESCAP_A_SOFT_PCT, caps.soft_pct) ||
	    nla_put_u64_64bit(skb, RESCAP_A_CGROUP_ID, snap.cgroup_id,
			      RESCAP_A_PAD))
		goto cancel;

	path = kmalloc(PATH_MAX, GFP_KERNEL);
	if (!path)
		goto cancel;
	leader = get_pid_task(proc->pid, PIDTYPE_TGID);
	err = leader ? rescap_task_cgroup_path_ns(leader, path, PATH_MAX) :
		       -ESRCH;
	if (leader)
		put_task_struct(leader);
	if (err >= 0)
		err = nla_put_string(skb, RESCAP_A_CGROUP_PATH, path);
	kfree(path);
	if (err == -EMSGSIZE)
		goto cancel;
	genlmsg_end(skb, hdr);
	return 0;
cancel:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

/* The attributes of a cgroup and its policy (caps none without one). */
static int rescap_nl_put_group(struct sk_buff *const skb,
			       struct cgroup *const cgrp,
			       struct rescap_group *const group)
{
	struct rescap_caps caps = rescap_caps_none;
	u64 kills = 0;
	char *path;
	int len;

	if (group) {
		spin_lock(&group->lock);
		caps = group->caps;
		spin_unlock(&group->lock);
		kills = atomic64_read(&group->kills);
	}
	if (nla_put_u64_64bit(skb, RESCAP_A_CGROUP_ID, cgroup_id(cgrp),
			      RESCAP_A_PAD) ||
	    nla_put_u64_64bit(skb, RESCAP_A_HEAP_CAP, caps.heap, RESCAP_A_PAD) ||
	    nla_put_u64_64bit(skb, RESCAP_A_FD_CAP, caps.fds, RESCAP_A_PAD) ||
	    nla_put_u32(skb, RESCAP_A_ACTION, caps.action) ||
	    nla_put_u32(skb, RESCAP_A_SOFT_PCT, caps.soft_pct) ||
	    nla_put_u64_64bit(skb, RESCAP_A_KILLS, kills, RESCAP_A_PAD))
		return -EMSGSIZE;
	path = kmalloc(PATH_MAX, GFP_KERNEL);
	if (!path)
		return -ENOMEM;
	len = rescap_cgroup_path_ns(cgrp, path, PATH_MAX);
	if (len >= 0)
		len = nla_put_string(skb, RESCAP_A_CGROUP_PATH, path);
	kfree(path);
	return len == -EMSGSIZE ? len : 0;
}

/* The members of a cgroup, as a get of it lists them. */
struct rescap_nl_members {
	struct sk_buff *skb;
	struct pid_namespace *ns;
	u32 n;
	u32 listed;
	bool full;
	u64 heap;
	u64 fds;
};

static void rescap_nl_member(struct task_struct *const leader,
			     const struct rescap_usage *const usage,
			     void *const arg)
{
	struct rescap_nl_members *const m = arg;
	char comm[TASK_COMM_LEN];
	struct nlattr *nest;
	pid_t nr;

	m->n++;
	m->heap += usage->heap;
	m->fds += usage->fds;
	nr = pid_nr_ns(task_tgid(leader), m->ns);
	if (m->full || !nr)
		return;
	if (m->listed == RESCAP_GROUP_MEMBERS_MAX) {
		m->full = true;
		return;
	}
	get_task_comm(comm, leader);
	nest = nla_nest_start(m->skb, RESCAP_A_MEMBER);
	if (!nest ||
	    nla_put_u32(m->skb, RESCAP_MEMBER_A_PID, nr) ||
	    nla_put_string(m->skb, RESCAP_MEMBER_A_COMM, comm) ||
	    nla_put_u64_64bit(m->skb, RESCAP_MEMBER_A_CGROUP_ID,
			      cgroup_id(task_dfl_cgroup(leader)),
			      RESCAP_MEMBER_A_PAD) ||
	    nla_put_u64_64bit(m->skb, RESCAP_MEMBER_A_HEAP, usage->heap,
			      RESCAP_MEMBER_A_PAD) ||
	    nla_put_u64_64bit(m->skb, RESCAP_MEMBER_A_FDS, usage->fds,
			      RESCAP_MEMBER_A_PAD)) {
		nla_nest_cancel(m->skb, nest);
		m->full = true;
		return;
	}
	nla_nest_end(m->skb, nest);
	m->listed++;
}

/* A get of a cgroup: its policy, its members and their totals. */
static int rescap_nl_get_group(struct genl_info *const info,
			       struct cgroup *const cgrp)
{
	struct rescap_nl_members m = {
		.ns = task_active_pid_ns(current),
	};
	struct rescap_group *group;
	void *hdr;
	int err;

	m.skb = genlmsg_new(RESCAP_GROUP_REPLY_SIZE, GFP_KERNEL);
	if (!m.skb)
		return -ENOMEM;
	hdr = genlmsg_put(m.skb, info->snd_portid, info->snd_seq,
			  &rescap_family, 0, RESCAP_CMD_GET);
	err = -EMSGSIZE;
	if (!hdr)
		goto free;
	group = rescap_group_get(cgrp);
	err = rescap_nl_put_group(m.skb, cgrp, group);
	rescap_group_put(group);
	if (err)
		goto free;
	rescap_cgroup_members(cgrp, rescap_nl_member, &m);
	err = -EMSGSIZE;
	if (nla_put_u32(m.skb, RESCAP_A_NR_MEMBERS, m.n) ||
	    nla_put_u64_64bit(m.skb, RESCAP_A_HEAP, m.heap, RESCAP_A_PAD) ||
	    nla_put_u64_64bit(m.skb, RESCAP_A_FDS, m.fds, RESCAP_A_PAD))
		goto free;
	genlmsg_end(m.skb, hdr);
	return genlmsg_reply(m.skb, info);
free:
	nlmsg_free(m.skb);
	return err;
}

int rescap_nl_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct task_struct *task;
	struct rescap_proc *proc;
	struct sk_buff *msg;
	struct cgroup *cgrp;
	int err;

	if (rescap_nl_names_cgroup(info)) {
		if (!netlink_capable(skb, CAP_SYS_RESOURCE)) {
			GENL_SET_ERR_MSG(info, "CAP_SYS_RESOURCE is needed");
			return -EPERM;
		}
		cgrp = rescap_nl_cgroup(info);
		if (IS_ERR(cgrp))
			return PTR_ERR(cgrp);
		err = rescap_nl_get_group(info, cgrp);
		cgroup_put(cgrp);
		return err;
	}
	task = rescap_nl_target(info);
	if (IS_ERR(task))
		return PTR_ERR(task);
	if (!rescap_may_inspect(NULL, task)) {
		GENL_SET_ERR_MSG(info, "no such process");
		err = -ESRCH;
		goto put_task;
	}
	proc = rescap_nl_tracked(info, task);
	if (IS_ERR(proc)) {
		err = PTR_ERR(proc);
		goto put_task;
	}
	err = -ENOMEM;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (msg) {
		err = rescap_nl_fill(msg, proc, info->snd_portid, info->snd_seq, 0);
		if (!err)
			err = genlmsg_reply(msg, info);
		else
			nlmsg_free(msg);
	}
	rescap_proc_put(proc);
put_task:
	put_task_struct(task);
	return err;
}

int rescap_nl_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct rescap_proc *procs[RESCAP_DUMP_BATCH];
	struct pid_namespace *const ns = task_active_pid_ns(current);
	u64 *const cursor = (u64 *)&cb->args[0];
	struct rescap_proc *last = NULL;
	int i, n, err = 0;

	if (!netlink_capable(cb->skb, CAP_SYS_RESOURCE))
		return -EPERM;
	do {
		n = rescap_procs_collect(*cursor, last, procs,
					 ARRAY_SIZE(procs));
		rescap_proc_put(last);
		last = NULL;
		for (i = 0; i < n; i++) {
			if (!err && pid_nr_ns(procs[i]->pid, ns) &&
			    rescap_proc_registered(procs[i])) {
				err = rescap_nl_fill(skb, procs[i],
						     NETLINK_CB(cb->skb).portid,
						     cb->nlh->nlmsg_seq,
						     NLM_F_MULTI);
				if (err == -ESRCH)
					err = 0;	/* exited meanwhile */
			}
			if (err) {
				rescap_proc_put(procs[i]);
				continue;
			}
			*cursor = procs[i]->seq;
			rescap_proc_put(last);
			last = procs[i];	/* where the next batch goes on */
		}
	} while (n && !err);
	rescap_proc_put(last);
	if (err == -EMSGSIZE && skb->len)
		return skb->len;	/* the next call goes on from the cursor */
	return err ?: skb->len;
}

/* What a change of a cgroup's policy checks its caps against. */
struct rescap_nl_group_change {
	struct genl_info *info;
	struct cgroup *cgrp;
};

static void rescap_nl_max_usage(struct task_struct *const leader,
				const struct rescap_usage *const usage,
				void *const arg)
{
	struct rescap_usage *const max = arg;

	max->heap = max(max->heap, usage->heap);
	max->fds = max(max->fds, usage->fds);
}

static int rescap_nl_group_check(struct rescap_caps *const caps,
				 void *const arg)
{
	const struct rescap_nl_group_change *const change = arg;
	const struct rescap_caps old = *caps;
	struct rescap_usage max = {};
	int err;

	err = rescap_nl_update_caps(change->info, caps);
	if (err)
		return err;
	if (!change->info->attrs[RESCAP_A_FORCE])
		rescap_cgroup_members(change->cgrp, rescap_nl_max_usage, &max);
	return rescap_nl_check_usage(change->info, &old, caps, &max);
}

static int rescap_nl_set_group_caps(struct genl_info *const info,
				    struct cgroup *const cgrp)
{
	struct rescap_nl_group_change change = {
		.info = info,
		.cgrp = cgrp,
	};
	int err;

	if (!cgroup_parent(cgrp)) {
		GENL_SET_ERR_MSG(info, "the root cgroup cannot have a policy");
		return -EINVAL;
	}
	if (rescap_cgroup_threaded(cgrp)) {
		GENL_SET_ERR_MSG(info, "a threaded cgroup cannot have a policy");
		return -EOPNOTSUPP;
	}
	err = rescap_group_set_caps(cgrp, rescap_nl_group_check, &change);
	if (err == -ENOENT)
		GENL_SET_ERR_MSG(info, "the cgroup is being removed");
	return err;
}

/*
 * The prologue of the requests that change a cgroup's policy: the
 * permission first (an unprivileged caller learns nothing of which cgroup
 * ids exist), then the cgroup, referenced.
 */
static struct cgroup *rescap_nl_change_cgroup(struct sk_buff *const skb,
					      struct genl_info *const info)
{
	const int err = rescap_nl_may_change(skb, info);

	if (err)
		return ERR_PTR(err);
	return rescap_nl_cgroup(info);
}

int rescap_nl_set_cap_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct rescap_usage usage;
	struct task_struct *task;
	struct rescap_proc *proc;
	struct rescap_caps caps;
	struct cgroup *cgrp;
	int err;

	if (rescap_nl_names_cgroup(info)) {
		cgrp = rescap_nl_change_cgroup(skb, info);
		if (IS_ERR(cgrp))
			return PTR_ERR(cgrp);
		err = rescap_nl_set_group_caps(info, cgrp);
		cgroup_put(cgrp);
		return err;
	}
	proc = rescap_nl_change_target(skb, info, &task);
	if (IS_ERR(proc))
		return PTR_ERR(proc);
	err = rescap_usage_of(proc->pid, &usage);
	if (err)
		goto out;

	spin_lock(&proc->lock);
	caps = proc->caps;
	err = rescap_nl_update_caps(info, &caps) ?:
	      rescap_nl_check_usage(info, &proc->caps, &caps, &usage);
	if (!err)
		rescap_proc_set_caps(proc, &caps);
	spin_unlock(&proc->lock);
out:
	rescap_proc_put(proc);
	put_task_struct(task);
	return err;
}

int rescap_nl_reset_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct rescap_usage usage;
	struct task_struct *task;
	struct rescap_proc *proc;
	struct cgroup *cgrp;
	int err;

	if (rescap_nl_names_cgroup(info)) {
		cgrp = rescap_nl_change_cgroup(skb, info);
		if (IS_ERR(cgrp))
			return PTR_ERR(cgrp);
		err = rescap_group_remove(cgrp);
		if (err == -ENOENT)
			GENL_SET_ERR_MSG(info, "the cgroup has no policy");
		cgroup_put(cgrp);
		return err;
	}
	proc = rescap_nl_change_target(skb, info, &task);
	if (IS_ERR(proc))
		return PTR_ERR(proc);
	err = rescap_usage_of(proc->pid, &usage);
	if (!err) {
		spin_lock(&proc->lock);
		rescap_proc_set_caps(proc, &rescap_caps_none);
		atomic64_set(&proc->heap_peak, usage.heap);
		atomic64_set(&proc->fds_peak, usage.fds);
		spin_unlock(&proc->lock);
	}
	rescap_proc_put(proc);
	put_task_struct(task);
	return err;
}

int rescap_nl_may_change_doit(struct sk_buff *skb, struct genl_info *info)
{
	return rescap_nl_may_change(skb, info);
}

int rescap_nl_list_cgroups_dumpit(struct sk_buff *skb,
				  struct netlink_callback *cb)
{
	struct rescap_group *groups[RESCAP_DUMP_BATCH];
	u64 *const cursor = (u64 *)&cb->args[0];
	int i, n, err = 0;
	void *hdr;

	if (!netlink_capable(cb->skb, CAP_SYS_RESOURCE))
		return -EPERM;
	do {
		n = rescap_groups_collect(*cursor, groups, ARRAY_SIZE(groups));
		for (i = 0; i < n; i++) {
			if (!err) {
				hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
						  cb->nlh->nlmsg_seq,
						  &rescap_family, NLM_F_MULTI,
						  RESCAP_CMD_LIST_CGROUPS);
				err = hdr ? rescap_nl_put_group(skb,
								groups[i]->cgrp,
								groups[i]) :
					    -EMSGSIZE;
				if (hdr && err)
					genlmsg_cancel(skb, hdr);
				else if (hdr)
					genlmsg_end(skb, hdr);
			}
			if (!err)
				*cursor = groups[i]->seq;
			rescap_group_put(groups[i]);
		}
	} while (n && !err);
	if (err == -EMSGSIZE && skb->len)
		return skb->len;	/* the next call goes on from the cursor */
	return err ?: skb->len;
}

/* An arm's caps for a cgroup at the path now: set whole, weighed whole. */
struct rescap_nl_arm_change {
	struct genl_info *info;
	struct cgroup *cgrp;
	const struct rescap_caps *caps;
};

static int rescap_nl_arm_check(struct rescap_caps *const caps, void *const arg)
{
	const struct rescap_nl_arm_change *const change = arg;
	const struct rescap_caps old = *caps;
	const bool enforces = change->caps->action != old.action &&
			      change->caps->action != RESCAP_ACTION_NOTIFY;
	struct rescap_usage max = {};

	*caps = *change->caps;
	if (change->info->attrs[RESCAP_A_FORCE])
		return 0;
	rescap_cgroup_members(change->cgrp, rescap_nl_max_usage, &max);
	if (((caps->heap != old.heap || enforces) &&
	     rescap_cap_below_usage(caps->heap, max.heap)) ||
	    ((caps->fds != old.fds || enforces) &&
	     rescap_cap_below_usage(caps->fds, max.fds))) {
		GENL_SET_ERR_MSG(change->info,
				 "a member of the cgroup at the path is over a cap already (set force to apply it)");
		return -ERANGE;
	}
	return 0;
}

/*
 * The path of an arm or disarm request, checked, or an ERR_PTR: absolute,
 * below the root, no empty, "." or ".." component, no newline (mkdir
 * refuses those), glob characters in the last component only; from the
 * root of the hierarchy, which the requester must see whole.
 */
static const char *rescap_nl_armed_path(struct genl_info *const info)
{
	struct nlattr *const attr = info->attrs[RESCAP_A_ARMED_PATH];
	const char *path, *c, *next;

	if (!attr) {
		GENL_SET_ERR_MSG(info, "armed-path is needed");
		return ERR_PTR(-EINVAL);
	}
	if (current->nsproxy->cgroup_ns->root_cset->dfl_cgrp !=
	    &cgrp_dfl_root.cgrp) {
		GENL_SET_ERR_MSG(info, "arming needs the initial cgroup namespace");
		return ERR_PTR(-EOPNOTSUPP);
	}
	path = nla_data(attr);
	if (path[0] != '/' || !path[1] || strchr(path, '\n')) {
		NL_SET_ERR_MSG_ATTR(info->extack, attr,
				    "an armed path is absolute, below the root, with no newline");
		return ERR_PTR(-EINVAL);
	}
	for (c = path; *c; c = next) {
		next = strchrnul(c + 1, '/');
		if (next == c + 1 || (next == c + 2 && c[1] == '.') ||
		    (next == c + 3 && c[1] == '.' && c[2] == '.')) {
			NL_SET_ERR_MSG_ATTR(info->extack, attr,
					    "an armed path has no empty, \".\" or \"..\" component");
			return ERR_PTR(-EINVAL);
		}
		if (*next && rescap_armed_glob(c + 1, next - c - 1)) {
			NL_SET_ERR_MSG_ATTR(info->extack, attr,
					    "glob characters are allowed in the last component only");
			return ERR_PTR(-EINVAL);
		}
	}
	return path;
}

/* Gives the caps of an arm to the cgroup at its exact path, if any. */
static int rescap_nl_arm_present(struct genl_info *const info,
				 const char *const path,
				 const struct rescap_caps *const caps)
{
	struct rescap_nl_arm_change change = { .info = info, .caps = caps };
	int err;

	change.cgrp = cgroup_get_from_path(path);
	if (IS_ERR(change.cgrp))
		return 0;	/* none now */
	if (rescap_cgroup_threaded(change.cgrp)) {
		GENL_SET_ERR_MSG(info, "the cgroup at the path is threaded: no policy");
		err = -EOPNOTSUPP;
	} else {
		err = rescap_group_set_caps(change.cgrp, rescap_nl_arm_check,
					    &change);
		if (err == -ENOENT)
			err = 0;	/* removed meanwhile */
	}
	cgroup_put(change.cgrp);
	return err;
}

int rescap_nl_arm_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct rescap_caps caps = rescap_caps_none, old;
	const char *path;
	bool existed;
	int err;

	err = rescap_nl_may_change(skb, info);
	if (err)
		return err;
	path = rescap_nl_armed_path(info);
	if (IS_ERR(path))
		return PTR_ERR(path);
	err = rescap_nl_update_caps(info, &caps);
	if (err)
		return err;
	/* Armed first: a cgroup made meanwhile at the path has the caps. */
	err = rescap_armed_set(path, &caps, &old, &existed);
	if (err)
		return err;
	if (!rescap_armed_glob(path, strlen(path)))
		err = rescap_nl_arm_present(info, path, &caps);
	if (err) {
		if (existed)
			rescap_armed_set(path, &old, &caps, &existed);
		else
			rescap_armed_remove(path);
	}
	return err;
}

int rescap_nl_disarm_doit(struct sk_buff *skb, struct genl_info *info)
{
	const char *path;
	int err;

	err = rescap_nl_may_change(skb, info);
	if (err)
		return err;
	path = rescap_nl_armed_path(info);
	if (IS_ERR(path))
		return PTR_ERR(path);
	err = rescap_armed_remove(path);
	if (err == -ENOENT)
		GENL_SET_ERR_MSG(info, "the path is not armed");
	return err;
}

static int rescap_nl_put_armed(struct sk_buff *const skb,
			       const struct rescap_armed *const armed,
			       void *const arg)
{
	const struct netlink_callback *const cb = arg;
	void *const hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				      cb->nlh->nlmsg_seq, &rescap_family,
				      NLM_F_MULTI, RESCAP_CMD_LIST_ARMED);

	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_string(skb, RESCAP_A_ARMED_PATH, armed->path) ||
	    nla_put_u64_64bit(skb, RESCAP_A_HEAP_CAP, READ_ONCE(armed->caps.heap),
			      RESCAP_A_PAD) ||
	    nla_put_u64_64bit(skb, RESCAP_A_FD_CAP, READ_ONCE(armed->caps.fds),
			      RESCAP_A_PAD) ||
	    nla_put_u32(skb, RESCAP_A_ACTION, READ_ONCE(armed->caps.action)) ||
	    nla_put_u32(skb, RESCAP_A_SOFT_PCT, READ_ONCE(armed->caps.soft_pct)) ||
	    nla_put_u64_64bit(skb, RESCAP_A_ATTACHES,
			      atomic64_read(&armed->attaches), RESCAP_A_PAD) ||
	    nla_put_u64_64bit(skb, RESCAP_A_ATTACH_FAILURES,
			      atomic64_read(&armed->failures), RESCAP_A_PAD)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

int rescap_nl_list_armed_dumpit(struct sk_buff *skb,
				struct netlink_callback *cb)
{
	int err;

	if (!netlink_capable(cb->skb, CAP_SYS_RESOURCE))
		return -EPERM;
	err = rescap_armed_dump(skb, (u64 *)&cb->args[0], rescap_nl_put_armed,
				cb);
	if (err == -EMSGSIZE && skb->len)
		return skb->len;	/* the next call goes on from the cursor */
	return err ?: skb->len;
}

/**
 * rescap_netlink_init - register the family
 * @deny_supported: whether this build can deny allocations
 *
 * Return: 0 or a negative errno.
 */
int rescap_netlink_init(const bool deny_supported)
{
	rescap_deny_supported = deny_supported;
	return genl_register_family(&rescap_family);
}

void rescap_netlink_exit(void)
{
	genl_unregister_family(&rescap_family);
}
