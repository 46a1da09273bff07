// SPDX-License-Identifier: GPL-2.0-only
/*
 * rescap - armed paths: cgroup policies made with the cgroup
 *
 * A cgroup policy lives as long as its cgroup, and a service manager
 * removes a unit's cgroup when the unit stops and makes a new one when it
 * starts again. A policy set after the new cgroup is made leaves a moment
 * in which the unit's first processes run uncapped. An armed path closes
 * it: the cgroup_mkdir tracepoint fires in cgroup_mkdir() under
 * cgroup_mutex, after the cgroup is made and before kernfs_activate()
 * makes its directory visible, so the policy is linked before any process
 * can be moved or cloned into the cgroup.
 *
 * A path names one cgroup, or, when its last component holds glob(7)
 * characters, every cgroup made in one parent with a matching name
 * (template instances). A cgroup made at an exact path gets that entry's
 * caps; otherwise the oldest matching pattern's.
 *
 * The probe runs with interrupts off: it allocates nothing when it can,
 * taking the memory of the policy from the entry's spare, which a work
 * item refills.
 */

#include <linux/cgroup.h>
#include <linux/glob.h>
#include <linux/hashtable.h>
#include <linux/jhash.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/tracepoint.h>
#include <linux/workqueue.h>

#include "armed.h"
#include "engine.h"
#include "group.h"

#define RESCAP_ARMED_BITS 8

/* Writers: rescap_armed_mutex. Readers (the probe, dumps): RCU. */
static DEFINE_HASHTABLE(rescap_armed_table, RESCAP_ARMED_BITS);
static LIST_HEAD(rescap_armed_list);
static DEFINE_MUTEX(rescap_armed_mutex);
static u64 rescap_armed_seq;

static void rescap_armed_refill(struct work_struct *work);
static DECLARE_WORK(rescap_armed_refill_work, rescap_armed_refill);

/**
 * rescap_armed_glob - whether a path component holds glob(7) characters
 * @s: the component
 * @len: its length
 *
 * Return: true when the component is a pattern.
 */
bool rescap_armed_glob(const char *const s, const size_t len)
{
	return strcspn(s, "*?[") < len;
}

static u32 rescap_armed_hash(const char *const path, const unsigned int len)
{
	return jhash(path, len, 0);
}

static unsigned int rescap_armed_parent_len(const char *const path)
{
	return strrchr(path, '/') - path;
}

/* The entry armed with exactly @path; rescap_armed_mutex or RCU held. */
static struct rescap_armed *rescap_armed_find(const char *const path)
{
	const unsigned int plen = rescap_armed_parent_len(path);
	struct rescap_armed *armed;

	hash_for_each_possible_rcu(rescap_armed_table, armed, node,
				   rescap_armed_hash(path, plen),
				   lockdep_is_held(&rescap_armed_mutex))
		if (!strcmp(armed->path, path))
			return armed;
	return NULL;
}

/*
 * The entry whose caps a cgroup made at @path gets: the exact one, else
 * the oldest pattern that matches. RCU held.
 */
static struct rescap_armed *rescap_armed_match(const char *const path)
{
	const unsigned int plen = rescap_armed_parent_len(path);
	const char *const name = path + plen + 1;
	struct rescap_armed *armed, *best = NULL;

	hash_for_each_possible_rcu(rescap_armed_table, armed, node,
				   rescap_armed_hash(path, plen)) {
		if (armed->parent_len != plen ||
		    memcmp(armed->path, path, plen))
			continue;
		if (!armed->pattern) {
			if (!strcmp(armed->path + plen + 1, name))
				return armed;
			continue;
		}
		if ((!best || armed->seq < best->seq) &&
		    glob_match(armed->path + plen + 1, name))
			best = armed;
	}
	return best;
}

static void rescap_armed_write_caps(struct rescap_armed *const armed,
				    const struct rescap_caps *const caps)
{
	WRITE_ONCE(armed->caps.heap, caps->heap);
	WRITE_ONCE(armed->caps.fds, caps->fds);
	WRITE_ONCE(armed->caps.action, caps->action);
	WRITE_ONCE(armed->caps.soft_pct, caps->soft_pct);
}

static void rescap_armed_read_caps(const struct rescap_armed *const armed,
				   struct rescap_caps *const caps)
{
	caps->heap = READ_ONCE(armed->caps.heap);
	caps->fds = READ_ONCE(armed->caps.fds);
	caps->action = READ_ONCE(armed->caps.action);
	caps->soft_pct = READ_ONCE(armed->caps.soft_pct);
}

/**
 * rescap_armed_set - arm a path, or change the caps it is armed with
 * @path: the path: absolute, below the root, at most
 *        %RESCAP_ARMED_PATH_MAX bytes, no empty, "." or ".." component,
 *        glob characters in the last component only
 * @caps: the caps
 * @old: set to the caps it was armed with (none when it was not)
 * @existed: set to whether it was armed
 *
 * Context: process context, may sleep.
 * Return: 0, -ENOMEM, or the error of rescap_hooks_get().
 */
int rescap_armed_set(const char *const path,
		     const struct rescap_caps *const caps,
		     struct rescap_caps *const old, bool *const existed)
{
	const size_t size = strlen(path) + 1;
	struct rescap_armed *armed;
	int err;

	err = rescap_hooks_get();
	if (err)
		return err;
	mutex_lock(&rescap_armed_mutex);
	armed = rescap_armed_find(path);
	*existed = armed;
	*old = armed ? armed->caps : rescap_caps_none;
	if (armed) {
		rescap_armed_write_caps(armed, caps);
		goto out;
	}
	err = -ENOMEM;
	armed = kzalloc(struct_size(armed, path, size), GFP_KERNEL);
	if (!armed)
		goto out;
	armed->spare = rescap_group_alloc(GFP_KERNEL);
	if (!armed->spare) {
		kfree(armed);
		goto out;
	}
	memcpy(armed->path, path, size);
	armed->parent_len = rescap_armed_parent_len(path);
	armed->pattern = rescap_armed_glob(path + armed->parent_len + 1,
					   size - armed->parent_len - 2);
	armed->caps = *caps;
	armed->seq = ++rescap_armed_seq;
	list_add_tail_rcu(&armed->list, &rescap_armed_list);
	hash_add_rcu(rescap_armed_table, &armed->node,
		     rescap_armed_hash(path, armed->parent_len));
	err = 0;
out:
	mutex_unlock(&rescap_armed_mutex);
	rescap_hooks_put();
	return err;
}

static void rescap_armed_free_rcu(struct rcu_head *const head)
{
	struct rescap_armed *const armed =
		container_of(head, struct rescap_armed, rcu);

	/* A probe that took the spare before the grace period owns it. */
	kfree(xchg(&armed->spare, NULL));
	kfree(armed);
}

static void rescap_armed_unlink(struct rescap_armed *const armed)
{
	lockdep_assert_held(&rescap_armed_mutex);
	hash_del_rcu(&armed->node);
	list_del_rcu(&armed->list);
	call_rcu(&armed->rcu, rescap_armed_free_rcu);
}

/**
 * rescap_armed_any - whether any path is armed
 *
 * Context: any; the answer may be stale at once.
 * Return: true while at least one path is armed.
 */
bool rescap_armed_any(void)
{
	return !list_empty(&rescap_armed_list);
}

/**
 * rescap_armed_remove - disarm a path
 * @path: the path, as armed
 *
 * The policies already made from it stay.
 *
 * Context: process context, may sleep.
 * Return: 0, or -ENOENT when the path is not armed.
 */
int rescap_armed_remove(const char *const path)
{
	struct rescap_armed *armed;

	mutex_lock(&rescap_armed_mutex);
	armed = rescap_armed_find(path);
	if (armed)
		rescap_armed_unlink(armed);
	mutex_unlock(&rescap_armed_mutex);
	if (!armed)
		return -ENOENT;
	rescap_hooks_idle();
	return 0;
}

/**
 * rescap_armed_dump - the armed paths, from a cursor
 * @skb: the dump's message
 * @cursor: the sequence number of the last entry given; advanced
 * @fill: puts one entry in @skb, without sleeping
 * @arg: for @fill
 *
 * Context: process context.
 * Return: 0, or the first error of @fill (-EMSGSIZE: go on from @cursor).
 */
int rescap_armed_dump(struct sk_buff *const skb, u64 *const cursor,
		      int (*fill)(struct sk_buff *skb,
				  const struct rescap_armed *armed, void *arg),
		      void *const arg)
{
	struct rescap_armed *armed;
	int err = 0;

	rcu_read_lock();
	list_for_each_entry_rcu(armed, &rescap_armed_list, list) {
		if (armed->seq <= *cursor)
			continue;
		err = fill(skb, armed, arg);
		if (err)
			break;
		*cursor = armed->seq;
	}
	rcu_read_unlock();
	return err;
}

static void rescap_armed_refill(struct work_struct *const work)
{
	struct rescap_armed *armed;
	struct rescap_group *group;

	mutex_lock(&rescap_armed_mutex);
	list_for_each_entry(armed, &rescap_armed_list, list) {
		if (READ_ONCE(armed->spare))
			continue;
		group = rescap_group_alloc(GFP_KERNEL);
		if (!group)
			break;
		if (cmpxchg(&armed->spare, NULL, group))
			kfree(group);
	}
	mutex_unlock(&rescap_armed_mutex);
}

/*
 * The cgroup_mkdir tracepoint: the cgroup is made, not yet visible; under
 * cgroup_mutex and trace_cgroup_path_lock, interrupts off. @path is from
 * the root of @cgrp's hierarchy, cut at 1024 bytes.
 */
static void rescap_tp_mkdir(void *const data, struct cgroup *const cgrp,
			    const char *const path)
{
	struct rescap_group *group;
	struct rescap_armed *armed;
	struct rescap_caps caps;
	int err;

	if (list_empty(&rescap_armed_list) || cgrp->root != &cgrp_dfl_root)
		return;
	rcu_read_lock();
	armed = rescap_armed_match(path);
	if (!armed)
		goto out;
	rescap_armed_read_caps(armed, &caps);
	group = xchg(&armed->spare, NULL);
	if (group)
		schedule_work(&rescap_armed_refill_work);
	else
		group = rescap_group_alloc(GFP_ATOMIC | __GFP_NOWARN);
	err = group ? rescap_group_attach(group, cgrp, &caps) : -ENOMEM;
	if (!err) {
		atomic64_inc(&armed->attaches);
	} else if (err != -EEXIST) {
		atomic64_inc(&armed->failures);
		pr_warn_ratelimited("no policy for the new cgroup %s: %d\n",
				    path, err);
	}
out:
	rcu_read_unlock();
}

static struct tracepoint *rescap_mkdir_tp;

static void rescap_armed_tp_find(struct tracepoint *const tp, void *const priv)
{
	if (!strcmp(tp->name, "cgroup_mkdir"))
		rescap_mkdir_tp = tp;
}

/**
 * rescap_armed_attach - see cgroups being made
 *
 * Context: process context, before any path can be armed.
 * Return: 0 or a negative errno (logged).
 */
int rescap_armed_attach(void)
{
	int err = -ENOENT;

	for_each_kernel_tracepoint(rescap_armed_tp_find, NULL);
	if (rescap_mkdir_tp)
		err = tracepoint_probe_register(rescap_mkdir_tp,
						rescap_tp_mkdir, NULL);
	if (err)
		pr_err("cannot attach to tracepoint cgroup_mkdir: %d\n", err);
	return err;
}

/**
 * rescap_armed_detach - stop seeing cgroups being made; disarm every path
 *
 * Context: process context; nothing can arm a path any more.
 */
void rescap_armed_detach(void)
{
	struct rescap_armed *armed, *tmp;

	tracepoint_probe_unregister(rescap_mkdir_tp, rescap_tp_mkdir, NULL);
	tracepoint_synchronize_unregister();
	cancel_work_sync(&rescap_armed_refill_work);
	mutex_lock(&rescap_armed_mutex);
	list_for_each_entry_safe(armed, tmp, &rescap_armed_list, list)
		rescap_armed_unlink(armed);
	mutex_unlock(&rescap_armed_mutex);
	rcu_barrier();	/* rescap_armed_free_rcu() is module code */
}
