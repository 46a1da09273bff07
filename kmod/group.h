/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * rescap - cgroup policies: caps on every member of a cgroup v2 subtree
 */

#ifndef _RESCAP_GROUP_H
#define _RESCAP_GROUP_H

#include <linux/atomic.h>
#include <linux/cgroup.h>
#include <linux/list.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/refcount.h>
#include <linux/rhashtable-types.h>
#include <linux/spinlock.h>
#include <linux/types.h>

#include "policy.h"

/**
 * struct rescap_group - the policy of one cgroup
 * @node: link in the table, keyed by @id
 * @list: link in the list of all policies, in creation order
 * @id: the cgroup's id (cgroup_id(), the st_ino of its directory)
 * @cgrp: the cgroup (a reference is held): its path for reports, and
 *        whether it still lives
 * @seq: creation sequence number, the cursor of dumps
 * @ref: references: the table holds one while the policy is linked
 * @rcu: for freeing after a grace period
 * @lock: serializes changes of @caps
 * @caps: the caps; read locklessly with READ_ONCE() on the hot paths
 * @kills: members killed on this policy's caps
 * @dead: unlinked; no new reference may be taken
 */
struct rescap_group {
	struct rhash_head node;
	struct list_head list;
	u64 id;
	struct cgroup *cgrp;
	u64 seq;
	refcount_t ref;
	struct rcu_head rcu;
	spinlock_t lock;	/* serializes writers of @caps */
	struct rescap_caps caps;
	atomic64_t kills;
	unsigned long dead;
};

extern atomic_t rescap_nr_groups;

/**
 * rescap_grouping - whether any cgroup policy exists
 *
 * Return: true while at least one cgroup has a policy.
 */
static inline bool rescap_grouping(void)
{
	return atomic_read(&rescap_nr_groups) != 0;
}

int rescap_groups_init(void);
void rescap_groups_exit(void);
int rescap_groups_attach(void);
void rescap_groups_detach(void);

extern unsigned long rescap_groups_gen;

/**
 * rescap_groups_generation - the current generation of the policies
 *
 * Return: a value that changes whenever a policy is linked, unlinked or
 * changed.
 */
static inline unsigned long rescap_groups_generation(void)
{
	/* Pairs with rescap_groups_changed(). */
	return smp_load_acquire(&rescap_groups_gen);
}

/**
 * struct rescap_cgroup_answer - what a CPU found of one cgroup's policies
 * @cgroup: its id (ids are never reused, cgroup pointers are)
 * @gen: the generation of the policies it was found at
 * @quiet: per resource (&enum rescap_window_index), the highest usage of
 *         a member at which no policy in its ancestry is at a threshold
 *         (rescap_quiet_limit() of each); U64_MAX when none has a cap on
 *         it, as for a cgroup with no policy in its ancestry; 0 when not
 *         known
 */
struct rescap_cgroup_answer {
	u64 cgroup;
	unsigned long gen;
	u64 quiet[RESCAP_WINDOWS];
};

#define RESCAP_CGROUP_SLOTS 64

/**
 * struct rescap_cgroup_cache - the cgroups a CPU weighed last
 * @slot: the last one, per slot: slot I for ids equal to I modulo
 *        %RESCAP_CGROUP_SLOTS (ids come in sequence: cgroups made one
 *        after the other do not share a slot)
 *
 * One per CPU, written by whichever thread last walked a cgroup's
 * ancestry there: found with no policy (rescap_ungoverned_remember()), or
 * the policies weighed for one resource (rescap_cgroup_remember()). The
 * answer depends on the cgroup and the policies only, not on the member,
 * so any thread of that cgroup on that CPU may use it: the next growth of
 * a process of an ungoverned cgroup, or of a governed one that stays
 * within @quiet, is told so with no walk and no call
 * (rescap_current_quiet()).
 */
struct rescap_cgroup_cache {
	struct rescap_cgroup_answer slot[RESCAP_CGROUP_SLOTS];
};

DECLARE_PER_CPU(struct rescap_cgroup_cache, rescap_cgroup_answers);

/**
 * rescap_cgroup_quiet - how far a member of a cgroup can grow unseen
 * @cgrp: the cgroup
 * @gen: rescap_groups_generation(), read before
 * @window: the resource, &enum rescap_window_index
 *
 * Context: preemption disabled (this CPU's answer is read whole); @cgrp
 * pinned (a task's cgroup, read with preemption disabled).
 * Return: &rescap_cgroup_answer.quiet of @window when this CPU weighed
 * @cgrp's policies at @gen, 0 otherwise.
 */
static __always_inline u64
rescap_cgroup_quiet(const struct cgroup *const cgrp, const unsigned long gen,
		    const enum rescap_window_index window)
{
	const u64 id = cgroup_id(cgrp);
	const unsigned int i = id & (RESCAP_CGROUP_SLOTS - 1);

	if (__this_cpu_read(rescap_cgroup_answers.slot[i].gen) != gen ||
	    __this_cpu_read(rescap_cgroup_answers.slot[i].cgroup) != id)
		return 0;
	return __this_cpu_read(rescap_cgroup_answers.slot[i].quiet[window]);
}

/**
 * rescap_ungoverned_cached - whether a cgroup is known to need nothing
 * @cgrp: the cgroup
 * @gen: rescap_groups_generation(), read before
 *
 * Context: as rescap_cgroup_quiet().
 * Return: true when this CPU found no policy in @cgrp's ancestry at @gen,
 * or none with a cap (the same for every growth).
 */
static __always_inline bool
rescap_ungoverned_cached(const struct cgroup *const cgrp,
			 const unsigned long gen)
{
	return rescap_cgroup_quiet(cgrp, gen, RESCAP_WINDOW_HEAP) == U64_MAX &&
	       rescap_cgroup_quiet(cgrp, gen, RESCAP_WINDOW_FDS) == U64_MAX;
}

/**
 * rescap_task_domain - the cgroup whose policies, with its ancestors',
 * govern a task's process
 * @task: the task
 *
 * The domain cgroup every thread of the process shares: the task's
 * cgroup, or, for a thread in a threaded cgroup, its threaded domain. A
 * threaded cgroup cannot have a policy, so every thread of a process is
 * governed by the same policies, wherever its threads are.
 *
 * Context: RCU read side, or preemption disabled.
 * Return: the cgroup, valid while the task's cgroup is.
 */
static __always_inline struct cgroup *
rescap_task_domain(struct task_struct *const task)
{
	return READ_ONCE(task_dfl_cgroup(task)->dom_cgrp);
}

/**
 * rescap_cgroup_threaded - whether a cgroup is threaded
 * @cgrp: the cgroup
 *
 * Return: true for a threaded cgroup (cgroup.type "threaded"), which
 * cannot have a policy.
 */
static inline bool rescap_cgroup_threaded(const struct cgroup *const cgrp)
{
	return READ_ONCE(cgrp->dom_cgrp) != cgrp;
}

struct rescap_group *rescap_group_next(struct cgroup *cgrp, int *level);
bool rescap_governed(struct task_struct *task);
void rescap_ungoverned_remember(const struct cgroup *cgrp, unsigned long gen);
void rescap_cgroup_remember(const struct cgroup *cgrp, unsigned long gen,
			    enum rescap_window_index window, u64 quiet);

struct rescap_group *rescap_group_get(struct cgroup *cgrp);
bool rescap_group_tryget(struct rescap_group *group);
void rescap_group_put(struct rescap_group *group);
struct rescap_group *rescap_group_alloc(gfp_t gfp);
int rescap_group_attach(struct rescap_group *group, struct cgroup *cgrp,
			const struct rescap_caps *caps);
int rescap_group_set_caps(struct cgroup *cgrp,
			  int (*check)(struct rescap_caps *caps, void *arg),
			  void *arg);
int rescap_group_remove(struct cgroup *cgrp);
int rescap_groups_collect(u64 after_seq, struct rescap_group **groups,
			  int max);

#endif /* _RESCAP_GROUP_H */
