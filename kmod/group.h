/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * rescap - cgroup policies: caps on every member of a cgroup v2 subtree
 */

#ifndef _RESCAP_GROUP_H
#define _RESCAP_GROUP_H

#include <linux/atomic.h>
#include <linux/cgroup.h>
#include <linux/list.h>
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

unsigned long rescap_groups_generation(void);
struct rescap_group *rescap_group_next(struct cgroup *cgrp, int *level);
bool rescap_governed(struct task_struct *task);

struct rescap_group *rescap_group_get(struct cgroup *cgrp);
bool rescap_group_tryget(struct rescap_group *group);
void rescap_group_put(struct rescap_group *group);
int rescap_group_set_caps(struct cgroup *cgrp,
			  int (*check)(struct rescap_caps *caps, void *arg),
			  void *arg);
int rescap_group_remove(struct cgroup *cgrp);
int rescap_groups_collect(u64 after_seq, struct rescap_group **groups,
			  int max);

#endif /* _RESCAP_GROUP_H */
