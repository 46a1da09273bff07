// SPDX-License-Identifier: GPL-2.0-only
/*
 * rescap - notifications on the "events" multicast group
 *
 * Events are built only when someone listens. Their pids are in the
 * initial pid namespace and their uids in the initial user namespace: the
 * family exists in the initial network namespace only, and only
 * CAP_NET_ADMIN there may subscribe.
 */

#include <linux/cgroup.h>
#include <linux/cred.h>
#include <linux/kernfs.h>
#include <linux/limits.h>
#include <linux/slab.h>
#include <net/genetlink.h>

#include "events.h"
#include "measure.h"
#include "netlink.h"
#include "nl-gen.h"

static int rescap_event_put_task(struct sk_buff *const skb,
				 struct task_struct *const task)
{
	char comm[TASK_COMM_LEN];

	get_task_comm(comm, task);
	if (nla_put_u32(skb, RESCAP_A_PID, task_tgid_nr(task)) ||
	    nla_put_string(skb, RESCAP_A_COMM, comm) ||
	    nla_put_u32(skb, RESCAP_A_UID,
			from_kuid_munged(&init_user_ns, task_uid(task))))
		return -EMSGSIZE;
	return 0;
}

static void rescap_event_send(struct sk_buff *const skb, void *const hdr,
			      const gfp_t gfp)
{
	genlmsg_end(skb, hdr);
	genlmsg_multicast(&rescap_family, skb, 0, RESCAP_NLGRP_EVENTS, gfp);
}

/*
 * The process's cgroup: its id, and its path when there is a buffer of
 * PATH_MAX bytes at @path for it (a path too long is left out).
 */
static int rescap_event_put_cgroup(struct sk_buff *const skb,
				   struct task_struct *const task,
				   char *const path)
{
	u64 id;

	rcu_read_lock();
	id = cgroup_id(task_dfl_cgroup(task));
	rcu_read_unlock();
	if (nla_put_u64_64bit(skb, RESCAP_A_CGROUP_ID, id, RESCAP_A_PAD))
		return -EMSGSIZE;
	if (path && rescap_cgroup_path(task, path, PATH_MAX) >= 0 &&
	    nla_put_string(skb, RESCAP_A_CGROUP_PATH, path))
		return -EMSGSIZE;
	return 0;
}

/* Which policy fired: the process's caps, or a cgroup's policy. */
static int rescap_event_put_policy(struct sk_buff *const skb,
				   const struct rescap_group *const group,
				   char *const path)
{
	int len;

	if (!group)
		return nla_put_u32(skb, RESCAP_A_POLICY, RESCAP_POLICY_PROCESS);
	if (nla_put_u32(skb, RESCAP_A_POLICY, RESCAP_POLICY_CGROUP) ||
	    nla_put_u64_64bit(skb, RESCAP_A_POLICY_CGROUP_ID, group->id,
			      RESCAP_A_PAD))
		return -EMSGSIZE;
	if (!path)
		return 0;
	len = kernfs_path_from_node(group->cgrp->kn, NULL, path, PATH_MAX);
	if (len >= 0 && len < PATH_MAX)
		return nla_put_string(skb, RESCAP_A_POLICY_CGROUP_PATH, path);
	return 0;
}

/**
 * rescap_event_crossing - send a killed or exceeded event
 * @cmd: RESCAP_CMD_KILLED or RESCAP_CMD_EXCEEDED
 * @task: a thread of the process
 * @crossing: what crossed what, and the policy of that cap
 * @gfp: allocation flags for the context
 */
void rescap_event_crossing(const int cmd, struct task_struct *const task,
			   const struct rescap_crossing *const crossing,
			   const gfp_t gfp)
{
	struct sk_buff *skb;
	char *path;
	void *hdr;

	if (!genl_has_listeners(&rescap_family, &init_net, RESCAP_NLGRP_EVENTS))
		return;
	skb = genlmsg_new(NLMSG_GOODSIZE, gfp);
	if (!skb)
		return;
	hdr = genlmsg_put(skb, 0, 0, &rescap_family, 0, cmd);
	if (!hdr)
		goto drop;
	if (rescap_event_put_task(skb, task) ||
	    nla_put_u32(skb, RESCAP_A_RESOURCE, crossing->resource) ||
	    nla_put_u64_64bit(skb, RESCAP_A_USAGE, crossing->usage,
			      RESCAP_A_PAD) ||
	    nla_put_u64_64bit(skb, RESCAP_A_CAP, crossing->cap, RESCAP_A_PAD) ||
	    nla_put_u32(skb, RESCAP_A_ACTION, crossing->action))
		goto drop;
	if (cmd == RESCAP_CMD_EXCEEDED &&
	    nla_put_u32(skb, RESCAP_A_KIND, crossing->kind))
		goto drop;
	path = kmalloc(PATH_MAX, gfp);
	if (rescap_event_put_cgroup(skb, task, path) ||
	    rescap_event_put_policy(skb, crossing->group, path)) {
		kfree(path);
		goto drop;
	}
	kfree(path);
	rescap_event_send(skb, hdr, gfp);
	return;
drop:
	nlmsg_free(skb);
}

/**
 * rescap_event_exited - send an exited event
 * @task: the last thread of the process, exiting
 * @proc: the process's entry, unlinked
 * @gfp: allocation flags for the context
 */
void rescap_event_exited(struct task_struct *const task,
			 const struct rescap_proc *const proc, const gfp_t gfp)
{
	struct sk_buff *skb;
	char *path;
	void *hdr;
	int err;

	if (!genl_has_listeners(&rescap_family, &init_net, RESCAP_NLGRP_EVENTS))
		return;
	skb = genlmsg_new(NLMSG_GOODSIZE, gfp);
	if (!skb)
		return;
	hdr = genlmsg_put(skb, 0, 0, &rescap_family, 0, RESCAP_CMD_EXITED);
	if (!hdr ||
	    rescap_event_put_task(skb, task) ||
	    nla_put_u64_64bit(skb, RESCAP_A_HEAP_PEAK,
			      atomic64_read(&proc->heap_peak), RESCAP_A_PAD) ||
	    nla_put_u64_64bit(skb, RESCAP_A_FDS_PEAK,
			      atomic64_read(&proc->fds_peak), RESCAP_A_PAD)) {
		nlmsg_free(skb);
		return;
	}
	/* Still in its cgroup: cgroup_exit() comes later in do_exit(). */
	path = kmalloc(PATH_MAX, gfp);
	err = rescap_event_put_cgroup(skb, task, path);
	kfree(path);
	if (err) {
		nlmsg_free(skb);
		return;
	}
	rescap_event_send(skb, hdr, gfp);
}
