// SPDX-License-Identifier: GPL-2.0-only
/*
 * rescap - cgroup policies: caps on every member of a cgroup v2 subtree
 *
 * A policy belongs to one cgroup of the default (v2) hierarchy and is
 * keyed by its id, which the kernel never gives to another cgroup: a
 * cgroup created again at the same path has a new id, and no policy.
 *
 * Nothing is kept per member. A growth looks up the policies of the
 * grower's domain cgroup and of its ancestors: rescap_task_domain(), the
 * cgroup all threads of a process share (a thread in a threaded cgroup
 * is governed as its threaded domain is; a threaded cgroup cannot have a
 * policy), and its ancestors[] array, one hash lookup per level that has a policy at all
 * (a bitmask of such levels is kept) and whose cgroup may have one (a
 * filter on the low bits of cgroup ids is kept), so the cost is bounded
 * by the depth of the grower's cgroup, never by the number of policies,
 * and a cgroup with no policy in its ancestry is found so with no hash
 * lookup at all unless its id shares a slot of the filter. That answer
 * is kept per CPU (struct rescap_cgroup_cache) until the policies
 * change, so the next growths in that cgroup are told with no walk. Moving a
 * process to another cgroup (cgroup.procs) changes what its next growth
 * finds; a process created in a cgroup is governed from its first growth.
 *
 * A policy holds a reference on its cgroup. When the cgroup is removed
 * (rmdir; the cgroup_rmdir tracepoint) its policy is unlinked at once;
 * a policy linked while its cgroup was being removed is caught by a
 * check of the cgroup's online state under the table lock.
 *
 * Readers take no lock (RCU). rescap_groups_lock serializes the table and
 * is taken in process context and from the rmdir tracepoint (under
 * cgroup_mutex, with interrupts off), never in interrupt context;
 * rescap_groups_mutex serializes changes of caps, which may sleep while
 * they measure members.
 */

#define pr_fmt(fmt) "rescap: " fmt

#include <linux/bitops.h>
#include <linux/mutex.h>
#include <linux/rhashtable.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/tracepoint.h>

#include "engine.h"
#include "group.h"

atomic_t rescap_nr_groups = ATOMIC_INIT(0);

static struct rhashtable rescap_groups;
static LIST_HEAD(rescap_groups_list);
static DEFINE_SPINLOCK(rescap_groups_lock);
static DEFINE_MUTEX(rescap_groups_mutex);
static u64 rescap_groups_seq;

/*
 * Levels of the hierarchy that have at least one policy: bit L for level
 * L, the last bit for that level and every deeper one. Written under
 * rescap_groups_lock, read locklessly: a reader that misses a bit just
 * set misses a policy being created, as it would a moment earlier.
 */
#define RESCAP_LEVELS BITS_PER_LONG
static unsigned long rescap_groups_levels;
static unsigned int rescap_groups_per_level[RESCAP_LEVELS];

/*
 * The filter: slot I counts the policies whose cgroup id is I modulo
 * RESCAP_FILTER_SLOTS, saturating at U8_MAX (a full slot stays full). A
 * cgroup whose slot is zero has no policy: the growth path skips its
 * hash lookup. Cgroup ids are handed out in sequence (kernfs inode
 * numbers), so cgroups made near each other do not share a slot; ids
 * far apart share one as random ones do: with N policies, a cgroup
 * without one finds its slot taken with a probability of at most
 * N / RESCAP_FILTER_SLOTS, and pays the lookup then. Written under
 * rescap_groups_lock, read locklessly as rescap_groups_levels is.
 */
#define RESCAP_FILTER_SLOTS BIT(15)
static u8 rescap_groups_filter[RESCAP_FILTER_SLOTS];

static u8 *rescap_filter_slot(const u64 id)
{
	return &rescap_groups_filter[id & (RESCAP_FILTER_SLOTS - 1)];
}

/* Counts a policy of cgroup @id in or out (@delta 1 or -1). */
static void rescap_filter_count(const u64 id, const int delta)
{
	u8 *const slot = rescap_filter_slot(id);

	lockdep_assert_held(&rescap_groups_lock);
	if (*slot != U8_MAX)
		WRITE_ONCE(*slot, *slot + delta);
}

/*
 * Changes whenever a policy is linked, unlinked or changed (under
 * rescap_groups_lock): a cached answer about cgroup X's policies taken at
 * an older value may be wrong. Starts at 1: a zeroed cache is never
 * current.
 */
unsigned long rescap_groups_gen = 1;

DEFINE_PER_CPU(struct rescap_cgroup_cache, rescap_cgroup_answers);

static const struct rhashtable_params rescap_groups_params = {
	.key_len = sizeof(u64),
	.key_offset = offsetof(struct rescap_group, id),
	.head_offset = offsetof(struct rescap_group, node),
	.automatic_shrinking = true,
};

static unsigned int rescap_level_bit(const int level)
{
	return min_t(unsigned int, level, RESCAP_LEVELS - 1);
}

static void rescap_groups_changed(void)
{
	lockdep_assert_held(&rescap_groups_lock);
	/* Pairs with rescap_groups_generation(). */
	smp_store_release(&rescap_groups_gen, rescap_groups_gen + 1 ?: 1);
}

/**
 * rescap_cgroup_remember - remember how far a member of a cgroup can grow
 * unseen
 * @cgrp: the cgroup whose policies were weighed, with its ancestors'
 * @gen: rescap_groups_generation(), read before they were walked
 * @window: the resource weighed; %RESCAP_WINDOWS for every resource
 * @quiet: the lowest rescap_quiet_limit() of their caps on it (U64_MAX:
 *         none)
 *
 * Kept in this CPU's slot for @cgrp. The slot's other resources are kept
 * when it held @cgrp at @gen already, and are unknown otherwise.
 *
 * Context: @cgrp pinned.
 */
void rescap_cgroup_remember(const struct cgroup *const cgrp,
			    const unsigned long gen,
			    const enum rescap_window_index window,
			    const u64 quiet)
{
	const u64 id = cgroup_id(cgrp);
	struct rescap_cgroup_answer *slot;
	unsigned int i;

	/* Every word on one CPU: a torn slot could pass for another answer. */
	preempt_disable();
	slot = this_cpu_ptr(&rescap_cgroup_answers.slot[id &
							(RESCAP_CGROUP_SLOTS - 1)]);
	if (slot->cgroup != id || slot->gen != gen) {
		slot->cgroup = id;
		slot->gen = gen;
		for (i = 0; i < RESCAP_WINDOWS; i++)
			slot->quiet[i] = 0;
	}
	for (i = 0; i < RESCAP_WINDOWS; i++)
		if (window == RESCAP_WINDOWS || window == i)
			slot->quiet[i] = quiet;
	preempt_enable();
}

/**
 * rescap_ungoverned_remember - remember that a cgroup is ungoverned
 * @cgrp: the cgroup, in whose ancestry rescap_group_next() found no policy
 * @gen: rescap_groups_generation(), read before that walk
 *
 * Context: @cgrp pinned.
 */
void rescap_ungoverned_remember(const struct cgroup *const cgrp,
				const unsigned long gen)
{
	rescap_cgroup_remember(cgrp, gen, RESCAP_WINDOWS, U64_MAX);
}

static bool rescap_cgroup_dead(const struct cgroup *const cgrp)
{
	return !(READ_ONCE(cgrp->self.flags) & CSS_ONLINE);
}

/**
 * rescap_group_next - the next policy governing a cgroup, deepest first
 * @cgrp: the cgroup (a task's task_dfl_cgroup())
 * @level: the cursor: @cgrp's level + 1 to start; the level of the policy
 *         returned on return
 *
 * The root cgroup (level 0) never has a policy.
 *
 * Context: rcu_read_lock() held; @cgrp pinned by it (a task's cgroup).
 * Return: the policy, or NULL when there is no other.
 */
struct rescap_group *rescap_group_next(struct cgroup *const cgrp,
				       int *const level)
{
	const unsigned long levels = READ_ONCE(rescap_groups_levels);
	struct rescap_group *group;
	int l = min(*level, cgrp->level + 1);
	u64 id;

	while (--l > 0) {
		if (l < RESCAP_LEVELS - 1) {
			/* The next level below l + 1 that has a policy. */
			const unsigned long below = levels & GENMASK(l, 0);

			if (!below)
				break;
			l = __fls(below);
			if (!l)
				break;
		} else if (!(levels & BIT(RESCAP_LEVELS - 1))) {
			l = RESCAP_LEVELS - 1;
			continue;
		}
		id = cgroup_id(cgrp->ancestors[l]);
		if (!READ_ONCE(*rescap_filter_slot(id)))
			continue;
		group = rhashtable_lookup(&rescap_groups, &id,
					  rescap_groups_params);
		if (group && !test_bit(0, &group->dead)) {
			*level = l;
			return group;
		}
	}
	*level = 0;
	return NULL;
}

/**
 * rescap_governed - whether a cgroup policy governs a task
 * @task: the task
 *
 * Return: true when the task's domain cgroup (rescap_task_domain()) or
 * one of its ancestors has a policy.
 */
bool rescap_governed(struct task_struct *const task)
{
	struct cgroup *cgrp;
	bool governed;
	int level;

	if (!rescap_grouping())
		return false;
	rcu_read_lock();
	cgrp = rescap_task_domain(task);
	level = cgrp->level + 1;
	governed = rescap_group_next(cgrp, &level);
	rcu_read_unlock();
	return governed;
}

/**
 * rescap_group_tryget - take a reference on a policy found under RCU
 * @group: the policy
 *
 * Return: false when it is being freed.
 */
bool rescap_group_tryget(struct rescap_group *const group)
{
	return refcount_inc_not_zero(&group->ref);
}

static void rescap_group_free_rcu(struct rcu_head *const head)
{
	struct rescap_group *const group =
		container_of(head, struct rescap_group, rcu);

	cgroup_put(group->cgrp);
	kfree(group);
}

/**
 * rescap_group_put - drop a reference
 * @group: the policy, or NULL
 *
 * Context: any context but hard interrupts; freed after a grace period.
 */
void rescap_group_put(struct rescap_group *const group)
{
	if (group && refcount_dec_and_test(&group->ref))
		call_rcu(&group->rcu, rescap_group_free_rcu);
}

static struct rescap_group *rescap_group_lookup(const u64 id)
{
	struct rescap_group *group;

	rcu_read_lock();
	group = rhashtable_lookup(&rescap_groups, &id, rescap_groups_params);
	if (group && (test_bit(0, &group->dead) || !rescap_group_tryget(group)))
		group = NULL;
	rcu_read_unlock();
	return group;
}

/**
 * rescap_group_get - the policy of a cgroup, with a reference
 * @cgrp: the cgroup
 *
 * Return: the policy, or NULL if the cgroup has none.
 */
struct rescap_group *rescap_group_get(struct cgroup *const cgrp)
{
	return rescap_group_lookup(cgroup_id(cgrp));
}

/* Unlinks @group; the caller holds rescap_groups_lock. */
static bool rescap_group_unlink_locked(struct rescap_group *const group)
{
	const unsigned int bit = rescap_level_bit(group->cgrp->level);

	lockdep_assert_held(&rescap_groups_lock);
	if (test_and_set_bit(0, &group->dead))
		return false;
	rhashtable_remove_fast(&rescap_groups, &group->node,
			       rescap_groups_params);
	list_del_rcu(&group->list);
	if (!--rescap_groups_per_level[bit])
		WRITE_ONCE(rescap_groups_levels,
			   rescap_groups_levels & ~BIT(bit));
	rescap_filter_count(group->id, -1);
	if (atomic_dec_and_test(&rescap_nr_groups))
		rescap_hooks_idle();
	rescap_groups_changed();
	return true;
}

static bool rescap_group_unlink(struct rescap_group *const group)
{
	bool unlinked;

	spin_lock(&rescap_groups_lock);
	unlinked = rescap_group_unlink_locked(group);
	spin_unlock(&rescap_groups_lock);
	if (unlinked)
		rescap_group_put(group);	/* the table's reference */
	return unlinked;
}

/*
 * Links a new policy for @cgrp. Returns -ENOENT when the cgroup was
 * removed meanwhile.
 */
static int rescap_group_link(struct rescap_group *const group)
{
	const unsigned int bit = rescap_level_bit(group->cgrp->level);
	int err;

	spin_lock(&rescap_groups_lock);
	err = rhashtable_lookup_insert_fast(&rescap_groups, &group->node,
					    rescap_groups_params);
	if (err)
		goto out;
	group->seq = ++rescap_groups_seq;
	list_add_tail_rcu(&group->list, &rescap_groups_list);
	if (!rescap_groups_per_level[bit]++)
		WRITE_ONCE(rescap_groups_levels,
			   rescap_groups_levels | BIT(bit));
	rescap_filter_count(group->id, 1);
	atomic_inc(&rescap_nr_groups);
	rescap_groups_changed();
	/*
	 * An rmdir that ran its tracepoint before the link found nothing
	 * to unlink; it cleared CSS_ONLINE before it took this lock.
	 */
	if (rescap_cgroup_dead(group->cgrp)) {
		rescap_group_unlink_locked(group);
		err = -ENOENT;
	}
out:
	spin_unlock(&rescap_groups_lock);
	return err;
}

/**
 * rescap_group_alloc - memory for a new policy
 * @gfp: allocation flags
 *
 * Return: a policy for rescap_group_attach(), or NULL.
 */
struct rescap_group *rescap_group_alloc(const gfp_t gfp)
{
	return kzalloc(sizeof(struct rescap_group), gfp);
}

/**
 * rescap_group_attach - make a policy from rescap_group_alloc() a cgroup's
 * @group: the policy (zeroed memory); consumed: linked, or freed
 * @cgrp: the cgroup; a reference is taken
 * @caps: its caps
 *
 * Context: any context but hard interrupts; does not sleep.
 * Return: 0, -EEXIST when the cgroup has a policy already, -ENOENT when it
 * is being removed, or the table's error (-ENOMEM, -EBUSY).
 */
int rescap_group_attach(struct rescap_group *const group,
			struct cgroup *const cgrp,
			const struct rescap_caps *const caps)
{
	int err;

	cgroup_get(cgrp);
	group->cgrp = cgrp;
	group->id = cgroup_id(cgrp);
	refcount_set(&group->ref, 1);
	spin_lock_init(&group->lock);
	group->caps = *caps;
	err = rescap_group_link(group);
	if (err)
		rescap_group_put(group);
	return err;
}

/**
 * rescap_group_set_caps - create or change the policy of a cgroup
 * @cgrp: the cgroup, referenced by the caller
 * @check: called with the caps as they would be (the policy's, or none for
 *         a new one), to change and validate them; may sleep; a non-zero
 *         return is returned and nothing changes
 * @arg: for @check
 *
 * Context: process context, may sleep.
 * Return: 0, the error of @check, -ENOENT when the cgroup is being
 * removed, -ENOMEM, or the error of rescap_hooks_get().
 */
int rescap_group_set_caps(struct cgroup *const cgrp,
			  int (*check)(struct rescap_caps *caps, void *arg),
			  void *const arg)
{
	struct rescap_group *group;
	struct rescap_caps caps;
	int err;

	err = rescap_hooks_get();
	if (err)
		return err;
	mutex_lock(&rescap_groups_mutex);
	group = rescap_group_get(cgrp);
	caps = group ? group->caps : rescap_caps_none;
	err = check(&caps, arg);
	if (err)
		goto out;
	if (group) {
		spin_lock(&group->lock);
		WRITE_ONCE(group->caps.heap, caps.heap);
		WRITE_ONCE(group->caps.fds, caps.fds);
		WRITE_ONCE(group->caps.action, caps.action);
		WRITE_ONCE(group->caps.soft_pct, caps.soft_pct);
		spin_unlock(&group->lock);
		spin_lock(&rescap_groups_lock);
		rescap_groups_changed();
		spin_unlock(&rescap_groups_lock);
		goto out;
	}
	err = -ENOMEM;
	group = rescap_group_alloc(GFP_KERNEL);
	if (!group)
		goto out;
	err = rescap_group_attach(group, cgrp, &caps);
	if (err == -EEXIST)
		err = -EAGAIN;	/* cannot happen under the mutex */
	group = NULL;	/* its reference is the table's, or it is gone */
out:
	mutex_unlock(&rescap_groups_mutex);
	rescap_group_put(group);
	rescap_hooks_put();
	return err;
}

/**
 * rescap_group_remove - remove the policy of a cgroup
 * @cgrp: the cgroup
 *
 * Context: process context.
 * Return: 0, or -ENOENT if it has none.
 */
int rescap_group_remove(struct cgroup *const cgrp)
{
	struct rescap_group *const group = rescap_group_get(cgrp);
	int err = -ENOENT;

	if (group) {
		mutex_lock(&rescap_groups_mutex);
		if (rescap_group_unlink(group))
			err = 0;
		mutex_unlock(&rescap_groups_mutex);
		rescap_group_put(group);
	}
	return err;
}

/**
 * rescap_groups_collect - references on the policies created after a point
 * @after_seq: only policies with a larger sequence number
 * @groups: where to put them, in creation order
 * @max: room in @groups
 *
 * The caller puts each reference.
 *
 * Return: the number of policies stored.
 */
int rescap_groups_collect(const u64 after_seq,
			  struct rescap_group **const groups, const int max)
{
	struct rescap_group *group;
	int n = 0;

	rcu_read_lock();
	list_for_each_entry_rcu(group, &rescap_groups_list, list) {
		if (n >= max)
			break;
		if (group->seq <= after_seq || test_bit(0, &group->dead) ||
		    !rescap_group_tryget(group))
			continue;
		groups[n++] = group;
	}
	rcu_read_unlock();
	return n;
}

/*
 * The cgroup_rmdir tracepoint: the cgroup is offline (CSS_ONLINE
 * cleared), under cgroup_mutex and trace_cgroup_path_lock, interrupts off.
 */
static void rescap_tp_rmdir(void *const data, struct cgroup *const cgrp,
			    const char *const path)
{
	const u64 id = cgroup_id(cgrp);
	struct rescap_group *group;
	bool unlinked = false;

	if (!rescap_grouping())
		return;
	spin_lock(&rescap_groups_lock);
	group = rhashtable_lookup_fast(&rescap_groups, &id,
				       rescap_groups_params);
	if (group)
		unlinked = rescap_group_unlink_locked(group);
	spin_unlock(&rescap_groups_lock);
	if (unlinked)
		rescap_group_put(group);
}

static struct tracepoint *rescap_rmdir_tp;

static void rescap_tp_find(struct tracepoint *const tp, void *const priv)
{
	if (!strcmp(tp->name, "cgroup_rmdir"))
		rescap_rmdir_tp = tp;
}

/**
 * rescap_groups_attach - see cgroups being removed
 *
 * Context: process context, before any policy can be made.
 * Return: 0 or a negative errno (logged).
 */
int rescap_groups_attach(void)
{
	int err = -ENOENT;

	for_each_kernel_tracepoint(rescap_tp_find, NULL);
	if (rescap_rmdir_tp)
		err = tracepoint_probe_register(rescap_rmdir_tp,
						rescap_tp_rmdir, NULL);
	if (err)
		pr_err("cannot attach to tracepoint cgroup_rmdir: %d\n", err);
	return err;
}

/**
 * rescap_groups_detach - stop seeing cgroups being removed
 *
 * Context: process context.
 */
void rescap_groups_detach(void)
{
	tracepoint_probe_unregister(rescap_rmdir_tp, rescap_tp_rmdir, NULL);
	tracepoint_synchronize_unregister();
}

int rescap_groups_init(void)
{
	return rhashtable_init(&rescap_groups, &rescap_groups_params);
}

/**
 * rescap_groups_exit - remove every policy and free the table
 *
 * Context: process context; nothing looks policies up any more.
 */
void rescap_groups_exit(void)
{
	struct rescap_group *groups[32];
	int i, n;

	do {
		n = rescap_groups_collect(0, groups, ARRAY_SIZE(groups));
		for (i = 0; i < n; i++) {
			rescap_group_unlink(groups[i]);
			rescap_group_put(groups[i]);
		}
	} while (n);
	rhashtable_destroy(&rescap_groups);
	rcu_barrier();	/* rescap_group_free_rcu() is module code */
}
